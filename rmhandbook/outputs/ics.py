"""`rmhandbook calendar`: the session plan as an iCalendar (RFC 5545) file, written with `icalendar`.

Events carry `DTSTART;TZID=<zone>` with a VTIMEZONE for that zone (built by
icalendar from zoneinfo, covering the program's dates) rather than UTC times:
a program lead sends one file to a cohort, and the meetings must stay at
"10:00 Berlin time" on both sides of a daylight-saving change in every client.
Outlook needs the VTIMEZONE to place TZID times; Google and Apple read the
IANA name. The browser download (assets/sessions.js) writes the same events.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from rmhandbook import __version__
from rmhandbook.core.handbook import Handbook
from rmhandbook.render.messages import DEFAULT_LANGUAGE
from rmhandbook.render.sessionplan import DEFAULT_REMINDER_MINUTES, calendar_data, meeting_date, occurrences, slug, uid

PRODID = f"-//rmhandbook//rmhandbook {__version__}//EN"


@dataclasses.dataclass(frozen=True)
class CalendarOptions:
    start: dt.date  # the first meeting (week 1)
    time: dt.time  # the meetings' local start time
    zone: str  # IANA time zone name, e.g. Europe/Berlin
    weekday: int | None = None  # 0 = Monday ... 6 = Sunday; default: the weekday of `start`
    minutes: int | None = None  # length of every meeting; default: each session's planned length
    url: str | None = None  # the handbook's base URL; events then link to their session page
    directory_urls: bool = True  # MkDocs' use_directory_urls: sessions/<id>/ rather than sessions/<id>.html
    reminder_minutes: int = DEFAULT_REMINDER_MINUTES  # 0: no reminder
    now: dt.datetime | None = None  # DTSTAMP; default: the current time
    track: str | None = None  # the pair's session track; default: the program's first track


def local_start(day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The meeting's start in `zone`. A wall time that does not exist (the hour skipped when clocks go
    forward) becomes the real time it means with the offset in force before the change (zoneinfo's
    fold=0), written as the wall time that does exist: 02:30 on that day becomes 03:30."""
    naive = dt.datetime.combine(day, time)
    return naive.replace(tzinfo=zone).astimezone(dt.timezone.utc).astimezone(zone)


def session_url(base: str, session_id: str, directory_urls: bool = True) -> str:
    """The session page under the site's base URL, as MkDocs writes it."""
    return base.rstrip("/") + (f"/sessions/{session_id}/" if directory_urls else f"/sessions/{session_id}.html")


def build_calendar(hb: Handbook, options: CalendarOptions, language: str = DEFAULT_LANGUAGE):
    import icalendar

    zone = ZoneInfo(options.zone)
    weekday = options.start.weekday() if options.weekday is None else options.weekday
    data = calendar_data(hb, language)
    now = (options.now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
    program_slug = slug(hb.program.name)

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", hb.program.name)
    cal.add("x-wr-timezone", options.zone)
    first = last = None
    for occ in occurrences(hb, language, options.track):
        start = local_start(meeting_date(options.start, weekday, occ.week), options.time, zone)
        minutes = options.minutes or occ.minutes
        end = (start.astimezone(dt.timezone.utc) + dt.timedelta(minutes=minutes)).astimezone(zone)
        description = occ.description
        link = session_url(options.url, occ.session, options.directory_urls) if options.url else None
        if link:
            description += f"\n\n{data['link_label']}: {link}"
        event = icalendar.Event()
        event.add("uid", uid(program_slug, occ, options.start))
        event.add("dtstamp", now)
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("summary", occ.summary)
        event.add("description", description)
        if link:
            event.add("url", link)
        if options.reminder_minutes:
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"{data['reminder_text']}: {occ.summary}")
            alarm.add("trigger", dt.timedelta(minutes=-options.reminder_minutes))
            event.add_component(alarm)
        cal.add_component(event)
        first = start if first is None else min(first, start)
        last = end if last is None else max(last, end)
    if first is not None and last is not None:
        # cover the program's dates (and some margin) only: a VTIMEZONE back to 1970 would be most of the file
        cal.add_missing_timezones(first_date=first.date() - dt.timedelta(days=366),
                                  last_date=last.date() + dt.timedelta(days=366))
    return cal


def write_calendar(hb: Handbook, options: CalendarOptions, language: str = DEFAULT_LANGUAGE) -> bytes:
    """The .ics file's bytes: UTF-8, CRLF line ends, lines folded at 75 octets (icalendar does both)."""
    return build_calendar(hb, options, language).to_ical()
