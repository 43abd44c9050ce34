"""`rmhandbook calendar`: the session plan as an .ics file, read back with the icalendar package."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from calendar_checks import assert_rfc5545_lines, parse, vtimezone_transitions, zoneinfo_transitions
from rmhandbook.cli import main
from rmhandbook.core.handbook import load_handbook
from rmhandbook.render.sessionplan import occurrences

REPO = Path(__file__).resolve().parents[1]
CONTENT = REPO / "content"
BASE = "https://intranet.example/handbook/"


def run(tmp_path, *args: str) -> bytes:
    out = tmp_path / "program.ics"
    no_config = str(tmp_path / "no-mkdocs.yml")  # links only from --url, whatever the repository's mkdocs.yml says
    assert main(["calendar", "--content", str(CONTENT), "-f", no_config, "--out", str(out), *args]) == 0
    return out.read_bytes()


@pytest.fixture(scope="module")
def plan():
    return occurrences(load_handbook(CONTENT))


def test_every_event_date_zone_and_text(tmp_path, plan):
    data = run(tmp_path, "--start", "2026-03-03", "--time", "10:00", "--tz", "Europe/Berlin", "--weekday", "thu",
               "--url", BASE)
    assert_rfc5545_lines(data)
    cal, events = parse(data)
    assert str(cal["VERSION"]) == "2.0" and str(cal["PRODID"]).startswith("-//rmhandbook//")
    assert len(events) == len(plan) == 12
    berlin = ZoneInfo("Europe/Berlin")
    expected_days = [dt.date(2026, 3, 3)] + [dt.date(2026, 3, 12) + dt.timedelta(weeks=n) for n in range(11)]
    for event, occ, day in zip(events, plan, expected_days):
        assert event.tzid == "Europe/Berlin"
        assert event.start.date() == day, occ.uid_stem
        # 10:00 local on both sides of the change to summer time on 29 March
        assert (event.start.hour, event.start.minute) == (10, 0)
        assert event.start.utcoffset() == dt.datetime.combine(day, dt.time(10), berlin).utcoffset()
        assert event.end - event.start == dt.timedelta(minutes=occ.minutes)
        assert event.summary == occ.summary
        link = f"{BASE}sessions/{occ.session}/"
        assert event.description == f"{occ.description}\n\nSession page: {link}"
        assert event.url == link
        assert event.alarm == dt.timedelta(minutes=-15)
        assert event.uid == f"{occ.uid_stem}-20260303-reverse-mentoring-program@rmhandbook"
    assert events[0].end - events[0].start == dt.timedelta(minutes=90)  # the kick-off is longer
    assert events[0].start.weekday() == 1 and all(e.start.weekday() == 3 for e in events[1:])
    assert len({e.uid for e in events}) == 12
    assert {e.start.utcoffset() for e in events} == {dt.timedelta(hours=1), dt.timedelta(hours=2)}


def test_vtimezone_matches_the_zone_rules(tmp_path):
    data = run(tmp_path, "--start", "2026-10-05", "--time", "09:30", "--tz", "America/New_York")
    cal, events = parse(data)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["America/New_York"]
    first, last = events[0].start.astimezone(dt.timezone.utc), events[-1].end.astimezone(dt.timezone.utc)
    listed = {t for t in vtimezone_transitions(cal, "America/New_York") if first <= t[0] <= last}
    # October to January: one change, clocks back on 1 November (06:00 UTC)
    assert sorted(listed) == zoneinfo_transitions("America/New_York", first, last) == [
        (dt.datetime(2026, 11, 1, 6, 0, tzinfo=dt.timezone.utc), -240, -300)]
    assert all((e.start.hour, e.start.minute) == (9, 30) for e in events)
    assert {e.start.utcoffset() for e in events} == {dt.timedelta(hours=-4), dt.timedelta(hours=-5)}


def test_options_length_reminder_and_no_link(tmp_path):
    _, events = parse(run(tmp_path, "--start", "2026-01-05", "--time", "16:45", "--tz", "UTC", "--minutes", "45",
                          "--reminder", "0"))
    assert all(e.end - e.start == dt.timedelta(minutes=45) for e in events)
    assert all(e.alarm is None and e.url is None and "Session page" not in e.description for e in events)
    assert all(e.start.weekday() == 0 for e in events)  # default slot: the first meeting's weekday


def test_a_skipped_wall_time_becomes_the_real_one(tmp_path):
    # 29 March 2026: Berlin's clocks jump from 02:00 to 03:00; 02:30 does not exist that day
    _, events = parse(run(tmp_path, "--start", "2026-03-29", "--time", "02:30", "--tz", "Europe/Berlin"))
    assert (events[0].start.hour, events[0].start.minute) == (3, 30)
    assert events[0].start.astimezone(dt.timezone.utc).hour == 1
    assert (events[1].start.hour, events[1].start.minute) == (2, 30)


def test_same_inputs_give_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    args = ("--start", "2026-03-02", "--time", "10:00", "--tz", "Europe/Berlin")
    a = run(tmp_path, *args)
    b = run(tmp_path, *args)
    assert a == b and b"DTSTAMP:20260101T000000Z\r\n" in a


def test_text_is_escaped_and_folded_without_splitting_characters(tmp_path):
    content = Path(shutil.copytree(CONTENT, tmp_path / "content"))
    kickoff = content / "sessions" / "kickoff.yml"
    kickoff.write_text(kickoff.read_text().replace('title: "Kick-off: meet as equals"',
                                                   'title: "Über-Start; Ärger, Öl \\\\ und 🙂 «Grüße» für alle, '
                                                   'die früh kommen; Kaffee, Tee"'))
    out = tmp_path / "x.ics"
    assert main(["calendar", "--content", str(content), "--start", "2026-03-02", "--time", "10:00",
                 "--tz", "Europe/Berlin", "--out", str(out)]) == 0
    data = out.read_bytes()
    assert_rfc5545_lines(data)
    assert "SUMMARY:Über-Start\\; Ärger\\, Öl \\\\ und 🙂".encode() in data.replace(b"\r\n ", b"")
    _, events = parse(data)
    assert events[0].summary == "Über-Start; Ärger, Öl \\ und 🙂 «Grüße» für alle, die früh kommen; Kaffee, Tee (week 1)"


@pytest.mark.parametrize("args, message", [
    (["--start", "2026-02-30"], "--start `2026-02-30` is not a date; write it as YYYY-MM-DD, for example --start 2026-03-02."),
    (["--start", "02.03.2026"], "--start `02.03.2026` is not a date"),
    (["--time", "25:00"], "--time `25:00` is not a time of day; write it as HH:MM on the 24-hour clock, for example --time 09:30."),
    (["--time", "9.30"], "--time `9.30` is not a time of day"),
    (["--tz", "Mars/Olympus"], "--tz `Mars/Olympus` is not a known time zone; use an IANA name such as Europe/Berlin, America/New_York or UTC."),
    (["--tz", "../../etc/passwd"], "--tz `../../etc/passwd` is not a known time zone"),
    (["--tz", "CET "], "--tz `CET ` is not a known time zone"),
    (["--weekday", "funday"], "--weekday `funday` is not a weekday; use one of mon, tue, wed, thu, fri, sat, sun, for example --weekday thu."),
    (["--minutes", "ten"], "--minutes `ten` must be a whole number from 15 to 480, for example --minutes 60."),
    (["--minutes", "5"], "--minutes `5` must be a whole number from 15 to 480"),
    (["--reminder", "-5"], "--reminder `-5` must be a whole number from 0 to 10080"),
])
def test_bad_values_are_usage_errors(tmp_path, capsys, args, message):
    values = {"--start": "2026-03-02", "--time": "10:00", "--tz": "Europe/Berlin"}
    argv = ["calendar", "--content", str(CONTENT), "--out", str(tmp_path / "x.ics")]
    for key, value in values.items():
        if key not in args:
            argv += [key, value]
    assert main(argv + args) == 2
    err = capsys.readouterr().err
    assert f"rmhandbook calendar: {message}" in err
    assert "Traceback" not in err
    assert not (tmp_path / "x.ics").exists()


def test_a_track_picks_the_shared_meetings_and_its_own(tmp_path):
    base = ("--start", "2026-03-02", "--time", "10:00", "--tz", "UTC")
    _, default = parse(run(tmp_path, *base))
    _, inclusion = parse(run(tmp_path, *base, "--track", "inclusion", "--force"))
    assert len(default) == len(inclusion) == 12
    assert "A stretch task (week 10)" in {e.summary for e in default}
    summaries = [e.summary for e in inclusion]
    assert "Who speaks, who is heard (week 7)" in summaries and "A stretch task (week 10)" not in summaries
    assert summaries[0] == default[0].summary == "Kick-off: meet as equals (week 1)"  # shared by both tracks
    assert [e.start for e in inclusion] == [e.start for e in default]  # same weeks, same dates


def test_an_unknown_track_is_a_usage_error(tmp_path, capsys):
    argv = ["calendar", "--content", str(CONTENT), "--start", "2026-03-02", "--time", "10:00", "--tz", "UTC",
            "--track", "inclusoin", "--out", str(tmp_path / "x.ics")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert ("rmhandbook calendar: --track `inclusoin` is not a track of this handbook. Did you mean `inclusion`? "
            "Tracks: digital-skills, inclusion.") in err
    assert not (tmp_path / "x.ics").exists()


def test_missing_required_option_is_a_usage_error(tmp_path, capsys):
    assert main(["calendar", "--start", "2026-03-02", "--time", "10:00", "--out", str(tmp_path / "x.ics")]) == 2
    assert "--tz" in capsys.readouterr().err


def test_weekday_names(tmp_path):
    _, events = parse(run(tmp_path, "--start", "2026-03-02", "--time", "10:00", "--tz", "UTC", "--weekday", "Friday"))
    assert all(e.start.weekday() == 4 for e in events[1:])


def test_content_without_sessions_or_with_errors_exits_1(tmp_path, capsys):
    scaffold = REPO / "rmhandbook" / "outputs" / "scaffold" / "content"
    argv = ["calendar", "--start", "2026-03-02", "--time", "10:00", "--tz", "UTC", "--out", str(tmp_path / "x.ics")]
    assert main(argv + ["--content", str(scaffold)]) == 1
    assert "has no session plans (sessions/*.yml)" in capsys.readouterr().err
    broken = Path(shutil.copytree(CONTENT, tmp_path / "content"))
    (broken / "sessions" / "goals.yml").write_text((broken / "sessions" / "goals.yml").read_text()
                                                   .replace("  - minutes: 25\n", "  - minutes: 20\n"))
    assert main(argv + ["--content", str(broken)]) == 1
    assert "the agenda adds up to 55 minutes" in capsys.readouterr().err
    assert not (tmp_path / "x.ics").exists()


def test_links_follow_site_url_and_directory_urls_of_mkdocs_yml(tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\nsite_url: https://wiki.example/rm/\nuse_directory_urls: false\n"
                      "plugins:\n  - rmhandbook:\n      content_dir: " + str(CONTENT) + "\n")
    out = tmp_path / "x.ics"
    assert main(["calendar", "-f", str(config), "--start", "2026-03-02", "--time", "10:00", "--tz", "UTC",
                 "--out", str(out)]) == 0
    _, events = parse(out.read_bytes())
    assert events[0].url == "https://wiki.example/rm/sessions/kickoff.html"
    assert events[0].description.endswith("\n\nSession page: https://wiki.example/rm/sessions/kickoff.html")
    assert main(["calendar", "-f", str(config), "--url", "http://127.0.0.1:8000", "--start", "2026-03-02",
                 "--time", "10:00", "--tz", "UTC", "--out", str(out)]) == 0
    assert parse(out.read_bytes())[1][-1].url == "http://127.0.0.1:8000/sessions/closing.html"


def test_url_must_be_a_web_address(tmp_path, capsys):
    assert main(["calendar", "--content", str(CONTENT), "--url", "intranet/handbook", "--start", "2026-03-02",
                 "--time", "10:00", "--tz", "UTC", "--out", str(tmp_path / "x.ics")]) == 2
    assert "--url `intranet/handbook` is not a web address" in capsys.readouterr().err
