"""The session plan as a calendar: which meeting happens in which week, and what its event says.

One source for both calendars: the page embeds `calendar_data()` as JSON for
the browser's .ics download, and `rmhandbook calendar` (ics.py) writes the
same events with the icalendar package. Texts are composed here only, so the
two files cannot drift apart; dates follow `meeting_date()` on both sides
(assets/sessions.js implements the same rule, and a test compares the files).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re

from rmhandbook.core.handbook import Handbook
from rmhandbook.render.messages import DEFAULT_LANGUAGE, Messages
from rmhandbook.render.text import plain_text

DEFAULT_REMINDER_MINUTES = 15
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # ISO order: index 0 is Monday


@dataclasses.dataclass(frozen=True)
class Occurrence:
    """One calendar event: one week of one session."""

    session: str  # session id; its page is sessions/<id>.md
    week: int
    uid_stem: str  # `<session>-week-<n>`; the start date and program slug complete the UID
    summary: str
    description: str  # without the link to the session page (added where the site's URL is known)
    minutes: int  # the planned length
    track: str = ""  # the session's track; empty: held by every pair, whatever its track


def slug(text: str) -> str:
    """A lower-case ASCII id for file names and UIDs (`Reverse Mentoring Program` -> `reverse-mentoring-program`)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "program"


EVERY_TRACK = "*"  # `occurrences(..., track=EVERY_TRACK)`: the events of every track, for the page to choose from


def plan_track(hb: Handbook, track: str | None = None) -> str | None:
    """The track a calendar follows: the one asked for, else the program's first (None: it has none)."""
    if track is not None:
        return track
    return next(iter(hb.tracks), None)


def occurrences(hb: Handbook, language: str = DEFAULT_LANGUAGE, track: str | None = None) -> list[Occurrence]:
    """The events of one pair's calendar: the shared meetings and those of `track` (default: the first
    track). With EVERY_TRACK, every session's events, each marked with its track."""
    msg = Messages(language)
    chosen = plan_track(hb, track)
    out = []
    for sid, session in hb.sessions.items():
        if chosen not in (None, EVERY_TRACK) and session.track not in (None, chosen):
            continue
        minutes = hb.session_minutes(session)
        lines = [plain_text(session.goal), "", msg("calendar_agenda").format(minutes=minutes)]
        lines += [f"- {a.minutes} {msg('minutes_short')}: {plain_text(a.title)}" for a in session.agenda]
        description = "\n".join(lines)
        weeks = list(session.weeks)
        for week in weeks:
            summary = msg("calendar_summary").format(week=week, title=plain_text(session.title))
            out.append(Occurrence(sid, week, f"{sid}-week-{week}", summary, description, minutes,
                                  session.track or ""))
    return out


def meeting_date(start: dt.date, weekday: int, week: int) -> dt.date:
    """The date of the meeting in partnership `week`.

    Week 1 is the first meeting, on `start`. Week n is the n-th calendar week
    (Monday to Sunday) counted from the one that holds `start`, on `weekday`
    (0 = Monday ... 6 = Sunday): the regular slot may be on another day than
    the first meeting.
    """
    if week == 1:
        return start
    monday = start - dt.timedelta(days=start.weekday())
    return monday + dt.timedelta(days=7 * (week - 1) + weekday)


def uid(program_slug: str, occurrence: Occurrence, start: dt.date) -> str:
    """Stable across downloads with the same first date: importing again updates instead of duplicating."""
    return f"{occurrence.uid_stem}-{start:%Y%m%d}-{program_slug}@rmhandbook"


def calendar_data(hb: Handbook, language: str = DEFAULT_LANGUAGE) -> dict:
    """What the browser needs to write the .ics: every event's texts, the program's name and defaults."""
    msg = Messages(language)
    return {
        "calendar": hb.program.name,
        "slug": slug(hb.program.name),
        "language": language,
        "cadence_minutes": hb.program.cadence.minutes,
        "reminder_minutes": DEFAULT_REMINDER_MINUTES,
        "reminder_text": msg("calendar_reminder_text"),
        "link_label": msg("calendar_link"),
        "events": [dataclasses.asdict(o) for o in occurrences(hb, language, EVERY_TRACK)],
    }


def json_for_script(data: object) -> str:
    """JSON that is safe as the text of an HTML element (`<template>`, `<script>`): no `<`, `>` or `&`
    survives as such, so no text in the content can close the element, open a comment or be read as
    an entity."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
