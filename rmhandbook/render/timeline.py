"""The program on one week scale: phases one after another, each step placed at its weeks.

Phases and steps give their timing as text ("3-4 weeks", "Weeks 3-4", "Meeting 6", "Woche 1 oder 2").
The numbers in that text place them: a phase lasts the largest number of weeks its duration names;
a step's week numbers count from the start of its own phase, so the program-wide week is the sum of
the phases before it plus the step's week. Meetings count as weeks from the first meeting the phase's
duration names ("meetings 1-10" starts at meeting 1, "meeting 11" at 11). A step whose timing names
no number ("Any time", "Within two weeks of ...") spans its phase and is marked flexible. The text
itself is always shown beside the bar, so nothing a writer says is lost to the placement.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from typing import Any

_WEEKS = r"(?:weeks?|wochen?)"
_MEETINGS = r"(?:meetings?|treffen|sessions?)"
_RANGE = r"(\d+)(?:\s*(?:-|–|—|or|oder|to|bis|and|und)\s*(\d+))?"
_DURATION = re.compile(_RANGE + r"\s*" + _WEEKS, re.IGNORECASE)
_STEP_WEEKS = re.compile(r"(from\s+|ab\s+)?" + _WEEKS + r"\s+" + _RANGE, re.IGNORECASE)
_STEP_MEETINGS = re.compile(_MEETINGS + r"\s+" + _RANGE, re.IGNORECASE)
DEFAULT_PHASE_WEEKS = 2  # a phase whose duration names no weeks and whose steps name none either


@dataclasses.dataclass(frozen=True)
class Span:
    first: int  # program week, 1-based
    last: int


@dataclasses.dataclass(frozen=True)
class StepPlace:
    id: str
    step: Any
    span: Span
    flexible: bool  # its timing names no week: it may happen at any time in its phase
    note: str = ""  # what the timing says besides its week numbers ("once pairs are confirmed")


@dataclasses.dataclass(frozen=True)
class PhasePlace:
    phase: Any
    span: Span
    steps: tuple[StepPlace, ...]


@dataclasses.dataclass(frozen=True)
class Timeline:
    weeks: int
    phases: tuple[PhasePlace, ...]

    def meeting_one_week(self) -> int | None:
        """The program week of the pairs' first meeting (the session plan's week 1), from the first phase whose
        duration names meetings ("meetings 1-10" starts at its phase's first week; "meeting 11" would be ten
        weeks before its phase, held to week 1). None when no phase names a meeting: the plan then has no
        place on this scale."""
        for place in self.phases:
            if _STEP_MEETINGS.search(str(place.phase.duration)):
                return max(1, place.span.first - first_meeting(str(place.phase.duration)) + 1)
        return None


def _numbers(match: re.Match) -> tuple[int, int]:
    """The range's two numbers (the last two groups of the pattern); one number is a range of one."""
    first, last = match.groups()[-2:]
    return int(first), int(last) if last else int(first)


def phase_weeks(duration: str) -> int | None:
    """The most weeks a phase's duration text names: "3-4 weeks" -> 4; "meeting 12, then 4-6 weeks" -> 6."""
    found = [_numbers(m)[1] for m in _DURATION.finditer(duration)]
    return max(found) if found else None


def first_meeting(duration: str) -> int:
    """The first meeting a phase's duration names ("meetings 1-10" -> 1, "meeting 11" -> 11), else 1."""
    m = _STEP_MEETINGS.search(duration)
    return _numbers(m)[0] if m else 1


def timing_note(timing: str) -> str:
    """The timing text without its phase week numbers, which the program weeks replace:
    "Week 4, once pairs are confirmed" -> "once pairs are confirmed"; "Meeting 6" stays (a meeting is no week)."""
    timing = str(timing)
    weeks, meetings = _STEP_WEEKS.search(timing), _STEP_MEETINGS.search(timing)
    if not weeks or (meetings and meetings.start() < weeks.start()):
        return timing
    rest = timing[:weeks.start()] + timing[weeks.end():]
    return rest.strip(" ,;.").strip()


def step_weeks(timing: str, meeting_offset: int) -> tuple[int, int | None] | None:
    """The weeks of its phase a step's timing names, counted from 1; (first, None) means "from `first` on".
    None when the text names no week or meeting number."""
    timing = str(timing)
    weeks = _STEP_WEEKS.search(timing)
    meetings = _STEP_MEETINGS.search(timing)
    if weeks and (not meetings or weeks.start() < meetings.start()):
        first, last = _numbers(weeks)
        return (first, None) if weeks.group(1) else (first, last)
    if meetings:
        # every meeting number named from here on: "Meetings 4 and 8, plus the reviews at meetings 6 and 11"
        # (a length in weeks, "over 14-16 weeks", is not a meeting)
        numbers = [int(n) for n in re.findall(r"\d+", _DURATION.sub(" ", timing[meetings.start():]))]
        return min(numbers) - meeting_offset + 1, max(numbers) - meeting_offset + 1
    return None


def program_timeline(phases: Iterable[Any], steps: Mapping[str, Any]) -> Timeline:
    """Phases in program order, each step at its program weeks (steps listed in `steps`' order)."""
    placed: list[PhasePlace] = []
    start = 1
    by_phase: dict[str, list[tuple[str, Any]]] = {}
    for sid, step in steps.items():
        by_phase.setdefault(step.phase, []).append((sid, step))
    for phase in phases:
        offset = first_meeting(str(phase.duration))
        wanted = [(sid, step, step_weeks(step.timing, offset)) for sid, step in by_phase.get(phase.id, [])]
        named = [w[0] for _, _, w in wanted if w] + [w[1] for _, _, w in wanted if w and w[1]]
        length = phase_weeks(str(phase.duration)) or max(named, default=DEFAULT_PHASE_WEEKS)
        end = start + length - 1
        places = []
        for sid, step, w in wanted:
            if w is None:
                places.append(StepPlace(sid, step, Span(start, end), flexible=True))
                continue
            first = min(max(w[0], 1), length)
            last = length if w[1] is None else min(max(w[1], first), length)
            places.append(StepPlace(sid, step, Span(start + first - 1, start + last - 1), flexible=False,
                                    note=timing_note(step.timing)))
        placed.append(PhasePlace(phase, Span(start, end), tuple(places)))
        start = end + 1
    return Timeline(weeks=start - 1, phases=tuple(placed))
