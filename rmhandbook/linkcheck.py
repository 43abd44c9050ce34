"""Follow every internal link and anchor in a built site.

MkDocs checks Markdown links between `.md` files; it never sees a link
written as raw HTML (`<a href>` in a template, a checklist, a user's page) or
an anchor that a theme or plugin is expected to create. This check reads
the generated HTML itself, so it sees what a reader's browser sees: every
`href`/`src` that stays on the site must point at a file that exists and,
when it has a `#fragment`, at an element with that id (or `<a name>`).

Framework-free: it takes a folder of HTML files and returns problems.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# (tag, attribute) pairs that point at another resource
_LINK_ATTRIBUTES = {
    "a": ("href",), "area": ("href",), "link": ("href",), "img": ("src",), "script": ("src",),
    "iframe": ("src",), "source": ("src",), "video": ("src", "poster"), "audio": ("src",),
    "embed": ("src",), "form": ("action",),
}


@dataclasses.dataclass(frozen=True, order=True)
class BrokenLink:
    page: str  # the HTML file, relative to the site root (e.g. `steps/first-meeting/index.html`)
    link: str  # the link as written in the page
    reason: str

    def format(self) -> str:
        return f"{self.page}: broken link `{self.link}`: {self.reason}"


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = _LINK_ATTRIBUTES.get(tag, ())
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)
            elif name in wanted:
                self.links.append(value)

    handle_startendtag = handle_starttag


def _parse(path: Path) -> _PageParser:
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    parser.close()
    return parser


def _is_internal(link: str) -> bool:
    parts = urlsplit(link)
    return not parts.scheme and not parts.netloc and not link.startswith("//")


def check_site_links(site_dir: Path) -> list[BrokenLink]:
    """Every broken internal link or anchor in the HTML files under `site_dir`, sorted."""
    site_dir = Path(site_dir)
    pages: dict[str, _PageParser] = {}
    for dirpath, _dirnames, filenames in os.walk(site_dir):
        for name in filenames:
            if name.endswith(".html"):
                path = Path(dirpath) / name
                pages[path.relative_to(site_dir).as_posix()] = _parse(path)

    def target_ids(rel: str) -> set[str] | None:
        if rel not in pages and rel.endswith(".html") and (site_dir / rel).is_file():
            pages[rel] = _parse(site_dir / rel)
        return pages[rel].ids if rel in pages else None

    broken: list[BrokenLink] = []
    for page, parsed in sorted(pages.items()):
        base = posixpath.dirname(page)
        for link in parsed.links:
            if not _is_internal(link):
                continue
            parts = urlsplit(link)
            path, fragment = unquote(parts.path), unquote(parts.fragment)
            if not path:
                rel = page  # `#anchor` or `?query` on the same page
            else:
                joined = path.lstrip("/") if path.startswith("/") else posixpath.join(base, path)
                rel = posixpath.normpath(joined)
                if rel.startswith("../") or rel == "..":
                    broken.append(BrokenLink(page, link, "it points outside the site"))
                    continue
                if rel == ".":
                    rel = ""
                target = site_dir / rel
                if path.endswith("/") or target.is_dir():
                    rel = posixpath.join(rel, "index.html") if rel else "index.html"
                    target = site_dir / rel
                if not target.is_file():
                    broken.append(BrokenLink(page, link, f"there is no `{rel}` in the site"))
                    continue
            if fragment and rel.endswith(".html"):
                ids = target_ids(rel)
                if ids is not None and fragment not in ids:
                    broken.append(BrokenLink(page, link, f"`{rel}` has no anchor `#{fragment}`"))
    return sorted(set(broken))


def report(broken: list[BrokenLink], sources: dict[str, str] | None = None) -> str:
    """One line per broken link; `sources` maps a page to the file it was generated from."""
    n = len(broken)
    sources = sources or {}
    lines = [b.format() + (f" (the page comes from {sources[b.page]})" if b.page in sources else "") for b in broken]
    lines.append(f"{n} broken link{'s' if n != 1 else ''}: fix the content or template that writes "
                 f"{'them' if n != 1 else 'it'}; the site was not published.")
    return "\n".join(lines)
