"""Organization profiles: `content/orgs/<slug>/org.yml` and the files it names.

An organization adopts the handbook by describing itself in data: its name,
logo, colours, words, contact, paper size and language, plus an overlay of
its own steps, scripts, pitfalls and FAQ topics (same id replaces, new id
adds) and a `hide` list that removes items. This module holds the model,
reads a profile through the same loader and validation as every other
content file, and checks the files a profile points at: a logo or favicon
must stay inside the organization's folder, exist, be what its name says,
and (for SVG) contain nothing that runs.

Nothing here imports MkDocs; `theming` turns the colours into CSS.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Annotated, Any, Literal, Protocol

from pydantic import Field, StringConstraints

from rmhandbook.core.diagnostics import Diagnostics, did_you_mean
from rmhandbook.core.languages import LANGUAGES, language_list_problems
from rmhandbook.core.loader import Document
from rmhandbook.core.model import ID_PATTERN, KINDS, Id, Name, Strict, Term, Text
from rmhandbook.core.svg import svg_problems


class DocumentReader(Protocol):
    """What reading a profile needs of the handbook builder: its cached, located reading and validation."""

    def document(self, path: Path, diags: Diagnostics) -> Document | None: ...

    def validate(self, doc: Document, model: type, what: str, terms: Any, diags: Diagnostics) -> Any: ...

ORGS_FOLDER = "orgs"
PROFILE = "org.yml"
MAX_ASSET_BYTES = 1024 * 1024

HexColor = Annotated[str, StringConstraints(pattern=r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"),
                     Field(description="a colour as hex, `#rrggbb` or `#rgb`, in quotes", examples=["#0b6e4f"])]
_EMAIL_PATTERN = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"
Email = Annotated[str, StringConstraints(pattern=_EMAIL_PATTERN),
                  Field(description="an email address", examples=["mentoring@example.org"])]
WebAddress = Annotated[str, StringConstraints(pattern=r"^https?://[^\s<>\"'`\\]+$"),
                       Field(description="a web address starting with https:// or http://",
                             examples=["https://intranet.example.org/mentoring"])]
AssetPath = Annotated[str, StringConstraints(min_length=1),
                      Field(description="a file in the organization's folder, relative to org.yml",
                            examples=["logo.svg"])]
# `scripts/agree-goals` names one item; a bare `agree-goals` is accepted when only one kind has that id
HIDE_PATTERN = r"^(?:(?:" + "|".join(KINDS) + r")/)?[a-z0-9]+(?:-[a-z0-9]+)*$"
HideRef = Annotated[str, StringConstraints(pattern=HIDE_PATTERN),
                    Field(description="an item to leave out: `kind/id` (kind is steps, scripts, pitfalls or faqs), "
                          "or a bare id when only one kind has it", examples=["pitfalls/tool-not-need"])]


class Colors(Strict):
    primary: HexColor = Field(description="a colour as hex, `#rrggbb` or `#rgb`, in quotes: the brand colour "
                              "of the header and of links (adjusted for contrast)",
                              examples=["#0b6e4f"])
    accent: HexColor = Field(description="a colour as hex, `#rrggbb` or `#rgb`, in quotes: the second colour, "
                             "for hovered links and highlights",
                             examples=["#c05621"])


class Contact(Strict):
    name: Text = Field(description="the program lead's name", examples=["Dana Whitfield"])
    email: Email
    chat: Text | None = Field(default=None, description="a chat channel people can ask in",
                              examples=["#bridge-program on Teams"])
    page: WebAddress | None = Field(default=None, description="an intranet page about the program")


class Organization(Strict):
    name: Name = Field(description="the organization's name, shown as the site name", examples=["Northwind Logistics"])
    short_name: Name = Field(description="a short form for tight spaces", examples=["Northwind"])
    logo: AssetPath = Field(description="SVG or PNG logo in this folder", examples=["logo.svg"])
    favicon: AssetPath | None = Field(default=None, description="SVG, PNG or ICO icon in this folder; "
                                      "default: the logo", examples=["favicon.png"])
    program_name: Name | None = Field(default=None, description="the program's name on the home page; "
                                      "default: `name` in program.yml", examples=["The Bridge Program"])
    colors: Colors
    terms: dict[Id, Term] = Field(default_factory=dict,
                                  description="the organization's words; each key replaces the same key of "
                                  "program.yml's terms (mentor, mentee, program-lead, sponsor, program)",
                                  examples=[{"mentor": "digital guide", "program": {"singular": "Bridge Program",
                                                                                    "plural": "Bridge Programs"}}])
    contact: Contact
    paper: Literal["a4", "letter"] = Field(default="a4", description="paper size for printing")
    language: Literal[LANGUAGES] = Field(default="en", description="language of the handbook's own labels and "  # type: ignore[valid-type]
                                         "of Material's interface; a language other than English also puts the "
                                         "translations in content/i18n/<language>/ over the prose", examples=["de"])
    languages: list[Literal[LANGUAGES]] | None = Field(  # type: ignore[valid-type]
        default=None, min_length=1, description="the languages the site is published in, in one build: the "
        "first at the site's root (and the handbook's `language`), each other one in a folder of its name "
        "(`en/`), with a language switcher on every page; each needs a translation in content/i18n/<language>/ "
        "(English, the source, needs none)", examples=[["de", "en"]])
    translations: Literal["warn", "fallback", "complete"] = Field(
        default="warn", description="what a field without a translation (or with a stale one) does: `warn` shows "
        "the English text with a warning; `fallback` shows it without one (`rmhandbook translations` still lists "
        "it); `complete` fails the build", examples=["complete"])
    hide: list[HideRef] = Field(default_factory=list, description="items left out of this organization's handbook")


@dataclasses.dataclass
class OrgProfile:
    """A validated profile and where its parts are."""

    slug: str
    folder: Path
    model: Organization
    doc: Document
    logo: Path  # checked: inside `folder`, exists, safe
    favicon: Path | None

    @property
    def path(self) -> Path:
        return self.doc.path


_SLUG = re.compile(ID_PATTERN)


def orgs_dir(content_dir: Path) -> Path:
    return Path(content_dir) / ORGS_FOLDER


def list_orgs(content_dir: Path) -> list[str]:
    """Slugs of every folder under `<content>/orgs/` that holds an org.yml, sorted."""
    root = orgs_dir(content_dir)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and (p / PROFILE).is_file())


def load_profile(builder: DocumentReader, content_dir: Path, slug: str, diags: Diagnostics) -> OrgProfile | None:
    """Read and check `<content>/orgs/<slug>/org.yml`; None (with diagnostics) when it cannot be used."""
    content_dir = Path(content_dir)
    known = list_orgs(content_dir)
    choices = f" Organizations in orgs/: {', '.join(known)}." if known else (
        " There are none yet: create orgs/<slug>/org.yml in the content folder.")
    if not _SLUG.match(slug or ""):
        diags.error(orgs_dir(content_dir), 1, 1, f"`{slug}` is not a valid organization name; it is a folder name "
                    "under orgs/ made of lower-case letters, digits and single hyphens, for example "
                    f"`northwind`.{choices}")
        return None
    folder = orgs_dir(content_dir) / slug
    path = folder / PROFILE
    if not path.is_file():
        diags.error(path, 1, 1, f"organization `{slug}` has no profile: there is no orgs/{slug}/org.yml."
                    f"{did_you_mean(slug, known)}{choices}")
        return None
    doc = builder.document(path, diags)
    if doc is None:
        return None
    model = builder.validate(doc, Organization, "organization profile", None, diags)
    if model is None:
        return None
    model = check_languages(doc, model, content_dir, diags)
    if model is None:
        return None
    logo = check_asset(folder, doc, "logo", model.logo, (".svg", ".png"), diags)
    favicon = check_asset(folder, doc, "favicon", model.favicon, (".svg", ".png", ".ico"), diags) \
        if model.favicon else None
    if logo is None or (model.favicon and favicon is None):
        return None
    return OrgProfile(slug, folder, model, doc, logo, favicon)


def check_languages(doc: Document, model: Organization, content_dir: Path, diags: Diagnostics) -> Organization | None:
    """The profile's `languages` checked (see `language_list_problems`), with `language` set to the first.

    `language` may be left out then; given, it must be the first of `languages` (the root's language).
    """
    if model.languages is None:
        return model
    problems = language_list_problems(model.languages, content_dir, diags.display_path)
    for index, message in problems:
        m = doc.mark(("languages", index))
        diags.error(doc.path, m.line, m.column, f"`languages`: {message}")
    first = model.languages[0]
    if "language" in model.model_fields_set and model.language != first:
        m = doc.mark(("language",))
        diags.error(doc.path, m.line, m.column, f"`language: {model.language}` is not the first of `languages` "
                    f"({', '.join(model.languages)}); the first of `languages` is the language at the site's root. "
                    f"Leave `language` out, or put it first, for example `languages: [{model.language}, {first}]`.")
        return None
    return None if problems else model.model_copy(update={"language": first})


# --- the files a profile points at --------------------------------------------

def check_asset(folder: Path, doc: Document, field: str, value: str, suffixes: tuple[str, ...],
                diags: Diagnostics) -> Path | None:
    """The file `value` names, if it is inside `folder`, exists, and is a safe file of an allowed type."""
    m = doc.mark((field,))

    def error(message: str) -> None:
        diags.error(doc.path, m.line, m.column, message)

    example = f"For example `{field}: {field}{suffixes[0]}` with the file next to org.yml."
    where = f"orgs/{folder.name}/"
    kinds = [s[1:].upper() for s in suffixes]
    kinds_text = ", ".join(kinds[:-1]) + " or " + kinds[-1]
    if PurePosixPath(value).is_absolute() or PureWindowsPath(value).is_absolute() or PureWindowsPath(value).drive:
        error(f"`{field}` must be a path inside the organization's folder; found the absolute path `{value}`. "
              f"{example}")
        return None
    parts = PurePosixPath(value.replace("\\", "/")).parts
    if ".." in parts:
        error(f"`{field}` must stay inside the organization's folder; `{value}` leaves it through `..`. {example}")
        return None
    path = folder.joinpath(*parts)
    if not path.exists() and not path.is_symlink():
        error(f"`{field}` names `{value}`, but there is no such file in {where}. {example}")
        return None
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):
        error(f"`{field}` names `{value}`, a link that points nowhere. {example}")
        return None
    if not resolved.is_relative_to(folder.resolve()):
        error(f"`{field}` must stay inside the organization's folder; `{value}` is a symbolic link to a file "
              f"outside it. Copy the file into {where} instead.")
        return None
    if not resolved.is_file():
        error(f"`{field}` names `{value}`, which is a folder, not a file. {example}")
        return None
    suffix = path.suffix.lower()  # the name the site serves it under; the content is checked to match
    if suffix not in suffixes:
        error(f"`{field}` must be an {kinds_text} file; found `{value}`. {example}")
        return None
    size = resolved.stat().st_size
    if size > MAX_ASSET_BYTES:
        error(f"`{field}` file `{value}` is {size:,} bytes; images are limited to {MAX_ASSET_BYTES:,} bytes. "
              "Save a smaller version of the image.")
        return None
    data = resolved.read_bytes()
    if suffix == ".png" and not data.startswith(b"\x89PNG\r\n\x1a\n"):
        error(f"`{field}` file `{value}` is named .png but is not a PNG image. Export the image as PNG again.")
        return None
    if suffix == ".ico" and not data.startswith(b"\x00\x00\x01\x00"):
        error(f"`{field}` file `{value}` is named .ico but is not an icon file. Use a PNG or SVG favicon instead.")
        return None
    if suffix == ".svg":
        problems = svg_problems(data)
        for line, column, problem in problems:
            diags.error(path, line, column, f"{problem} An organization's {field} must be a plain picture: "
                        "remove it, or export the logo again as a plain SVG or as PNG.")
        if problems:
            error(f"`{field}` file `{value}` was refused because it could run code or load files from other "
                  "hosts (the problems are listed at the file).")
            return None
    return path


# --- overlays ---------------------------------------------------------------

def resolve_hidden(profile: OrgProfile, ids_by_kind: dict[str, set[str]], diags: Diagnostics) -> dict[str, set[str]]:
    """kind -> ids to leave out, from `hide`; unknown or ambiguous entries are located errors."""
    hidden: dict[str, set[str]] = {kind: set() for kind in KINDS}
    every = sorted({f"{kind}/{i}" for kind, ids in ids_by_kind.items() for i in ids})
    for index, entry in enumerate(profile.model.hide):
        m = profile.doc.mark(("hide", index))
        kind, _, item_id = entry.rpartition("/")
        kinds = [kind] if kind else [k for k, ids in ids_by_kind.items() if entry in ids]
        if kind and item_id in ids_by_kind.get(kind, set()):
            hidden[kind].add(item_id)
        elif not kind and len(kinds) == 1:
            hidden[kinds[0]].add(entry)
        elif not kind and len(kinds) > 1:
            options = " or ".join(f"`{k}/{entry}`" for k in kinds)
            diags.error(profile.path, m.line, m.column, f"`hide` entry `{entry}` is ambiguous: it is the id of "
                        f"{' and '.join(kinds)}. Write {options}.")
        else:
            diags.error(profile.path, m.line, m.column, f"`hide` names `{entry}`, but there is no such item."
                        f"{did_you_mean(entry, every + [e.split('/', 1)[1] for e in every])} "
                        f"Write `kind/id`, for example `hide: [pitfalls/tool-not-need]`.")
    return hidden


def check_terms(profile: OrgProfile, program_keys: set[str], diags: Diagnostics) -> None:
    """An organization renames program.yml's terms; a key program.yml does not have would be used nowhere."""
    for key in profile.model.terms:
        if key not in program_keys:
            m = profile.doc.key_mark(("terms", key))
            diags.error(profile.path, m.line, m.column, f"`terms` has `{key}`, which program.yml does not define, "
                        f"so no page would use it.{did_you_mean(key, program_keys)} Terms to rename: "
                        f"{', '.join(sorted(program_keys))}; for example `mentor: digital guide`.")
