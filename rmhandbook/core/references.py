"""Where a model refers to other items: found through the `RefTo` marks in its field types.

Used by the cross-checks (every reference resolves), the backlinks on pages, and
an organization's overlays (links to hidden items are left out).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from rmhandbook.core.model import RefTo


def iter_references(model: BaseModel, loc: tuple = ()) -> Iterator[tuple[tuple, str, str]]:
    """(loc, kind, id) of every reference in a model, found through `RefTo` in its field types."""
    for name, annotation, kind in _reference_fields(type(model)):
        yield from _walk(annotation, getattr(model, name), loc + (name,), kind)


_REFERENCE_FIELDS: dict[type, list[tuple[str, Any, str | None]]] = {}


def _reference_fields(cls: type[BaseModel]) -> list[tuple[str, Any, str | None]]:
    """The fields of a model class that can hold references (prose fields are skipped: a large
    handbook has tens of thousands of them, and walking them showed up in profiles)."""
    plan = _REFERENCE_FIELDS.get(cls)
    if plan is None:
        plan = []
        for name, field in cls.model_fields.items():
            refs = [m for m in field.metadata if isinstance(m, RefTo)]
            if refs or _may_refer(field.annotation):
                plan.append((name, field.annotation, refs[0].kind if refs else None))
        _REFERENCE_FIELDS[cls] = plan
    return plan


def _may_refer(ann: Any) -> bool:
    if ann is Any:
        return True
    if isinstance(ann, type):
        return issubclass(ann, BaseModel)
    if typing.get_origin(ann) is typing.Annotated:
        base, *meta = typing.get_args(ann)
        return any(isinstance(m, RefTo) for m in meta) or _may_refer(base)
    return any(_may_refer(arg) for arg in typing.get_args(ann))


def _walk(ann: Any, value: Any, loc: tuple, kind: str | None) -> Iterator[tuple[tuple, str, str]]:
    origin = typing.get_origin(ann)
    if origin is typing.Annotated:
        base, *meta = typing.get_args(ann)
        refs = [m for m in meta if isinstance(m, RefTo)]
        yield from _walk(base, value, loc, refs[0].kind if refs else kind)
        return
    if origin in (typing.Union, types.UnionType) and not isinstance(value, BaseModel):
        # an optional reference (`Annotated[Id, RefTo(...)] | None`): the mark is on the first member
        yield from _walk(typing.get_args(ann)[0], value, loc, kind)
        return
    if isinstance(value, BaseModel):
        yield from iter_references(value, loc)
        return
    if isinstance(value, str):
        if kind:
            yield loc, kind, value
        return
    if isinstance(value, list):
        args = typing.get_args(ann)
        for i, v in enumerate(value):
            yield from _walk(args[0] if args else Any, v, loc + (i,), kind)
        return
    if isinstance(value, dict):
        args = typing.get_args(ann)
        for k, v in value.items():
            yield from _walk(args[1] if len(args) > 1 else Any, v, loc + (k,), None)
        return


def iter_raw_references(cls: type[BaseModel], data: Any, loc: tuple = ()) -> Iterator[tuple[tuple, str, str]]:
    """(loc, kind, id) of the references in data that failed validation as `cls`, as far as its shape allows.

    A file with one invalid field still has references worth checking: an invalid `phase:`
    must not hide an unknown `role:` in the same file.
    """
    if not isinstance(data, dict):
        return
    for name, annotation, kind in _reference_fields(cls):
        if name in data:
            yield from _walk_raw(annotation, data[name], loc + (name,), kind)


def _walk_raw(ann: Any, value: Any, loc: tuple, kind: str | None) -> Iterator[tuple[tuple, str, str]]:
    origin = typing.get_origin(ann)
    if origin is typing.Annotated:
        base, *meta = typing.get_args(ann)
        refs = [m for m in meta if isinstance(m, RefTo)]
        yield from _walk_raw(base, value, loc, refs[0].kind if refs else kind)
    elif isinstance(ann, type) and issubclass(ann, BaseModel):
        yield from iter_raw_references(ann, value, loc)
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(ann):  # the member that fits the value's shape
            if isinstance(arg, type) and issubclass(arg, BaseModel) and isinstance(value, dict):
                yield from iter_raw_references(arg, value, loc)
                return
        for arg in typing.get_args(ann):
            if arg is not type(None):
                yield from _walk_raw(arg, value, loc, kind)
                return
    elif isinstance(value, str):
        if kind:
            yield loc, kind, value
    elif isinstance(value, list) and origin is list:
        (item,) = typing.get_args(ann) or (Any,)
        for i, v in enumerate(value):
            yield from _walk_raw(item, v, loc + (i,), kind)
    elif isinstance(value, dict) and origin is dict:
        args = typing.get_args(ann)
        for k, v in value.items():
            yield from _walk_raw(args[1] if len(args) > 1 else Any, v, loc + (k,), None)
