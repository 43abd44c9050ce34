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
import json
import os
import pickle
import posixpath
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import IO
from urllib.parse import unquote, urljoin, urlsplit

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


def _site_files(site_dir: Path) -> tuple[set[str], set[str], dict[str, int]]:
    """The site's files and folders, read once, and the size of each HTML file: a large site has
    hundreds of thousands of links, and a stat() per link cost more than reading the pages."""
    files: set[str] = set()
    folders: set[str] = {""}
    html_sizes: dict[str, int] = {}
    for dirpath, _dirnames, filenames in os.walk(site_dir):
        rel_dir = Path(dirpath).relative_to(site_dir).as_posix()
        rel_dir = "" if rel_dir == "." else rel_dir
        folders.add(rel_dir)
        for name in filenames:
            rel = posixpath.join(rel_dir, name) if rel_dir else name
            files.add(rel)
            if name.endswith(".html"):
                html_sizes[rel] = os.stat(os.path.join(dirpath, name)).st_size
    return files, folders, html_sizes


def check_site_links(site_dir: Path, scanned: dict[str, tuple[int, _Page]] | None = None,
                     read: dict[str, tuple[int, _Page]] | None = None, site_path: str = "/",
                     elsewhere: tuple[str, ...] = ()) -> list[BrokenLink]:
    """Every broken internal link or anchor in the HTML files under `site_dir`, sorted.

    `scanned` holds pages already read while they were written (site-relative path ->
    (size in bytes, what it holds)); a page whose file is gone or has another size
    now is read again from the site, and every other HTML file is read here. `read`, if
    given, receives every page as it was used (for the next build of a live reload).
    `site_path` is where the site is served (the path of its `site_url`): MkDocs writes
    links from the host's root, such as the 404 page's, with it. Links into `elsewhere` (paths relative to
    `site_dir`, such as `en/` or `../`: the other languages of a site, built apart) are left to the check
    of the whole site.
    """
    site_dir = Path(site_dir)
    files, folders, html_sizes = _site_files(site_dir)
    scanned = scanned or {}
    pages: dict[str, _Page] = {}
    for rel, size in html_sizes.items():
        known = scanned.get(rel)
        pages[rel] = known[1] if known is not None and known[0] == size else _parse(site_dir / rel)
        if read is not None:
            read[rel] = (size, pages[rel])
    return _broken_links(pages, files, folders, site_path, elsewhere)


def served_path(site_url: str | None) -> str:
    """The path a site is served under, from its `site_url` (`/` when there is none)."""
    path = urlsplit(site_url or "").path or "/"
    return path if path.endswith("/") else path + "/"


def _broken_links(pages: dict[str, _Page], files: set[str], folders: set[str],
                  site_path: str = "/", elsewhere: tuple[str, ...] = ()) -> list[BrokenLink]:
    resolved: dict[tuple[str, str], tuple[str, str | None]] = {}

    def resolve(base: str, path: str) -> tuple[str, str | None]:
        """(the file a link's path points at, or why it is broken); the same nav link recurs on every page."""
        key = (base, path)
        if key not in resolved:
            if path.startswith("/"):  # as a browser reads it: `..` above the host's root stays at the root
                path = urlsplit(urljoin("http://host/", path)).path
            if not path.startswith("/"):
                joined = posixpath.join(base, path)
            elif path.startswith(site_path):
                joined = path[len(site_path):] or "."
            else:
                joined = "../" + path.lstrip("/")  # above the folder the site is served from
            rel = posixpath.normpath(joined)
            if elsewhere and (rel + "/").startswith(elsewhere):
                resolved[key] = (rel, "")  # another language's, checked with the whole site
            elif rel.startswith("../") or rel == "..":
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
                if problem == "":
                    continue
                if problem:
                    broken.append(BrokenLink(page, link, problem))
                    continue
            if fragment and rel.endswith(".html"):
                target = pages.get(rel)
                if target is not None and fragment not in target.ids:
                    broken.append(BrokenLink(page, link, f"`{rel}` has no anchor `#{fragment}`"))
    return sorted(set(broken))


# --- checking while the site is written ------------------------------------------------------
#
# Reading the pages back after the build cost a large site 6 % of its build time. A
# `SiteChecker` is given each page as it is written instead: a large site's pages go to a
# worker process that reads them on the other core while the build goes on (the pages
# arrive far slower than they are read), a small site's are read at once. `finish` reads
# whatever HTML nobody handed in (a theme's 404 page, a user's own .html file) and follows
# every link. The worker is a plain child process (`python -m rmhandbook.outputs.linkcheck`) fed
# through a pipe: no fork of a process that holds MkDocs' state, and the same on every OS.

WORKER_MIN_PAGES = 300  # below this, starting a second Python costs more than it saves


def _pipe(stream: IO[bytes] | None) -> IO[bytes]:
    assert stream is not None, "the worker is started with stdin and stdout pipes"
    return stream


def _frame(*parts: bytes) -> bytes:
    return b"".join(len(p).to_bytes(4, "big") + p for p in parts)


def _read_exact(stream, n: int) -> bytes:
    data = stream.read(n)
    if len(data) != n:
        raise EOFError
    return data


def _read_frame(stream) -> tuple[bytes, bytes]:
    first = _read_exact(stream, int.from_bytes(_read_exact(stream, 4), "big"))
    second = _read_exact(stream, int.from_bytes(_read_exact(stream, 4), "big"))
    return first, second


class SiteChecker:
    """Follow every internal link of a site whose pages are handed in as they are written."""

    def __init__(self, expected_pages: int = 0, *, worker: bool | None = None,
                 known: dict[str, tuple[int, _Page]] | None = None, site_path: str = "/",
                 elsewhere: tuple[str, ...] = ()) -> None:
        """`known`: pages read in an earlier build and not written since (a live reload's);
        they are used as long as their files keep their size. A worker does not use them."""
        self._scanned: dict[str, tuple[int, _Page]] = dict(known or {})
        self.site_path = site_path
        self.elsewhere = elsewhere
        self.scans: dict[str, tuple[int, _Page]] = {}  # every page as `finish` used it (without a worker)
        self._proc: subprocess.Popen | None = None
        if worker if worker is not None else expected_pages >= WORKER_MIN_PAGES:
            self._proc = self._start_worker()

    @property
    def parallel(self) -> bool:
        return self._proc is not None

    @staticmethod
    def _start_worker() -> subprocess.Popen | None:
        try:
            # this copy of the package, whatever the working folder or the installed one is
            package_parent = str(Path(__file__).resolve().parents[2])
            path = os.pathsep.join(p for p in (package_parent, os.environ.get("PYTHONPATH", "")) if p)
            return subprocess.Popen([sys.executable, "-m", "rmhandbook.outputs.linkcheck", "--worker"],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                    env={**os.environ, "PYTHONPATH": path})
        except OSError:
            return None  # read the pages here instead

    def add_page(self, rel: str, html_text: str) -> None:
        """A page about to be written to `rel` (relative to the site folder) with this HTML."""
        data = html_text.encode("utf-8", errors="xmlcharrefreplace")  # as MkDocs writes it
        if self._proc is not None:
            try:
                _pipe(self._proc.stdin).write(_frame(rel.encode("utf-8"), data))
                return
            except (BrokenPipeError, OSError, ValueError):
                self._stop()  # the worker is gone: the pages are read from the site at the end
        self._scanned[rel] = (len(data), _scan(html_text))

    def finish(self, site_dir: Path) -> list[BrokenLink]:
        """Every broken internal link or anchor in the site, once every file is written."""
        if self._proc is not None:
            try:
                end = os.fsencode(str(site_dir)) + b"\0" + "\0".join((self.site_path, *self.elsewhere)).encode("utf-8")
                _pipe(self._proc.stdin).write(_frame(b"", end))
                _pipe(self._proc.stdin).close()
                out = _pipe(self._proc.stdout).read()
                if self._proc.wait() == 0:
                    return [BrokenLink(*b) for b in json.loads(out)]
            except (BrokenPipeError, OSError, ValueError):
                pass
            finally:
                self._stop()
            # the worker failed: check here, reading every page from the site
        return check_site_links(site_dir, self._scanned, self.scans, self.site_path, self.elsewhere)

    def save(self, path: Path) -> None:
        """Write what was read so far to `path`, for `check_site_links(..., load_scans(paths))` in
        the process that puts a parallel build's shares together (pages here are read inline)."""
        with open(path, "wb") as fh:
            pickle.dump(self._scanned, fh, protocol=pickle.HIGHEST_PROTOCOL)

    def close(self) -> None:
        """Stop the worker of a build that failed before `finish`."""
        self._stop()

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def load_scans(paths) -> dict[str, tuple[int, _Page]]:
    """The pages several `SiteChecker.save` calls wrote, merged."""
    scanned: dict[str, tuple[int, _Page]] = {}
    for path in paths:
        with open(path, "rb") as fh:
            scanned.update(pickle.load(fh))
    return scanned


def _worker(stdin, stdout) -> int:
    """The worker's side of `SiteChecker`: frames of (page, html) until (b"", site folder NUL site path)."""
    scanned: dict[str, tuple[int, _Page]] = {}
    while True:
        try:
            rel, data = _read_frame(stdin)
        except EOFError:
            return 1  # the build stopped without finishing
        if not rel:
            folder, _, rest = data.partition(b"\0")
            site_path, *elsewhere = rest.decode("utf-8").split("\0")
            broken = check_site_links(Path(os.fsdecode(folder)), scanned, site_path=site_path or "/",
                                      elsewhere=tuple(elsewhere))
            stdout.write(json.dumps([dataclasses.astuple(b) for b in broken]).encode("utf-8"))
            stdout.flush()
            return 0
        scanned[rel.decode("utf-8")] = (len(data), _scan(data.decode("utf-8", errors="replace")))


def report(broken: list[BrokenLink], sources: dict[str, str] | None = None) -> str:
    """One line per broken link; `sources` maps a page to the file it was generated from."""
    n = len(broken)
    sources = sources or {}
    lines = [b.format() + (f" (the page comes from {sources[b.page]})" if b.page in sources else "") for b in broken]
    lines.append(f"{n} broken link{'s' if n != 1 else ''}: fix the content or template that writes "
                 f"{'them' if n != 1 else 'it'}; the site was not published.")
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1:] != ["--worker"]:
        sys.exit("usage: python -m rmhandbook.outputs.linkcheck --worker  "
                 "(started by the MkDocs plugin; reads pages on stdin)")
    sys.exit(_worker(sys.stdin.buffer, sys.stdout.buffer))
