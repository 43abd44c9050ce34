"""Assemble a validated `Handbook` from a content folder.

load (YAML with marks, loader.py) -> terms -> model validation (validation.py) -> cross-checks
(here; references are found by references.py) -> an organization's overlay (org.py, overlay.py).
Every problem in every file is collected; `load_handbook` raises one
`ContentError` carrying all of them, or returns a handbook that is
complete and consistent (every reference resolves).
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from rmhandbook.core.diagnostics import ContentError, Diagnostics, did_you_mean, printable, working_on
from rmhandbook.core.loader import Document, UnreadableFile, load_document, read_bytes
from rmhandbook.core.model import (
    CHECKLIST_REF_PATTERN,
    ID_EXAMPLE,
    ID_PATTERN,
    KINDS,
    REQUIRED_ROLES,
    REQUIRED_TERMS,
    SINGLE_FILES,
    FaqTopic,
    Form,
    FormField,
    Glossary,
    Pitfall,
    Program,
    Script,
    Session,
    Step,
    Strict,
)
from rmhandbook.core.org import OrgProfile, check_terms, load_profile, resolve_hidden
from rmhandbook.core.overlay import drop_hidden_references
from rmhandbook.core.prose import check_prose
from rmhandbook.core.references import iter_raw_references, iter_references
from rmhandbook.core.terms import Terms
from rmhandbook.core.translations import I18N_FOLDER, SOURCE_LANGUAGE, language_terms, translate
from rmhandbook.core.validation import validate_document

_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclasses.dataclass(frozen=True)
class Item:
    """One validated content item and where it came from."""

    kind: str
    id: str
    model: Any
    doc: Document
    translation: Document | None = None  # the file its prose was translated from, if any

    @property
    def path(self) -> Path:
        return self.doc.path

    @property
    def text(self) -> str:
        """What its page depends on: the source file's text, and its translation's."""
        return self.doc.text if self.translation is None else f"{self.doc.text}\0{self.translation.text}"


@dataclasses.dataclass(frozen=True)
class Handbook:
    """A validated, cross-checked handbook; an organization's version is another Handbook, not a changed one."""

    content_dir: Path
    program: Program
    program_doc: Document
    terms: Terms
    items: dict[str, dict[str, Item]]  # kind -> id -> item, in display order
    glossary: Glossary | None
    glossary_doc: Document | None
    warnings: list = dataclasses.field(default_factory=list)
    # set when built for an organization (`content/orgs/<slug>/`)
    organization: OrgProfile | None = None
    hidden: dict[str, set[str]] = dataclasses.field(default_factory=dict)  # kind -> ids left out
    overlaid: dict[str, set[str]] = dataclasses.field(default_factory=dict)  # kind -> ids from the org folder
    translated_into: str | None = None  # the language of its prose, when translated (translations.py)
    built_in: str | None = None  # the language it was built in (an organization's other site language, e.g. `en`)
    coverage: Any = None  # translations.Coverage, when translated

    @property
    def language(self) -> str:
        """The language of the handbook's labels and prose: its translation's, the organization's, else the default."""
        from rmhandbook.core.languages import DEFAULT_LANGUAGE

        chosen = self.translated_into or self.built_in
        if chosen:
            return chosen
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

    @property
    def forms(self) -> dict[str, Form]:
        """Working documents by title; empty when there is no forms/ folder."""
        return {k: v.model for k, v in self.items.get("forms", {}).items()}

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


_YAML_SUFFIXES = (".yml", ".yaml")
# what else a content folder may hold at its top: organizations and the editors' JSON schemas
_OTHER_FOLDERS = ("orgs", "schema", "i18n")
UNREAD = "*"  # the id recorded for a folder that could not be listed


def find_content_files(content_dir: Path, diags: Diagnostics, root: Path | None = None,
                       readable: tuple[str, ...] = ("program", "glossary")
                       ) -> tuple[dict[str, Path], dict[str, dict[str, Path]]]:
    """(single files, kind -> id -> path) under a content folder (`root`: the one symlinks must stay in;
    `readable`: the files read at its top, named without `.yml`).

    Whatever looks like content but will not be read is reported: an entry named `*.yml` that is
    not a file, a symlink out of the content folder, a file or folder beside the known ones.
    """
    root = root or content_dir
    singles: dict[str, Path] = {}
    for name in SINGLE_FILES:
        for ext in _YAML_SUFFIXES:
            p = content_dir / f"{name}{ext}"
            if _usable(p, root, diags):
                singles.setdefault(name, p)
    kinds: dict[str, dict[str, Path]] = {}
    for kind in KINDS:
        found: dict[str, Path] = {}
        folder = content_dir / kind
        entries = _entries(folder, diags) if folder.is_dir() else []
        if entries is None:
            found[UNREAD] = folder  # its ids are unknown, not missing: references to them are not checked
        for p in entries or []:
            if p.suffix not in _YAML_SUFFIXES or not _usable(p, root, diags):
                continue
            if p.stem in found:
                diags.error(p, 1, 1, f"`{printable(p.name)}` and `{found[p.stem].name}` both define the id "
                            f"`{printable(p.stem)}`; keep one of them.")
                continue
            found[p.stem] = p
        kinds[kind] = found
    _warn_unread(content_dir, readable, diags)
    return singles, kinds


def _overlay(profile: OrgProfile, content_dir: Path, kinds: dict[str, dict[str, Path]],
             overlaid: dict[str, set[str]], diags: Diagnostics) -> dict[str, set[str]]:
    """Put an organization's item files over `kinds` (in place); returns the ids its `hide` list leaves out."""
    org_singles, org_kinds = find_content_files(profile.folder, diags, content_dir, readable=("org",))
    for _name, path in org_singles.items():
        diags.error(path, 1, 1, f"an organization folder cannot replace {path.name}; program-wide "
                    "changes go into org.yml (`terms`, `program_name`), and items into its steps/, "
                    "scripts/, pitfalls/ and faqs/ folders.")
    for kind, files in org_kinds.items():
        kinds[kind] = {**kinds[kind], **files}
        overlaid[kind] = set(files)
    hidden = resolve_hidden(profile, {kind: set(files) for kind, files in kinds.items()}, diags)
    for kind, ids in hidden.items():
        kinds[kind] = {i: p for i, p in kinds[kind].items() if i not in ids}
    return hidden


def _entries(folder: Path, diags: Diagnostics) -> list[Path] | None:
    try:
        return sorted(folder.iterdir())
    except OSError as exc:
        diags.error(folder, 0, 0, f"cannot read folder: {exc.strerror or exc}. Check its permissions "
                    "(the folder must be readable and searchable, for example `chmod 755`).")
        return None


def _usable(p: Path, root: Path, diags: Diagnostics) -> bool:
    """Whether `p` is a content file to read; warns about (or refuses) what only looks like one."""
    if not p.is_symlink() and not p.exists():
        return False
    name = printable(p.name)
    if p.is_symlink():
        try:
            target = p.resolve(strict=True)
        except (OSError, RuntimeError):
            diags.warning(p, 1, 1, f"`{name}` is a symbolic link to nothing (its target is missing), so it is "
                          "ignored. Remove the link, or point it at a file in the content folder.")
            return False
        if not target.is_relative_to(root.resolve()):
            # never read: its text would be quoted back in error messages
            diags.error(p, 1, 1, f"`{name}` is a symbolic link to a file outside the content folder; such "
                        "links are not followed. Copy the file into the content folder instead.")
            return False
    if not p.is_file():
        what = "a folder" if p.is_dir() else "not a regular file (a named pipe or a device)"
        diags.warning(p, 1, 1, f"`{name}` is {what}, so it is ignored; content files are plain YAML files. "
                      "Rename or remove it.")
        return False
    return True


def _warn_unread(content_dir: Path, top_files: tuple[str, ...], diags: Diagnostics) -> None:
    """Warn about YAML files and folders of YAML files at the top that nothing reads (`faq/`, `step.yml`)."""
    readable = [f"{name}.yml" for name in top_files]
    known_files = {f"{name}{ext}" for name in (*top_files, *SINGLE_FILES) for ext in _YAML_SUFFIXES}
    known_folders = [*KINDS, *_OTHER_FOLDERS]
    folders = ", ".join(f"{k}/" for k in KINDS)
    for p in _entries(content_dir, diags) or []:
        if p.name.startswith(".") or p.name in known_files or p.name in known_folders:
            continue
        if p.suffix in _YAML_SUFFIXES and not p.is_dir():
            close = difflib.get_close_matches(p.stem, [*KINDS, *top_files], n=1, cutoff=0.75)
            hint = f" Did you mean `{close[0]}{'/' if close[0] in KINDS else '.yml'}`?" if close else ""
            diags.warning(p, 1, 1, f"`{printable(p.name)}` is not read: at the top of this folder only "
                          f"{' and '.join(readable)} {'is' if len(readable) == 1 else 'are'} read, and items go "
                          f"into {folders} (one file each).{hint}")
        elif p.is_dir() and not p.is_symlink() and any(c.suffix in _YAML_SUFFIXES for c in _entries(p, diags) or []):
            close = difflib.get_close_matches(p.name, known_folders, n=1, cutoff=0.75)
            hint = f" Did you mean `{close[0]}/`?" if close else ""
            diags.warning(p, 0, 0, f"the folder `{printable(p.name)}/` is not read; items go into {folders}.{hint}")


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
            raw: bytes | None = read_bytes(path)
        except UnreadableFile:
            raw = None  # not cached: load_document reads it again and says why it cannot
        cached = self._docs.get(path)
        if cached and raw is not None and cached[0] == raw:
            diags.extend(cached[2])
            return cached[1]
        local = Diagnostics(diags.root)
        with working_on(path):
            doc = load_document(path, local, raw)
        self.stats["parsed"] += 1
        self._docs[path] = (raw or b"", doc, list(local))
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

    def _load_items(self, kinds: dict[str, dict[str, Path]], terms: Terms | None, diags: Diagnostics
                    ) -> tuple[dict[str, dict[str, Item]], list[tuple[str, Document]], dict[str, set[str]]]:
        """(valid items, files that failed validation, ids present on disk) of every kind.

        The ids present include files that failed validation and the id a misnamed file
        would have, so that one broken file is reported once and not again as a missing
        reference everywhere.
        """
        items: dict[str, dict[str, Item]] = {}
        failed: list[tuple[str, Document]] = []
        present: dict[str, set[str]] = {}
        for kind, files in kinds.items():
            items[kind], present[kind] = {}, set()
            for item_id, path in files.items():
                if item_id == UNREAD:
                    present[kind].add(UNREAD)
                    continue
                if not _ID_RE.match(item_id):
                    fixed = re.sub(r"[^a-z0-9]+", "-", item_id.lower()).strip("-")
                    hint = (f" Did you mean `{fixed}.yml`?" if _ID_RE.match(fixed)
                            else f" For example `{ID_EXAMPLE}.yml`.")
                    diags.error(path, 1, 1, f"file name `{printable(path.name)}` is not a valid id; ids use "
                                f"lower-case letters, digits and single hyphens.{hint}")
                    if _ID_RE.match(fixed):
                        present[kind].add(fixed)
                    continue
                present[kind].add(item_id)
                doc = self.document(path, diags)
                if doc is None:
                    continue
                model = self.validate(doc, KINDS[kind].model, KINDS[kind].singular, terms, diags)
                if model is None:
                    failed.append((kind, doc))
                else:
                    items[kind][item_id] = Item(kind, item_id, model, doc)
        return items, failed, present

    def _language_terms(self, content_dir: Path, language: str, diags: Diagnostics) -> dict[str, Any]:
        """The default words of a translation (`i18n/<lang>/program.yml`'s `terms`), read before any prose."""
        if language == SOURCE_LANGUAGE:
            return {}
        path = content_dir / I18N_FOLDER / language / "program.yml"
        return language_terms(self.document(path, diags)) if path.is_file() else {}

    def _load_program(self, path: Path, profile: OrgProfile | None, language_words: dict[str, Any],
                      diags: Diagnostics, own_words: bool = True
                      ) -> tuple[Document | None, Program | None, Terms | None]:
        """program.yml with its terms (a language's, then an organization's over them) and the
        organization's program name (`own_words`: in the organization's language only)."""
        program_doc = self.document(path, diags)
        terms = None
        if program_doc is not None:
            words = profile.model.terms if profile is not None and own_words else {}
            terms = program_terms(program_doc, diags, {**language_words, **words})
            raw_terms = program_doc.data.get("terms") if isinstance(program_doc.data, dict) else None
            if profile is not None and isinstance(raw_terms, dict):
                check_terms(profile, set(raw_terms), diags)
        program = self.validate(program_doc, Program, "program.yml", terms, diags) if program_doc else None
        if program is not None and profile is not None and own_words and profile.model.program_name:
            # like a term's word, the organization's text is escaped where it lands (render/)
            program = program.model_copy(update={"name": profile.model.program_name})
        return program_doc, program, terms

    def _translate(self, handbook: Handbook, language: str, translations: str | None, terms: Terms | None,
                   diags: Diagnostics) -> Handbook:
        """The handbook with its prose in `language` (translations.py), when that is not the source's."""
        if language == SOURCE_LANGUAGE or diags.errors:
            return handbook
        profile = handbook.organization
        mode = translations or (profile.model.translations if profile is not None else "warn")
        translated, coverage = translate(handbook, self, language, terms, diags, find_content_files, mode)
        return dataclasses.replace(translated, translated_into=language, coverage=coverage)

    # -- the whole handbook -------------------------------------------------
    def build(self, content_dir: Path, diags: Diagnostics | None = None,
              organization: str | None = None, language: str | None = None,
              translations: str | None = None) -> Handbook:
        """The handbook in `content_dir`; with `organization`, that organization's version of it.

        An organization's build is the default content with the items in
        `orgs/<slug>/{steps,scripts,pitfalls,faqs}/` put over it (same id
        replaces, new id adds), the items its `hide` list names left out,
        and its `terms` put over program.yml's.

        A `language` (default: the organization's) puts `i18n/<language>/` over the prose; `translations`
        ("warn", "fallback", "complete"; default: the organization's) says what a missing one does.
        """
        content_dir = Path(content_dir)
        if diags is None:  # (an empty collection is falsy: test for None)
            diags = Diagnostics(content_dir.parent)
        if not content_dir.is_dir():
            diags.error(content_dir, 0, 0, f"content folder `{printable(str(content_dir))}` does not exist; "
                        "expected a folder with "
                        "program.yml and steps/, scripts/, pitfalls/, faqs/ (`rmhandbook new DIR` makes one).")
            raise ContentError(diags)
        singles, kinds = find_content_files(content_dir, diags)
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
                hidden = _overlay(profile, content_dir, kinds, overlaid, diags)

        language = language or (profile.model.language if profile is not None else SOURCE_LANGUAGE)
        # an organization's words (`terms`, `program_name`) are its language's: a site's other languages use theirs
        own_words = profile is not None and language == profile.model.language
        program_doc, program, terms = self._load_program(
            singles["program"], profile, self._language_terms(content_dir, language, diags), diags, own_words)

        glossary = glossary_doc = None
        if "glossary" in singles:
            glossary_doc = self.document(singles["glossary"], diags)
            if glossary_doc is not None:
                glossary = self.validate(glossary_doc, Glossary, "glossary", terms, diags)

        items, failed, present = self._load_items(kinds, terms, diags)

        if program is None or program_doc is None or (organization is not None and profile is None):
            raise ContentError(diags)  # roles, phases and terms are unknown: cross-checks would only guess
        # Built from the very same validated objects as last time (`rmhandbook build` checks the
        # content, then the plugin builds it again): the cross-checks would find what they found.
        # Only for the default handbook: an organization's profile is read afresh every time.
        signature = None
        if organization is None and language == SOURCE_LANGUAGE and not diags.errors:
            signature = (diags.root, id(program), id(program_doc), id(glossary), terms.fingerprint if terms else "",
                         tuple((kind, item_id, id(item.model), id(item.doc))
                               for kind, kind_items in items.items() for item_id, item in kind_items.items()),
                         tuple((kind, tuple(files)) for kind, files in kinds.items()))
            previous = self._built.get(content_dir)
            if previous is not None and previous[0] == signature:
                diags.extend(previous[2])
                return previous[1]
        checks_from = len(diags)
        handbook = Handbook(content_dir, program, program_doc, terms or Terms({}), ordered_items(items, program),
                            glossary, glossary_doc, organization=profile, hidden=hidden, overlaid=overlaid)
        handbook = _cross_checked(handbook, failed, present, diags)
        handbook = self._translate(handbook, language, translations, terms, diags)
        if profile is not None and language != profile.model.language:
            handbook = dataclasses.replace(handbook, built_in=language)
        if diags.errors:
            raise ContentError(diags)
        handbook = dataclasses.replace(handbook, warnings=diags.warnings)
        if signature is not None:  # (the objects it names stay alive in the caches above)
            self._built[content_dir] = (signature, handbook, diags.since(checks_from))
        return handbook


def _cross_checked(handbook: Handbook, failed: list, present: dict[str, set[str]], diags: Diagnostics) -> Handbook:
    """The checks across files; an organization's handbook without the links to what it hides."""
    profile = handbook.organization
    check_program(handbook.program, handbook.program_doc, diags)
    check_items(handbook, diags)
    check_prose([handbook.program_doc, handbook.glossary_doc, profile.doc if profile else None,
                 *(item.doc for kind_items in handbook.items.values() for item in kind_items.values())], diags)
    if profile is not None:
        program, kept = drop_hidden_references(handbook.program, handbook.program_doc, handbook.items,
                                               profile, handbook.hidden, diags)
        handbook = dataclasses.replace(handbook, program=program, items=kept)
    check_references(handbook, diags, present)
    check_unvalidated(handbook, failed, present, diags)
    return handbook


def load_handbook(content_dir: Path | str, diags: Diagnostics | None = None,
                  organization: str | None = None, language: str | None = None,
                  translations: str | None = None) -> Handbook:
    """Load, validate and cross-check a content folder (for one organization, if given; in
    `language`, if given, else the organization's).

    Raises `ContentError` listing every problem.
    """
    return HandbookBuilder().build(Path(content_dir), diags, organization, language, translations)


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

def ordered_items(items: dict[str, dict[str, Item]], program: Program) -> dict[str, dict[str, Item]]:
    """Each kind's items in display order (KINDS says by what)."""
    phase_index = {p.id: i for i, p in enumerate(program.phases)}
    keys = {
        "phase": lambda kv: (phase_index.get(kv[1].model.phase, 1 << 30), kv[1].model.order, kv[0]),
        "title": lambda kv: (kv[1].model.title.lower(), kv[0]),
        "order": lambda kv: (kv[1].model.order, kv[0]),
        "week": lambda kv: (kv[1].model.week, kv[0]),
    }
    return {kind: dict(sorted(items.get(kind, {}).items(), key=keys[KINDS[kind].order]))
            for kind in dict.fromkeys([*KINDS, *items])}


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
        _check_action_roles(item.doc, step.actions, role_ids, diags)
    for item in hb.items["faqs"].values():
        _dupes(item.doc, item.model.questions, "id", ("questions",), "question id", diags)
    if hb.glossary is not None and hb.glossary_doc is not None:
        _dupes(hb.glossary_doc, hb.glossary.entries, "term", ("entries",), "glossary term", diags)
    check_sessions(hb, diags)
    check_forms(hb, diags)


def _check_action_roles(doc: Document, actions: dict, role_ids: set[str], diags: Diagnostics) -> None:
    for role in actions:
        if isinstance(role, str) and _ID_RE.match(role) and role not in role_ids:
            m = doc.key_mark(("actions", role))
            diags.error(doc.path, m.line, m.column, f"`actions` names an unknown role `{role}`."
                        f"{did_you_mean(role, role_ids)} Roles: {', '.join(sorted(role_ids))}.")


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


# what each field type may carry beyond id, type, label and help, and what it must carry
_FIELD_EXTRAS = {"short_text": (), "long_text": ("lines",), "choice": ("options", "multiple"),
                 "scale": ("low", "high"), "date": (), "signature": ()}
_FIELD_NEEDS = {"choice": ("options", "options: [In person, Video call]"),
                "scale": ("low", "low: Not at all")}


def check_forms(hb: Handbook, diags: Diagnostics) -> None:
    """Forms: ids unique in the form (browser values are kept under them), and each field carries
    exactly what its type uses (options on a date would be silently ignored)."""
    for item in hb.items.get("forms", {}).values():
        form: Form = item.model
        _dupes(item.doc, form.sections, "id", ("sections",), "section id", diags)
        seen: dict[str, str] = {}
        for si, section in enumerate(form.sections):
            for fi, field in enumerate(section.fields):
                loc = ("sections", si, "fields", fi)
                if field.id in seen:
                    m = item.doc.mark(loc + ("id",))
                    diags.error(item.path, m.line, m.column, f"duplicate field id `{field.id}` (also in section "
                                f"`{seen[field.id]}`); field ids must be unique in the whole form, for example "
                                f"`{field.id}-2`.")
                seen.setdefault(field.id, section.id)
                _check_field_extras(item, loc, field, diags)


def _check_field_extras(item: Item, loc: tuple, field: FormField, diags: Diagnostics) -> None:
    allowed = _FIELD_EXTRAS[field.type]
    for extra in ("lines", "options", "multiple", "low", "high"):
        if getattr(field, extra) is not None and extra not in allowed:
            m = item.doc.key_mark(loc + (extra,))
            takes = [t for t, names in _FIELD_EXTRAS.items() if extra in names]
            diags.error(item.path, m.line, m.column, f"`{extra}` is only for {' and '.join(takes)} fields; this "
                        f"field is `type: {field.type}`. Remove `{extra}`, or change the type, for example "
                        f"`type: {takes[0]}`.")
    need = _FIELD_NEEDS.get(field.type)
    if need and getattr(field, need[0]) is None:
        m = item.doc.mark(loc)
        diags.error(item.path, m.line, m.column, f"field `{field.id}` is `type: {field.type}` but has no "
                    f"`{need[0]}`; for example `{need[1]}`.")
    if field.type == "scale" and (field.low is None) != (field.high is None):
        m = item.doc.mark(loc)
        diags.error(item.path, m.line, m.column, f"field `{field.id}` is a scale with only one end labelled; "
                    "give both `low` (what 1 means) and `high` (what 5 means), for example `high: Completely`.")
    if field.options is not None and len(field.options) < 2 and not field.multiple:
        # one option is a box to tick ("Agreed"), which only makes sense when it can stay unticked
        m = item.doc.mark(loc + ("options",))
        diags.error(item.path, m.line, m.column, f"field `{field.id}` has one option to pick from; give at least "
                    "2, for example `options: [In person, Video call]`, or make it a box to tick with "
                    "`multiple: true`.")
    if field.options and len(set(field.options)) != len(field.options):
        m = item.doc.mark(loc + ("options",))
        diags.error(item.path, m.line, m.column, f"field `{field.id}` lists the same option twice; each "
                    "option must be different.")


def reference_index(hb: Handbook) -> dict[str, set[str]]:
    index = {kind: set(items) for kind, items in hb.items.items()}
    index["roles"] = set(hb.roles)
    index["phases"] = set(hb.phases)
    index["checklist"] = {f"{sid}/{c.id}" for sid, item in hb.items["steps"].items() for c in item.model.checklist}
    index["questions"] = {f"{tid}/{q.id}" for tid, item in hb.items["faqs"].items() for q in item.model.questions}
    return index


KIND_EXAMPLE_FOLDER = {"steps": "steps", "scripts": "scripts", "pitfalls": "pitfalls", "faqs": "faqs",
                       "sessions": "sessions", "forms": "forms"}


def check_references(hb: Handbook, diags: Diagnostics, present: dict[str, set[str]] | None = None) -> None:
    index = _known_ids(hb, present)
    sources: list[tuple[Document, BaseModel]] = [(hb.program_doc, hb.program)]
    for items in hb.items.values():
        sources += [(it.doc, it.model) for it in items.values()]
    for doc, model in sources:
        for loc, kind, ref in iter_references(model):
            _check_reference(doc, loc, kind, ref, index, diags)


def check_unvalidated(hb: Handbook, failed: list[tuple[str, Document]], present: dict[str, set[str]],
                      diags: Diagnostics) -> None:
    """The references in files that failed validation, as far as their shape can be read:
    every independent problem is reported in one run."""
    index = _known_ids(hb, present)
    for kind, doc in failed:
        for loc, ref_kind, ref in iter_raw_references(KINDS[kind].model, doc.data):
            pattern = CHECKLIST_REF_PATTERN if ref_kind in ("checklist", "questions") else ID_PATTERN
            if re.fullmatch(pattern, ref):  # a malformed id has had its own error
                _check_reference(doc, loc, ref_kind, ref, index, diags)
        actions = doc.data.get("actions") if kind == "steps" and isinstance(doc.data, dict) else None
        if isinstance(actions, dict):
            _check_action_roles(doc, actions, index["roles"], diags)


def _known_ids(hb: Handbook, present: dict[str, set[str]] | None) -> dict[str, set[str]]:
    index = reference_index(hb)
    for kind, ids in (present or {}).items():
        index[kind] = index.get(kind, set()) | ids
    # the items of a step or FAQ topic that failed validation are unknown, not missing
    index["unvalidated"] = {f"checklist:{sid}" for sid in index.get("steps", set()) - set(hb.items["steps"])}
    index["unvalidated"] |= {f"questions:{tid}" for tid in index.get("faqs", set()) - set(hb.items["faqs"])}
    index["unvalidated"] |= {f"{kind}:{UNREAD}" for kind, ids in index.items() if UNREAD in ids}
    for _kind, ids in list(index.items()):
        ids.discard(UNREAD)
    return index


def _check_reference(doc: Document, loc: tuple, kind: str, ref: str, index: dict[str, set[str]],
                     diags: Diagnostics) -> None:
    known = index.get(kind, set())
    parent = {"checklist": "steps", "questions": "faqs"}.get(kind, kind)
    skipped = index["unvalidated"]
    if ref in known or f"{kind}:{ref.split('/')[0]}" in skipped or f"{parent}:{UNREAD}" in skipped:
        return
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
