"""The session plan in Chromium: the calendar form's download, read back with icalendar and compared with the
CLI's file for the same inputs; and session pages that print on one A4 page."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest

from calendar_checks import assert_rfc5545_lines, parse, vtimezone_transitions, zoneinfo_transitions
from harness import save_artifact
from rmhandbook.cli import main
from rmhandbook.core.handbook import load_handbook

REPO = Path(__file__).resolve().parents[1]
SESSION_IDS = sorted(load_handbook(REPO / "content").sessions)

pytestmark = pytest.mark.browser

CASES = {
    # name: (form values, CLI arguments)
    "berlin-thursdays": ({"start": "2026-03-03", "weekday": "3", "time": "10:00", "minutes": "", "zone": "Europe/Berlin",
                          "reminder": "15"},
                         ["--start", "2026-03-03", "--weekday", "thu", "--time", "10:00", "--tz", "Europe/Berlin"]),
    "new-york-45-minutes": ({"start": "2026-09-21", "weekday": "", "time": "17:15", "minutes": "45",
                             "zone": "America/New_York", "reminder": "0"},
                            ["--start", "2026-09-21", "--time", "17:15", "--tz", "America/New_York",
                             "--minutes", "45", "--reminder", "0"]),
    "kolkata-no-dst": ({"start": "2027-01-04", "weekday": "4", "time": "08:00", "minutes": "", "zone": "Asia/Kolkata",
                        "reminder": "60"},
                       ["--start", "2027-01-04", "--weekday", "fri", "--time", "08:00", "--tz", "Asia/Kolkata",
                        "--reminder", "60"]),
    # 29 March 2026, Berlin: 02:30 does not exist (clocks jump to 03:00); both files make it 03:30
    "berlin-skipped-hour": ({"start": "2026-03-29", "weekday": "6", "time": "02:30", "minutes": "", "zone":
                             "Europe/Berlin", "reminder": "15"},
                            ["--start", "2026-03-29", "--weekday", "sun", "--time", "02:30", "--tz", "Europe/Berlin"]),
    # 25 October 2026, Berlin: 02:30 happens twice; both files take the first (summer time)
    "berlin-repeated-hour": ({"start": "2026-10-25", "weekday": "", "time": "02:30", "minutes": "", "zone":
                              "Europe/Berlin", "reminder": "15"},
                             ["--start", "2026-10-25", "--time", "02:30", "--tz", "Europe/Berlin"]),
}


def fill_form(page, values: dict) -> None:
    page.fill("#rmh-cal-start", values["start"])
    page.select_option("#rmh-cal-weekday", values["weekday"])
    page.fill("#rmh-cal-time", values["time"])
    page.fill("#rmh-cal-minutes", values["minutes"])
    page.fill("#rmh-cal-zone", values["zone"])
    page.select_option("#rmh-cal-reminder", values["reminder"])


def download(page, tmp_path: Path, name: str) -> bytes:
    with page.expect_download() as info:
        page.click(".rmh-calendar__download")
    dl = info.value
    assert dl.suggested_filename == "reverse-mentoring-program.ics"
    target = tmp_path / f"{name}.ics"
    dl.save_as(target)
    return target.read_bytes()


@pytest.mark.parametrize("case", sorted(CASES))
def test_browser_calendar_matches_the_cli(page_factory, default_server, tmp_path, case):
    values, cli_args = CASES[case]
    page, _ = page_factory(default_server + "sessions/", accept_downloads=True)
    fill_form(page, values)
    preview = page.locator(".rmh-calendar__dates li")
    assert preview.count() == 12
    browser_file = download(page, tmp_path, "browser")
    save_artifact(f"sessions-calendar-{case}.ics", browser_file)

    cli_file = tmp_path / "cli.ics"
    assert main(["calendar", "-f", str(REPO / "mkdocs.yml"), "--url", default_server, "--out", str(cli_file),
                 *cli_args]) == 0

    assert_rfc5545_lines(browser_file)
    browser_cal, browser_events = parse(browser_file)
    _, cli_events = parse(cli_file.read_bytes())
    assert len(browser_events) == 12
    assert [e.key() for e in browser_events] == [e.key() for e in cli_events]
    zone = values["zone"]
    assert all(e.tzid == zone for e in browser_events)
    hour, minute = map(int, values["time"].split(":"))
    walls = [(e.start.hour, e.start.minute) for e in browser_events]
    if case == "berlin-skipped-hour":
        assert walls[0] == (3, 30) and set(walls[1:]) == {(hour, minute)}
    else:
        assert set(walls) == {(hour, minute)}
    if case == "berlin-repeated-hour":
        assert browser_events[0].start.utcoffset() == dt.timedelta(hours=2)
    assert all(e.url == f"{default_server}sessions/{e.uid.split('-week-')[0]}/" for e in browser_events)

    # the browser's own VTIMEZONE (from Intl) names every change of offset that zoneinfo knows in the period
    first = browser_events[0].start.astimezone(dt.timezone.utc) - dt.timedelta(days=300)
    last = browser_events[-1].end.astimezone(dt.timezone.utc) + dt.timedelta(days=300)
    listed = [t for t in vtimezone_transitions(browser_cal, zone) if first < t[0] < last and t[1] != t[2]]
    assert listed == zoneinfo_transitions(zone, first, last)
    text = browser_file.decode()
    assert text.count("BEGIN:VTIMEZONE") == 1 and f"TZID:{zone}\r\n" in text
    assert re.search(r"DTSTAMP:\d{8}T\d{6}Z\r\n", text)


def test_the_track_choice_puts_that_tracks_meetings_in_the_file_like_the_cli(page_factory, default_server, tmp_path):
    values, cli_args = CASES["berlin-thursdays"]
    page, _ = page_factory(default_server + "sessions/", accept_downloads=True)
    fill_form(page, values)
    preview = page.locator(".rmh-calendar__dates li")
    assert "A stretch task (week 10)" in preview.nth(9).inner_text()  # the first track is the default
    page.select_option("#rmh-cal-track", "inclusion")
    assert preview.count() == 12
    assert "Who speaks, who is heard (week 7)" in preview.nth(6).inner_text()
    assert "One change in your own area (week 10)" in preview.nth(9).inner_text()
    browser_file = download(page, tmp_path, "inclusion")
    cli_file = tmp_path / "cli.ics"
    assert main(["calendar", "-f", str(REPO / "mkdocs.yml"), "--url", default_server, "--out", str(cli_file),
                 "--track", "inclusion", *cli_args]) == 0
    _, browser_events = parse(browser_file)
    _, cli_events = parse(cli_file.read_bytes())
    assert [e.key() for e in browser_events] == [e.key() for e in cli_events]
    assert {e.uid.split("-week-")[0] for e in browser_events} >= {"inclusion-who-is-heard", "kickoff", "closing"}
    assert not {"stretch-task", "first-hands-on"} & {e.uid.split("-week-")[0] for e in browser_events}


def test_form_asks_for_a_date_and_a_known_zone(page_factory, default_server):
    page, _ = page_factory(default_server + "sessions/")
    downloads = []
    page.on("download", lambda d: downloads.append(d))
    page.fill("#rmh-cal-start", "")
    page.click(".rmh-calendar__download")
    assert page.locator(".rmh-calendar__error").inner_text() == "Choose the date of the first meeting first."
    page.fill("#rmh-cal-start", "2026-03-02")
    page.fill("#rmh-cal-zone", "Mars/Olympus")
    page.click(".rmh-calendar__download")
    assert page.locator(".rmh-calendar__error").inner_text().startswith("Unknown time zone")
    page.fill("#rmh-cal-zone", "Europe/Berlin")
    page.fill("#rmh-cal-minutes", "5")
    page.click(".rmh-calendar__download")
    assert page.locator(".rmh-calendar__error").inner_text().startswith("The length must be a whole number")
    page.wait_for_timeout(300)
    assert downloads == []
    # the zone defaults to the browser's own, and the list offers the IANA names
    assert page.locator("#rmh-cal-zones option[value='Europe/Berlin']").count() == 1


def test_plan_page_looks_right(page_factory, default_server):
    page, _ = page_factory(default_server + "sessions/", viewport={"width": 1280, "height": 900},
                           timezone_id="Europe/Berlin")
    assert page.input_value("#rmh-cal-zone") == "Europe/Berlin"
    fill_form(page, CASES["berlin-thursdays"][0])
    save_artifact("sessions-plan.png", page.screenshot(full_page=True))
    assert page.locator(".rmh-plan li").count() == len(SESSION_IDS)
    first = page.locator(".rmh-calendar__dates li").first.inner_text()
    assert first.startswith("Tue, Mar 3, 2026") and "10:00" in first and "Kick-off" in first
    phone, _ = page_factory(default_server + "sessions/", viewport={"width": 390, "height": 844}, is_mobile=True)
    save_artifact("sessions-plan-phone.png", phone.screenshot(full_page=True))
    overflow = phone.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, "the plan page must not scroll sideways on a phone"


@pytest.mark.parametrize("session_id", SESSION_IDS)
def test_session_page_prints_on_one_page(page_factory, default_server, session_id):
    page, _ = page_factory(default_server + f"sessions/{session_id}/")
    assert page.locator(".rmh-agenda table tbody tr").count() >= 3
    # A4: the site's paper, with page.css's margins and running header and footer, as the PDFs are printed;
    # Letter: the same page on the shorter paper, which a reader may pick in the print dialog
    for paper in ("A4", "Letter"):
        pdf = page.pdf(format=paper, print_background=True, prefer_css_page_size=paper == "A4")
        info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
        if session_id in ("kickoff", "mid-point-review"):
            save_artifact(f"session-{session_id}-{paper}.pdf", pdf)
        assert pages == 1, f"sessions/{session_id}/ prints on {pages} {paper} pages"
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                              check=True).stdout.decode()
        assert "Agenda" in text and "What happens" in text
        assert "Download the calendar" not in text


TEXTS = [
    "Über-Start; Ärger, Öl \\ und 🙂 «Grüße» für alle, die früh kommen; Kaffee, Tee und 日本語のテキストも少し入れます",
    "x" * 74 + "é" + "y" * 200,
    "🙂" * 60,
    "line one\nline two\r\nline three, with a comma; and a semicolon",
]


@pytest.mark.parametrize("text", TEXTS)
def test_browser_escapes_and_folds_by_octets(page_factory, default_server, text):
    page, _ = page_factory(default_server + "sessions/")
    folded = page.evaluate("t => window.rmhCalendar.fold('DESCRIPTION:' + window.rmhCalendar.escapeText(t))", text)
    data = (folded + "\r\n").encode()
    assert_rfc5545_lines(data)
    import icalendar

    event = icalendar.Event.from_ical(b"BEGIN:VEVENT\r\n" + data + b"END:VEVENT\r\n")
    assert str(event["DESCRIPTION"]) == text.replace("\r\n", "\n")
    lines = data.split(b"\r\n")[:-1]
    # folded as late as the limit allows: only a character of up to 4 octets that would not fit moves on
    assert all(len(line) >= 72 for line in lines[:-1]), [len(line) for line in lines]
