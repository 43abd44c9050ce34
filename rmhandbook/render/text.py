"""Markdown prose as plain text, for places that show no markup (hover titles, descriptions, calendars)."""

from __future__ import annotations

import re

_PLAIN = re.compile(r"[*_`]|\[([^\]]*)\]\([^)]*\)")


def plain_text(markdown: str) -> str:
    """Markdown prose reduced to one line of text (for hover titles and descriptions)."""
    text = _PLAIN.sub(lambda m: m.group(1) or "", markdown)
    return " ".join(text.split())
