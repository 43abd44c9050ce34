"""Write the generated pages as plain Markdown files, for any Markdown site generator."""

from __future__ import annotations

from pathlib import Path

from .render import Page
from .safety import unescape_prose_for_export


def export_pages(pages: list[Page], out_dir: Path) -> list[Path]:
    written = []
    for page in pages:
        target = out_dir / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        # without our Markdown extension, a `<` from the content is written as the entity `&lt;`
        target.write_text(unescape_prose_for_export(page.content), encoding="utf-8")
        written.append(target)
    return written
