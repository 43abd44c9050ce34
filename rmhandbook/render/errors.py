"""The page a live preview shows while the content has errors, in place of every page of the handbook."""

from __future__ import annotations

import json

from rmhandbook.render.messages import Messages


def error_page(report: str, language: str) -> str:
    """Markdown listing the diagnostics as they were printed; a code block shows every character as text."""
    msg = Messages(language)
    fence = "~" * max(3, max((len(run) for run in _runs(report, "~")), default=0) + 1)
    title = json.dumps(msg("content_errors_title"), ensure_ascii=False)
    return (f"---\ntitle: {title}\nsearch:\n  exclude: true\n---\n\n# {msg('content_errors_title')}\n\n"
            f"{msg('content_errors_intro')}\n\n{fence} text\n{report.rstrip()}\n{fence}\n")


def _runs(text: str, char: str) -> list[str]:
    runs, current = [], ""
    for c in text:
        if c == char:
            current += c
        elif current:
            runs.append(current)
            current = ""
    if current:
        runs.append(current)
    return runs
