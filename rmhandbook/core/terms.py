"""The organization's own words in prose: `[[mentor]]`, `[[mentors]]`, `[[Mentor]]`, `[[Mentors]]`.

A reference names a key of the `terms` mapping in program.yml (or of an
organization's profile). `s` at the end asks for the plural, a capital first
letter asks for a capitalized word. An unknown name is an error, never
silent text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

TERM_REF = re.compile(r"\[\[\s*([A-Za-z][A-Za-z0-9-]*)\s*\]\]")


def _forms(value: object) -> tuple[str, str]:
    if isinstance(value, str):
        return value, value + "s"
    if isinstance(value, Mapping):
        singular = str(value.get("singular", ""))
        return singular, str(value.get("plural", singular + "s"))
    singular = getattr(value, "singular", "")
    return singular, getattr(value, "plural", singular + "s")


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


class Terms:
    """Resolves term references against one terms mapping."""

    def __init__(self, mapping: Mapping[str, object]) -> None:
        self.forms: dict[str, tuple[str, str]] = {k: _forms(v) for k, v in mapping.items()}
        self.fingerprint = repr(sorted(self.forms.items()))

    def names(self) -> list[str]:
        out = []
        for key in self.forms:
            out += [key, key + "s", _cap(key), _cap(key) + "s"]
        return out

    def lookup(self, name: str) -> str | None:
        """The word for one reference name, or None when no term matches."""
        for key, plural in ((name, False), (name[:-1], True) if name.endswith("s") else (None, False)):
            if key is None:
                continue
            if key in self.forms:
                return self.forms[key][plural]
            lowered = key[:1].lower() + key[1:]
            if key[:1].isupper() and lowered in self.forms:
                return _cap(self.forms[lowered][plural])
        return None

    def word(self, key: str, plural: bool = False, capital: bool = False) -> str:
        w = self.forms[key][plural]
        return _cap(w) if capital else w

    def unknown(self, text: str) -> Iterator[tuple[int, str]]:
        """(offset, name) of every reference in `text` that no term matches."""
        for m in TERM_REF.finditer(text):
            if self.lookup(m.group(1)) is None:
                yield m.start(), m.group(1)

    def substitute(self, text: str) -> str:
        """Replace every known reference with the organization's word, as written.

        Not HTML-escaped here: the word is prose like the text around it, and is escaped
        where it lands (the renderer's escaping for Markdown, front matter and the nav).
        Escaping it here as well would show `&amp;` in the nav and page titles.
        """
        if "[[" not in text:
            return text

        def repl(m: re.Match[str]) -> str:
            word = self.lookup(m.group(1))
            return m.group(0) if word is None else word

        return TERM_REF.sub(repl, text)
