"""The handbook looks like its own product: its web font, served from the site and really used; its own
logo and favicon where the site has none (an organization's where it has one); headings with weight in
the text colour. Every page opened here fails the test if it asks another host for anything (conftest)."""

from __future__ import annotations

import pytest

from harness import REPO, build_site, save_artifact, serve_directory

pytestmark = pytest.mark.browser


def font_state(page) -> dict:
    return page.evaluate("""async () => {
        await document.fonts.ready;
        const faces = [...document.fonts].filter(f => f.family.replace(/"/g, '') === 'Source Sans 3');
        const body = getComputedStyle(document.querySelector('.md-typeset'));
        const h1 = getComputedStyle(document.querySelector('.md-typeset h1'));
        return {loaded: faces.filter(f => f.status === 'loaded').length, family: body.fontFamily,
                renders: document.fonts.check('16px "Source Sans 3"'),
                h1: {weight: parseInt(h1.fontWeight), color: h1.color, text: body.color}};
    }""")


@pytest.mark.parametrize("path", ["", "steps/first-meeting/", "checklists/roles/mentor/"])
def test_the_sites_own_font_is_loaded_from_the_site_and_used(page_factory, default_server, path):
    page, log = page_factory(default_server + path)
    state = font_state(page)
    assert state["family"].startswith('"Source Sans 3"'), state["family"]
    assert state["loaded"] >= 1 and state["renders"], state
    fonts = [u for u in log.urls if u.endswith(".woff2")]
    assert fonts and all(u.startswith(default_server + "assets/rmhandbook/fonts/") for u in fonts), fonts
    assert not [u for u in log.urls if "fonts.g" in u]
    # headings: bold, in the text colour (Material's own H1 is light grey)
    assert state["h1"]["weight"] >= 700 and state["h1"]["color"] == state["h1"]["text"], state["h1"]


def test_the_font_licence_ships_beside_the_font(default_site):
    licence = (default_site / "assets" / "rmhandbook" / "fonts" / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence


def test_our_logo_and_favicon_when_the_site_has_none(page_factory, default_server):
    page, _ = page_factory(default_server, viewport={"width": 1280, "height": 900})
    logo = page.locator(".md-header__button.md-logo img")
    assert logo.is_visible()
    assert logo.get_attribute("src").endswith("assets/rmhandbook/brand/logo.svg")
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0")
    favicon = page.locator("link[rel='icon']").get_attribute("href")
    assert favicon.endswith("assets/rmhandbook/brand/logo.svg")
    assert page.evaluate("async href => (await fetch(href)).ok", favicon)
    save_artifact("identity-header.png", page.locator(".md-header").screenshot())


@pytest.fixture(scope="module")
def rheinau_server(tmp_path_factory):
    site = build_site(REPO / "mkdocs.yml", tmp_path_factory.mktemp("identity") / "site", organization="rheinau")
    with serve_directory(site) as url:
        yield url


def test_an_organizations_logo_and_favicon_replace_ours(page_factory, rheinau_server):
    page, _ = page_factory(rheinau_server)
    logo = page.locator(".md-header__button.md-logo img")
    assert logo.get_attribute("src").endswith("assets/rmhandbook/org/logo.png")
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0")
    assert "brand/logo.svg" not in page.content()
    assert font_state(page)["renders"]
