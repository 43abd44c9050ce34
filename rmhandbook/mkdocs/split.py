"""One handbook built by several processes: the part each process plays inside MkDocs.

`rmhandbook build --jobs N` runs N processes (sites.py); each works out the whole site
(content, nav, theme) but writes only every N-th page. MkDocs' own dirty mode skips a
file that says it is not modified, and this module says so for the other processes'
pages; the first process alone copies the static files. If a file object cannot be
marked, the process writes it as well: slower, never wrong, since sites.py keeps one
copy of each file.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Sequence

from markupsafe import Markup

from rmhandbook.mkdocs import internals
from rmhandbook.render.pages import Page
from rmhandbook.render.safety import html_attribute


@dataclasses.dataclass(frozen=True)
class Share:
    """One process's part of a split build: every `count`-th page, from the `index`-th."""

    index: int
    count: int
    links_file: Path  # where the process saves what it read of its pages, for the link check


def take_share(files: Any, pages: Sequence[Page], share: Share) -> None:
    """Leave every page of the other processes (and the static files, but in the first) to them."""
    generated = {p.path: i for i, p in enumerate(pages)}
    own_pages = [f for f in files.documentation_pages() if f.src_uri not in generated]
    mine = {f.src_uri for i, f in enumerate(own_pages) if i % share.count == share.index}
    mine |= {path for path, i in generated.items() if i % share.count == share.index}
    for f in files:
        take = f.src_uri in mine if f.is_documentation_page() else share.index == 0
        if not take:
            internals.mark_unmodified(f)


def give_titles(nav: Any, pages: Sequence[Page]) -> None:
    """The titles of pages this build does not read, for the nav and the footer of every page.

    (Markup, as the plugin's on_page_markdown makes the titles of the pages that are read.)
    """
    titles = {p.path: Markup(html_attribute(p.title)) for p in pages}
    for page in nav.pages:
        if page.file.src_uri in titles:
            internals.give_title(page, titles[page.file.src_uri])
