"""Rendered pages kept between builds, so a rebuild renders only the pages whose inputs changed.

`mkdocs serve` rebuilds the whole site after every save. The builder already
re-parses only the YAML files that changed; this cache does the same for the
pages. While a page renders, the item mappings its template can reach
(`steps`, `scripts`, `pitfalls`, `faqs`, `backlinks`) record what it read: one
item (`steps['first-meeting']`), or a whole kind (a loop over `steps`). The
page is reused when, on the next build, everything it read is unchanged:

- the base: templates (name, size, modification time of every file in the
  template folders), language, program.yml and glossary.yml, and anything
  the cache cannot see into;
- the YAML text of the file the page comes from;
- the YAML text of every item it read, and the order and texts of every
  kind it looped over; the backlink entries it read.

Templates that use the whole `hb` object make every page depend on all
content; globals this module does not know are compared by value (`repr`):
correct, at worst slower.

Template compilation is cached too (`BYTECODE`), by template source, for the
page templates and for the theme's templates the MkDocs adapter hands over.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2

from rmhandbook.core.model import KINDS


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates, in memory, by name and source checksum (a changed template is compiled anew)."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


BYTECODE = _MemoryBytecodeCache()

ALL = "*"
TRACKED_KINDS = tuple(KINDS)


class Reads:
    """What one page read while rendering."""

    def __init__(self) -> None:
        self.items: set[tuple[str, str]] = set()  # (kind, id) or (kind, ALL)
        self.backlinks: set[str] = set()
        self.derived: set[str] = set()  # names of derived mappings whose key set was read
        self.everything = False


class _Recorder:
    current: Reads | None = None

    def item(self, kind: str, key: Any) -> None:
        if self.current is not None:
            self.current.items.add((kind, key if isinstance(key, str) else ALL))

    def whole(self, kind: str) -> None:
        if self.current is not None:
            self.current.items.add((kind, ALL))


class TrackedItems(dict):
    """A kind's `id -> model` mapping that records which ids a template reads."""

    def __init__(self, kind: str, data: dict, recorder: _Recorder) -> None:
        super().__init__(data)
        self._kind, self._rec = kind, recorder

    def __getitem__(self, key):
        self._rec.item(self._kind, key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self._rec.item(self._kind, key)
        return super().get(key, default)

    def __contains__(self, key) -> bool:
        self._rec.item(self._kind, key)
        return super().__contains__(key)

    def _all(self):
        self._rec.whole(self._kind)

    def __iter__(self):
        self._all()
        return super().__iter__()

    def __len__(self) -> int:
        self._all()
        return super().__len__()

    def keys(self):
        self._all()
        return super().keys()

    def values(self):
        self._all()
        return super().values()

    def items(self):
        self._all()
        return super().items()


class TrackedBacklinks(dict):
    """`backlinks` (`kind/id -> {kind: [ids]}`) that records which entries a template reads."""

    def __init__(self, data: dict, recorder: _Recorder) -> None:
        super().__init__(data)
        self._rec = recorder

    def _read(self, key) -> None:
        if self._rec.current is not None:
            self._rec.current.backlinks.add(key if isinstance(key, str) else ALL)

    def __getitem__(self, key):
        self._read(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self._read(key)
        return super().get(key, default)

    def __contains__(self, key) -> bool:
        self._read(key)
        return super().__contains__(key)

    def __iter__(self):
        self._read(ALL)
        return super().__iter__()

    def keys(self):
        self._read(ALL)
        return super().keys()

    def values(self):
        self._read(ALL)
        return super().values()

    def items(self):
        self._read(ALL)
        return super().items()


class DocView:
    """A checklist document as a template sees it: naming it (path, title, pdf) depends only on
    program.yml and the settings; reading its contents depends on every step."""

    SHALLOW = frozenset({"id", "kind", "path", "title", "pdf", "role_id", "cover"})

    def __init__(self, doc: Any, recorder: _Recorder, kinds: tuple[str, ...]) -> None:
        object.__setattr__(self, "_doc", doc)
        object.__setattr__(self, "_rec", recorder)
        object.__setattr__(self, "_kinds", kinds)

    def __getattr__(self, name: str) -> Any:
        if name not in self.SHALLOW:
            for kind in self._kinds:
                self._rec.whole(kind)
        return getattr(self._doc, name)


class DerivedDocs(dict):
    """Checklist documents by role or phase id, gathered from every step.

    Which ids have a document is recorded as its own dependency (`keys`), and
    each document is handed out as a `DocView`.
    """

    def __init__(self, name: str, data: dict, recorder: _Recorder, kinds: tuple[str, ...]) -> None:
        super().__init__(data)
        self._name, self._rec, self._kinds = name, recorder, kinds

    def _keys(self) -> None:
        if self._rec.current is not None:
            self._rec.current.derived.add(self._name)

    def __getitem__(self, key):
        self._keys()
        return DocView(super().__getitem__(key), self._rec, self._kinds)

    def get(self, key, default=None):
        self._keys()
        value = super().get(key)
        return default if value is None else DocView(value, self._rec, self._kinds)

    def __contains__(self, key) -> bool:
        self._keys()
        return super().__contains__(key)

    def __iter__(self):
        self._keys()
        return super().__iter__()

    def __len__(self) -> int:
        self._keys()
        return super().__len__()

    def keys(self):
        self._keys()
        return super().keys()

    def values(self):
        self._keys()
        return [self[k] for k in super().keys()]

    def items(self):
        self._keys()
        return [(k, self[k]) for k in super().keys()]


class Everything:
    """A stand-in for an object the cache cannot see into: touching it makes the page depend on all content."""

    def __init__(self, target: Any, recorder: _Recorder) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_rec", recorder)

    def __getattr__(self, name: str) -> Any:
        if self._rec.current is not None:
            self._rec.current.everything = True
        return getattr(self._target, name)


@dataclasses.dataclass
class _Entry:
    key: tuple
    source_text: str | None
    item_texts: dict[tuple[str, str], Any]
    backlinks: dict[str, Any]
    derived: dict[str, Any]
    page: Any


def template_signature(dirs: Iterable[str]) -> tuple:
    """Name, size and modification time of every file in the template folders."""
    out = []
    for d in dirs:
        for root, _, files in os.walk(d):
            for name in sorted(files):
                try:
                    st = os.stat(os.path.join(root, name))
                except OSError:
                    continue
                out.append((os.path.join(root, name), st.st_size, st.st_mtime_ns))
    return tuple(out)


class PageCache:
    """Pages of one content folder, kept for the life of the process (`mkdocs serve`)."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self.stats = {"rendered": 0, "reused": 0}

    def start(self, base: tuple, texts: dict[Path, str], kinds: dict[str, dict], backlinks: dict,
              derived: dict[str, Any] | None = None) -> _Build:
        return _Build(self, base, texts, kinds, backlinks, derived or {})


class _Build:
    """One render pass: current texts and fingerprints, computed once and shared by every page."""

    def __init__(self, cache: PageCache, base: tuple, texts: dict[Path, str], kinds: dict[str, dict],
                 backlinks: dict, derived: dict[str, Any]) -> None:
        self.cache, self.base, self.texts, self.backlinks = cache, base, texts, backlinks
        self.derived = derived  # name -> its current key set
        self.kinds = kinds  # kind -> id -> item (with .doc.text)
        self._whole: dict[str, Any] = {}
        self.rendered: list[str] = []
        self.reused = 0

    def whole(self, kind: str) -> Any:
        if kind not in self._whole:
            items = self.kinds.get(kind, {})
            ids = tuple(items)
            self._whole[kind] = (len(ids), hash(ids), hash(tuple(it.doc.text for it in items.values())))
        return self._whole[kind]

    def item_text(self, kind: str, item_id: str) -> Any:
        if item_id == ALL:
            return self.whole(kind)
        item = self.kinds.get(kind, {}).get(item_id)
        return None if item is None else item.doc.text

    def lookup(self, key: tuple, source: Path | None) -> Any | None:
        entry = self.cache._entries.get(key[1])
        if entry is None or entry.key != (self.base,) + key:
            return None
        if entry.source_text != (self.texts.get(source) if source else None):
            return None
        for (kind, item_id), text in entry.item_texts.items():
            if self.item_text(kind, item_id) != text:
                return None
        for name, value in entry.backlinks.items():
            if (dict(self.backlinks) if name == ALL else self.backlinks.get(name)) != value:
                return None
        for name, value in entry.derived.items():
            if self.derived.get(name) != value:
                return None
        self.reused += 1
        self.cache.stats["reused"] += 1
        return entry.page

    def store(self, key: tuple, source: Path | None, reads: Reads, page: Any) -> None:
        self.rendered.append(key[1])
        self.cache.stats["rendered"] += 1
        if reads.everything:
            deps = {(kind, ALL): self.whole(kind) for kind in self.kinds}
        else:
            deps = {dep: self.item_text(*dep) for dep in reads.items}
        links = {name: (dict(self.backlinks) if name == ALL else self.backlinks.get(name)) for name in reads.backlinks}
        derived = {name: self.derived.get(name) for name in reads.derived}
        self.cache._entries[key[1]] = _Entry((self.base,) + key, self.texts.get(source) if source else None,
                                             deps, links, derived, page)


_CACHES: dict[Path, PageCache] = {}


def shared_page_cache(content_dir: Path) -> PageCache:
    """One page cache per content folder for the life of the process (like `handbook.shared_builder`)."""
    return _CACHES.setdefault(Path(content_dir).resolve(), PageCache())
