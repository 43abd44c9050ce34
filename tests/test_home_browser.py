"""The role-first home page, the checklist controls and the catalogs, as a reader meets them in Chromium."""

from __future__ import annotations

import re

import pytest

from harness import save_artifact
from rmhandbook.core.handbook import load_handbook
from harness import REPO

pytestmark = pytest.mark.browser

ROLES = [r.id for r in load_handbook(REPO / "content").program.roles]


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}],
                         ids=["desktop", "phone"])
def test_every_role_is_one_tap_away_above_the_fold(page_factory, default_server, viewport):
    page, _ = page_factory(default_server, viewport=viewport, is_mobile=viewport["width"] < 500)
    links = page.locator(".rmh-role-picker a.rmh-role-entry__link")
    assert links.count() == len(ROLES) == 4
    for role, i in zip(ROLES, range(links.count())):
        box = links.nth(i).bounding_box()
        assert box["height"] >= 24 and box["y"] + box["height"] <= viewport["height"], f"{role} is below the fold"
        assert links.nth(i).get_attribute("href").endswith(f"roles/{role}/")
    # each role has its own colour
    colours = {page.evaluate("e => getComputedStyle(e).color", links.nth(i).element_handle()) for i in range(4)}
    assert len(colours) == 4


def test_the_chosen_role_shows_its_next_steps_and_progress(page_factory, default_server):
    page, _ = page_factory(default_server, viewport={"width": 1280, "height": 900})
    assert page.locator(".rmh-next").is_hidden()
    page.click(".rmh-role-entry--mentee a.rmh-role-entry__link")
    page.wait_for_url("**/roles/mentee/")
    page.goto(default_server + "checklists/roles/mentee/")
    first = page.locator(".rmh-checklist__item[data-item]").first
    first_text = first.locator(".rmh-checklist__text").inner_text()
    total = len(set(page.eval_on_selector_all(".rmh-checklist__item[data-item]",
                                              "els => els.map(e => e.dataset.item)")))
    page.goto(default_server)
    nxt = page.locator(".rmh-next")
    nxt.locator("h2").wait_for()
    assert "Mentee" in nxt.locator("h2").inner_text()
    assert nxt.locator(".rmh-next__progress").inner_text() == f"0 of {total} done"
    assert nxt.locator("li").first.inner_text().startswith(first_text)
    assert page.locator(".rmh-role-entry--mentee").get_attribute("class").endswith("rmh-role-entry--chosen")
    # tick the first item on its checklist: home counts it and moves on to the next one
    page.goto(default_server + "checklists/roles/mentee/")
    first.locator("input").check()
    page.goto(default_server)
    nxt.locator("h2").wait_for()
    assert nxt.locator(".rmh-next__progress").inner_text() == f"1 of {total} done"
    assert not nxt.locator("li").first.inner_text().startswith(first_text)
    save_artifact("home-next-steps.png", page.screenshot())


def test_checkboxes_are_big_and_show_focus(page_factory, default_server):
    page, _ = page_factory(default_server + "checklists/phases/partnership/", viewport={"width": 390, "height": 844})
    box = page.locator("input.rmh-check").first
    size = box.bounding_box()
    assert size["width"] >= 20 and size["height"] >= 20
    # keyboard only: tab onto the first box, tick it with space, and see a ring
    page.locator(".rmh-role-filter button").last.focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('rmh-check')"):
            break
    focused = page.evaluate_handle("document.activeElement")
    outline = page.evaluate("e => [getComputedStyle(e).outlineStyle, parseFloat(getComputedStyle(e).outlineWidth)]",
                            focused)
    assert outline[0] != "none" and outline[1] >= 2
    page.keyboard.press("Space")
    assert page.evaluate("e => e.checked", focused)


def test_role_filter_shows_one_roles_items(page_factory, default_server):
    page, _ = page_factory(default_server + "checklists/phases/partnership/", viewport={"width": 1280, "height": 900})
    buttons = page.locator(".rmh-role-filter button")
    assert buttons.first.get_attribute("aria-pressed") == "true"
    items = page.locator(".rmh-checklist__item")
    everyone = items.count()
    mentors = page.locator(".rmh-checklist__item:has(.rmh-role--mentor)").count()
    assert 0 < mentors < everyone
    page.click(".rmh-role-filter button.rmh-filter--mentor")
    assert page.locator(".rmh-role-filter button.rmh-filter--mentor").get_attribute("aria-pressed") == "true"
    visible = page.locator(".rmh-checklist__item:visible")
    assert visible.count() == mentors
    assert page.locator(".rmh-checklist__item:visible .rmh-role--mentee").count() == 0
    save_artifact("checklist-role-filter.png", page.screenshot())
    # paper shows every item whatever the filter
    page.emulate_media(media="print")
    assert page.locator(".rmh-checklist__item:visible").count() == everyone
    page.emulate_media(media="screen")
    buttons.first.click()
    assert page.locator(".rmh-checklist__item:visible").count() == everyone


def test_pitfalls_catalog_is_cards_on_a_phone_and_a_table_on_a_desktop(page_factory, default_server):
    phone, _ = page_factory(default_server + "pitfalls/", viewport={"width": 390, "height": 844}, is_mobile=True)
    row = phone.locator(".rmh-catalog tbody tr").first
    cells = row.locator("td")
    assert phone.evaluate("e => getComputedStyle(e).display", row.element_handle()) == "block"
    widths = [cells.nth(i).bounding_box()["width"] for i in range(3)]
    assert min(widths) > 250, f"cells squeezed into columns on a phone: {widths}"
    assert row.locator(".rmh-catalog__label").first.is_visible()
    assert row.locator(".rmh-severity").is_visible()  # the group's severity as a chip on each card
    assert not phone.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    save_artifact("pitfalls-phone.png", phone.screenshot())
    desk, _ = page_factory(default_server + "pitfalls/", viewport={"width": 1280, "height": 900})
    assert desk.locator(".rmh-catalog thead").first.is_visible()
    assert desk.locator(".rmh-catalog__label").first.is_hidden()


def test_headings_carry_no_glossary_underline(page_factory, default_server):
    page, _ = page_factory(default_server + "steps/first-meeting/", viewport={"width": 1280, "height": 900})
    # the role headings are glossary terms: the hover stays in running text (render/headings.py)
    assert page.locator(".md-content h3", has_text="Mentor").count() >= 1
    assert page.locator(".md-content :is(h1, h2, h3, h4, h5, h6) abbr").count() == 0
