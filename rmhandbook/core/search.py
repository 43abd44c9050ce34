"""What the site search needs to know of a handbook's language: stop words, synonyms, word forms.

Material's search (lunr in the browser) matches what a reader types as the start of an
indexed word and does not reduce the typed word to its stem. So the index keeps whole words
(no stemmer), the typed question words ("how", "my", "to") are dropped by the search's
`separator` before they can match every word that starts with them, and each page carries
hidden, search-only keywords: the other forms of its title's words ("cancels" for "canceled")
and the synonyms of its words ("boss" for "senior") from a data file per language
(`searchwords/<language>.yml`), plus an organization's own `search_synonyms`.

Framework-free: the templates put the keywords on the page, the MkDocs plugin and
`export --mkdocs-config` put `search_settings()` into the search plugin's configuration.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from rmhandbook.core.diagnostics import ContentError, Diagnostics
from rmhandbook.core.languages import DEFAULT_LANGUAGE
from rmhandbook.core.loader import load_document

WORDS_DIR = Path(__file__).parent / "searchwords"
# a title's words are ranked in `title` (x1000); their keywords rank below them and far above body text
KEYWORDS_BOOST = 300
# terms whose words are on nearly every page: every page carries them as keywords, so a question that
# names a role ("what if my mentee cancels") is ranked by its other words
COMMON_TERMS = ("mentor", "mentee", "program")
# the separator Material uses for these languages, extended with punctuation a question carries
BASE_SEPARATOR = r"[\s\-,;:!?.()\[\]\"/]+"
_LETTER = r"A-Za-z0-9\u00C0-\u024F'’"
_WORD = re.compile(rf"[{_LETTER}]+(?:-[{_LETTER}]+)*")


@functools.cache
def search_words(language: str = DEFAULT_LANGUAGE) -> tuple[frozenset[str], tuple[tuple[str, ...], ...]]:
    """(stop words, synonym groups) of a language, from the shipped data file (English if there is none)."""
    path = WORDS_DIR / f"{language}.yml"
    if not path.is_file():
        path = WORDS_DIR / f"{DEFAULT_LANGUAGE}.yml"
    diags = Diagnostics(Path.cwd())
    doc = load_document(path, diags)
    if doc is None or diags.errors:
        raise ContentError(diags)  # a shipped file: a bug in rmhandbook, reported like content
    stop = frozenset(str(w).lower() for w in doc.data.get("stop_words") or ())
    groups = tuple(tuple(_normal(str(w)) for w in group) for group in doc.data.get("synonyms") or ())
    return stop, groups


def _normal(text: str) -> str:
    return " ".join(w.lower() for w in _WORD.findall(text.replace("’", "'")))


def separator(language: str = DEFAULT_LANGUAGE) -> str:
    """The search's `separator`: whitespace and punctuation, and every stop word as a whole word.

    The regular expression runs in the browser without flags, so each letter is written in both
    cases; lookarounds keep a stop word inside a longer word ("a" in "agenda") a word.
    """
    stop, _ = search_words(language)

    def either_case(word: str) -> str:
        return "".join(f"[{c}{c.upper()}]" if c.upper() != c else re.escape(c) for c in word)

    words = "|".join(either_case(w) for w in sorted(stop, key=lambda w: (-len(w), w)))
    return rf"{BASE_SEPARATOR}|(?<![{_LETTER}])(?:{words})(?![{_LETTER}])"


def search_settings(language: str = DEFAULT_LANGUAGE) -> dict:
    """Settings for Material's search plugin: whole words, question words dropped, a keywords field."""
    return {"separator": separator(language), "pipeline": ["stopWordFilter", "trimmer"],
            "fields": {"keywords": {"boost": KEYWORDS_BOOST}}}


def _forms_en(word: str) -> set[str]:
    """Regular English forms of a word (a few are not words: harmless in an index)."""
    bases = set()
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"),
                         ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: len(word) - len(suffix)] + repl
            bases.add(base)
            if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "aeiousl":
                bases.add(base[:-1])  # stopped -> stop
            if base.endswith("ll"):
                bases.add(base[:-1])  # cancelled -> cancel
    bases = bases or {word}  # an inflected word's forms come from its base, not from itself
    out = set()
    for base in bases:
        stem = base[:-1] if base.endswith("e") else base
        out |= {base, base + "s", stem + "ed", stem + "ing"}
        if base.endswith("y") and len(base) > 3:
            out |= {base[:-1] + "ies", base[:-1] + "ied"}
        if base.endswith(("s", "x", "ch", "sh")):
            out.add(base + "es")
    return out


def _forms_de(word: str) -> set[str]:
    """Common German endings of a word (nouns' plural and case endings, verbs' present forms)."""
    stem = word
    for suffix in ("ungen", "en", "er", "es", "em", "e", "n", "s", "t"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            stem = word[: len(word) - len(suffix)]
            break
    return {stem, *(stem + s for s in ("e", "en", "er", "es", "n", "s", "t", "st"))}


FORMS = {"en": _forms_en, "de": _forms_de}


def words_of(text: str) -> list[str]:
    return _normal(text).split()


def keywords(title_texts: Iterable[str], texts: Iterable[str] = (), language: str = DEFAULT_LANGUAGE,
             extra_groups: Sequence[Sequence[str]] = (), common: Iterable[str] = ()) -> list[str]:
    """Search-only words for one page or section.

    `title_texts` (a title, a question) get the other forms of each of their words and the
    synonyms of their words; `texts` (a summary) only synonyms. Words already in these texts are
    left out; the `common` words are always in. Sorted, so a page is the same on every build.
    """
    stop, groups = search_words(language)
    groups = groups + tuple(tuple(_normal(w) for w in g) for g in extra_groups)
    title_words = [w for t in title_texts for w in words_of(t)]
    all_words = title_words + [w for t in texts for w in words_of(t)]
    present = set(all_words)
    phrase_text = " " + " ".join(all_words) + " "
    forms = FORMS.get(language, _forms_en)
    found: set[str] = set()
    for part in {p for text in common for w in words_of(text) for p in w.split("-")}:
        found |= forms(part) | {part}
    for word in title_words:
        for part in word.split("-"):  # the search splits "cross-time-zone" into its parts
            if part not in stop and len(part) > 3:
                found |= forms(part.strip("'"))
    for group in groups:
        if any(f" {member} " in phrase_text for member in group):
            found.update(group)
    present |= {part for w in present for part in w.split("-")}
    return sorted(w for w in found if w not in present and w not in stop)
