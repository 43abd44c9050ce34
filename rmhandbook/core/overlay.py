"""An organization's handbook: the links to items it hides are taken out of the items that remain."""

from __future__ import annotations

import dataclasses
from typing import Any

from pydantic import BaseModel

from rmhandbook.core.diagnostics import Diagnostics
from rmhandbook.core.loader import Document
from rmhandbook.core.model import KINDS
from rmhandbook.core.references import iter_references


def drop_hidden_references(program: Any, program_doc: Document, items: dict[str, dict[str, Any]],
                           profile: Any, hidden: dict[str, set[str]], diags: Diagnostics
                           ) -> tuple[Any, dict[str, dict[str, Any]]]:
    """Links to hidden items taken out of the program and the items that remain (new models; the
    given ones are left as they are), each reported where it is written.

    A hidden item has no page, so a link to it would dangle; the link is left
    out of the organization's handbook, and a warning names the place so the
    author can check that the prose around it still reads well.
    """
    if not any(hidden.values()):
        return program, items
    slug = profile.slug
    hide_line = profile.doc.key_mark(("hide",)).line

    def is_hidden(kind: str, ref: str) -> bool:
        if kind == "checklist":  # `step-id/item-id`: hidden with its step
            return ref.partition("/")[0] in hidden.get("steps", ())
        return ref in hidden.get(kind, ())

    def without_hidden(doc: Document, model: BaseModel) -> BaseModel:
        drop = [loc for loc, kind, ref in iter_references(model) if is_hidden(kind, ref)]
        if not drop:
            return model
        for loc in drop:
            kind = next(k for lc, k, _ in iter_references(model) if lc == loc)
            ref = _get(model, loc)
            m = doc.mark(loc)
            what = "checklist item" if kind == "checklist" else KINDS[kind].singular
            hidden_id = ref.partition("/")[0] if kind == "checklist" else ref
            in_overlay = doc.path.resolve().is_relative_to(profile.folder.resolve())
            fix = ("Remove the link from this file" if in_overlay else
                   f"To link something else instead, put your own version of this file in "
                   f"orgs/{slug}/{doc.path.parent.name}/")
            diags.warning(doc.path, m.line, m.column,
                          f"`{_field_name(loc)}` links to the {what} `{ref}`, which organization "
                          f"`{slug}` hides (orgs/{slug}/org.yml line {hide_line}); the link is left out of its "
                          f"handbook. {fix}, or stop hiding `{hidden_id}`.")
        data = model.model_dump()
        for loc in sorted(drop, reverse=True):  # later list items first, so earlier indices stay valid
            parent = data
            for part in loc[:-1]:
                parent = parent[part]
            del parent[loc[-1]]
        return type(model).model_validate(data)

    kept = {kind: {item_id: _with_model(item, without_hidden(item.doc, item.model))
                   for item_id, item in kind_items.items()}
            for kind, kind_items in items.items()}
    return without_hidden(program_doc, program), kept  # the program: roles' `start_with`


def _with_model(item: Any, model: BaseModel) -> Any:
    return item if model is item.model else dataclasses.replace(item, model=model)


def _get(model: BaseModel, loc: tuple) -> Any:
    value: Any = model
    for part in loc:
        value = value[part] if isinstance(part, int) or isinstance(value, dict) else getattr(value, part)
    return value


def _field_name(loc: tuple) -> str:
    return next((p for p in reversed(loc) if isinstance(p, str)), "reference")
