"""The languages a handbook can be built in; render/messages.py holds a table of labels for each."""

from __future__ import annotations

DEFAULT_LANGUAGE = "en"
LANGUAGES = ("en", "de")
