""""You are here" on the overview's timeline (assets/timeline.js), as a program lead uses it: type the program's
start date, and with "today" fixed by Playwright's clock, a line marks today's week on the program's week scale,
a sentence names the week and phase, and the rows that hold today say "now". Without a date the timeline is
exactly as built; the date survives a reload, clearing it takes everything away, and the field never prints."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from harness import REPO, build_site, save_artifact, serve_directory

pytestmark = pytest.mark.browser

SIZES = {"desktop": dict(viewport={"width": 1280, "height": 900}),
         "phone": dict(viewport={"width": 390, "height": 844}, is_mobile=True, device_scale_factor=1)}
START = dt.date(2027, 1, 4)  # a Monday: program week 1 is 4-10 January


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 12, 0)


def open_dated(page_factory, url: str, today: dt.date, start: dt.date | None = START, **options):
    """The overview with "today" fixed, after the reader typed `start` into the date field."""
    page, _ = page_factory(url, **options)
    page.clock.set_fixed_time(noon(today))
    page.reload(wait_until="networkidle")
    if start is not None:
        page.fill("#rmh-tl-start", start.isoformat())
    return page


def geometry(page) -> dict:
    """The marker's centre, the tracks' left edge and width, and every row's weeks, state and bar."""
    return page.evaluate("""() => {
        const marker = document.querySelector('.rmh-tl__here');
        const m = marker && marker.getBoundingClientRect();
        const track = document.querySelector('svg.rmh-tl__track').getBoundingClientRect();
        const rows = [...document.querySelectorAll('.rmh-tl__row[data-first]')].map(row => {
            const bar = row.querySelector('.rmh-tl__bar').getBoundingClientRect();
            const badge = row.querySelector('.rmh-tl__badge');
            const line = row.querySelector('line.rmh-tl__today');
            const today = line && line.getBoundingClientRect();
            return {first: +row.dataset.first, last: +row.dataset.last,
                    phase: row.classList.contains('rmh-tl__row--phase'),
                    now: row.classList.contains('rmh-tl__row--now'), past: row.classList.contains('rmh-tl__row--past'),
                    next: row.classList.contains('rmh-tl__row--next'), badge: badge ? badge.textContent : null,
                    title: (row.querySelector('.rmh-tl__phase-title') || {}).textContent, bar: [bar.x, bar.width],
                    today: today && today.x + today.width / 2};
        });
        return {marker: m && {x: m.x + m.width / 2, top: m.top, bottom: m.bottom, visible: m.width > 0},
                track: [track.x, track.width], rows, weeks: +document.querySelector('.rmh-tl').dataset.weeks,
                top: document.querySelector('.rmh-tl').getBoundingClientRect().top,
                bottom: document.querySelector('.rmh-tl').getBoundingClientRect().bottom};
    }""")


def status(page) -> str:
    return page.locator(".rmh-tl-here__status").inner_text().strip()


@pytest.mark.parametrize("size, week", [("desktop", 7), ("phone", 16)])
def test_the_marker_stands_on_todays_week(page_factory, default_server, size, week):
    today = START + dt.timedelta(days=7 * (week - 1) + 2)  # the Wednesday of program week `week`
    page = open_dated(page_factory, default_server + "overview/", today, **SIZES[size])
    g = geometry(page)
    weeks = g["weeks"]
    assert weeks == 30
    phase = next(r for r in g["rows"] if r["phase"] and r["first"] <= week <= r["last"])
    assert status(page) == f"You are here: week {week} of {weeks} · Phase: {phase['title']}"
    # the line stands in the middle of today's week on the tracks' scale, from the axis to the last row
    x, width = g["track"]
    assert g["marker"]["visible"]
    assert g["marker"]["x"] == pytest.approx(x + (week - 0.5) / weeks * width, abs=1.5)
    assert g["marker"]["top"] == pytest.approx(g["top"], abs=1)
    assert g["marker"]["bottom"] == pytest.approx(g["bottom"], abs=1)
    # ... inside the bar of every row that holds today's week, outside every other; drawn on every track too
    for row in g["rows"]:
        assert row["today"] == pytest.approx(g["marker"]["x"], abs=1), row
        inside = row["first"] <= week <= row["last"]
        bar_x, bar_w = row["bar"]
        assert (bar_x - 0.5 <= g["marker"]["x"] <= bar_x + bar_w + 0.5) == inside, row
        assert row["now"] == inside and (row["badge"] == "now") == inside, row
        assert row["past"] == (row["last"] < week), row
    upcoming = min(r["first"] for r in g["rows"] if not r["phase"] and r["first"] > week)
    assert {(r["first"], r["badge"]) for r in g["rows"] if r["next"]} == {(upcoming, "next")}
    assert all(not r["phase"] for r in g["rows"] if r["next"])
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["viewport"]["width"]
    page.locator(".rmh-tl-here").scroll_into_view_if_needed()
    save_artifact(f"timeline-here-{size}.png", page.screenshot(full_page=False))


@pytest.mark.parametrize("today, start, text", [
    (dt.date(2027, 1, 1), START, "The program starts within a week, on January 4, 2027."),
    (dt.date(2026, 12, 14), START, "The program starts in 3 weeks, on January 4, 2027."),
    (START + dt.timedelta(weeks=30, days=3), START, "The program ended last week."),
    (START + dt.timedelta(weeks=32), START, "The program ended 3 weeks ago."),
    (START, START, "You are here: week 1 of 30 · Phase: Design the program"),
    (START + dt.timedelta(weeks=30, days=-1), START, "You are here: week 30 of 30 · Phase: Close and celebrate"),
])
def test_before_and_after_the_program(page_factory, default_server, today, start, text):
    page = open_dated(page_factory, default_server + "overview/", today, start)
    assert status(page) == text
    inside = text.startswith("You are here")
    assert page.locator(".rmh-tl__here").count() == (1 if inside else 0)
    g = geometry(page)
    if text.startswith("The program starts"):  # nothing is over, the first steps are next
        assert not any(r["past"] or r["now"] for r in g["rows"])
        assert {r["first"] for r in g["rows"] if r["next"]} == {1}
    if text.startswith("The program ended"):
        assert all(r["past"] and not r["now"] and not r["next"] for r in g["rows"])


def test_the_date_survives_a_reload_and_clearing_it_restores_the_timeline(page_factory, default_server):
    plain, _ = page_factory(default_server + "overview/", java_script_enabled=False)
    built = plain.locator(".rmh-tl").evaluate("e => e.outerHTML")
    page = open_dated(page_factory, default_server + "overview/", START + dt.timedelta(days=45), start=None)
    # with the script and no date: the field, and the timeline exactly as built
    assert page.locator("#rmh-tl-start").is_visible()
    assert page.get_by_label("When does your program start?").count() == 1
    assert page.locator(".rmh-tl").evaluate("e => e.outerHTML") == built
    page.fill("#rmh-tl-start", START.isoformat())
    assert status(page).startswith("You are here: week 7 of 30")
    keys = page.evaluate("Object.keys(localStorage)")
    assert [k for k in keys if k.endswith(":program:start")] and page.evaluate(
        "localStorage.getItem(Object.keys(localStorage).find(k => k.endsWith(':program:start')))") == "2027-01-04"
    page.reload(wait_until="networkidle")
    assert page.locator("#rmh-tl-start").input_value() == "2027-01-04"
    assert status(page).startswith("You are here: week 7 of 30")
    assert page.locator(".rmh-tl__here").count() == 1
    page.get_by_role("button", name="Clear date").click()
    assert page.locator(".rmh-tl__here").count() == 0 and status(page) == ""
    assert page.locator(".rmh-tl").evaluate("e => e.outerHTML") == built
    page.fill("#rmh-tl-start", START.isoformat())
    page.fill("#rmh-tl-start", "")  # the browser's own way to empty the field
    assert page.locator(".rmh-tl__here").count() == 0
    page.reload(wait_until="networkidle")
    assert page.locator("#rmh-tl-start").input_value() == "" and page.locator(".rmh-tl__here").count() == 0


def test_the_marker_prints_and_the_field_does_not(page_factory, default_server):
    page = open_dated(page_factory, default_server + "overview/", START + dt.timedelta(days=80))
    page.emulate_media(media="print")
    assert page.locator(".rmh-tl__here").is_visible()
    assert not page.locator("#rmh-tl-start").is_visible()
    assert not page.locator(".rmh-tl-here__hint").is_visible()
    assert re.match(r"You are here: week 12 of 30", status(page))
    save_artifact("timeline-here-print.pdf", page.pdf(format="A4"))


@pytest.fixture(scope="module")
def rheinau_server(tmp_path_factory):
    """The Rheinau organization's handbook, in German."""
    with serve_directory(build_site(REPO / "mkdocs.yml", tmp_path_factory.mktemp("here-rheinau") / "site",
                                    organization="rheinau")) as url:
        yield url


def test_in_german_on_the_rheinau_site(page_factory, rheinau_server):
    page = open_dated(page_factory, rheinau_server + "overview/", START + dt.timedelta(days=45), locale="de-DE",
                       **SIZES["desktop"])
    assert page.get_by_label("Wann beginnt Ihr Programm?").count() == 1
    g = geometry(page)
    phase = next(r for r in g["rows"] if r["phase"] and r["first"] <= 7 <= r["last"])
    assert status(page) == f"Sie sind hier: Woche 7 von {g['weeks']} · Phase: {phase['title']}"
    assert {r["badge"] for r in g["rows"] if r["now"]} == {"jetzt"}
    assert {r["badge"] for r in g["rows"] if r["next"]} == {"als Nächstes"}
    assert page.get_by_role("button", name="Datum löschen").count() == 1
    page.fill("#rmh-tl-start", "2027-03-11")
    assert status(page) == "Das Programm beginnt in 3 Wochen, am 11. März 2027."
    page.locator(".rmh-tl-here").scroll_into_view_if_needed()
    save_artifact("timeline-here-rheinau.png", page.screenshot(full_page=False))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_with_a_date_set(page_factory, default_server, scheme):
    from test_accessibility import _unexpected, _violations

    page = open_dated(page_factory, default_server + "overview/", START + dt.timedelta(days=80), color_scheme=scheme)
    assert page.locator(".rmh-tl__here").count() == 1
    problems = _unexpected(_violations(page))
    assert not problems, "\n".join(problems)
    page.locator(".rmh-tl-here").scroll_into_view_if_needed()
    save_artifact(f"timeline-here-{scheme}.png", page.screenshot(full_page=False))


def test_the_session_plans_calendar_shares_the_date_in_its_own_meaning(page_factory, default_server):
    """One stored date, the program's start; the calendar's date is the first meeting, program week 11 here
    (the partnership's first week on the timeline), so the two are ten weeks apart either way."""
    page = open_dated(page_factory, default_server + "overview/", START + dt.timedelta(days=45))
    assert page.locator(".rmh-tl").get_attribute("data-meeting-one") == "11"
    page.goto(default_server + "sessions/", wait_until="networkidle")
    assert page.locator("[data-rmh-calendar]").get_attribute("data-meeting-one") == "11"
    assert page.locator("#rmh-cal-start").input_value() == "2027-03-15"  # 4 January + 10 weeks
    assert page.locator(".rmh-calendar__dates li").first.is_visible()  # the preview already lists the meetings
    page.fill("#rmh-cal-start", "2027-03-24")  # a later first meeting does not move the program's start
    page.goto(default_server + "overview/", wait_until="networkidle")
    assert page.locator("#rmh-tl-start").input_value() == "2027-01-04"

    # the other way: a first meeting chosen before any program start
    fresh = open_dated(page_factory, default_server + "sessions/", dt.date(2027, 3, 10), start=None)
    assert fresh.locator("#rmh-cal-start").input_value() == ""
    fresh.fill("#rmh-cal-start", "2027-03-17")
    fresh.goto(default_server + "overview/", wait_until="networkidle")
    assert fresh.locator("#rmh-tl-start").input_value() == "2027-01-06"  # ten weeks before
    assert status(fresh) == "You are here: week 10 of 30 · Phase: Launch"
