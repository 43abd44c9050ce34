"""Assemble a validated `Handbook` from a content folder.

load (YAML with marks) -> terms -> model validation -> cross-checks.
Every problem in every file is collected; `load_handbook` raises one
`ContentError` carrying all of them, or returns a handbook that is
complete and consistent (every reference resolves).
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import typing
from pathlib import Path
from typing import Any, Iterator

from pydantic import BaseModel, ValidationError

from .diagnostics import ContentError, Diagnostics, did_you_mean, working_on
from .loader import Document, load_document
from .model import (CHECKLIST_REF_PATTERN, ID_EXAMPLE, ID_PATTERN, KINDS, NO_MARKUP_PATTERN, REQUIRED_ROLES,
                    REQUIRED_TERMS, FaqTopic, Glossary, Pitfall, Program, RefTo, Script, Session, Step, Strict)
from .terms import Terms

import re

if typing.TYPE_CHECKING:  # pragma: no cover
    from .org import OrgProfile

_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclasses.dataclass
class Item:
    """One validated content item and where it came from."""

    kind: str
    id: str
    model: Any
    doc: Document

    @property
    def path(self) -> Path:
        return self.doc.path


@dataclasses.dataclass
class Handbook:
    content_dir: Path
    program: Program
    program_doc: Document
    terms: Terms
    items: dict[str, dict[str, Item]]  # kind -> id -> item, in display order
    glossary: Glossary | None
    glossary_doc: Document | None
    warnings: list = dataclasses.field(default_factory=list)
    # set when built for an organization (`content/orgs/<slug>/`)
    organization: "OrgProfile | None" = None
    hidden: dict[str, set[str]] = dataclasses.field(default_factory=dict)  # kind -> ids left out
    overlaid: dict[str, set[str]] = dataclasses.field(default_factory=dict)  # kind -> ids from the org folder

    @property
    def language(self) -> str:
        """The language of the handbook's own labels: the organization's, else the default."""
        from .messages import DEFAULT_LANGUAGE

        return self.organization.model.language if self.organization else DEFAULT_LANGUAGE

    # convenient typed views -------------------------------------------------
    @property
    def steps(self) -> dict[str, Step]:
        return {k: v.model for k, v in self.items["steps"].items()}

    @property
    def scripts(self) -> dict[str, Script]:
        return {k: v.model for k, v in self.items["scripts"].items()}

    @property
    def pitfalls(self) -> dict[str, Pitfall]:
        return {k: v.model for k, v in self.items["pitfalls"].items()}

    @property
    def faqs(self) -> dict[str, FaqTopic]:
        return {k: v.model for k, v in self.items["faqs"].items()}

    @property
    def sessions(self) -> dict[str, Session]:
        """Session plans in partnership order (by week); empty when there is no sessions/ folder."""
        return {k: v.model for k, v in self.items.get("sessions", {}).items()}

    def session_minutes(self, session: Session) -> int:
        """A session's planned length: its own `minutes`, else the program cadence's."""
        return session.minutes if session.minutes is not None else self.program.cadence.minutes

    def source(self, kind: str, item_id: str) -> Path:
        return self.items[kind][item_id].path

    @property
    def roles(self) -> dict:
        return {r.id: r for r in self.program.roles}

    @property
    def phases(self) -> dict:
        return {p.id: p for p in self.program.phases}


def find_content_files(content_dir: Path) -> tuple[dict[str, Path], dict[str, dict[str, Path]], list[tuple[Path, str]]]:
    """(single files, kind -> id -> path, files that cannot be items) under a content folder."""
    singles = {}
    for name in ("program", "glossary"):
        for ext in (".yml", ".yaml"):
            p = content_dir / f"{name}{ext}"
            if p.is_file():
                singles.setdefault(name, p)
    kinds: dict[str, dict[str, Path]] = {}
    bad: list[tuple[Path, str]] = []
    for kind in KINDS:
        found: dict[str, Path] = {}
        folder = content_dir / kind
        if folder.is_dir():
            for p in sorted(folder.iterdir()):
                if p.suffix not in (".yml", ".yaml") or not p.is_file():
                    continue
                if p.stem in found:
                    bad.append((p, f"`{p.name}` and `{found[p.stem].name}` both define the id `{p.stem}`; "
                                   "keep one of them."))
                    continue
                found[p.stem] = p
        kinds[kind] = found
    return singles, kinds, bad


class HandbookBuilder:
    """Loads and validates content; keeps parsed files so an unchanged file is not parsed twice.

    One builder lives for the whole `mkdocs serve` session: an edit re-parses
    and re-validates only the files whose bytes (or the terms) changed.
    """

    def __init__(self) -> None:
        self._docs: dict[Path, tuple[bytes, Document | None, list]] = {}
        self._models: dict[tuple[Path, str], tuple[bytes, str, Any, list]] = {}
        # the last handbook built from each content folder, and what it was built from
        self._built: dict[Path, tuple[tuple, Handbook, list]] = {}
        self.stats = {"parsed": 0, "validated": 0, "reused": 0}

    # -- files --------------------------------------------------------------
    def document(self, path: Path, diags: Diagnostics) -> Document | None:
        try:
            raw = path.read_bytes()
        except OSError:
            raw = b""
        cached = self._docs.get(path)
        if cached and cached[0] == raw:
            diags.extend(cached[2])
            return cached[1]
        local = Diagnostics(diags.root)
        with working_on(path):
            doc = load_document(path, local)
        self.stats["parsed"] += 1
        self._docs[path] = (raw, doc, list(local))
        diags.extend(local)
        return doc

    def validate(self, doc: Document, model: type[Strict], what: str, terms: Terms | None,
                 diags: Diagnostics) -> Any | None:
        key = (doc.path, model.__name__)
        raw = doc.text.encode()
        fingerprint = terms.fingerprint if terms else ""
        cached = self._models.get(key)
        if cached and cached[0] == raw and cached[1] == fingerprint:
            self.stats["reused"] += 1
            diags.extend(cached[3])
            return cached[2]
        local = Diagnostics(diags.root)
        with working_on(doc.path):
            result = validate_document(doc, model, what, terms, local)
        self.stats["validated"] += 1
        self._models[key] = (raw, fingerprint, result, list(local))
        diags.extend(local)
        return result

    # -- the whole handbook -------------------------------------------------
    def build(self, content_dir: Path, diags: Diagnostics | None = None,
              organization: str | None = None) -> Handbook:
        """The handbook in `content_dir`; with `organization`, that organization's version of it.

        An organization's build is the default content with the items in
        `orgs/<slug>/{steps,scripts,pitfalls,faqs}/` put over it (same id
        replaces, new id adds), the items its `hide` list names left out,
        and its `terms` put over program.yml's.
        """
        from .org import check_terms, load_profile, resolve_hidden

        content_dir = Path(content_dir)
        if diags is None:  # (an empty collection is falsy: test for None)
            diags = Diagnostics(content_dir.parent)
        if not content_dir.is_dir():
            diags.error(content_dir, 1, 1, f"content folder `{content_dir}` does not exist; expected a folder with "
                        "program.yml and steps/, scripts/, pitfalls/, faqs/ (`rmhandbook new DIR` makes one).")
            raise ContentError(diags)
        singles, kinds, bad = find_content_files(content_dir)
        for path, msg in bad:
            diags.error(path, 1, 1, msg)
        if "program" not in singles:
            diags.error(content_dir / "program.yml", 1, 1, "program.yml is missing; every handbook needs one. "
                        "For example:\n    name: Reverse Mentoring Program\n    summary: ...")
            raise ContentError(diags)

        profile = None
        overlaid: dict[str, set[str]] = {kind: set() for kind in kinds}
        hidden: dict[str, set[str]] = {kind: set() for kind in kinds}
        if organization is not None:
            profile = load_profile(self, content_dir, organization, diags)
            if profile is not None:
                org_singles, org_kinds, org_bad = find_content_files(profile.folder)
                for path, msg in org_bad:
                    diags.error(path, 1, 1, msg)
                for name, path in org_singles.items():
                    diags.error(path, 1, 1, f"an organization folder cannot replace {path.name}; program-wide "
                                "changes go into org.yml (`terms`, `program_name`), and items into its steps/, "
                                "scripts/, pitfalls/ and faqs/ folders.")
                for kind, files in org_kinds.items():
                    kinds[kind] = {**kinds[kind], **files}
                    overlaid[kind] = set(files)
                hidden = resolve_hidden(profile, {kind: set(files) for kind, files in kinds.items()}, diags)
                for kind, ids in hidden.items():
                    kinds[kind] = {i: p for i, p in kinds[kind].items() if i not in ids}

        program_doc = self.document(singles["program"], diags)
        terms = None
        if program_doc is not None:
            terms = program_terms(program_doc, diags, profile.model.terms if profile else None)
            raw_terms = program_doc.data.get("terms") if isinstance(program_doc.data, dict) else None
            if profile is not None and isinstance(raw_terms, dict):
                check_terms(profile, set(raw_terms), diags)
        program = self.validate(program_doc, Program, "program.yml", terms, diags) if program_doc else None
        if program is not None and profile is not None and profile.model.program_name:
            # like a term's word, the organization's text is escaped where it lands (render.py, safety.py)
            program = program.model_copy(update={"name": profile.model.program_name})

        glossary = glossary_doc = None
        if "glossary" in singles:
            glossary_doc = self.document(singles["glossary"], diags)
            if glossary_doc is not None:
                glossary = self.validate(glossary_doc, Glossary, "glossary", terms, diags)

        items: dict[str, dict[str, Item]] = {}
        for kind, files in kinds.items():
            items[kind] = {}
            for item_id, path in files.items():
                if not _ID_RE.match(item_id):
                    diags.error(path, 1, 1, f"file name `{path.name}` is not a valid id; ids use lower-case letters, "
                                f"digits and single hyphens, for example `{ID_EXAMPLE}.yml`.")
                    continue
                doc = self.document(path, diags)
                if doc is None:
                    continue
                model = self.validate(doc, KINDS[kind].model, KINDS[kind].singular, terms, diags)
                if model is not None:
                    items[kind][item_id] = Item(kind, item_id, model, doc)

        if program is None or (organization is not None and profile is None):
            raise ContentError(diags)  # roles, phases and terms are unknown: cross-checks would only guess
        # Built from the very same validated objects as last time (`rmhandbook build` checks the
        # content, then the plugin builds it again): the cross-checks would find what they found.
        # Only for the default handbook: an organization's profile is read afresh every time.
        signature = None
        if organization is None and not diags.errors:
            signature = (diags.root, id(program), id(program_doc), id(glossary), terms.fingerprint if terms else "",
                         tuple((kind, item_id, id(item.model), id(item.doc))
                               for kind, kind_items in items.items() for item_id, item in kind_items.items()),
                         tuple((kind, tuple(files)) for kind, files in kinds.items()))
            previous = self._built.get(content_dir)
            if previous is not None and previous[0] == signature:
                diags.extend(previous[2])
                return previous[1]
        checks_from = len(diags)
        handbook = Handbook(content_dir, program, program_doc, terms or Terms({}), items, glossary, glossary_doc,
                            organization=profile, hidden=hidden, overlaid=overlaid)
        order_items(handbook)
        check_program(program, program_doc, diags)
        check_items(handbook, diags)
        if profile is not None:
            drop_hidden_references(handbook, diags)
        # ids of files that exist but failed validation still count as known, so that one
        # broken file is reported once and not again as a missing reference everywhere
        check_references(handbook, diags, {kind: set(files) for kind, files in kinds.items()})
        if diags.errors:
            raise ContentError(diags)
        handbook.warnings = diags.warnings
        if signature is not None:  # (the objects it names stay alive in the caches above)
            self._built[content_dir] = (signature, handbook, diags.since(checks_from))
        return handbook


def load_handbook(content_dir: Path | str, diags: Diagnostics | None = None,
                  organization: str | None = None) -> Handbook:
    """Load, validate and cross-check a content folder (for one organization, if given).

    Raises `ContentError` listing every problem.
    """
    return HandbookBuilder().build(Path(content_dir), diags, organization)


# One builder per content folder for the life of the process: `mkdocs serve` creates
# new plugin objects for every rebuild, and the CLI checks content before it builds;
# the builder's cache is what lets either re-parse only the files that changed.
_SHARED: dict[Path, HandbookBuilder] = {}


def shared_builder(content_dir: Path) -> HandbookBuilder:
    return _SHARED.setdefault(Path(content_dir).resolve(), HandbookBuilder())


# --- terms -------------------------------------------------------------------

def program_terms(doc: Document, diags: Diagnostics, org_terms: typing.Mapping[str, Any] | None = None) -> Terms | None:
    """Read the `terms` mapping first: every other field may refer to it.

    An organization's terms (already validated) are put over program.yml's, key by key.
    """
    data = doc.data if isinstance(doc.data, dict) else {}
    raw = data.get("terms")
    if not isinstance(raw, dict):
        return None  # the model reports a missing or malformed mapping
    usable = {k: v for k, v in raw.items()
              if isinstance(v, str) or (isinstance(v, dict) and isinstance(v.get("singular"), str))}
    missing = [t for t in REQUIRED_TERMS if t not in raw]
    for t in missing:
        m = doc.key_mark(("terms",))
        diags.error(doc.path, m.line, m.column, f"`terms` is missing `{t}`; every handbook defines "
                    f"{', '.join(REQUIRED_TERMS)}. For example `{t}: {t.replace('-', ' ')}`.")
    return Terms({**usable, **(org_terms or {})})


def _strings(value: Any, loc: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, loc + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, loc + (i,))


def _substituted(value: Any, terms: Terms) -> Any:
    if isinstance(value, str):
        return terms.substitute(value)
    if isinstance(value, dict):
        return {k: _substituted(v, terms) for k, v in value.items()}
    if isinstance(value, list):
        return [_substituted(v, terms) for v in value]
    return value


# --- validation --------------------------------------------------------------

def validate_document(doc: Document, model: type[Strict], what: str, terms: Terms | None,
                      diags: Diagnostics) -> Any | None:
    data = doc.data
    if terms is not None:
        skip_terms = model is Program  # the terms mapping itself is not prose
        for loc, text in _strings(data, ()):
            if skip_terms and loc[:1] == ("terms",):
                continue
            for offset, name in terms.unknown(text):
                m = doc.text_mark(loc, offset)
                diags.error(doc.path, m.line, m.column,
                            f"unknown term `[[{name}]]`.{did_you_mean(name, terms.names())} "
                            f"Terms defined in program.yml: {', '.join(sorted(terms.forms))}; "
                            "write for example `[[mentor]]`, `[[mentors]]` or `[[Mentor]]`.")
        if model is Program and isinstance(data, dict):
            data = {k: (v if k == "terms" else _substituted(v, terms)) for k, v in data.items()}
        else:
            data = _substituted(data, terms)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        report_validation_error(doc, model, what, exc, diags)
        return None


def _schema_at(schema: dict, defs: dict, loc: tuple) -> dict:
    """The JSON schema of the value at `loc` (best effort), for examples and allowed keys."""
    node = schema
    for part in loc:
        node = _deref(node, defs)
        if "anyOf" in node and isinstance(part, str):  # a union: the member that has this field
            members = [_deref(n, defs) for n in node["anyOf"]]
            node = next((n for n in members if part in n.get("properties", {})), node)
        if isinstance(part, int):
            node = node.get("items", {})
        elif "properties" in node and part in node["properties"]:
            node = node["properties"][part]
        elif isinstance(node.get("additionalProperties"), dict):
            node = node["additionalProperties"]
        elif node.get("patternProperties"):  # dict[Id, ...]: one pattern, the id pattern
            node = next(iter(node["patternProperties"].values()))
        else:
            return {}
    return _deref(node, defs)


def _deref(node: dict, defs: dict) -> dict:
    for _ in range(10):
        if "$ref" in node:
            node = defs.get(node["$ref"].split("/")[-1], {})
        elif "anyOf" in node and len([n for n in node["anyOf"] if n.get("type") != "null"]) == 1:
            node = next(n for n in node["anyOf"] if n.get("type") != "null")
        else:
            return node
    return node


_SCHEMAS: dict[type, dict] = {}


def _schema(model: type[Strict]) -> dict:
    if model not in _SCHEMAS:
        _SCHEMAS[model] = model.model_json_schema()
    return _SCHEMAS[model]


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"`{str(value).lower()}` (a true/false value)"
    if isinstance(value, (int, float)):
        return f"the number `{value}`"
    if isinstance(value, str):
        short = value if len(value) <= 40 else value[:37] + "..."
        return f"the text `{short}`" if value else "empty text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing (an empty value)"
    return type(value).__name__


def _example(field: str, node: dict) -> str:
    ex = node.get("examples")
    if ex:
        v = ex[0]
        if isinstance(v, (dict, list)):
            return f"`{field}: {json.dumps(v)}`"
        if isinstance(v, str) and (v.startswith(("#", "*", "&", "!", "%", "@", "`")) or ": " in v):
            return f"`{field}: {json.dumps(v, ensure_ascii=False)}`"  # would not survive YAML unquoted
        return f"`{field}: {v}`"
    t = node.get("type")
    if t == "array":
        item = node.get("items", {})
        if item.get("examples"):
            return f"`{field}: [{item['examples'][0]}]`"
        return f"`{field}: [first, second]`"
    if t == "integer":
        return f"`{field}: 10`"
    if t == "boolean":
        return f"`{field}: true`"
    if t == "object":
        return f"`{field}:` followed by indented `key: value` lines"
    if "enum" in node:
        return f"`{field}: {node['enum'][0]}`"
    return f"`{field}: ...`"


def _clean_loc(data: Any, loc: tuple, error_type: str) -> tuple:
    """Drop the union-member and validator names pydantic puts into `loc`."""
    out: list = []
    cur = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(cur, dict) and isinstance(part, str) and part in cur:
            out.append(part)
            cur = cur[part]
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            out.append(part)
            cur = cur[part]
        elif last and error_type in ("missing", "extra_forbidden") and isinstance(part, str):
            out.append(part)
        elif isinstance(part, str) and (part[:1].isupper() or part in ("str", "int", "bool", "list", "dict")
                                         or "[" in part or "-" in part and not isinstance(cur, dict)):
            continue
        else:
            out.append(part)
    return tuple(out)


def report_validation_error(doc: Document, model: type[Strict], what: str, exc: ValidationError,
                            diags: Diagnostics) -> None:
    schema = _schema(model)
    defs = schema.get("$defs", {})
    seen_locs: set[tuple] = set()
    errors = exc.errors(include_url=False)
    # several missing fields in one mapping make one message, not one line each
    missing: dict[tuple, list[str]] = {}
    for err in errors:
        if err["type"] == "missing":
            loc = _clean_loc(doc.data, tuple(err["loc"]), "missing")
            missing.setdefault(loc[:-1], []).append(str(loc[-1]))
    # a misspelt key (`titel`) also leaves its field (`title`) missing: one message says both
    misspelt: dict[tuple, str] = {}
    for err in errors:
        if err["type"] == "extra_forbidden":
            loc = _clean_loc(doc.data, tuple(err["loc"]), "extra_forbidden")
            close = difflib.get_close_matches(str(loc[-1]), missing.get(loc[:-1], []), n=1, cutoff=0.6)
            if close and close[0] not in misspelt.values():
                misspelt[loc] = close[0]
    for loc, field in misspelt.items():
        missing[loc[:-1]].remove(field)
    for parent, fields in missing.items():
        if len(fields) < 2:
            continue
        m = doc.mark(parent)
        first = fields[0]
        diags.error(doc.path, m.line, m.column,
                    f"missing required fields in {_where(parent, what)}: {', '.join(f'`{f}`' for f in fields)}; "
                    f"for example {_example(first, _schema_at(schema, defs, parent + (first,)))}.")
    for err in errors:
        etype = err["type"]
        loc = _clean_loc(doc.data, tuple(err["loc"]), etype)
        if etype == "missing" and (len(missing.get(loc[:-1], ())) > 1 or str(loc[-1]) not in missing.get(loc[:-1], ())):
            continue  # said in the message for several fields, or for the misspelt key
        if (loc, etype in ("missing", "extra_forbidden")) in seen_locs:
            continue  # one message per place, even when a union tried several shapes
        seen_locs.add((loc, etype in ("missing", "extra_forbidden")))
        field = next((p for p in reversed(loc) if isinstance(p, str)), None)
        node = _schema_at(schema, defs, loc)
        where = _where(loc, what)
        value = err.get("input")
        if etype == "missing":
            m = doc.mark(loc[:-1])
            parent_node = _schema_at(schema, defs, loc[:-1])
            desc = node.get("description")
            diags.error(doc.path, m.line, m.column,
                        f"missing required field `{field}` in {_where(loc[:-1], what)}"
                        f"{f' ({desc})' if desc else ''}; for example {_example(field, node)}.")
            del parent_node
            continue
        if etype == "extra_forbidden":
            m = doc.key_mark(loc)
            parent = _schema_at(schema, defs, loc[:-1])
            allowed = list(parent.get("properties", {}))
            if loc in misspelt:
                right = misspelt[loc]
                diags.error(doc.path, m.line, m.column,
                            f"unknown field `{field}` in {_where(loc[:-1], what)}, and the required field `{right}` "
                            f"is missing. Did you mean `{right}`? For example "
                            f"{_example(right, _schema_at(schema, defs, loc[:-1] + (right,)))}.")
                continue
            diags.error(doc.path, m.line, m.column,
                        f"unknown field `{field}` in {_where(loc[:-1], what)}.{did_you_mean(str(field), allowed)} "
                        f"Allowed fields: {', '.join(allowed)}.")
            continue
        m = doc.mark(loc)
        name = f"`{field}`" if field is not None and not isinstance(loc[-1] if loc else None, int) else where
        if loc and isinstance(loc[-1], int) and field is not None:
            name = f"item {loc[-1] + 1} of `{field}`"
        if not loc:
            diags.error(doc.path, m.line, m.column,
                        f"a {what} file must be a mapping of fields; found {_describe(value)}."
                        f"{_missing_space_hint(value)} For example:\n    {_first_example(schema)}")
            continue
        ex_field = field if field is not None else "value"
        if etype in ("string_type",):
            hint = ""
            if isinstance(value, bool):
                hint = f" Put quotes around it if it is meant as text: `{ex_field}: \"{str(value).lower()}\"`."
            elif isinstance(value, (int, float)):
                hint = f" Put quotes around it if it is meant as text: `{ex_field}: \"{value}\"`."
            elif value is None and str((node.get("examples") or [""])[0]).startswith("#"):
                hint = (" An unquoted `#` starts a YAML comment, so the value is empty; put it in quotes, "
                        f"for example {_example(ex_field, node)}.")
            diags.error(doc.path, m.line, m.column, f"{name} must be text; found {_describe(value)}.{hint or ' For example ' + _example(ex_field, node) + '.'}")
        elif etype in ("int_type", "int_parsing"):
            hint = ""
            if isinstance(value, str) and value.strip().lstrip("0").isdigit() and value.strip().startswith("0"):
                hint = " Numbers do not start with 0 here (YAML 1.1 would read `0755` as an octal number)."
            elif isinstance(value, str) and value.strip().isdigit():
                hint = " Remove the quotes around the number."
            diags.error(doc.path, m.line, m.column, f"{name} must be a whole number; found {_describe(value)}.{hint} "
                        f"For example {_example(ex_field, node)}.")
        elif etype == "bool_type":
            diags.error(doc.path, m.line, m.column, f"{name} must be `true` or `false`; found {_describe(value)}. "
                        "Words such as yes, no, on and off are not booleans here.")
        elif etype == "list_type":
            diags.error(doc.path, m.line, m.column, f"{name} must be a list; found {_describe(value)}. "
                        f"For example {_example(ex_field, node)}.")
        elif etype in ("dict_type", "model_type", "model_attributes_type"):
            diags.error(doc.path, m.line, m.column, f"{name} must be a mapping of fields; found {_describe(value)}."
                        f"{_missing_space_hint(value)} For example {_example(ex_field, node)}.")
        elif etype == "string_pattern_mismatch" and node.get("pattern") == NO_MARKUP_PATTERN:
            diags.error(doc.path, m.line, m.column, f"{name} must be plain text without `<` or `>`; found "
                        f"{_describe(value)}. Names are shown as they are written, never as HTML. "
                        f"For example {_example(ex_field, node)}.")
        elif etype == "string_pattern_mismatch" and err.get("ctx", {}).get("pattern") == CHECKLIST_REF_PATTERN:
            diags.error(doc.path, m.line, m.column, f"{name} is `{value}`, which is not a checklist item reference; "
                        "write the step id and the item id with a slash between them, for example "
                        "`first-meeting/book-slots`.")
        elif etype == "string_pattern_mismatch" and node.get("pattern", ID_PATTERN) != ID_PATTERN:
            # not an id: a colour, an email address, a web address... the field says what it expects
            expected = node.get("description") or f"text matching `{node['pattern']}`"
            diags.error(doc.path, m.line, m.column, f"{name} `{value}` is not valid: expected {expected}; "
                        f"for example {_example(ex_field, node)}.")
        elif etype == "string_pattern_mismatch":
            diags.error(doc.path, m.line, m.column, f"{name} is `{value}`, which is not a valid id; ids use lower-case letters, "
                        f"digits and single hyphens, for example `{ID_EXAMPLE}`.")
        elif etype == "string_too_short":
            diags.error(doc.path, m.line, m.column, f"{name} must not be empty; for example {_example(ex_field, node)}.")
        elif etype == "literal_error":
            choices = node.get("enum") or [c.strip("'") for c in str(err.get("ctx", {}).get("expected", "")).replace(" or ", ", ").split(", ")]
            diags.error(doc.path, m.line, m.column, f"{name} must be one of {', '.join(map(str, choices))}; "
                        f"found {_describe(value)}.{did_you_mean(str(value), map(str, choices))}")
        elif etype == "too_short":
            least = err.get("ctx", {}).get("min_length", 1)
            found = len(value) if isinstance(value, (list, dict)) else 0
            diags.error(doc.path, m.line, m.column,
                        f"{name} needs at least {least} item{'s' if least != 1 else ''}; found "
                        f"{found or 'none'}. For example {_list_example(ex_field, node, defs)}.")
        elif etype in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
            low, high = node.get("minimum"), node.get("maximum")
            bounds = (f"from {low} to {high}" if low is not None and high is not None
                      else f"at least {low}" if low is not None else f"at most {high}")
            diags.error(doc.path, m.line, m.column, f"{name} must be a whole number {bounds}; found "
                        f"{_describe(value)}. For example {_example(ex_field, node)}.")
        elif etype == "union_tag_invalid" or etype.startswith("union"):
            diags.error(doc.path, m.line, m.column, f"{name} has the wrong shape: {err['msg']}.")
        else:
            diags.error(doc.path, m.line, m.column, f"{name}: {err['msg'][0].lower() + err['msg'][1:]}; "
                        f"found {_describe(value)}.")


def _list_example(field: str, node: dict, defs: dict) -> str:
    """A one-line example list, built from the examples of its item's required fields."""
    item = _deref(node.get("items", {}), defs)
    if item.get("type") == "object" and item.get("properties"):
        fields = []
        for key in item.get("required", []):
            ex = item["properties"][key].get("examples") or _deref(item["properties"][key], defs).get("examples")
            fields.append(f"{key}: {ex[0] if ex and not isinstance(ex[0], (dict, list)) else '...'}")
        return f"`{field}: [{{{', '.join(fields)}}}]`"
    return _example(field, node)


def _missing_space_hint(value: Any) -> str:
    """`title:Hold` is one text, not a key and a value: say so when a mapping was expected."""
    if isinstance(value, str):
        m = re.match(r"([A-Za-z_][\w-]*):(\S.*)", value.split("\n", 1)[0])
        if m:
            return f" A key needs a space after its colon: `{m.group(1)}: {m.group(2)}`."
    return ""


def _first_example(schema: dict) -> str:
    required = schema.get("required", [])
    props = schema.get("properties", {})
    lines = []
    for key in required[:2]:
        ex = props.get(key, {}).get("examples")
        lines.append(f"{key}: {ex[0] if ex and not isinstance(ex[0], (dict, list)) else '...'}")
    return "\n    ".join(lines) or "title: ..."


def _where(loc: tuple, what: str) -> str:
    if not loc:
        return f"this {what}"
    parts = []
    for p in loc:
        parts.append(f"[{p + 1}]" if isinstance(p, int) else (("." if parts else "") + str(p)))
    return "`" + "".join(parts) + "`"


# --- cross-checks ------------------------------------------------------------

def order_items(hb: Handbook) -> None:
    phase_index = {p.id: i for i, p in enumerate(hb.program.phases)}
    steps = hb.items["steps"]
    hb.items["steps"] = dict(sorted(steps.items(), key=lambda kv: (phase_index.get(kv[1].model.phase, 1 << 30),
                                                                  kv[1].model.order, kv[0])))
    for kind in ("scripts", "pitfalls"):
        hb.items[kind] = dict(sorted(hb.items[kind].items(), key=lambda kv: (kv[1].model.title.lower(), kv[0])))
    hb.items["faqs"] = dict(sorted(hb.items["faqs"].items(), key=lambda kv: (kv[1].model.order, kv[0])))
    hb.items["sessions"] = dict(sorted(hb.items.get("sessions", {}).items(),
                                       key=lambda kv: (kv[1].model.week, kv[0])))
    for kind in hb.items:
        if kind not in ("steps", "scripts", "pitfalls", "faqs", "sessions"):
            hb.items[kind] = dict(sorted(hb.items[kind].items(), key=lambda kv: _sort_key(kv)))


def _sort_key(kv: tuple[str, Item]) -> tuple:
    model = kv[1].model
    return (getattr(model, "order", 0), kv[0])


def _dupes(doc: Document, entries: list, attr: str, loc: tuple, what: str, diags: Diagnostics) -> None:
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries):
        value = getattr(entry, attr)
        if value in seen:
            m = doc.mark(loc + (i, attr))
            diags.error(doc.path, m.line, m.column, f"duplicate {what} `{value}` (also item {seen[value] + 1}); "
                        f"each {what} must be unique, for example `{value}-2`.")
        else:
            seen[value] = i


def check_program(program: Program, doc: Document, diags: Diagnostics) -> None:
    _dupes(doc, program.roles, "id", ("roles",), "role id", diags)
    _dupes(doc, program.phases, "id", ("phases",), "phase id", diags)
    ids = {r.id for r in program.roles}
    for rid in REQUIRED_ROLES:
        if rid not in ids:
            m = doc.key_mark(("roles",))
            diags.error(doc.path, m.line, m.column, f"`roles` has no `{rid}` role; every handbook defines "
                        f"{', '.join(REQUIRED_ROLES)}. For example `- id: {rid}` with a name and description.")


def check_items(hb: Handbook, diags: Diagnostics) -> None:
    role_ids = set(hb.roles)
    for item in hb.items["steps"].values():
        step: Step = item.model
        _dupes(item.doc, step.checklist, "id", ("checklist",), "checklist item id", diags)
        for role in step.actions:
            if role not in role_ids:
                m = item.doc.key_mark(("actions", role))
                diags.error(item.path, m.line, m.column, f"`actions` names an unknown role `{role}`."
                            f"{did_you_mean(role, role_ids)} Roles: {', '.join(sorted(role_ids))}.")
    for item in hb.items["faqs"].values():
        _dupes(item.doc, item.model.questions, "id", ("questions",), "question id", diags)
    if hb.glossary is not None and hb.glossary_doc is not None:
        _dupes(hb.glossary_doc, hb.glossary.entries, "term", ("entries",), "glossary term", diags)
    check_sessions(hb, diags)


def check_sessions(hb: Handbook, diags: Diagnostics) -> None:
    """Session plans: known roles, a week range that runs forwards, one meeting per week, and an
    agenda that fills the meeting exactly (the printed plan and the calendar event must agree)."""
    role_ids = set(hb.roles)
    taken: dict[int, str] = {}
    for sid, item in hb.items.get("sessions", {}).items():
        session: Session = item.model
        for role in session.preparation:
            if role not in role_ids:
                m = item.doc.key_mark(("preparation", role))
                diags.error(item.path, m.line, m.column, f"`preparation` names an unknown role `{role}`."
                            f"{did_you_mean(role, role_ids)} Roles: {', '.join(sorted(role_ids))}.")
        if session.until_week is not None and session.until_week < session.week:
            m = item.doc.mark(("until_week",))
            diags.error(item.path, m.line, m.column, f"`until_week` ({session.until_week}) is before `week` "
                        f"({session.week}); a range runs forwards, for example `week: {session.until_week}` and "
                        f"`until_week: {session.week}`, or leave `until_week` out for a single meeting.")
            continue
        for week in session.weeks:
            if week in taken:
                m = item.doc.mark(("week",))
                diags.error(item.path, m.line, m.column, f"week {week} already has a meeting: "
                            f"`sessions/{taken[week]}.yml`; the pair meets once a week, so give each week one "
                            "session (change `week` or `until_week`).")
                break
            taken[week] = sid
        for i, part in enumerate(session.agenda):
            if part.details and "\n\n" in part.details.strip():
                m = item.doc.mark(("agenda", i, "details"))
                diags.error(item.path, m.line, m.column, f"`details` of agenda item {i + 1} has several paragraphs; "
                            "it is printed in one table cell, so write one paragraph (move the rest to the "
                            "session's `goal` or `preparation`).")
        planned = hb.session_minutes(session)
        total = sum(a.minutes for a in session.agenda)
        if total != planned:
            m = item.doc.key_mark(("agenda",))
            parts = " + ".join(str(a.minutes) for a in session.agenda)
            source = "its `minutes`" if session.minutes is not None else "the program's `cadence.minutes`"
            diags.error(item.path, m.line, m.column, f"the agenda adds up to {total} minutes ({parts}) but the "
                        f"meeting lasts {planned} minutes ({source}); change the agenda's minutes so they add up "
                        f"to {planned}, or set the session's length, for example `minutes: {total}`.")


def reference_index(hb: Handbook) -> dict[str, set[str]]:
    index = {kind: set(items) for kind, items in hb.items.items()}
    index["roles"] = set(hb.roles)
    index["phases"] = set(hb.phases)
    index["checklist"] = {f"{sid}/{c.id}" for sid, item in hb.items["steps"].items() for c in item.model.checklist}
    index["questions"] = {f"{tid}/{q.id}" for tid, item in hb.items["faqs"].items() for q in item.model.questions}
    return index


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
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        for arg in typing.get_args(ann):
            yield from _walk(arg, value, loc, kind)
            return


KIND_EXAMPLE_FOLDER = {"steps": "steps", "scripts": "scripts", "pitfalls": "pitfalls", "faqs": "faqs",
                       "sessions": "sessions"}


def check_references(hb: Handbook, diags: Diagnostics, present: dict[str, set[str]] | None = None) -> None:
    index = reference_index(hb)
    for kind, ids in (present or {}).items():
        index[kind] = index.get(kind, set()) | ids
    sources: list[tuple[Document, BaseModel]] = [(hb.program_doc, hb.program)]
    for items in hb.items.values():
        sources += [(it.doc, it.model) for it in items.values()]
    for doc, model in sources:
        for loc, kind, ref in iter_references(model):
            known = index.get(kind, set())
            if ref in known:
                continue
            m = doc.mark(loc)
            if kind in KIND_EXAMPLE_FOLDER:
                where = f"no file `{kind}/{ref}.yml`"
            elif kind in ("roles", "phases"):
                where = f"no {kind[:-1]} with id `{ref}` in program.yml"
            elif kind == "checklist":
                where = f"no checklist item `{ref}` (written as `step-id/item-id`)"
            else:
                where = f"no {kind} item `{ref}`"
            choices = ", ".join(sorted(known)[:8]) + (", ..." if len(known) > 8 else "")
            diags.error(doc.path, m.line, m.column, f"reference to a missing item: {where}.{did_you_mean(ref, known)}"
                        f"{' Known ids: ' + choices + '.' if known else ''}")


# --- organization overlays -----------------------------------------------------

def drop_hidden_references(hb: Handbook, diags: Diagnostics) -> None:
    """Take links to hidden items out of the items that remain, reporting each one where it is written.

    A hidden item has no page, so a link to it would dangle; the link is left
    out of the organization's handbook, and a warning names the place so the
    author can check that the prose around it still reads well.
    """
    profile = hb.organization
    if profile is None or not any(hb.hidden.values()):
        return
    slug = profile.slug
    hide_line = profile.doc.key_mark(("hide",)).line

    def is_hidden(kind: str, ref: str) -> bool:
        if kind == "checklist":  # `step-id/item-id`: hidden with its step
            return ref.partition("/")[0] in hb.hidden.get("steps", ())
        return ref in hb.hidden.get(kind, ())

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

    hb.program = without_hidden(hb.program_doc, hb.program)  # roles' `start_with`
    for items in hb.items.values():
        for item in items.values():
            item.model = without_hidden(item.doc, item.model)


def _get(model: BaseModel, loc: tuple) -> Any:
    value: Any = model
    for part in loc:
        value = value[part] if isinstance(part, int) or isinstance(value, dict) else getattr(value, part)
    return value


def _field_name(loc: tuple) -> str:
    return next((p for p in reversed(loc) if isinstance(p, str)), "reference")
