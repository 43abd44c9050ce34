"""Translations of the handbook's prose: `content/i18n/<lang>/`, applied like an organization's overlay.

A translation file mirrors its source item (`i18n/de/steps/first-meeting.yml` translates
`steps/first-meeting.yml`) but holds only prose. Lists of things with ids (checklist items,
questions, roles, phases) are written as mappings keyed by the same ids, so ticks and anchors
survive a language switch; other lists (tips, signs) are translated entry by entry. A field the
translation leaves out falls back to the source text, with a warning.

`source:` in a translation file is a short hash of the source item's prose as it was when the
translation was written; when the source changes, the translation is reported as stale.
`rmhandbook translations` prints each item's current hash.

An organization's own items (`orgs/<slug>/steps/...`) are written in the organization's language
and need no translation into it; translations of them live in `orgs/<slug>/i18n/<lang>/`.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints, create_model

from rmhandbook.core.diagnostics import Diagnostics, did_you_mean
from rmhandbook.core.loader import Document
from rmhandbook.core.model import KINDS, Glossary, Id, Markdown, Program, Strict, Term, Text

I18N_FOLDER = "i18n"
SOURCE_LANGUAGE = "en"
TEXT, LIST = "text", "list"


@dataclasses.dataclass(frozen=True)
class ById:
    """A source list of objects with an id field, translated as a mapping id -> translation.

    `spec` is a field spec of the object, or the name of its one prose field (the value is then the text).
    """

    key: str
    spec: Any


@dataclasses.dataclass(frozen=True)
class Each:
    """A source list of objects without ids, translated entry by entry (same order, same length)."""

    spec: dict


@dataclasses.dataclass(frozen=True)
class ByKey:
    """A source mapping keyed by role id (`actions`, `preparation`), translated key by key."""

    spec: str


# What is prose in each kind; everything else (ids, references, numbers, severities) is not translated.
SPECS: dict[str, dict[str, Any]] = {
    "program": {
        "name": TEXT, "summary": TEXT, "introduction": TEXT, "audience": TEXT, "origin": TEXT,
        "roles": ById("id", {"name": TEXT, "description": TEXT, "responsibilities": LIST}),
        "phases": ById("id", {"title": TEXT, "duration": TEXT, "summary": TEXT}),
        "cadence": {"frequency": TEXT, "summary": TEXT},
        "comparison": Each({"aspect": TEXT, "traditional": TEXT, "reverse": TEXT}),
        "examples": Each({"summary": TEXT}),
    },
    "glossary": {"entries": ById("term", {"term": TEXT, "definition": TEXT, "aliases": LIST})},
    "steps": {"title": TEXT, "summary": TEXT, "why": TEXT, "timing": TEXT, "actions": ByKey(TEXT),
              "checklist": ById("id", "text"), "tips": LIST, "tags": LIST},
    "scripts": {"title": TEXT, "situation": TEXT, "text": TEXT, "variations": Each({"title": TEXT, "text": TEXT}),
                "do": LIST, "dont": LIST, "tags": LIST},
    "pitfalls": {"title": TEXT, "signs": LIST, "cause": TEXT, "impact": TEXT, "workaround": TEXT, "tags": LIST},
    "faqs": {"title": TEXT, "summary": TEXT, "questions": ById("id", {"question": TEXT, "answer": TEXT})},
    "sessions": {"title": TEXT, "goal": TEXT, "preparation": ByKey(LIST),
                 "agenda": Each({"title": TEXT, "details": TEXT}), "reflection": {"mentor": TEXT, "mentee": TEXT},
                 "tags": LIST},
    "forms": {"title": TEXT, "summary": TEXT, "purpose": TEXT,
              "sections": ById("id", {"title": TEXT, "intro": TEXT,
                                      "fields": ById("id", {"label": TEXT, "help": TEXT, "options": LIST,
                                                            "low": TEXT, "high": TEXT})}),
              "tags": LIST},
}

SourceHash = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z2-7]{7}$"),
                       Field(description="hash of the source item's prose when this translation was written "
                             "(`rmhandbook translations` prints the current one)", examples=["kq3vx7ab"])]


def _model(spec: dict, name: str, source: type[BaseModel] | None, top: bool = False) -> type[Strict]:
    """A translation model for `spec`; descriptions and examples come from the source model's fields."""
    fields: dict[str, Any] = {}
    if top:
        fields["source"] = (SourceHash | None, None)
    for field, sub in spec.items():
        info, inner = _source_field(source, field)
        if isinstance(sub, ById) and isinstance(sub.spec, str):
            info = _source_field(inner, sub.spec)[0]  # the one prose field of a checklist item
        described = {"description": info.description, "examples": info.examples} if info and sub == TEXT else {}
        fields[field] = (_type(sub, f"{name}{field.title()}", inner) | None, Field(default=None, **described))
    return create_model(name, __base__=Strict, **fields)


def _source_field(model: type[BaseModel] | None, field: str) -> tuple[Any, type[BaseModel] | None]:
    """(field info, the model of its items or value if it has one) of a source model's field."""
    if model is None or field not in model.model_fields:
        return None, None
    info = model.model_fields[field]
    for t in (info.annotation, *typing.get_args(info.annotation)):
        if isinstance(t, type) and issubclass(t, BaseModel):
            return info, t
    return info, None


def _type(sub: Any, name: str, source: type[BaseModel] | None) -> Any:
    if sub == TEXT:
        return Markdown
    if sub == LIST:
        return list[Markdown]
    if isinstance(sub, ById):
        key = Text if sub.key == "term" else Id
        value = Markdown if isinstance(sub.spec, str) else _model(sub.spec, name, source)
        return dict.__class_getitem__((key, value))  # (types made at run time, out of mypy's sight)
    if isinstance(sub, Each):
        return list.__class_getitem__(_model(sub.spec, name, source))
    if isinstance(sub, ByKey):
        return dict.__class_getitem__((Id, _type(sub.spec, name, source)))
    return _model(sub, name, source)


def _translation_models() -> dict[str, type[Strict]]:
    sources: dict[str, type[BaseModel]] = {"program": Program, "glossary": Glossary,
                                           **{kind: k.model for kind, k in KINDS.items()}}
    models = {unit: _model(spec, f"{unit.title()}Translation", sources[unit], top=True) for unit, spec in SPECS.items()}
    program = models["program"]
    example = {"mentor": {"singular": "Mentorin oder Mentor", "plural": "Mentorinnen und Mentoren"}}
    terms: Any = Field(default_factory=dict, examples=[example],
                  description="the language's default words for the terms; an organization's `terms` still win")
    models["program"] = create_model("ProgramTranslation", __base__=program,
                                     terms=(dict[Id, Term], terms))
    return models


MODELS = _translation_models()


# --- fields --------------------------------------------------------------------

def _join(label: str, part: Any) -> str:
    return f"{label}.{part}" if label else str(part)


def source_fields(data: Any, spec: Any, loc: tuple = (), label: str = "") -> Iterator[tuple[str, tuple, str]]:
    """(label, location in the source, text) of every prose field of a source item's data."""
    if spec == TEXT:
        if isinstance(data, str):
            yield label, loc, data
    elif spec == LIST:
        for i, value in enumerate(data if isinstance(data, list) else []):
            if isinstance(value, str):
                yield _join(label, i), loc + (i,), value
    elif isinstance(spec, ById):
        for i, entry in enumerate(data if isinstance(data, list) else []):
            if isinstance(entry, dict) and isinstance(entry.get(spec.key), str):
                key = _join(label, entry[spec.key])
                if isinstance(spec.spec, str):
                    yield from source_fields(entry.get(spec.spec), TEXT, loc + (i, spec.spec), key)
                else:
                    yield from source_fields(entry, spec.spec, loc + (i,), key)
    elif isinstance(spec, Each):
        for i, entry in enumerate(data if isinstance(data, list) else []):
            yield from source_fields(entry, spec.spec, loc + (i,), _join(label, i))
    elif isinstance(spec, ByKey):
        for key, value in (data.items() if isinstance(data, dict) else []):
            yield from source_fields(value, spec.spec, loc + (key,), _join(label, key))
    elif isinstance(spec, dict) and isinstance(data, dict):
        for field, sub in spec.items():
            if field in data:
                yield from source_fields(data[field], sub, loc + (field,), _join(label, field))


def translation_fields(data: Any, spec: Any, loc: tuple = (), label: str = "") -> Iterator[tuple[str, tuple, str]]:
    """(label, location in the translation, text) of every field a translation gives (same labels as the source)."""
    if isinstance(spec, ById):
        for key, entry in (data.items() if isinstance(data, dict) else []):
            sub = TEXT if isinstance(spec.spec, str) else spec.spec
            yield from translation_fields(entry, sub, loc + (key,), _join(label, key))
    elif isinstance(spec, dict) and isinstance(data, dict):
        for field, sub in spec.items():
            if data.get(field) is not None:
                yield from translation_fields(data[field], sub, loc + (field,), _join(label, field))
    else:
        yield from source_fields(data, spec, loc, label)


def source_hash(data: Any, unit: str) -> str:
    """A short hash of an item's prose as written (term references unresolved), to notice a changed source."""
    pairs = sorted((label, text) for label, _, text in source_fields(data, SPECS[unit]))
    digest = hashlib.sha256(json.dumps(pairs, ensure_ascii=False).encode()).digest()
    # a letter first, so that YAML never reads it as a number (`24591275`, `123e4567`)
    return "abcdefghijklmnopqrstuvwxyz"[digest[0] % 26] + base64.b32encode(digest[1:]).decode()[:7].lower()


def language_terms(doc: Document | None) -> dict[str, Any]:
    """The usable `terms` of a translation's program.yml (the model reports malformed ones)."""
    raw = doc.data.get("terms") if doc is not None and isinstance(doc.data, dict) else None
    if not isinstance(raw, dict):
        return {}
    return {k: v for k, v in raw.items()
            if isinstance(v, str) or (isinstance(v, dict) and isinstance(v.get("singular"), str))}


def _set(data: Any, loc: tuple, value: str) -> None:
    for part in loc[:-1]:
        data = data[part]
    data[loc[-1]] = value


# --- applying ------------------------------------------------------------------

@dataclasses.dataclass
class ItemCoverage:
    """How far one item (or program.yml, glossary.yml) is translated."""

    unit: str  # "program", "glossary" or a kind
    item_id: str | None
    source: Path
    translation: Path  # the translation file, or where it would go
    exists: bool
    total: int
    current_hash: str
    missing: list[str] = dataclasses.field(default_factory=list)
    stale: bool = False
    unhashed: bool = False  # a translation without `source:`
    native: bool = False  # an organization's own item, written in the language

    @property
    def name(self) -> str:
        return self.unit if self.item_id is None else f"{self.unit}/{self.item_id}"

    @property
    def translated(self) -> int:
        return self.total - len(self.missing)


@dataclasses.dataclass
class Coverage:
    language: str
    items: list[ItemCoverage] = dataclasses.field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not any(i.missing or i.stale for i in self.items)

    def by_unit(self) -> dict[str, tuple[int, int]]:
        """unit -> (fields translated, fields in all)."""
        out: dict[str, tuple[int, int]] = {}
        for i in self.items:
            done, total = out.get(i.unit, (0, 0))
            out[i.unit] = (done + i.translated, total + i.total)
        return out


class Reader(typing.Protocol):
    def document(self, path: Path, diags: Diagnostics) -> Document | None: ...

    def validate(self, doc: Document, model: type, what: str, terms: Any, diags: Diagnostics) -> Any: ...


@dataclasses.dataclass
class _Run:
    reader: Reader
    language: str
    terms: Any
    diags: Diagnostics
    mode: str  # "warn", "fallback" or "complete": what a missing or stale field does (org.yml's `translations`)
    coverage: Coverage

    def missing(self, path: Path, line: int, column: int, message: str) -> None:
        """Report a missing or stale translation as the mode asks: an error, a warning, or not at all."""
        if self.mode == "complete":
            self.diags.error(path, line, column, message)
        elif self.mode == "warn":
            self.diags.warning(path, line, column, message)


FileFinder = typing.Callable[[Path, Diagnostics, Path], tuple[dict[str, Path], dict[str, dict[str, Path]]]]


def translate(hb: Any, reader: Reader, language: str, terms: Any, diags: Diagnostics, find_files: FileFinder,
              mode: str = "warn") -> tuple[Any, Coverage]:
    """The handbook with its prose in `language` (a new Handbook), and how complete that is.

    Missing fields fall back to the source text with a warning (`mode` "warn"), silently ("fallback")
    or not at all: an error ("complete"). A stale translation is reported the same way.
    `find_files` lists a content folder's files (handbook.find_content_files, which imports this module).
    """
    run = _Run(reader, language, terms, diags, mode, Coverage(language))
    base = hb.content_dir / I18N_FOLDER / language
    singles, kinds = _translation_files(find_files, base, hb.content_dir, diags)
    profile = hb.organization
    org_kinds: dict[str, dict[str, Path]] = {}
    if profile is not None:
        _, org_kinds = _translation_files(find_files, profile.folder / I18N_FOLDER / language, hb.content_dir, diags)
    program = _apply(run, "program", None, hb.program, hb.program_doc, singles.get("program", base / "program.yml"))
    if profile is not None and profile.model.program_name and profile.model.language == language:
        program = program.model_copy(update={"name": profile.model.program_name})  # the organization's name wins
    glossary = hb.glossary
    if glossary is not None:
        glossary = _apply(run, "glossary", None, glossary, hb.glossary_doc,
                          singles.get("glossary", base / "glossary.yml"))
    items: dict[str, dict[str, Any]] = {}
    for kind, kind_items in hb.items.items():
        items[kind] = {}
        for item_id, item in kind_items.items():
            if item_id in hb.overlaid.get(kind, ()):
                if profile.model.language == language:  # written in the language: nothing to translate
                    _native(run, kind, item)
                    items[kind][item_id] = item
                    continue
                found = org_kinds.get(kind, {})
                where = profile.folder / I18N_FOLDER / language / kind / f"{item_id}.yml"
            else:
                found, where = kinds.get(kind, {}), base / kind / f"{item_id}.yml"
            path = found.get(item_id, where)
            model = _apply(run, kind, item_id, item.model, item.doc, path)
            if model is not item.model:  # the page cache tells translations apart by their text
                translation = run.reader.document(path, diags)
                item = dataclasses.replace(item, model=model, translation=translation)
            items[kind][item_id] = item
    for folder_kinds, overlaid in ((kinds, False), (org_kinds, True)):
        _check_orphans(hb, folder_kinds, overlaid, diags)
    return dataclasses.replace(hb, program=program, glossary=glossary, items=items), run.coverage


def _native(run: _Run, kind: str, item: Any) -> None:
    run.coverage.items.append(ItemCoverage(kind, item.id, item.path, item.path, True, 0,
                                           source_hash(item.doc.data, kind), native=True))


def _translation_files(find_files: FileFinder, folder: Path, root: Path, diags: Diagnostics
                       ) -> tuple[dict[str, Path], dict[str, dict[str, Path]]]:
    return find_files(folder, diags, root) if folder.is_dir() else ({}, {})


def _check_orphans(hb: Any, kinds: dict[str, dict[str, Path]], overlaid: bool, diags: Diagnostics) -> None:
    """A translation of an item that does not exist is an error (a renamed or misspelt file)."""
    for kind, files in kinds.items():
        known = set(hb.overlaid.get(kind, ())) if overlaid else set(hb.items.get(kind, ()))
        hidden = set(hb.hidden.get(kind, ()))
        for item_id, path in files.items():
            if item_id in known or item_id in hidden or item_id == "*":
                continue
            if not overlaid and item_id in hb.overlaid.get(kind, ()):
                continue  # the organization replaced the item; its own translations apply
            diags.error(path, 1, 1, f"this file translates `{kind}/{item_id}`, but there is no such "
                        f"{KINDS[kind].singular}.{did_you_mean(item_id, known)} A translation has the file name "
                        f"of its source item, for example `{kind}/{next(iter(sorted(known)), 'first-meeting')}.yml`.")


def _apply(run: _Run, unit: str, item_id: str | None, model: BaseModel, doc: Document, path: Path) -> Any:
    spec = SPECS[unit]
    wanted = {label: loc for label, loc, _ in source_fields(doc.data, spec)}
    cov = ItemCoverage(unit, item_id, doc.path, path, path.is_file(), len(wanted), source_hash(doc.data, unit))
    run.coverage.items.append(cov)
    given = _read_translation(run, unit, cov, wanted) if cov.exists else {}
    cov.missing = [label for label in wanted if label not in given]
    if cov.missing:
        m = doc.mark(wanted[cov.missing[0]])
        shown = ", ".join(f"`{label}`" for label in cov.missing[:5]) + (", ..." if len(cov.missing) > 5 else "")
        where = run.diags.display_path(path)
        report = run.missing
        if not cov.exists:
            report(doc.path, m.line, m.column, f"not translated into `{run.language}` (no file {where}); the "
                   f"source text is shown instead. Create it with `source: {cov.current_hash}` and the prose "
                   f"fields translated, for example `{cov.missing[0].split('.')[0]}: ...`.")
        else:
            report(doc.path, m.line, m.column,
                   f"not translated into `{run.language}`: {shown} ({len(cov.missing)} of {cov.total} fields); "
                   f"the source text is shown instead. Add the translation to {where}, for example "
                   f"`{cov.missing[0].split('.')[0]}: ...`.")
    if not given:
        return model
    data = model.model_dump()
    for label, text in given.items():
        _set(data, wanted[label], text)
    return type(model).model_validate(data)


def _not_prose(run: _Run, unit: str, tdoc: Document, cov: ItemCoverage) -> bool:
    """Report the source's fields that are not prose (`phase`, `order`, `steps`); True if there were any."""
    source_model = KINDS[unit].model if unit in KINDS else None
    if source_model is None or not isinstance(tdoc.data, dict):
        return False
    found = [key for key in tdoc.data if key in source_model.model_fields and key not in SPECS[unit]]
    for key in found:
        m = tdoc.key_mark((key,))
        run.diags.error(tdoc.path, m.line, m.column,
                        f"`{key}` is not prose, so it is not translated: the translation keeps the value in "
                        f"{run.diags.display_path(cov.source)}. Remove it here; a {unit} translation gives "
                        f"{', '.join(SPECS[unit])}, for example `title: ...`.")
    return bool(found)


def _read_translation(run: _Run, unit: str, cov: ItemCoverage, wanted: dict[str, tuple]) -> dict[str, str]:
    """label -> translated text (terms put in) of one translation file; reports unknown fields and a stale hash."""
    tdoc = run.reader.document(cov.translation, run.diags)
    if tdoc is None or _not_prose(run, unit, tdoc, cov):
        return {}
    translation = run.reader.validate(tdoc, MODELS[unit], f"{unit} translation", run.terms, run.diags)
    if translation is None:
        return {}
    given: dict[str, str] = {}
    prefixes = {".".join(label.split(".")[:k]) for label in wanted for k in range(1, label.count(".") + 2)}
    reported: set[str] = set()
    for label, loc, text in translation_fields(translation.model_dump(exclude_none=True), SPECS[unit]):
        if label in wanted:
            given[label] = text
            continue
        parts = label.split(".")
        k = next((k for k in range(1, len(parts) + 1) if ".".join(parts[:k]) not in prefixes), len(parts))
        unknown = ".".join(parts[:k])  # the first part with no counterpart: a misspelt id, not each field under it
        if unknown in reported:
            continue
        reported.add(unknown)
        m = tdoc.key_mark(loc[:k]) if isinstance(loc[k - 1], str) else tdoc.mark(loc[:k])
        run.diags.error(tdoc.path, m.line, m.column,
                        f"`{unknown}` has no counterpart in {run.diags.display_path(cov.source)}, so there is "
                        f"nothing to translate.{did_you_mean(unknown, sorted(prefixes))} A translation uses the "
                        f"source's field names and ids, for example `{next(iter(wanted), 'title')}`.")
    if translation.source is None:
        cov.unhashed = True
        m = tdoc.mark(())
        run.diags.warning(tdoc.path, m.line, m.column, "no `source:` hash, so a later change of the source "
                          f"cannot be noticed; add `source: {cov.current_hash}` once the translation matches "
                          f"{run.diags.display_path(cov.source)}.")
    elif translation.source != cov.current_hash:
        cov.stale = True
        m = tdoc.mark(("source",))
        run.missing(tdoc.path, m.line, m.column, f"stale translation: {run.diags.display_path(cov.source)} has "
               f"changed since it was translated (`source: {translation.source}`, now `{cov.current_hash}`). "
               f"Check the translation against the source, then write `source: {cov.current_hash}`.")
    return given


# --- the coverage report ---------------------------------------------------------

def coverage_report(coverage: Coverage, relative: typing.Callable[[Path], str]) -> str:
    """`rmhandbook translations`: coverage per kind, then what is missing and what is stale."""
    lines = [f"Translation into `{coverage.language}`:"]
    done_all = total_all = 0
    for unit, (done, total) in coverage.by_unit().items():
        items = [i for i in coverage.items if i.unit == unit]
        whole = sum(1 for i in items if not i.missing and not i.stale)
        percent = 100 * done // total if total else 100
        lines.append(f"  {unit:<10} {done:>5}/{total:<5} fields {percent:>3}%   {whole}/{len(items)} items complete")
        done_all, total_all = done_all + done, total_all + total
    lines.append(f"  {'total':<10} {done_all:>5}/{total_all:<5} fields "
                 f"{100 * done_all // total_all if total_all else 100:>3}%")
    missing = [i for i in coverage.items if i.missing]
    if missing:
        lines += ["", "Missing (the source text is shown instead):"]
        for i in missing:
            if not i.exists:
                lines.append(f"  {i.name}: no file {relative(i.translation)} ({i.total} fields; "
                             f"start it with `source: {i.current_hash}`)")
            else:
                shown = ", ".join(i.missing[:8]) + (f", ... ({len(i.missing)} in all)" if len(i.missing) > 8 else "")
                lines.append(f"  {i.name}: {shown}")
    stale = [i for i in coverage.items if i.stale or i.unhashed]
    if stale:
        lines += ["", "Stale or unchecked (compare with the source, then write the new `source:`):"]
        for i in stale:
            why = "the source changed since it was translated" if i.stale else "no `source:` hash"
            lines.append(f"  {i.name}: {relative(i.translation)}: {why}; write `source: {i.current_hash}`")
    lines += ["", "complete" if coverage.complete else
              f"incomplete: {len(missing)} items with missing fields, {sum(i.stale for i in coverage.items)} stale"]
    return "\n".join(lines)
