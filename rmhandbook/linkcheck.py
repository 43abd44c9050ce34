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
import html
import os
import re
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
    """The reference reader (the standard library's HTML parser); `_scan` must agree with it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        _collect(tag, attrs, self.ids, self.links)

    handle_startendtag = handle_starttag


def _collect(tag: str, attrs, ids: set[str], links: list[str]) -> None:
    wanted = _LINK_ATTRIBUTES.get(tag, ())
    for name, value in attrs:
        if value is None:
            continue
        if name == "id" or (name == "name" and tag == "a"):
            ids.add(value)
        elif name in wanted:
            links.append(value)


@dataclasses.dataclass
class _Page:
    ids: set[str]
    links: list[str]


# Only start tags matter here. html.parser is pure Python and read every page of a
# large site at ~3 ms each (a third of a 1,000-page build), so the pages are scanned
# with regular expressions instead: comments and the bodies of <script>/<style> are
# skipped as the parser skips them, and entities in attribute values are decoded.
# A test checks that both readers find the same ids and links on a whole built site.
_TOKEN = re.compile(r"<!--.*?-->|<(script|style)\b([^>]*)>.*?</\1\s*>|<([a-zA-Z][a-zA-Z0-9:-]*)([^>]*)>",
                    re.S | re.I)
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")


def _attributes(raw: str) -> list[tuple[str, str | None]]:
    out = []
    for m in _ATTR.finditer(raw):
        value = m.group(2) if m.group(2) is not None else m.group(3) if m.group(3) is not None else m.group(4)
        out.append((m.group(1).lower(), None if value is None else html.unescape(value)))
    return out


def _scan(text: str) -> _Page:
    ids: set[str] = set()
    links: list[str] = []
    for m in _TOKEN.finditer(text):
        tag, raw = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if not tag:
            continue  # a comment
        tag = tag.lower()
        # most tags carry neither an id nor a link: skip reading their attributes
        if tag in _LINK_ATTRIBUTES or "id" in raw or "ID" in raw or "Id" in raw or "iD" in raw:
            _collect(tag, _attributes(raw), ids, links)
    return _Page(ids, links)


def _parse(path: Path) -> _Page:
    return _scan(path.read_text(encoding="utf-8", errors="replace"))


def _is_internal(link: str) -> bool:
    parts = urlsplit(link)
    return not parts.scheme and not parts.netloc and not link.startswith("//")


def check_site_links(site_dir: Path) -> list[BrokenLink]:
    """Every broken internal link or anchor in the HTML files under `site_dir`, sorted."""
    site_dir = Path(site_dir)
    pages: dict[str, _Page] = {}
    # the site's files and folders, read once: a large site has hundreds of thousands of links,
    # and a stat() per link cost more than reading the pages
    files: set[str] = set()
    folders: set[str] = {""}
    for dirpath, _dirnames, filenames in os.walk(site_dir):
        rel_dir = Path(dirpath).relative_to(site_dir).as_posix()
        rel_dir = "" if rel_dir == "." else rel_dir
        folders.add(rel_dir)
        for name in filenames:
            rel = posixpath.join(rel_dir, name) if rel_dir else name
            files.add(rel)
            if name.endswith(".html"):
                pages[rel] = _parse(Path(dirpath) / name)

    resolved: dict[tuple[str, str], tuple[str, str | None]] = {}

    def resolve(base: str, path: str) -> tuple[str, str | None]:
        """(the file a link's path points at, or why it is broken); the same nav link recurs on every page."""
        key = (base, path)
        if key not in resolved:
            joined = path.lstrip("/") if path.startswith("/") else posixpath.join(base, path)
            rel = posixpath.normpath(joined)
            if rel.startswith("../") or rel == "..":
                resolved[key] = (rel, "it points outside the site")
            else:
                rel = "" if rel == "." else rel
                if path.endswith("/") or rel in folders:
                    rel = posixpath.join(rel, "index.html") if rel else "index.html"
                resolved[key] = (rel, None if rel in files else f"there is no `{rel}` in the site")
        return resolved[key]

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
                rel, problem = resolve(base, path)
                if problem:
                    broken.append(BrokenLink(page, link, problem))
                    continue
            if fragment and rel.endswith(".html"):
                target = pages.get(rel)
                if target is not None and fragment not in target.ids:
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
