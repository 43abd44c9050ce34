"""Ticking checklist items the ways a reader does: on a session page, whose items are the steps' own
(same ids, same stored ticks as the step, phase and role checklists), and with the keyboard alone."""

from __future__ import annotations

import pytest

from harness import REPO, save_artifact
from rmhandbook.core.handbook import load_handbook

pytestmark = pytest.mark.browser

HANDBOOK = load_handbook(REPO / "content")


def ticked(page) -> dict[str, bool]:
    return page.eval_on_selector_all(
        ".rmh-checklist__item[data-item]", "els => Object.fromEntries(els.map(e => "
        "[e.dataset.item, e.querySelector('input.rmh-check').checked]))")


def phase_of(step_id: str) -> str:
    return HANDBOOK.steps[step_id].phase


def test_every_session_item_is_a_checkbox_with_the_steps_id(page_factory, default_server):
    for session_id, session in HANDBOOK.sessions.items():
        if not session.checklist_items:
            continue
        page, _ = page_factory(default_server + f"sessions/{session_id}/")
        items = page.locator(".rmh-session__ticks .rmh-checklist__item[data-item]")
        assert sorted(items.evaluate_all("els => els.map(e => e.dataset.item)")) == sorted(session.checklist_items)
        assert page.locator(".rmh-session__ticks input.rmh-check").count() == len(session.checklist_items)
        page.context.close()


def test_a_tick_on_a_session_page_shows_on_the_step_and_phase_checklists_and_back(page_factory, default_server):
    session_id, session = next((k, s) for k, s in HANDBOOK.sessions.items() if len(s.checklist_items) >= 2)
    first, second = session.checklist_items[:2]
    page, _ = page_factory(default_server + f"sessions/{session_id}/")
    assert not any(ticked(page).values())
    count = page.locator(".rmh-session__ticks .rmh-checklist-toolbar__count")
    assert count.inner_text() == f"0 of {len(session.checklist_items)} done"
    page.locator(f'.rmh-checklist__item[data-item="{first}"] label').click()
    assert count.inner_text() == f"1 of {len(session.checklist_items)} done"

    step_id = first.split("/")[0]
    page.goto(default_server + f"steps/{step_id}/", wait_until="networkidle")
    assert ticked(page)[first] is True
    page.goto(default_server + f"checklists/phases/{phase_of(step_id)}/", wait_until="networkidle")
    state = ticked(page)
    assert state[first] is True
    assert [k for k, v in state.items() if v] == [first]
    # and the other way: ticked on its phase checklist, the session page shows it
    other_step = second.split("/")[0]
    page.goto(default_server + f"checklists/phases/{phase_of(other_step)}/", wait_until="networkidle")
    page.locator(f'.rmh-checklist__item[data-item="{second}"] input.rmh-check').first.check()
    page.goto(default_server + f"sessions/{session_id}/", wait_until="networkidle")
    state = ticked(page)
    assert state[first] is True and state[second] is True
    assert count.inner_text() == f"2 of {len(session.checklist_items)} done"
    save_artifact("session-ticks.png", page.locator(".rmh-session__ticks").screenshot())


def focused(page) -> dict:
    return page.evaluate("""() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        const item = el.closest('.rmh-checklist__item');
        return {tag: el.tagName, type: el.type || '', item: item ? item.dataset.item : null,
                checked: !!el.checked, outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
                visible: el.matches(':focus-visible')};
    }""")


def test_a_keyboard_walk_through_a_checklist(page_factory, default_server):
    """Tab from the top of the page to the first checkbox, Space ticks it, the ring shows, Tab moves on."""
    page, _ = page_factory(default_server + "checklists/roles/mentor/", viewport={"width": 1280, "height": 900})
    first_item = page.locator(".rmh-checklist__item[data-item]").first.get_attribute("data-item")
    page.locator("body").click(position={"x": 1, "y": 1})
    for _ in range(200):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["type"] == "checkbox":
            break
    else:
        pytest.fail("200 presses of Tab never reached a checkbox")
    assert now["item"] == first_item
    assert now["visible"] and now["outline"] == "solid" and now["width"] >= 2, now
    page.keyboard.press("Space")
    assert focused(page)["checked"] is True
    save_artifact("checklist-keyboard-focus.png", page.screenshot())
    passed = []  # the stops between two boxes (a glossary term in an item's text takes the focus too)
    for _ in range(4):
        page.keyboard.press("Tab")
        second = focused(page)
        if second["type"] == "checkbox":
            break
        passed.append(second["tag"])
    assert second["type"] == "checkbox", f"Tab went on to {passed} and no further checkbox"
    assert second["item"] != first_item and not second["checked"]
    for _ in range(len(passed) + 1):
        page.keyboard.press("Shift+Tab")
    assert focused(page)["item"] == first_item
    page.keyboard.press("Space")  # Space again clears the tick
    assert focused(page)["checked"] is False
    page.keyboard.press("Space")
    page.reload(wait_until="networkidle")
    assert ticked(page)[first_item] is True
