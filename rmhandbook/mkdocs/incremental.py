"""Rebuild only what changed: which pages `rmhandbook serve` must write again after an edit.

MkDocs rebuilds every page after every save: for the default handbook that is
~0.8 s of CPU, almost all of it Markdown and the theme for pages whose text did
not change. In its `dirty` mode MkDocs skips a page whose file says it is not
modified, but it cannot know when that is safe: a page's HTML also carries the
navigation (every nav title), the site's settings and the Markdown extensions'
(the glossary hovers). So it leaves stale pages and a search index that lists
only the rebuilt pages.

`Previous` keeps, for the life of a `serve` process, what the last build was made
of: each generated page's Markdown, a fingerprint of everything else a page's
HTML depends on, and each page's search entries. A page is skipped only when its
Markdown and that fingerprint are both unchanged; any other change (mkdocs.yml,
a theme override, the nav, the glossary, a page of the docs folder) rebuilds
everything. The search index is put back together in page order from the
rebuilt pages' entries and the kept ones.

Framework-free: the plugin hands in plain values.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def fingerprint(*parts: Any) -> str:
    """A digest of values whose `repr` is stable between builds (strings, numbers, lists, dicts)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(repr(part).encode("utf-8", "backslashreplace"))
        h.update(b"\0")
    return h.hexdigest()


def folder_fingerprint(folders: Iterable[str | Path]) -> str:
    """Names, sizes and modification times of every file under `folders` (a theme's overrides)."""
    h = hashlib.sha256()
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames.sort()
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                h.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


@dataclasses.dataclass
class Previous:
    """What the last build of one site was made of."""

    site_fingerprint: str = ""
    pages: dict[str, str] = dataclasses.field(default_factory=dict)  # generated page src_uri -> its Markdown
    search: dict[str, list] = dataclasses.field(default_factory=dict)  # page url -> its search entries
    scans: dict = dataclasses.field(default_factory=dict)  # page file -> (size, links and ids) for the link check

    def unchanged(self, site_fingerprint: str, generated: dict[str, str]) -> set[str]:
        """The generated pages that need not be written again: the same Markdown in the same site."""
        if site_fingerprint != self.site_fingerprint or not self.pages:
            return set()
        return {path for path, content in generated.items() if self.pages.get(path) == content}

    def remember(self, site_fingerprint: str, generated: dict[str, str]) -> None:
        self.site_fingerprint = site_fingerprint
        self.pages = dict(generated)

    def forget(self) -> None:
        """After a failed build nothing is known to be on disk as it should be."""
        self.site_fingerprint = ""
        self.pages = {}
        self.search = {}
        self.scans = {}


@dataclasses.dataclass
class Rebuild:
    """One live-reload build: what it was made of, what it skips, and the search entries it made."""

    previous: Previous
    site_fingerprint: str
    generated: dict[str, str]  # generated page src_uri -> its Markdown
    unchanged: set[str]  # generated pages it does not write again
    search_pages: dict[str, list] = dataclasses.field(default_factory=dict)  # rebuilt page url -> entries
    search_seen: int = 0  # how many of the search plugin's entries are accounted for

    def note_search_entries(self, url: str, entries: list) -> None:
        """After the search plugin indexed page `url`: its new entries are the ones not seen yet."""
        self.search_pages[url] = entries[self.search_seen:]
        self.search_seen = len(entries)

    def succeeded(self, scans: dict) -> None:
        self.previous.remember(self.site_fingerprint, self.generated)
        self.previous.scans = scans


def entries_by_page(index: dict) -> dict[str, list]:
    """A search index's entries grouped by the page they belong to (`steps/a/#why` -> `steps/a/`)."""
    out: dict[str, list] = {}
    for entry in index.get("docs", []):
        out.setdefault(str(entry.get("location", "")).split("#")[0], []).append(entry)
    return out


def search_index_json(config: Any, by_page: dict[str, list], page_urls: list[str]) -> str:
    """A search index with each page's entries in page order, written as Material writes it."""
    docs = [entry for url in page_urls for entry in by_page.get(url, [])]
    return json.dumps({"config": config, "docs": docs}, separators=(",", ":"), default=str)


def update_search_index(path: Path, previous: Previous, fresh: dict[str, list], rebuilt: set[str],
                        page_urls: list[str]) -> int:
    """Write the search index from the rebuilt pages' entries (`fresh`, page url -> entries, as the
    search plugin made them in this build) and the unchanged pages' entries of earlier builds.

    The search plugin's own file is read only for its `config`: in a dirty build it lists only
    the rebuilt pages (or, kept between rebuilds, some of them twice). Returns how many pages'
    entries were kept. A rebuilt page now excluded from search has none; pages no longer in
    the site drop out.
    """
    config = json.loads(path.read_text(encoding="utf-8")).get("config")
    by_page = {url: (fresh.get(url, []) if url in rebuilt else previous.search.get(url, [])) for url in page_urls}
    previous.search = by_page
    path.write_text(search_index_json(config, by_page, page_urls), encoding="utf-8")
    return sum(1 for url in page_urls if url not in rebuilt)
