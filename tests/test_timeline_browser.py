"""The overview's timeline as a reader sees it, at 1280x900 and on a 390x844 phone: one week scale across
the program (week numbers never restart), each bar where its label says, and a page much shorter than the
old list that repeated every step under every phase (5,600 px on a desktop)."""

from __future__ import annotations

import re

import pytest

from harness import save_artifact

pytestmark = pytest.mark.browser

SIZES = {"desktop": dict(viewport={"width": 1280, "height": 900}),
         "phone": dict(viewport={"width": 390, "height": 844}, is_mobile=True, device_scale_factor=1)}
WEEKS = re.compile(r"Weeks? (\d+)(?:–(\d+))?")


def rows(page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll('.rmh-tl__row')].map(row => {
        const track = row.querySelector('svg.rmh-tl__track').getBoundingClientRect();
        const bar = row.querySelector('.rmh-tl__bar').getBoundingClientRect();
        return {phase: row.classList.contains('rmh-tl__row--phase'), flexible: row.classList.contains('rmh-tl__row--flexible'),
                when: row.querySelector('.rmh-tl__when').textContent, label: row.querySelector('.rmh-tl__label').textContent,
                track: [track.x, track.width, track.height], bar: [bar.x, bar.width]};
    })""")


@pytest.mark.parametrize("size", SIZES)
def test_the_timeline_is_one_week_scale(page_factory, default_server, size):
    page, _ = page_factory(default_server + "overview/", **SIZES[size])
    weeks = int(page.locator(".rmh-tl").get_attribute("data-weeks"))
    assert page.locator(".rmh-tl__axis > li").count() == weeks
    found = rows(page)
    phase_starts, phase = [], None
    for row in found:
        if row["flexible"]:
            continue
        m = WEEKS.search(row["when"])
        assert m, f"no week in {row['label']!r}"
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        if row["phase"]:
            phase_starts.append(first)
            phase = (first, last)
        else:
            assert phase[0] <= first <= last <= phase[1], f"{row['label']!r} lies outside its phase {phase}"
        # the bar sits where the label says, on the program's scale
        x, width, height = row["track"]
        assert height > 5
        assert row["bar"][0] == pytest.approx(x + (first - 1) / weeks * width, abs=1.5), row["label"]
        assert row["bar"][1] == pytest.approx((last - first + 1) / weeks * width, abs=1.5), row["label"]
    assert phase_starts == sorted(phase_starts) and len(set(phase_starts)) == len(phase_starts), phase_starts
    assert phase_starts[0] == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["viewport"]["width"]
    height = page.evaluate("document.documentElement.scrollHeight")
    if size == "desktop":
        assert height < 4200, f"the overview is {height}px tall on a desktop"
    page.locator(".rmh-tl").scroll_into_view_if_needed()
    save_artifact(f"timeline-{size}.png", page.screenshot(full_page=False))


def test_the_phases_section_no_longer_repeats_every_step(page_factory, default_server):
    page, _ = page_factory(default_server + "overview/")
    steps_in_timeline = page.locator(".rmh-tl__steps a").count()
    assert steps_in_timeline > 20
    assert page.locator(".rmh-phase-cards a[href*='steps/']").count() == 0
    # a phase's title in the timeline leads to its card
    page.locator(".rmh-tl__phase-title").nth(1).click()
    target = page.evaluate("location.hash")
    assert page.locator(f".rmh-phase-card {target}").count() == 1


def test_the_bars_are_pictures_of_a_list(page_factory, default_server):
    """Screen readers get an ordered list of phases with their steps and weeks; the bars are hidden from them."""
    page, _ = page_factory(default_server + "overview/")
    assert page.locator(".rmh-tl > ol.rmh-tl__phases > li ol.rmh-tl__steps > li").count() > 20
    assert page.locator("svg.rmh-tl__track:not([aria-hidden='true'])").count() == 0
    assert page.locator(".rmh-tl__axis").get_attribute("aria-hidden") == "true"
