"""What a reader sees, in Debian's Chromium: pages on desk and phone, the copy button, search."""

from __future__ import annotations

import pytest

from harness import save_artifact

pytestmark = pytest.mark.browser


def test_home_and_step_pages_render_on_desk_and_phone(page_factory, default_server):
    for name, path, width in (("home-desk", "", 1280), ("step-desk", "steps/first-meeting/", 1280),
                              ("home-phone", "", 390), ("step-phone", "steps/first-meeting/", 390)):
        page, _ = page_factory(default_server + path, viewport={"width": width, "height": 900})
        assert page.locator("h1").first.is_visible()
        # nothing sticks out sideways on a phone
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name}: page is {overflow}px wider than the screen"
        save_artifact(f"engine-{name}.png", page.screenshot(full_page=False))
    page, _ = page_factory(default_server + "steps/first-meeting/", viewport={"width": 390, "height": 900})
    assert not page.locator(".md-sidebar--primary").is_visible() or \
        page.locator(".md-sidebar--primary").bounding_box()["x"] < 0  # the nav folds away on a phone


def test_timeline_lists_every_phase_in_order(page_factory, default_server):
    from rmhandbook.core.handbook import load_handbook
    from harness import REPO

    hb = load_handbook(REPO / "content")
    page, _ = page_factory(default_server + "overview/")
    phases = page.locator(".rmh-tl__phase-title").all_inner_texts()
    assert phases == [p.title for p in hb.program.phases]
    links = page.locator(".rmh-tl__steps a")
    assert links.count() == len(hb.steps)
    first = links.first.inner_text()
    links.first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == first


def test_copy_button_copies_the_script_text(page_factory, default_server):
    page, _ = page_factory(default_server + "scripts/first-meeting-opener/")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=default_server.rstrip("/"))
    box = page.locator(".rmh-script").first
    button = box.locator(".rmh-copy")
    assert button.inner_text() == "Copy"
    # the button does not cover the text
    b, t = button.bounding_box(), box.locator("p").first.bounding_box()
    assert b["x"] >= t["x"] + t["width"] - 1 or b["y"] + b["height"] <= t["y"] + 1
    # the page source wraps lines mid-sentence, so the box's innerText carries those breaks
    raw = box.evaluate("el => { const c = el.cloneNode(true); c.querySelector('.rmh-copy').remove();"
                       " return c.innerText.trim(); }")
    assert any("\n" in p for p in raw.split("\n\n")), "the page no longer wraps; pick a script that does"
    paragraphs = box.locator(":scope > p").evaluate_all(
        "ps => ps.map(p => { const c = p.cloneNode(true);"
        " c.querySelectorAll('input.rmh-placeholder').forEach(f => f.replaceWith('[' + f.placeholder + ']'));"
        " return c.textContent.replace(/\\s+/g, ' ').trim(); })")
    assert len(paragraphs) >= 2 and "[number]" in paragraphs[1]
    copied = _copy(page, box)
    # clean paragraphs: one line each, one blank line between, no break in mid-sentence
    assert copied.split("\n\n") == paragraphs, copied
    assert copied != raw and len(copied) > 100
    assert "Copy" not in copied.split()[0]


def _copy(page, box) -> str:
    page.evaluate("navigator.clipboard.writeText('')")
    box.locator(".rmh-copy").click()
    page.wait_for_function("navigator.clipboard.readText().then(t => t !== '')", polling=100)
    return page.evaluate("navigator.clipboard.readText()")


def test_placeholders_are_highlighted_fields_that_copy_fills_in(page_factory, default_server):
    page, _ = page_factory(default_server + "scripts/agree-communication/")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=default_server.rstrip("/"))
    box = page.locator(".rmh-script").first
    field = box.locator("input.rmh-placeholder").first
    assert field.get_attribute("aria-label") == "Fill in: chat"
    assert field.get_attribute("placeholder") == "chat"
    assert "[chat]" not in box.inner_text()
    # highlighted: its background differs from the box's
    field_bg = field.evaluate("el => getComputedStyle(el).backgroundColor")
    box_bg = box.evaluate("el => getComputedStyle(el).backgroundColor")
    assert field_bg != box_bg and field_bg not in ("rgba(0, 0, 0, 0)", "transparent")
    # empty: Copy keeps the bracketed placeholder, in a clean one-line paragraph
    first = _copy(page, box).split("\n\n")[0]
    assert "I mostly use [chat] for quick things" in first and "\n" not in first
    # reachable from the keyboard: Tab from the Copy button lands in the field
    box.locator(".rmh-copy").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Fill in: chat"
    page.keyboard.type("Teams")
    assert "I mostly use Teams for quick things" in _copy(page, box)
    # the field grows with what is typed
    before = field.bounding_box()["width"]
    field.fill("Teams or email, whichever you like")
    assert field.bounding_box()["width"] > before


def test_placeholder_fields_leave_glossary_terms_links_and_code_alone(page_factory, default_server):
    # today's scripts hold no glossary abbreviation or link inside a box, so add one the way the page
    # would render it, and run the page set-up again (Material's document$, as after instant navigation)
    page, _ = page_factory(default_server + "scripts/agree-communication/")
    page.evaluate("""() => {
        const box = document.createElement('div');
        box.className = 'rmh-script';
        box.id = 'probe';
        box.innerHTML = '<p>Ask <abbr title="x">[HR]</abbr> or see <a href="#">[the form]</a>, run'
          + ' <code>[cmd]</code>, then say [your name].</p>';
        document.querySelector('article').appendChild(box);
        document$.next(document);
    }""")
    probe = page.locator("#probe")
    page.wait_for_function("document.querySelector('#probe .rmh-copy') !== null")
    assert probe.locator("input.rmh-placeholder").evaluate_all("fs => fs.map(f => f.placeholder)") == ["your name"]
    assert probe.locator("abbr").inner_text() == "[HR]" and probe.locator("a").inner_text() == "[the form]"
    assert probe.locator("code").inner_text() == "[cmd]"
    # running the set-up again adds no second field or button to a box already done
    page.evaluate("document$.next(document)")
    assert page.locator(".rmh-script").first.locator("input.rmh-placeholder").count() == 1
    assert page.locator(".rmh-script").first.locator(".rmh-copy").count() == 1


def test_search_finds_an_faq_question_and_jumps_to_its_anchor(page_factory, default_server):
    from harness import REPO
    from rmhandbook.core.handbook import load_handbook

    topic_id, topic = next(iter(load_handbook(REPO / "content").faqs.items()))
    question = topic.questions[-1]
    page, _ = page_factory(default_server)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    # Material's search listens for key events, which fill() does not send
    page.locator("input.md-search__input").press_sequentially(question.question.rstrip("?"), delay=10)
    # result links carry a highlight query before the anchor: faq/basics/?h=...#how-long
    result = page.locator(f".md-search-result__link[href*='faq/{topic_id}/'][href$='#{question.id}']").first
    result.wait_for(timeout=10000)  # results update while the query is typed; wait for the one we want
    # the question ranks first among the sections of the results, above pages that only share a word;
    # poll, since the list is re-rendered while the last keys are processed
    page.wait_for_function(
        """anchor => {
            const hrefs = [...document.querySelectorAll('.md-search-result__link')].map(a => a.href);
            const sections = hrefs.filter(h => h.includes('#'));
            return sections.length > 0 && sections[0].endsWith('#' + anchor);
        }""", arg=question.id, timeout=10000)
    result.click()
    page.wait_for_load_state("networkidle")
    assert page.url.split("#")[1].startswith(question.id)
    assert page.locator(f"[id='{question.id}']").inner_text().startswith(question.question)


def test_glossary_terms_show_their_definition_on_hover(page_factory, default_server):
    page, _ = page_factory(default_server)
    abbr = page.locator("abbr[title]").first
    assert abbr.count() == 1
    assert len(abbr.get_attribute("title")) > 20
