"""Our scripts share one page bootstrap (assets/onpage.js): it loads first and runs each script's set-up
on every page, including pages that Material's instant navigation swaps in without a reload.

The repository's mkdocs.yml does not turn instant navigation on, but a handbook's may, so the
browser tests build the default handbook once with `navigation.instant` added.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from harness import REPO, RequestLog, build_site, serve_directory
from rmhandbook.outputs.export import asset_files

SCRIPTS = [name for name in asset_files() if name.endswith(".js")]


def script_order(html: str) -> list[str]:
    """Our scripts as the page links them, in order."""
    return re.findall(r'<script src="[^"]*assets/rmhandbook/([^"/]+\.js)"', html)


def test_the_bootstrap_is_linked_before_every_script_that_uses_it(default_site):
    users = sorted(p.name for p in (REPO / "rmhandbook" / "render" / "assets").glob("*.js")
                   if "RMH.onPage(" in p.read_text(encoding="utf-8") and p.name != "onpage.js")
    assert users == ["checklists.js", "forms.js", "home.js", "rmhandbook.js", "sessions.js"]
    for page in ("index.html", "steps/first-meeting/index.html", "sessions/index.html"):
        order = script_order((default_site / page).read_text(encoding="utf-8"))
        assert order == ["messages.js"] + SCRIPTS, page
        assert order[1] == "onpage.js"
        html = (default_site / page).read_text(encoding="utf-8")
        # after Material's bundle, which defines document$
        assert html.index("/bundle.") < html.index("assets/rmhandbook/onpage.js"), page


# --- in a browser ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def instant_server(tmp_path_factory):
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(REPO / "content")
    config["theme"]["custom_dir"] = str(REPO / "overrides")
    config["theme"]["features"].append("navigation.instant")
    folder = tmp_path_factory.mktemp("instant")
    (folder / "site").mkdir()
    with serve_directory(folder / "site") as url:
        # Material swaps in only pages listed in sitemap.xml, matched by port too: the site_url is the server's
        config["site_url"] = url
        (folder / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        build_site(folder / "mkdocs.yml", folder / "site", content_dir=REPO / "content")
        yield url


@pytest.fixture
def instant_page(page_factory, instant_server):
    page, _ = page_factory(instant_server)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.evaluate("window.rmhLoadedOnce = true")  # gone if a page is loaded instead of swapped in
    yield page
    assert errors == []


def follow(page, href: str) -> None:
    """Click a link to `href` as a reader would, and wait for Material to swap the page in."""
    before = page.url
    page.evaluate("""href => {
        const article = document.querySelector(".md-content article");
        article.setAttribute("data-test-left", "");  // the next page's article will not have it
        const a = document.createElement("a");
        a.href = href; a.textContent = "next";
        article.appendChild(a);
        a.click();
    }""", href)
    page.wait_for_function("before => location.href !== before", arg=before)
    page.wait_for_load_state("networkidle")
    # the URL changes before Material has swapped the new content in: wait for the new article, then
    # one frame, so the scripts that set the page up (they run on Material's page signal) have run
    page.wait_for_function("""() => {
        const article = document.querySelector(".md-content article");
        return article !== null && !article.hasAttribute("data-test-left");
    }""")
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)))")
    assert page.evaluate("window.rmhLoadedOnce === true"), f"{href} was loaded, not swapped in"


@pytest.mark.browser
def test_every_feature_sets_itself_up_after_an_instant_page_change(instant_page, instant_server):
    page = instant_page
    follow(page, instant_server + "steps/first-meeting/")
    items = page.locator(".rmh-checklist__item")
    total = items.count()
    assert total >= 3
    lists = page.locator(".md-content .rmh-checklist").count()
    assert page.locator(".rmh-checklist-toolbar").count() == lists
    count = page.locator(".rmh-checklist-toolbar__count").first
    assert count.inner_text() == f"0 of {total} done"
    items.nth(1).locator("label").click()
    assert count.inner_text() == f"1 of {total} done"

    follow(page, instant_server + "scripts/first-meeting-opener/")
    scripts = page.locator(".rmh-script").count()
    assert scripts >= 1
    assert page.locator(".rmh-script > .rmh-copy").count() == scripts
    assert page.locator(".rmh-copy").first.inner_text() == "Copy"

    follow(page, instant_server + "sessions/")
    calendar = page.locator("[data-rmh-calendar]")
    assert calendar.get_attribute("data-ready") == "1"
    assert calendar.locator("datalist option").count() > 1
    assert calendar.locator("input[name=zone]").input_value() != ""

    # back on a page set up before: the tick is shown, and nothing is set up twice
    follow(page, instant_server + "steps/first-meeting/")
    assert page.locator(".rmh-checklist-toolbar").count() == lists
    assert page.locator(".rmh-checklist-toolbar__count").first.inner_text() == f"1 of {total} done"
    assert items.nth(1).locator("input.rmh-check").is_checked()

    # a form: its toolbar once, an answer kept across instant page changes
    follow(page, instant_server + "forms/monthly-pulse/")
    assert page.locator(".rmh-form-toolbar button").count() == 3
    page.get_by_label("How many times did you meet in the last four weeks?").fill("4")
    follow(page, instant_server + "steps/first-meeting/")
    follow(page, instant_server + "forms/monthly-pulse/")
    assert page.locator(".rmh-form-toolbar button").count() == 3
    assert page.get_by_label("How many times did you meet in the last four weeks?").input_value() == "4"


@pytest.mark.browser
def test_without_material_the_scripts_set_up_when_the_page_has_loaded(browser, default_server):
    """An exported handbook may be built by another site generator: no Material bundle, no document$."""
    context = browser.new_context()
    try:
        log = RequestLog()
        page = context.new_page()
        page.on("request", log.record)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.route(re.compile(r".*/assets/javascripts/bundle\.[^/]*\.js$"), lambda route: route.abort())
        page.goto(default_server + "steps/first-meeting/", wait_until="networkidle")
        assert page.evaluate("typeof window.document$") == "undefined"
        assert page.locator(".rmh-checklist-toolbar").count() == page.locator(".md-content .rmh-checklist").count() > 0
        page.goto(default_server + "scripts/first-meeting-opener/", wait_until="networkidle")
        assert page.locator(".rmh-script > .rmh-copy").count() == page.locator(".rmh-script").count() > 0
        page.goto(default_server + "sessions/", wait_until="networkidle")
        assert page.locator("[data-rmh-calendar]").get_attribute("data-ready") == "1"
        assert errors == [] and log.outside == []
    finally:
        context.close()


def test_the_calendar_data_is_neither_run_nor_searched(default_site):
    """Instant navigation runs every inline script it swaps in, JSON included; and search must not index it."""
    html = (default_site / "sessions" / "index.html").read_text(encoding="utf-8")
    assert '<template class="rmh-calendar__data" data-search-exclude>{"' in html
    article = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', html, re.S).group(1)
    assert "<script" not in article
    index = (default_site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert '"events"' not in index and "cadence_minutes" not in index
