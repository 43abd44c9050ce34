"""Item pages say where they are: a breadcrumb to their catalog, and previous/next in the catalog's order."""

from __future__ import annotations

import re

import pytest

from harness import REPO
from rmhandbook.core.handbook import load_handbook
from rmhandbook.render.pages import SEVERITY_ORDER, Renderer

HB = load_handbook(REPO / "content")
PAGES = {p.path: p.content for p in Renderer(HB).pages()}
PAGES_DE = {p.path: p.content for p in Renderer(HB, language="de").pages()}

CRUMB = re.compile(r'<div class="rmh-orient rmh-breadcrumb"[^>]*data-search-exclude markdown>\n'
                   r"\[(?P<home>[^\]]+)\]\((?P<home_link>[^)]+)\) › \[(?P<catalog>[^\]]+)\]\((?P<catalog_link>[^)]+)\)")
PAGER = re.compile(r'<div class="rmh-orient rmh-pager"[^>]*data-search-exclude markdown>\n'
                   r'<span class="rmh-pager__position">(?P<position>[^<]+)</span>(?P<links>[^\n]*)')
LINK = re.compile(r"\[(← )?[^\]]*\]\((?P<to>[^)]+)\)\{ \.rmh-pager__(?P<rel>previous|next) ")


def resolve(page: str, link: str) -> str:
    parts = page.split("/")[:-1]
    for piece in link.split("/"):
        if piece == "..":
            parts.pop()
        else:
            parts.append(piece)
    return "/".join(parts)


def catalog_pages(prefix: str) -> list[str]:
    return [p for p in PAGES if p.startswith(prefix) and p != f"{prefix}index.md"]


def pager_of(path: str) -> tuple[str, dict[str, str]]:
    match = PAGER.search(PAGES[path])
    assert match, f"{path} has no previous/next block"
    return match["position"], {m["rel"]: resolve(path, m["to"]) for m in LINK.finditer(match["links"])}


@pytest.mark.parametrize("prefix, catalog", [("steps/", "Steps"), ("scripts/", "Framing scripts"),
                                             ("pitfalls/", "Pitfalls"), ("faq/", "Frequently asked questions"),
                                             ("sessions/", "Session plan"), ("forms/", "Working documents"),
                                             ("checklists/", "Checklists")])
def test_every_item_page_has_a_breadcrumb_to_home_and_its_catalog(prefix, catalog):
    pages = catalog_pages(prefix)
    assert pages
    for path in pages:
        match = CRUMB.search(PAGES[path])
        assert match, f"{path} has no breadcrumb"
        assert resolve(path, match["home_link"]) == "index.md"
        assert resolve(path, match["catalog_link"]) == f"{prefix}index.md"
        assert match["catalog"] == catalog
        # right under the page's own title, with nothing above the title: Material's search makes the
        # title a section of its own when anything comes first, and the page fell down the results
        if not path.startswith("checklists/"):
            body = PAGES[path].split("\n---\n", 1)[1].lstrip()
            assert re.match(r'# [^\n]+\n\n<div class="rmh-orient rmh-breadcrumb"', body), path


def test_catalog_pages_and_other_pages_have_no_breadcrumb():
    for path in ("index.md", "overview.md", "pitfalls/index.md", "steps/index.md", "roles/mentor.md", "glossary.md"):
        assert "rmh-orient" not in PAGES[path], path


@pytest.mark.parametrize("prefix", ["steps/", "scripts/", "pitfalls/", "faq/", "sessions/", "forms/", "checklists/"])
def test_previous_and_next_walk_the_whole_catalog_once(prefix):
    pages = catalog_pages(prefix)
    # the chain of "next" links from the first page visits every page of the catalog once, and back
    first = [p for p in pages if "previous" not in pager_of(p)[1]]
    last = [p for p in pages if "next" not in pager_of(p)[1]]
    assert len(first) == len(last) == 1, (first, last)
    seen = [first[0]]
    while "next" in pager_of(seen[-1])[1]:
        following = pager_of(seen[-1])[1]["next"]
        assert pager_of(following)[1]["previous"] == seen[-1]
        seen.append(following)
    assert sorted(seen) == sorted(pages)
    singular = {"steps/": "Step", "scripts/": "Script", "pitfalls/": "Pitfall", "faq/": "FAQ topic",
                "sessions/": "Session", "forms/": "Document", "checklists/": "Checklist"}[prefix]
    assert [pager_of(p)[0] for p in seen] == [f"{singular} {n} of {len(pages)}" for n in range(1, len(pages) + 1)]


def test_pitfalls_follow_the_catalog_order_by_severity():
    position = {path: int(pager_of(path)[0].split()[1]) for path in catalog_pages("pitfalls/")}
    ordered = sorted(position, key=position.__getitem__)
    severities = [HB.pitfalls[p.split("/")[1][:-3]].severity for p in ordered]
    assert severities == sorted(severities, key=SEVERITY_ORDER.index)
    assert len(set(severities)) > 1  # the order is not the file order by chance
    # and in the order the catalog page lists them
    listed = re.findall(r"\]\(([\w-]+\.md)\)", PAGES["pitfalls/index.md"])
    assert [f"pitfalls/{name}" for name in dict.fromkeys(n for n in listed if f"pitfalls/{n}" in position)] == ordered


def test_steps_follow_the_program_order():
    ordered = sorted(catalog_pages("steps/"), key=lambda p: int(pager_of(p)[0].split()[1]))
    assert ordered == [f"steps/{sid}.md" for sid in HB.steps]


def test_german_pages_say_it_in_german():
    path = catalog_pages("pitfalls/")[0]
    text = PAGES_DE[path]
    assert re.search(r"Stolperstein \d+ von \d+", text)
    assert 'aria-label="Sie sind hier"' in text and "[Start](../index.md)" in text
    assert "Weiter: " in text or "Zurück: " in text


def test_each_item_page_keeps_one_search_entry_that_holds_its_text(default_site):
    """The breadcrumb must not come before the title: Material's search then files the page's text
    under a section of its own, and pages fell out of the top three for questions they answer."""
    import json

    docs = json.loads((default_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    locations = {d["location"] for d in docs}
    checked = 0
    for prefix in ("steps/", "scripts/", "pitfalls/", "faq/", "sessions/", "forms/"):
        for path in catalog_pages(prefix):
            url = path[:-3] + "/"
            entry = next(d for d in docs if d["location"] == url)
            title = PAGES[path].split("\n# ", 1)[1].split("\n", 1)[0]
            assert entry["text"].strip(), f"{url}: the page's own search entry has no text"
            assert "program week" not in entry["text"], f"{url}: the added program weeks are searched"
            assert not any(loc.startswith(url + "#") and next(d for d in docs if d["location"] == loc)["title"] == title
                           for loc in locations), f"{url}: its title is a search section of its own"
            checked += 1
    assert checked > 80


@pytest.mark.browser
def test_a_pitfall_page_says_which_pitfall_it_is_and_leads_to_the_next(page_factory, default_server):
    third = sorted(catalog_pages("pitfalls/"), key=lambda p: int(pager_of(p)[0].split()[1]))[2]
    following = pager_of(third)[1]["next"]
    page, _ = page_factory(default_server + third[:-3] + "/", viewport={"width": 1280, "height": 900})
    total = len(catalog_pages("pitfalls/"))
    assert page.locator(".rmh-pager__position").inner_text() == f"Pitfall 3 of {total}"
    crumb = page.locator(".rmh-breadcrumb")
    assert crumb.is_visible() and crumb.get_attribute("role") == "navigation"
    assert crumb.locator("a").nth(1).inner_text() == "Pitfalls"
    # the catalog's nav entry shows as the active one (the page has none of its own)
    active = page.locator(".md-nav--primary a.md-nav__link--active")
    targets = [a.evaluate("a => a.href") for a in active.all()]
    assert targets == [default_server + "pitfalls/"], targets
    page.locator(".rmh-pager a[rel=next]").click()
    page.wait_for_url("**/" + following[:-3] + "/")
    assert page.locator("h1").first.inner_text() == HB.pitfalls[following.split("/")[1][:-3]].title
    assert page.locator(".rmh-pager__position").inner_text() == f"Pitfall 4 of {total}"
    page.emulate_media(media="print")  # on paper, neither the breadcrumb nor the pager
    assert page.locator(".rmh-breadcrumb").is_hidden() and page.locator(".rmh-pager").is_hidden()
    page.emulate_media(media="screen")
    page.locator(".rmh-breadcrumb a").nth(1).click()
    page.wait_for_url("**/pitfalls/")


def test_a_rebuild_renders_the_neighbours_of_a_retitled_item_and_no_other_item_page(tmp_path):
    import shutil

    from rmhandbook.core.handbook import HandbookBuilder
    from rmhandbook.render.cache import PageCache

    content = shutil.copytree(REPO / "content", tmp_path / "content")
    builder, cache = HandbookBuilder(), PageCache()

    def render() -> tuple[dict[str, str], list[str]]:
        renderer = Renderer(builder.build(content), cache=cache)
        return {p.path: p.content for p in renderer.pages()}, renderer.rendered

    render()
    ordered = sorted(catalog_pages("pitfalls/"), key=lambda p: int(pager_of(p)[0].split()[1]))
    middle = ordered[5]
    source = content / "pitfalls" / (middle.split("/")[1][:-3] + ".yml")
    text, count = re.subn(r"(?m)^title: (.*)$", r"title: \1, renamed", source.read_text(encoding="utf-8"), 1)
    assert count == 1
    source.write_text(text, encoding="utf-8")
    pages, rendered = render()
    item_pages = {p for p in rendered if p.startswith("pitfalls/") and p != "pitfalls/index.md"}
    assert item_pages == {ordered[4], middle, ordered[6]}
    # (titles sort the pitfalls within a severity: the added word keeps its place)
    assert re.search(r"\[Next: [^\]]*, renamed →\]", pages[ordered[4]])
    assert re.search(r"\[← Previous: [^\]]*, renamed\]", pages[ordered[6]])
    assert pages == {p.path: p.content for p in Renderer(load_handbook(content)).pages()}
