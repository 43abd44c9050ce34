"""Reading .ics files back with an independent parser (the icalendar package), for the CLI and browser tests."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import icalendar


@dataclasses.dataclass(frozen=True)
class ParsedEvent:
    uid: str
    summary: str
    description: str
    start: dt.datetime  # aware, in the event's TZID zone
    end: dt.datetime
    tzid: str
    url: str | None
    alarm: dt.timedelta | None

    def key(self) -> tuple:
        """What two calendars for the same inputs must agree on (not DTSTAMP: that is the time of writing)."""
        return (self.uid, self.summary, self.description, self.start.astimezone(dt.timezone.utc),
                self.end.astimezone(dt.timezone.utc), self.tzid, self.url, self.alarm)


def assert_rfc5545_lines(data: bytes) -> None:
    """CRLF line ends only, lines of at most 75 octets, folds that never split a UTF-8 character."""
    assert data.endswith(b"\r\n"), "the file must end with CRLF"
    assert b"\n" not in data.replace(b"\r\n", b""), "a bare LF or CR in the file"
    assert b"\r" not in data.replace(b"\r\n", b""), "a bare CR in the file"
    for number, line in enumerate(data.split(b"\r\n")[:-1], 1):
        assert len(line) <= 75, f"line {number} has {len(line)} octets: {line!r}"
        line.decode("utf-8")  # a fold inside a multi-byte character would not decode on its own


def parse(data: bytes) -> tuple[icalendar.Calendar, list[ParsedEvent]]:
    cal = icalendar.Calendar.from_ical(data)
    events = []
    for ev in cal.walk("VEVENT"):
        start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
        alarms = [a for a in ev.walk("VALARM")]
        events.append(ParsedEvent(
            uid=str(ev["UID"]), summary=str(ev["SUMMARY"]), description=str(ev["DESCRIPTION"]),
            start=start, end=end, tzid=ev["DTSTART"].params.get("TZID"),
            url=str(ev["URL"]) if "URL" in ev else None,
            alarm=alarms[0].decoded("TRIGGER") if alarms else None,
        ))
    return cal, events


def vtimezone_transitions(cal: icalendar.Calendar, tzid: str) -> list[tuple[dt.datetime, int, int]]:
    """(onset in UTC, offset from, offset to in minutes) of every observance, read from the VTIMEZONE as RFC 5545
    defines it: DTSTART (and each RDATE) is the local time of the observance being replaced."""
    out = []
    for tz in cal.walk("VTIMEZONE"):
        if str(tz["TZID"]) != tzid:
            continue
        for obs in tz.subcomponents:
            before = obs.decoded("TZOFFSETFROM")
            after = obs.decoded("TZOFFSETTO")
            onsets = [obs.decoded("DTSTART")]
            for rdate in obs.get("RDATE", []) if isinstance(obs.get("RDATE"), list) else [obs.get("RDATE")]:
                if rdate is not None:
                    onsets += [d.dt for d in rdate.dts]
            for local in onsets:
                utc = (local.replace(tzinfo=None) - before).replace(tzinfo=dt.timezone.utc)
                out.append((utc, int(before.total_seconds() // 60), int(after.total_seconds() // 60)))
    return sorted(out)


def zoneinfo_transitions(tzid: str, first: dt.datetime, last: dt.datetime) -> list[tuple[dt.datetime, int, int]]:
    """Every change of UTC offset of `tzid` between two instants, to the minute, from Python's zoneinfo."""
    zone = ZoneInfo(tzid)

    def offset(t: dt.datetime) -> int:
        return int(t.astimezone(zone).utcoffset().total_seconds() // 60)

    out = []
    t = first
    prev = offset(t)
    while t < last:
        nxt = t + dt.timedelta(hours=6)
        if offset(nxt) != prev:
            lo, hi = t, nxt
            while hi - lo > dt.timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                mid = mid.replace(second=0, microsecond=0)
                if mid <= lo:
                    mid = lo + dt.timedelta(minutes=1)
                if offset(mid) == prev:
                    lo = mid
                else:
                    hi = mid
            out.append((hi, prev, offset(hi)))
            prev = offset(hi)
        t = nxt
    return out
