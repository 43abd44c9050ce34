"""The whole handbook on one page (`handbook.md`, render/book.py): its Markdown and the built page.

How it prints (A4 and Letter, chapters on new pages, German on an organization's site) is in
test_book_browser.py.
"""

from __future__ import annotations

import collections
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from harness import REPO
from rmhandbook.core.handbook import load_handbook
from rmhandbook.render.book import BOOK_PATH, BookLinks, term_anchors
from rmhandbook.render.pages import render_pages

CONTENT = REPO / "content"
SCAFFOLD = REPO / "rmhandbook" / "outputs" / "scaffold" / "content"
# a Markdown heading's attribute list (`{ #step-x }`, `{ .cls #x }`) or an element's id
ANCHOR = re.compile(r"\{[^}\n]*?#([\w-]+)[^}\n]*\}|\sid=\"([^\"]+)\"")
LINK = re.compile(r"\]\(([^()\s]+)\)|href=\"([^\"]+)\"")


def book_of(content: Path) -> tuple[object, str]:
    handbook = load_handbook(content)
    pages = {p.path: p for p in render_pages(handbook)}
    return handbook, pages[BOOK_PATH].content


@pytest.fixture(scope="module", params=["default", "scaffold"])
def book(request):
    return book_of(CONTENT if request.param == "default" else SCAFFOLD)


def anchors(markdown: str) -> list[str]:
    return [a or b for a, b in ANCHOR.findall(markdown)]


def links(markdown: str) -> list[str]:
    return [a or b for a, b in LINK.findall(markdown)]


def expected_anchors(hb) -> list[str]:
    out = [f"step-{i}" for i in hb.steps] + [f"script-{i}" for i in hb.scripts]
    out += [f"pitfall-{i}" for i in hb.pitfalls] + [f"session-{i}" for i in hb.sessions]
    out += [f"role-{r.id}" for r in hb.program.roles] + [f"phase-{p.id}" for p in hb.program.phases]
    for tid, topic in hb.faqs.items():
        out += [f"faq-{tid}"] + [f"faq-{tid}-{q.id}" for q in topic.questions]
    return out + term_anchors(hb)


def test_every_item_is_in_the_book_once_under_its_anchor(book):
    hb, md = book
    counts = collections.Counter(anchors(md))
    wanted = expected_anchors(hb)
    assert len(wanted) > 10
    assert {a: counts[a] for a in wanted} == {a: 1 for a in wanted}
    assert [a for a, n in counts.items() if n > 1] == []
    # and the item's title is written there, once as a heading
    for sid, step in hb.steps.items():
        assert f"#### {step.title} {{ #step-{sid} }}" in md
    for tid, topic in hb.faqs.items():
        for q in topic.questions:
            assert md.count(f"{{ #faq-{tid}-{q.id} }}") == 1
    for entry, anchor in zip(hb.glossary.entries, term_anchors(hb), strict=True):
        assert f'id="{anchor}" markdown>\n<strong>{entry.term}</strong>' in md


def test_every_link_inside_the_book_goes_to_an_anchor_of_the_book(book):
    hb, md = book
    here = set(anchors(md))
    targets = links(md)
    inside = [t[1:] for t in targets if t.startswith("#")]
    assert len(inside) > len(hb.steps)
    assert sorted(set(inside) - here) == []
    # the items the book holds are never linked on their own pages
    held = ("steps/", "scripts/", "pitfalls/", "faq/", "sessions/", "roles/", "overview.md", "glossary.md")
    assert [t for t in targets if t.startswith(held)] == []
    # every chapter is in the contents, in order, and starts a section of its own
    contents = re.findall(r"^1\. \[[^\]]+\]\(#(chapter-[\w-]+)\)", md, re.M)
    assert contents == re.findall(r"^## .* \{ #(chapter-[\w-]+) \}$", md, re.M)
    assert contents[0] == "chapter-overview" and contents[-1] == "chapter-documents"


def test_links_in_prose_are_read_from_the_item_page_and_written_for_the_book():
    hb, md = book_of(CONTENT)
    # steps/secure-sponsorship.yml says `../forms/program-charter.md`, written for its own page
    assert "[program charter](forms/program-charter.md)" in md
    assert "../forms/" not in md
    book_links = BookLinks(hb)
    rewrite = book_links.rewrite
    assert rewrite("see [a](../pitfalls/power-dynamics.md) and [b](../forms/goal-sheet.md#goals)",
                   "steps/x.md") == "see [a](#pitfall-power-dynamics) and [b](forms/goal-sheet.md#goals)"
    faq = next(iter(hb.faqs))
    question = hb.faqs[faq].questions[0].id
    assert rewrite(f"[q](#{question})", f"faq/{faq}.md") == f"[q](#faq-{faq}-{question})"
    assert rewrite(f"[q](../faq/{faq}.md#{question})", "steps/x.md") == f"[q](#faq-{faq}-{question})"
    assert rewrite("[p](../overview.md#launch)", "steps/x.md") == "[p](#phase-launch)"
    assert rewrite("[w](https://example.org/a.md) [m](mailto:a@b.c)", "steps/x.md") == \
        "[w](https://example.org/a.md) [m](mailto:a@b.c)"
    assert rewrite("![logo](../assets/x.png)", "steps/x.md") == "![logo](assets/x.png)"


def test_nothing_in_the_book_is_tickable_or_saved():
    """Checklists and session plans keep ticks under `data-checklist`/`data-item` ids; the book repeats their
    items as text, so a tick on the book could never overwrite (or be mistaken for) a tick on the step page."""
    _, md = book_of(CONTENT)
    for marker in ("<input", "data-checklist", "data-item", "data-session", "rmh-checklist", "rmh-form",
                   "rmh-script\""):
        assert marker not in md, marker
    assert "rmh-book__checklist" in md


def test_the_book_is_out_of_search_and_out_of_the_nav():
    from rmhandbook.render.pages import nav_for

    hb = load_handbook(CONTENT)
    pages = render_pages(hb)
    book = next(p for p in pages if p.path == BOOK_PATH)
    assert 'search: {"exclude": true}' in book.content
    assert BOOK_PATH not in json.dumps(nav_for(pages, hb))
    home = next(p for p in pages if p.path == "index.md")
    assert "(handbook.md)" in home.content


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.fragments: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        href = attrs.get("href") or ""
        if href.startswith("#") and len(href) > 1:
            self.fragments.append(href[1:])


def test_the_built_page_has_unique_ids_and_no_dead_anchor(default_site):
    parser = _Ids()
    parser.feed((default_site / "handbook" / "index.html").read_text(encoding="utf-8"))
    duplicates = [i for i, n in collections.Counter(parser.ids).items() if n > 1]
    assert duplicates == []
    assert len(parser.fragments) > 100
    assert sorted(set(parser.fragments) - set(parser.ids)) == []
    index = json.loads((default_site / "search" / "search_index.json").read_text())
    assert not [d for d in index["docs"] if d["location"].startswith("handbook/")]


def test_a_handbook_past_the_limit_has_no_book_and_no_link_to_it(monkeypatch):
    """A very large handbook gets no book page (BOOK_MAX_ITEMS): no page, and no link to one."""
    import rmhandbook.render.book as book

    hb = load_handbook(SCAFFOLD)
    items = sum(len(v) for v in hb.items.values())
    monkeypatch.setattr(book, "BOOK_MAX_ITEMS", items)
    assert BOOK_PATH in {p.path for p in render_pages(hb)}
    monkeypatch.setattr(book, "BOOK_MAX_ITEMS", items - 1)
    pages = {p.path: p for p in render_pages(hb)}
    assert BOOK_PATH not in pages
    assert "handbook.md" not in pages["index.md"].content + pages["checklists/index.md"].content


def test_a_build_past_the_limit_says_the_book_is_left_out(monkeypatch, tmp_path, caplog):
    """The page is not dropped in silence: the build says so, with the count and the limit."""
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    import rmhandbook.render.book as book

    items = sum(len(v) for v in load_handbook(CONTENT).items.values())
    monkeypatch.setattr(book, "BOOK_MAX_ITEMS", items - 1)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(REPO / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.rmhandbook"):
        build(config)
    notes = [r.getMessage() for r in caplog.records if "whole-handbook page" in r.getMessage()]
    assert notes == [f"rmhandbook: the whole-handbook page (handbook/) is left out: the handbook has {items} items, "
                     f"more than {items - 1} (see the docs, Checklists and printing)"]
    assert not (tmp_path / "site" / "handbook").exists() and (tmp_path / "site" / "index.html").exists()
