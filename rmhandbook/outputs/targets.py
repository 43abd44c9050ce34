"""The one guard every writer calls before it writes: may this target be replaced?

A folder target is replaced only when it is absent, an empty folder, or a folder that
rmhandbook wrote for the same purpose: it carries the mark file `.rmhandbook-site`, which
says what kind of output it holds (and for a site, which organization's). A file target
is replaced only when it is absent or a file of the kind rmhandbook writes there. Some
places are never written at all, even with `force`: the content folder, MkDocs' docs_dir,
the Git folder, and the project's own folder or any folder that holds one of these.

Everything else is refused with a `TargetError` whose message says why and what to do.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

MARK = ".rmhandbook-site"

# what a mark says a folder holds
SITE, ORGANIZATIONS, EXPORT, PDFS = "site", "organizations", "export", "pdfs"
_DESCRIPTIONS = {SITE: "a handbook site", ORGANIZATIONS: "a folder of organizations' sites",
                 EXPORT: "exported Markdown pages", PDFS: "checklist PDFs"}

# an organization's site records what the site index shows about it here
ORG_MANIFEST = Path("assets") / "rmhandbook" / "org" / "site.json"


class TargetError(Exception):
    """A target that must not be written; the message says why and what to do (a usage error)."""


@dataclasses.dataclass(frozen=True)
class Mark:
    """What a written folder holds; `organization` is the slug of an organization's site."""

    kind: str
    organization: str | None = None

    def text(self) -> str:
        data: dict[str, str | None] = {"written_by": "rmhandbook", "kind": self.kind}
        if self.kind == SITE:
            data["organization"] = self.organization
        return json.dumps(data, sort_keys=True) + "\n"

    def describe(self) -> str:
        if self.kind == SITE:
            return f"organization `{self.organization}`'s site" if self.organization else "the default handbook's site"
        return _DESCRIPTIONS.get(self.kind, self.kind)


@dataclasses.dataclass(frozen=True)
class Project:
    """The places a writer must leave alone: where mkdocs.yml is, the content, docs_dir."""

    config_dir: Path
    content_dir: Path
    docs_dir: Path | None = None

    def __post_init__(self) -> None:
        for field in ("config_dir", "content_dir", "docs_dir"):
            value = getattr(self, field)
            if value is not None:
                object.__setattr__(self, field, Path(value).resolve())

    def git_dirs(self) -> list[Path]:
        """`.git` of the project's folder or of any folder above it (the repository it is in)."""
        return [d / ".git" for d in (self.config_dir, *self.config_dir.parents) if os.path.lexists(d / ".git")]


def _under(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _where(target: Path, place: Path, name: str) -> str | None:
    """How `target` overlaps a protected place, as a phrase; None if it does not."""
    if target == place:
        return f"is {name}"
    if place in target.parents:
        return f"is inside {name} ({place})"
    if target in place.parents:
        return f"contains {name} ({place})"
    return None


def check_location(target: Path, project: Project, label: str, allowed_inside: Path | None = None,
                   example: str = "site") -> Path:
    """Refuse a target that is, contains or is inside a protected place; returns it resolved.

    The project's folder itself may hold targets (`site/` is the usual one), but may not be one
    or be inside one. `allowed_inside` is the one protected subfolder this writer may use
    (the schema files' own folder in the content). `example` is a path to suggest instead, relative
    to the project's folder.
    """
    target = Path(target).resolve()
    if allowed_inside is not None and _under(target, Path(allowed_inside).resolve()):
        return target
    places = [(project.content_dir, "the content folder"), *((g, "the Git folder") for g in project.git_dirs())]
    if project.docs_dir is not None:
        places.append((project.docs_dir, "MkDocs' docs_dir"))
    if ".git" in target.parts:
        places.append((target, "inside a Git folder"))
    for place, name in places:
        overlap = _where(target, place, name)
        if overlap:
            raise TargetError(f"{label} `{target}` {overlap}; rmhandbook never writes there, because that would "
                              f"destroy files you wrote. Choose a path of its own, for example "
                              f"`{project.config_dir / example}`.")
    for place, name in ((project.config_dir, "the project's folder (where mkdocs.yml is)"),
                        (Path.cwd().resolve(), "the current folder")):
        if target == place or target in place.parents:
            raise TargetError(f"{label} `{target}` {_where(target, place, name)}; writing there would replace "
                              f"the whole project. Choose a path of its own inside it, for example "
                              f"`{project.config_dir / example}`.")
    return target


# --- folders ---------------------------------------------------------------------------------

def read_mark(folder: Path) -> Mark | None:
    """The mark of a folder rmhandbook wrote; None if there is none (or it is not ours)."""
    try:
        data = json.loads((Path(folder) / MARK).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("written_by") != "rmhandbook" or not isinstance(data.get("kind"), str):
        return None
    organization = data.get("organization")
    return Mark(data["kind"], organization if isinstance(organization, str) else None)


def write_mark(folder: Path, mark: Mark) -> None:
    (Path(folder) / MARK).write_text(mark.text(), encoding="utf-8")


def _looks_like_site(folder: Path) -> bool:
    """An unmarked site from before the mark existed: what MkDocs with this plugin always writes."""
    return ((folder / "index.html").is_file() and (folder / "assets" / "rmhandbook").is_dir()
            and ((folder / "sitemap.xml").is_file() or (folder / "search" / "search_index.json").is_file())
            and not os.path.lexists(folder / ".git") and not os.path.lexists(folder / "mkdocs.yml"))


def _legacy_org_slug(folder: Path) -> str | None:
    try:
        data = json.loads((folder / ORG_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data.get("slug") if isinstance(data, dict) and isinstance(data.get("slug"), str) else None


def _looks_like_org_folder(folder: Path) -> bool:
    """An unmarked folder of organizations' sites from before the mark: the site index and the sites."""
    if not (folder / "index.html").is_file() or _looks_like_site(folder):
        return False
    sites = 0
    for entry in folder.iterdir():
        if entry.name == "index.html" or entry.name.startswith("."):
            continue
        if not (entry.is_dir() and not entry.is_symlink() and _legacy_org_slug(entry) == entry.name):
            return False
        sites += 1
    return sites > 0  # a lone index.html is anybody's page


def _legacy_mark(folder: Path) -> Mark | None:
    """What an unmarked folder written by an earlier rmhandbook holds, judged by its shape."""
    if _looks_like_site(folder):
        return Mark(SITE, _legacy_org_slug(folder))
    if _looks_like_org_folder(folder):
        return Mark(ORGANIZATIONS)
    return None


def holds(folder: Path) -> Mark | None:
    """What a folder rmhandbook wrote holds, by its mark or (from before the mark) by its shape."""
    folder = Path(folder)
    if not folder.is_dir() or folder.is_symlink():
        return None
    return read_mark(folder) or _legacy_mark(folder)


def _refuse_folder(target: Path, label: str, wanted: Mark, why: str) -> TargetError:
    return TargetError(f"{label} `{target}` {why}, so rmhandbook will not replace it with {wanted.describe()}. "
                       f"Choose a new or empty folder, or remove this one yourself if you no longer need it "
                       f"(`--force` replaces it anyway).")


def check_folder(target: Path, wanted: Mark, *, label: str = "the target", force: bool = False) -> None:
    """Refuse to replace `target` unless it is absent, empty, or marked (or shaped) as `wanted`."""
    target = Path(target)
    if not os.path.lexists(target):
        return
    if target.is_symlink():
        raise TargetError(f"{label} `{target}` is a symbolic link; rmhandbook replaces only folders it wrote. "
                          "Give the real folder's path, or a new one.")
    if not target.is_dir():
        raise TargetError(f"{label} `{target}` is a file, not a folder; rmhandbook will not replace it with "
                          f"{wanted.describe()}. Choose a new or empty folder's path.")
    if force or not any(target.iterdir()):
        return
    found = holds(target)
    if found is None:
        raise _refuse_folder(target, label, wanted, "holds files that rmhandbook did not write")
    if found != wanted:
        raise _refuse_folder(target, label, wanted, f"holds {found.describe()}")


# --- files -----------------------------------------------------------------------------------

def check_file(target: Path, ours: Callable[[bytes], bool], what: str, *, label: str = "the target",
               force: bool = False) -> None:
    """Refuse to overwrite `target` unless it is absent or `ours(its first 64 KiB)` says rmhandbook wrote it."""
    target = Path(target)
    if not os.path.lexists(target):
        return
    if target.is_dir():
        raise TargetError(f"{label} `{target}` is a folder; rmhandbook writes {what} as a file there. "
                          "Give the path of a new file, or of one rmhandbook wrote.")
    if not target.is_file():
        raise TargetError(f"{label} `{target}` is not a regular file; give the path of a new file.")
    if force:
        return
    try:
        with target.open("rb") as fh:
            head = fh.read(65536)
    except OSError as exc:
        raise TargetError(f"{label} `{target}` cannot be read ({exc.strerror or exc}), so rmhandbook cannot tell "
                          "whether it wrote it; give the path of a new file.") from None
    if not ours(head):
        raise TargetError(f"{label} `{target}` exists and is not {what} that rmhandbook wrote, so it is left as "
                          "it is. Give the path of a new file, or remove this one yourself if you no longer need "
                          "it (`--force` overwrites it anyway).")


def write_file(target: Path, data: bytes) -> None:
    """Write `target` through a temporary file beside it: readers see the old file or the new one."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
