"""Search-only words on a page: a hidden block that Material's search indexes and no reader sees.

The words come from the core (`core/search.py`); the block is plain HTML, so the exported
Markdown carries it to any site generator. The MkDocs plugin moves the words from the page's
text into the search index's `keywords` field (`mkdocs/internals.py`), where they rank below
titles and are never shown as a result's text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Sequence

from markupsafe import Markup, escape

from rmhandbook.core.search import keywords
from rmhandbook.render.text import plain_text

KEYWORDS_CLASS = "rmh-search-keywords"


def keyword_block(words: Iterable[str]) -> Markup:
    """`<div class="rmh-search-keywords" hidden>…</div>` on a line of its own, or nothing."""
    text = " ".join(words)
    if not text:
        return Markup("")
    return Markup(f'<div class="{KEYWORDS_CLASS}" hidden>{escape(text)}</div>\n')


class SearchKeywords:
    """The templates' `search_keywords(titles, texts)`: the hidden block for one page or section."""

    def __init__(self, language: str, extra_groups: Sequence[Sequence[str]] = (), common: Sequence[str] = ()) -> None:
        self.language = language
        self.extra_groups = tuple(tuple(g) for g in extra_groups)
        self.common = tuple(common)

    def __call__(self, titles: object, texts: object = ()) -> Markup:
        return keyword_block(keywords(_texts(titles), _texts(texts), self.language, self.extra_groups, self.common))

    def __repr__(self) -> str:  # the page cache compares globals by value
        return f"SearchKeywords({self.language!r}, {self.extra_groups!r}, {self.common!r})"


def _texts(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [html.unescape(plain_text(value))]
    if isinstance(value, Iterable):
        return [html.unescape(plain_text(str(v))) for v in value if v]
    return [html.unescape(plain_text(str(value)))]


_HEADING_OR_BLOCK = re.compile(
    r'<h[1-6]\b(?P<attrs>[^>]*)>|<div class="' + KEYWORDS_CLASS + r'" hidden>(?P<words>[^<]*)</div>')
_ID = re.compile(r'\bid="([^"]+)"')


def keyword_sections(html_text: str) -> tuple[str, dict[str | None, str]]:
    """A page's HTML with its keyword blocks marked `data-search-exclude` (for the search only: see `unmarked`),
    and their words by section.

    A block belongs to the nearest heading above it that starts a search section (one with an id
    and without `data-search-exclude`); None is the page's first section (its title).
    """
    sections: dict[str | None, str] = {}
    current: str | None = None
    first = True
    for m in _HEADING_OR_BLOCK.finditer(html_text):
        if m.group("attrs") is not None:
            found = _ID.search(m.group("attrs"))
            if found and "data-search-exclude" not in m.group("attrs"):
                current = None if first else html.unescape(found.group(1))
            first = False
        else:
            words = html.unescape(m.group("words")).strip()
            sections[current] = f"{sections[current]} {words}" if current in sections else words
    marked = html_text.replace(f'<div class="{KEYWORDS_CLASS}" hidden>', f'<div class="{KEYWORDS_CLASS}" hidden{MARK}>')
    return marked, sections


# Material's search removes `data-search-*="..."` attributes once it has read the page; `unmarked` does
# the same, so the page is written exactly as an exported page is
MARK = ' data-search-exclude="keywords"'


def unmarked(html_text: str) -> str:
    return html_text.replace(MARK, "")


def _letter(term: str) -> str:
    base = unicodedata.normalize("NFKD", plain_text(term).strip()[:1]).encode("ascii", "ignore").decode().upper()
    return base if "A" <= base <= "Z" else "#"


def _sort_key(term: str) -> str:
    return unicodedata.normalize("NFKD", plain_text(term)).encode("ascii", "ignore").decode().casefold()


def glossary_letters(entries: Iterable[object]) -> list[tuple[str, str | None, list]]:
    """The glossary's A-Z: (letter, anchor or None when no term starts with it, its entries in order);
    accented letters count as their base letter, anything else as "#" at the end."""
    groups: dict[str, list] = {}
    for entry in sorted(entries, key=lambda e: _sort_key(str(getattr(e, "term", "")))):
        groups.setdefault(_letter(str(getattr(entry, "term", ""))), []).append(entry)
    letters = [chr(c) for c in range(ord("A"), ord("Z") + 1)] + (["#"] if "#" in groups else [])
    return [(letter, (f"letter-{letter.lower()}" if letter != "#" else "letter-other") if letter in groups else None,
             groups.get(letter, [])) for letter in letters]
