"""The whole handbook as one printable page (`handbook.md`, template `book.md.j2`).

Every item of the program (steps, framing scripts, pitfalls, FAQ, session plans, glossary terms,
roles and phases) is written once, under an anchor of its own (`#step-<id>`, `#script-<id>`, ...),
and every link from one of them to another becomes a link to that anchor. Links to pages the book
does not hold (working documents, checklists) go to those pages. Prose was written for its own
page (an item's `../forms/goal-sheet.md`), so its links are read from there and written again from
the book's place in the site. The page is generated like every other page, so the exported bundle
and other engines keep it.
"""

from __future__ import annotations

import posixpath
import re

from markupsafe import Markup

from rmhandbook.core.handbook import Handbook
from rmhandbook.core.model import KINDS

BOOK_PATH = "handbook.md"
# Past this many items (steps, sessions, scripts, pitfalls, FAQ topics, forms) a handbook gets no book page:
# it would print to hundreds of pages, and Python-Markdown's cost for one page grows faster than its
# size (mostly md_in_html; docs/src/checklists.md gives the figures).
BOOK_MAX_ITEMS = 200
# the kinds printed in full, by their page folder, and the prefix of their anchors
BOOK_KINDS = {"steps": "step", "scripts": "script", "pitfalls": "pitfall", "faqs": "faq", "sessions": "session"}
# pages the book holds as a whole chapter: a link to them goes to the chapter
CHAPTER_PAGES = {"overview.md": "chapter-overview", "glossary.md": "chapter-glossary",
                 "roles/index.md": "chapter-overview"}
# a Markdown link or image destination in `embeddable` output: the text's own brackets are character
# references there and the destination has no space or parenthesis (render/prose.py `_url`)
_DESTINATION = re.compile(r"\]\(([^()\s]+)\)")


class BookLinks:
    """Where a link from an item's page goes when the item is printed in the book."""

    def __init__(self, handbook: Handbook) -> None:
        self.anchors: dict[str, str] = dict(CHAPTER_PAGES)
        for name, prefix in BOOK_KINDS.items():
            url = KINDS[name].url
            self.anchors[f"{url}/index.md"] = f"chapter-{name}"
            for item_id in handbook.items.get(name, {}):
                self.anchors[f"{url}/{item_id}.md"] = f"{prefix}-{item_id}"
        for role in handbook.program.roles:
            self.anchors[f"roles/{role.id}.md"] = f"role-{role.id}"

    def target(self, page: str) -> str:
        """A link from the book to a site-relative page path (with an optional `#fragment`)."""
        path, _, fragment = page.partition("#")
        anchor = self.anchors.get(path)
        if anchor is None:
            return page  # the book sits at the site's root: a site-relative path is already relative to it
        if fragment and path == "overview.md":
            return f"#phase-{fragment}"  # the overview's phase anchors are phase ids
        if fragment and anchor.startswith("faq-"):
            return f"#{anchor}-{fragment}"  # a question of a topic
        return f"#{anchor}"

    def rewrite(self, markdown: str, origin: str) -> Markup:
        """Clean prose (`embeddable` output) written for the page `origin`, with its links made for the book."""
        def one(m: re.Match) -> str:
            href = m.group(1)
            if "://" in href or href.startswith(("/", "mailto:", "tel:")):
                return m.group(0)
            if href.startswith("#"):
                resolved = f"{origin}{href}"
            else:
                path, _, fragment = href.partition("#")
                resolved = posixpath.normpath(posixpath.join(posixpath.dirname(origin), path))
                if resolved.startswith(".."):
                    return m.group(0)  # outside the site: left for the link check to report, as on its page
                resolved += f"#{fragment}" if fragment else ""
            return f"]({self.target(resolved)})"

        return Markup(_DESTINATION.sub(one, str(markdown)))


def has_book(handbook: Handbook) -> bool:
    """Whether the handbook is small enough for its book page (BOOK_MAX_ITEMS)."""
    return book_items(handbook) <= BOOK_MAX_ITEMS


def book_items(handbook: Handbook) -> int:
    return sum(len(items) for items in handbook.items.values())


def no_book_note(handbook: Handbook) -> str | None:
    """What the build says when the handbook is too large for its book page, or None."""
    if has_book(handbook):
        return None
    return (f"the whole-handbook page ({BOOK_PATH[:-3]}/) is left out: the handbook has {book_items(handbook)} "
            f"items, more than {BOOK_MAX_ITEMS} (see the docs, Checklists and printing)")


def term_anchors(handbook: Handbook) -> list[str]:
    """An anchor per glossary entry, in the glossary's order (`term-<slug>`), unique among the terms."""
    anchors: list[str] = []
    used: set[str] = set()
    for entry in handbook.glossary.entries if handbook.glossary else ():
        slug = re.sub(r"[^a-z0-9]+", "-", entry.term.lower()).strip("-") or "entry"
        anchor, n = f"term-{slug}", 1
        while anchor in used:
            n += 1
            anchor = f"term-{slug}-{n}"
        used.add(anchor)
        anchors.append(anchor)
    return anchors
