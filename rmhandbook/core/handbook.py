"""Assemble a validated `Handbook` from a content folder.

load (YAML with marks, loader.py) -> terms -> model validation (validation.py) -> cross-checks
(here; references are found by references.py) -> an organization's overlay (org.py, overlay.py).
Every problem in every file is collected; `load_handbook` raises one
`ContentError` carrying all of them, or returns a handbook that is
complete and consistent (every reference resolves).
"""

from __future__ import annotations

import dataclasses
import re
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from rmhandbook.core.diagnostics import ContentError, Diagnostics, did_you_mean, working_on
from rmhandbook.core.loader import Document, load_document
from rmhandbook.core.model import (ID_EXAMPLE, KINDS, REQUIRED_ROLES, REQUIRED_TERMS, FaqTopic, Glossary, Pitfall, Program, Script,
                    Session, Step, Strict)
from rmhandbook.core.org import OrgProfile, check_terms, load_profile, resolve_hidden
from rmhandbook.core.overlay import drop_hidden_references
from rmhandbook.core.prose import check_prose
from rmhandbook.core.references import iter_references
from rmhandbook.core.terms import Terms
from rmhandbook.core.validation import validate_document

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
        from rmhandbook.render.messages import DEFAULT_LANGUAGE

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
        check_prose([program_doc, glossary_doc, profile.doc if profile else None,
                     *(item.doc for kind_items in items.values() for item in kind_items.values())], diags)
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
