"""Hostile content, judged in Chromium with the repository's own mkdocs.yml (tooltips on).

Every prose and metadata field of every content file of the default
content (steps, scripts, pitfalls, FAQs, sessions, forms, glossary, program.yml),
of its German translation (`i18n/de/`), and of two organizations' org.yml and
overlays, gets a hostile value. Three sites are built (the default one, an English
organization's and a German one's, whose pages come from the translation), and every
page is loaded, every element with a `title` hovered (Material's tooltips
put titles into the page as HTML), a search typed and print emulated: no
dialog may open and no request may leave 127.0.0.1. The organization's
SVG logo is opened on its own too.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from mkdocs.exceptions import Abort

from harness import REPO, RequestLog, build_site, serve_directory
from test_output_safety import HOSTILE, _prose_fields, _set


OUTSIDE = "http://203.0.113.9"  # TEST-NET-3: a request to it is a request to another host
CONFIG_CLOBBER = ('{"base": ".", "features": [], "search": "x", "translations": {"search.result.none": '
                  '"<img src=x onerror=alert(1)>", "search.result.placeholder": "<img src=x onerror=alert(2)>"}}'
                  '\n{: #__config }')
PAYLOADS = HOSTILE + [
    "\n<details/open/ontoggle=alert(1)//@x.yz>\n", "&lt;img src=x onerror=alert(1)&gt;",
    '[t](#why "<img src=x onerror=alert(1)>")', '[t](#why){: title="<img src=x onerror=alert(1)>" }',
    "\n\n" + CONFIG_CLOBBER + "\n", f'\n\nx\n{{: style="background:url({OUTSIDE}/bg.png)" }}\n',
    f"\n\n![x]({OUTSIDE[5:]}/a.png)\n".replace("![x](//", "[x](//"),  # a link, not an image (that is refused)
    f'<img src="{OUTSIDE}/i.png">', f"<link rel=stylesheet href={OUTSIDE}/a.css>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>", "\n\n\\_\\_config\n",
]
SKIP_KEYS = {"logo", "favicon", "paper", "language", "colors", "source"}  # `source`: a translation's hash


def _model_for(rel: str):
    from rmhandbook.core.model import KINDS, SINGLE_FILES
    from rmhandbook.core.org import Organization
    from rmhandbook.core.translations import MODELS

    if rel.endswith("org.yml"):
        return Organization
    parts = Path(rel).parts
    if parts[0] == "i18n":  # i18n/<lang>/steps/x.yml, i18n/<lang>/program.yml
        return MODELS[parts[2] if len(parts) > 3 else Path(rel).stem]
    if len(parts) == 1:
        return SINGLE_FILES[Path(rel).stem]
    folder = parts[-2]
    return next(kind.model for kind in KINDS.values() if kind.folder == folder)


def _poison(path: Path, rel: str, counter: list[int], keep=lambda loc: False) -> None:
    """Append a hostile value to every free-text field of one content file (but those `keep` names)."""
    from rmhandbook.core.validation import _schema

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    schema = _schema(_model_for(rel))
    for loc in list(_prose_fields(data, schema, schema.get("$defs", {}))):
        if loc[0] in SKIP_KEYS or keep(loc):
            continue
        value = data
        for part in loc:
            value = value[part]
        value += PAYLOADS[counter[0] % len(PAYLOADS)]
        # one table cell (terms land in them too): a paragraph break there is refused at load, rightly
        if loc[-1] == "details" or loc[0] == "terms":
            value = " ".join(value.split())
        _set(data, loc, value)
        counter[0] += 1
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_sites(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("hostile-browser")
    contents = {}
    # the German translation names glossary entries by their English term: the German site's copy
    # keeps those terms as they are, so that its poisoned translations still find their entries
    def english_term(loc: tuple) -> bool:
        return len(loc) == 3 and loc[0] == "entries" and loc[2] == "term"

    for name, keep in (("content", lambda loc: False), ("content-de", english_term)):
        content = contents[name] = root / name
        shutil.copytree(REPO / "content", content, ignore=shutil.ignore_patterns("schema"))
        counter = [0]
        for path in sorted(content.rglob("*.yml")):
            rel = path.relative_to(content).as_posix()
            _poison(path, re.sub(r"^orgs/[^/]+/", "", rel), counter,
                    keep if rel == "glossary.yml" else lambda loc: False)
        assert counter[0] >= len(PAYLOADS)  # every payload lands somewhere at least once
    sites = {}
    for name, org in (("default", None), ("northwind", "northwind"), ("rheinau", "rheinau")):
        content = contents["content-de" if name == "rheinau" else "content"]
        try:
            sites[name] = build_site(REPO / "mkdocs.yml", root / name, content_dir=content, strict=False,
                                     **({"organization": org} if org else {}))
        except Abort:
            # a fragment such as `[x](java&#x09;script:...)` is a harmless relative link to nowhere, and
            # the link check rightly refuses to publish; every page has been written by then
            sites[name] = root / name
    return sites


def _dismiss(dialog, dialogs: list[str], url: str) -> None:
    dialogs.append(f"{url}: {dialog.message}")
    try:
        dialog.dismiss()  # with a listener, Playwright leaves the page frozen until someone does
    except Exception:  # the page went away first
        pass


# Material's tooltips listen for these on each element; a real hover of a few proves the path.
HOVER_ALL = """() => { const els = [...document.querySelectorAll('[title], abbr')];
  for (const el of els) for (const type of ['mouseenter', 'mouseover', 'focus', 'focusin'])
    el.dispatchEvent(new Event(type, {bubbles: type !== 'mouseenter' && type !== 'focus'}));
  return els.length; }"""


def _visit(page, url: str, real_hovers: int) -> int:
    """Load a page, hover every titled element, print it; returns how many elements have a title."""
    page.goto(url, wait_until="load")
    titled = page.evaluate(HOVER_ALL)
    for element in page.locator("article abbr:visible, article [title]:visible").all()[:real_hovers]:
        element.hover(timeout=2000)
    page.wait_for_timeout(50)
    page.emulate_media(media="print")
    page.wait_for_timeout(50)
    page.emulate_media(media="screen")
    return titled


def _search(page, base: str) -> int:
    page.goto(base, wait_until="load")
    results = 0
    for query in ("alert", "img", "script", "config"):
        page.locator("label.md-search__icon, .md-search__input").first.click()
        page.locator("input.md-search__input").fill("")
        # Material's search listens for key events, which fill() does not send
        page.locator("input.md-search__input").press_sequentially(query, delay=10)
        try:
            page.locator(".md-search-result__link").first.wait_for(timeout=5000)
        except Exception:  # no result for this word: the next query will do
            pass
        links = page.locator(".md-search-result__link:visible").all()
        results += len(links)
        for link in links[:3]:
            link.hover(timeout=2000)
        page.keyboard.press("Escape")
    return results


@pytest.mark.parametrize("site", ["default", "northwind", "rheinau"])
def test_hostile_content_runs_nothing_and_loads_nothing_from_other_hosts(hostile_sites, site, browser):
    folder = hostile_sites[site]
    pages = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("index.html"))
    assert len(pages) >= 30
    if site == "rheinau":  # the German pages come from the poisoned translation
        assert "Das erste Treffen" in (folder / "steps" / "first-meeting" / "index.html").read_text()
    if site == "northwind":
        # the same templates as the default site: the pages where the organization's own values land
        # (home with the contact, its overlay step, role pages with its terms, the glossary, indexes)
        pages = [p for p in pages if p.count("/") <= 1 or p.startswith(("roles/", "steps/agree-communication/"))]
    dialogs: list[str] = []
    requests = RequestLog()
    with serve_directory(folder) as base:
        context = browser.new_context()
        # matched in the browser's driver, not in Python: only requests to other hosts are stopped
        context.route(re.compile(r"^(?!http://127\.0\.0\.1[:/])(?!data:|blob:|about:)"), lambda route: route.abort())
        page = context.new_page()
        page.on("dialog", lambda d: _dismiss(d, dialogs, page.url))
        page.on("request", requests.record)
        # the detectors work: a page that does both is caught
        (folder / "canary.html").write_text(f'<img src=x onerror=alert(1)><img src="{OUTSIDE}/c.png">')
        page.goto(base + "canary.html", wait_until="load")
        page.wait_for_timeout(200)
        assert len(dialogs) == 1 and requests.outside == [f"{OUTSIDE}/c.png"], (dialogs, requests.outside)
        (folder / "canary.html").unlink()
        dialogs.clear()
        requests.urls.clear()
        # every element of every page gets the events; a real mouse hovers a few on one page in ten
        titled = sum(_visit(page, base + rel.removesuffix("index.html"), 3 if i % 10 == 0 else 0)
                     for i, rel in enumerate(pages))
        found = _search(page, base)
        if site == "northwind":  # an SVG logo (Rheinau's is a PNG)
            page.goto(base + "assets/rmhandbook/org/logo.svg", wait_until="load")
            page.mouse.click(10, 10)
        context.close()
    assert not dialogs, dialogs[:5]
    assert not requests.outside, requests.outside[:5]
    assert len(requests.urls) > len(pages)  # the pages really loaded their own assets
    assert titled > len(pages) and found > 0  # glossary hovers on the pages, and results the search showed
