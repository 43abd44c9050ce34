"""The glossary as a reader sees it in Chromium: an A-Z that jumps, terms that stand out,
hover definitions large enough to read in light and dark, and no hover underline in headings."""

from __future__ import annotations

import pytest
from harness import save_artifact

pytestmark = pytest.mark.browser

CONTRAST_JS = """el => {
  const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lin = x => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; };
  const lum = c => { const v = rgb(c).map(lin); return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  let bg = el, back = 'rgba(0, 0, 0, 0)';
  while (bg && (back = getComputedStyle(bg).backgroundColor) === 'rgba(0, 0, 0, 0)') bg = bg.parentElement;
  const [a, b] = [lum(getComputedStyle(el).color), lum(back)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def test_the_a_to_z_jumps_to_each_letter(default_server, page_factory):
    page, _ = page_factory(default_server + "glossary/", viewport={"width": 1280, "height": 900})
    links = page.eval_on_selector_all(".rmh-az a.rmh-az__link", "els => els.map(e => e.getAttribute('href'))")
    assert len(links) >= 8 and all(href.startswith("#letter-") for href in links)
    letters = page.eval_on_selector_all(".rmh-az .rmh-az__link", "els => els.map(e => e.textContent.trim())")
    assert letters[:26] == [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    for href in (links[1], links[len(links) // 2], links[-1]):
        page.evaluate("window.scrollTo(0, 0)")
        page.click(f'.rmh-az a[href="{href}"]')
        page.wait_for_timeout(300)
        top = page.eval_on_selector(href, "h => h.getBoundingClientRect().top")
        at_bottom = page.evaluate("window.scrollY + innerHeight >= document.documentElement.scrollHeight - 2")
        assert page.evaluate("location.hash") == href
        assert 0 <= top < 200 or (at_bottom and top < 900), f"{href} is at {top}px after its link was clicked"
        first_term = page.eval_on_selector(href, "h => h.closest('.rmh-heading').nextElementSibling"
                                                 ".querySelector('dt').textContent.trim()")
        assert first_term[:1].upper() == page.eval_on_selector(href, "h => h.textContent.trim()")[:1]


def test_terms_look_different_from_their_definitions(default_server, page_factory):
    page, _ = page_factory(default_server + "glossary/")
    dt, dd = (page.eval_on_selector(f".rmh-glossary {tag}", "e => { const s = getComputedStyle(e);"
                                    " return [s.fontWeight, s.color, s.fontSize]; }") for tag in ("dt", "dd"))
    assert int(dt[0]) >= 700 and int(dd[0]) < 700
    assert dt[1] != dd[1]
    assert float(dt[2][:-2]) > float(dd[2][:-2])
    save_artifact("glossary.png", page.screenshot(full_page=False))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_hover_definitions_are_readable(default_server, page_factory, scheme):
    page, _ = page_factory(default_server + "steps/five-steps/", color_scheme=scheme,
                           viewport={"width": 1280, "height": 900})
    abbr = page.locator(".md-content p abbr[title], .md-content li abbr[title]").first
    assert abbr.count() == 1, "no glossary hover in the step's text"
    abbr.scroll_into_view_if_needed()
    abbr.hover()
    inner = page.locator(".md-tooltip2--active .md-tooltip2__inner, .md-tooltip--active .md-tooltip__inner").first
    inner.wait_for(state="visible", timeout=5000)
    size = float(inner.evaluate("e => getComputedStyle(e).fontSize")[:-2])
    assert size >= 14, f"the hover definition is {size}px"
    assert inner.evaluate(CONTRAST_JS) >= 4.5
    save_artifact(f"glossary-tooltip-{scheme}.png", page.screenshot(full_page=False))


def test_no_glossary_hover_inside_headings(default_site, default_server, page_factory):
    packs = sorted(p.parent.relative_to(default_site).as_posix() for p in
                   (default_site / "checklists").rglob("index.html") if "mentor" in p.as_posix())
    assert packs, "no mentor checklist pages were built"
    pages = ["steps/five-steps/", "steps/topic-menu/", "glossary/", "roles/mentor/"] + [p + "/" for p in packs]
    page, _ = page_factory(default_server)
    hovers_in_text = 0
    for path in pages:
        page.goto(default_server + path, wait_until="networkidle")
        in_headings = page.eval_on_selector_all(":is(h1, h2, h3, h4, h5, h6) abbr", "els => els.length")
        assert in_headings == 0, f"{path}: a glossary hover inside a heading"
        hovers_in_text += page.eval_on_selector_all(".md-content abbr", "els => els.length")
    assert hovers_in_text > 0  # the hovers are still there in running text
