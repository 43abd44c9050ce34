"""The program's week scale (render/timeline.py): phases one after another, steps at their program weeks."""

from __future__ import annotations

import re
from types import SimpleNamespace as NS

import pytest

from harness import REPO
from rmhandbook.core.handbook import load_handbook
from rmhandbook.render.timeline import phase_weeks, program_timeline, step_weeks, timing_note


@pytest.mark.parametrize("text, weeks", [
    ("3-4 weeks", 4), ("1-2 Wochen", 2), ("meetings 1-10, about 12 weeks", 12), ("meeting 12, then 4-6 weeks", 6),
    ("one season", None), ("Treffen 11, 1–2 Wochen", 2),
])
def test_a_phase_lasts_the_most_weeks_its_duration_names(text, weeks):
    assert phase_weeks(text) == weeks


@pytest.mark.parametrize("timing, offset, weeks", [
    ("Week 1", 1, (1, 1)), ("Weeks 3-4", 1, (3, 4)), ("Woche 1 oder 2", 1, (1, 2)), ("Weeks 2–3", 1, (2, 3)),
    ("Week 4, once pairs are confirmed", 1, (4, 4)), ("From week 3, every two or three meetings", 1, (3, None)),
    ("Ab Woche 3, alle zwei bis drei Treffen", 1, (3, None)), ("Meeting 6", 1, (6, 6)), ("Meeting 11", 11, (1, 1)),
    ("Meetings 1-12, over 14-16 weeks", 1, (1, 12)),  # a length in weeks is no meeting
    ("Meetings 4 and 8, plus the reviews at meetings 6 and 11", 1, (4, 11)),
    ("Any time; best decided at a check-in", 1, None), ("Within two weeks of the last meetings", 1, None),
])
def test_a_steps_weeks_count_from_the_start_of_its_phase(timing, offset, weeks):
    assert step_weeks(timing, offset) == weeks


def test_the_note_keeps_what_the_week_numbers_do_not_say():
    assert timing_note("Week 4, once pairs are confirmed") == "once pairs are confirmed"
    assert timing_note("Weeks 3-4") == ""
    assert timing_note("Meeting 6") == "Meeting 6"


def test_weeks_run_on_across_phases_and_never_restart():
    phases = [NS(id="a", duration="3-4 weeks"), NS(id="b", duration="2 weeks"), NS(id="c", duration="no number")]
    steps = {"a1": NS(phase="a", timing="Weeks 1-2"), "b1": NS(phase="b", timing="Weeks 1-2"),
             "b2": NS(phase="b", timing="Week 9"),  # past its phase: held to the phase's last week
             "c1": NS(phase="c", timing="Week 3"), "c2": NS(phase="c", timing="whenever")}
    tl = program_timeline(phases, steps)
    spans = {s.id: (s.span.first, s.span.last) for p in tl.phases for s in p.steps}
    assert [(p.span.first, p.span.last) for p in tl.phases] == [(1, 4), (5, 6), (7, 9)]
    assert spans == {"a1": (1, 2), "b1": (5, 6), "b2": (6, 6), "c1": (9, 9), "c2": (7, 9)}
    assert [s.flexible for p in tl.phases for s in p.steps] == [False, False, False, False, True]
    assert tl.weeks == 9


@pytest.mark.parametrize("language", [None, "de"])
def test_the_default_program_in_both_languages_is_on_one_scale(language):
    hb = load_handbook(REPO / "content", language=language) if language else load_handbook(REPO / "content")
    tl = program_timeline(hb.program.phases, hb.steps)
    starts = [p.span.first for p in tl.phases]
    assert starts == sorted(starts) and starts[0] == 1
    for before, after in zip(tl.phases, tl.phases[1:]):
        assert after.span.first == before.span.last + 1
    placed = {s.id: (s.span.first, s.span.last, s.flexible) for p in tl.phases for s in p.steps}
    assert sorted(placed) == sorted(hb.steps)
    assert placed["recruit-participants"][:2] == (5, 6)  # "Weeks 1-2" of the second phase
    assert placed["mid-program-review"][:2] == (16, 16)  # "Meeting 6" of the partnership
    assert placed["end-early"][2] is True


def test_the_first_meeting_is_in_the_first_week_of_the_phase_that_names_it():
    def week(*durations):
        phases = [NS(id=str(i), duration=d) for i, d in enumerate(durations)]
        return program_timeline(phases, {}).meeting_one_week()
    assert week("3-4 weeks", "2 weeks", "meetings 1-10, about 12 weeks", "meeting 11, 1-2 weeks") == 7
    assert week("Treffen 1–6, 8 Wochen") == 1
    assert week("3 weeks", "meeting 3, 4 weeks") == 2  # its meeting 3 is program week 4: meeting 1 two weeks earlier
    assert week("2 weeks", "meeting 11, 2 weeks") == 1  # held to the program's first week
    assert week("3-4 weeks", "about 12 weeks") is None  # no phase names a meeting: no place for the session plan


@pytest.mark.parametrize("language", [None, "de"])
def test_the_default_programs_first_meeting_opens_the_partnership(language):
    hb = load_handbook(REPO / "content", language=language) if language else load_handbook(REPO / "content")
    tl = program_timeline(hb.program.phases, hb.steps)
    partnership = next(p for p in tl.phases if p.phase.id == "partnership")
    assert tl.meeting_one_week() == partnership.span.first == 11


def _step_pages(content, language="en"):
    from rmhandbook.render.pages import Renderer

    hb = load_handbook(content, language=None if language == "en" else language)
    return hb, {p.path: p.content for p in Renderer(hb, language=language).pages()}


@pytest.mark.parametrize("language, word", [("en", "program week"), ("de", "Programmwoche")])
def test_a_step_page_gives_its_program_weeks_beside_its_phase_weeks(language, word):
    """A step's timing counts from its phase ("Week 1" of the partnership); the page adds the weeks the
    timeline and the pocket cards show, so the numbers a reader meets do not restart in every phase."""
    hb, pages = _step_pages(REPO / "content", language)
    tl = program_timeline(hb.program.phases, hb.steps)
    starts = {place.phase.id: place.span.first for place in tl.phases}
    shown = 0
    for place in tl.phases:
        for step in place.steps:
            line = next(ln for ln in pages[f"steps/{step.id}.md"].splitlines() if "rmh-meta" not in ln and "**" in ln
                        and str(hb.steps[step.id].timing) in ln)
            added = re.search(r'<span class="rmh-program-weeks" data-search-exclude>\((.*?)\)</span>', line)
            if step.flexible or starts[place.phase.id] == 1:
                assert added is None, line  # its weeks are the program's already, or it names none
                continue
            expected = (f"{word} {step.span.first}" if step.span.first == step.span.last
                        else f"{word}n {step.span.first}–{step.span.last}" if language == "de"
                        else f"{word}s {step.span.first}–{step.span.last}")
            assert added and added.group(1) == expected, line
            shown += 1
    assert shown >= 15
    assert "(program week 11)" in pages["steps/first-meeting.md"] or language == "de"


def test_an_edited_timing_rerenders_its_step_page_and_not_the_other_steps(tmp_path):
    import shutil

    from rmhandbook.core.handbook import HandbookBuilder
    from rmhandbook.render.cache import PageCache
    from rmhandbook.render.pages import Renderer

    content = shutil.copytree(REPO / "content", tmp_path / "content")
    builder, cache = HandbookBuilder(), PageCache()

    def render():
        renderer = Renderer(builder.build(content), cache=cache)
        return {p.path: p.content for p in renderer.pages()}, renderer.rendered

    render()
    source = content / "steps" / "agree-goals.yml"
    source.write_text(source.read_text(encoding="utf-8").replace("timing: Weeks 1-2", "timing: Weeks 2-3"),
                      encoding="utf-8")
    pages, rendered = render()
    assert "(program weeks 12–13)" in pages["steps/agree-goals.md"]
    assert {p for p in rendered if p.startswith("steps/") and p != "steps/index.md"} == {"steps/agree-goals.md"}
    assert pages == {p.path: p.content for p in Renderer(load_handbook(content)).pages()}
