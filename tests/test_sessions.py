"""Session plans: the content kind, its checks, its pages and the data the calendar is made of."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest

from rmhandbook.core.diagnostics import ContentError, Diagnostics
from rmhandbook.core.handbook import load_handbook
from rmhandbook.render.pages import nav_for, render_pages
from rmhandbook.outputs.schema import schema_documents
from rmhandbook.render.sessionplan import calendar_data, json_for_script, meeting_date, occurrences

REPO = Path(__file__).resolve().parents[1]
SCAFFOLD = REPO / "rmhandbook" / "outputs" / "scaffold" / "content"

SESSION = """\
title: First meeting
week: 1
goal: Know each other and book the series.
preparation:
  mentor: [Bring two topics.]
  mentee: [Bring one question.]
agenda:
  - minutes: 10
    title: Check-in
  - minutes: 40
    title: Topics
    details: Talk about the [[mentor]]'s topics.
  - minutes: 10
    title: Next steps
scripts: [first-meeting-opener]
checklist_items: [first-meeting/book-slots]
steps: [first-meeting]
reflection:
  mentor: What did I learn?
  mentee: What will I try?
"""


@pytest.fixture
def content(tmp_path) -> Path:
    content = Path(shutil.copytree(SCAFFOLD, tmp_path / "content"))
    (content / "sessions").mkdir()
    (content / "sessions" / "first.yml").write_text(SESSION)
    return content


def problems(content: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_handbook(content, Diagnostics(content.parent))
    return [d.format() for d in info.value.diagnostics]


def write(content: Path, name: str, text: str) -> None:
    (content / "sessions" / f"{name}.yml").write_text(text)


def test_a_valid_session_loads_with_terms_and_defaults(content):
    hb = load_handbook(content)
    session = hb.sessions["first"]
    assert session.agenda[1].details == "Talk about the mentor's topics."
    assert hb.session_minutes(session) == 60 == hb.program.cadence.minutes
    assert list(session.weeks) == [1]


def test_no_sessions_folder_means_no_plan_pages_and_no_nav_entry():
    hb = load_handbook(SCAFFOLD)
    assert hb.sessions == {}
    pages = render_pages(hb)
    assert not [p for p in pages if p.path.startswith("sessions/")]
    assert "Session plan" not in json.dumps(nav_for(pages, hb))
    assert "sessions/index.md" not in next(p for p in pages if p.path == "index.md").content


def test_an_empty_sessions_folder_is_fine(tmp_path):
    content = Path(shutil.copytree(SCAFFOLD, tmp_path / "content"))
    (content / "sessions").mkdir()
    assert load_handbook(content).sessions == {}


def test_agenda_must_fill_the_meeting(content):
    text = SESSION.replace("  - minutes: 40\n", "  - minutes: 45\n")
    write(content, "first", text)
    assert problems(content) == [
        "content/sessions/first.yml:7:1: error: the agenda adds up to 65 minutes (10 + 45 + 10) but the meeting "
        "lasts 60 minutes (the program's `cadence.minutes`); change the agenda's minutes so they add up to 60, or "
        "set the session's length, for example `minutes: 65`."]
    write(content, "first", text.replace("week: 1\n", "week: 1\nminutes: 65\n"))
    assert load_handbook(content).sessions["first"].minutes == 65
    write(content, "first", text.replace("week: 1\n", "week: 1\nminutes: 90\n"))
    assert problems(content)[0].endswith("but the meeting lasts 90 minutes (its `minutes`); change the agenda's "
                                         "minutes so they add up to 90, or set the session's length, for example "
                                         "`minutes: 65`.")


def test_references_are_checked_with_locations(content):
    text = (SESSION.replace("[first-meeting/book-slots]", "[first-meeting/book-slot, nope/x]")
            .replace("scripts: [first-meeting-opener]", "scripts: [first-meeting-opner]")
            .replace("  mentee: [Bring one question.]", "  mentee: [Bring one question.]\n  sponsr: [Join.]"))
    write(content, "first", text)
    assert problems(content) == [
        "content/sessions/first.yml:7:3: error: `preparation` names an unknown role `sponsr`. Did you mean `sponsor`? "
        "Roles: mentee, mentor, program-lead, sponsor.",
        "content/sessions/first.yml:16:11: error: reference to a missing item: no file "
        "`scripts/first-meeting-opner.yml`. Did you mean `first-meeting-opener`? Known ids: first-meeting-opener.",
        "content/sessions/first.yml:17:19: error: reference to a missing item: no checklist item "
        "`first-meeting/book-slot` (written as `step-id/item-id`). Did you mean `first-meeting/book-slots`? Known ids: "
        "first-meeting/book-slots, first-meeting/bring-topics, set-objectives/sponsor-signoff, "
        "set-objectives/write-needs.",
        "content/sessions/first.yml:17:44: error: reference to a missing item: no checklist item `nope/x` (written as "
        "`step-id/item-id`). Known ids: first-meeting/book-slots, first-meeting/bring-topics, "
        "set-objectives/sponsor-signoff, set-objectives/write-needs.",
    ]


def test_checklist_reference_must_name_step_and_item(content):
    write(content, "first", SESSION.replace("[first-meeting/book-slots]", "[book-slots]"))
    out = problems(content)
    assert out == ["content/sessions/first.yml:16:19: error: item 1 of `checklist_items` is `book-slots`, which is "
                   "not a checklist item reference; write the step id and the item id with a slash between them, "
                   "for example `first-meeting/book-slots`."]


def test_week_ranges_run_forwards_and_weeks_are_not_double_booked(content):
    write(content, "second", SESSION.replace("week: 1\n", "week: 3\nuntil_week: 2\n"))
    write(content, "third", SESSION.replace("week: 1\n", "week: 4\nuntil_week: 6\n"))
    write(content, "fourth", SESSION.replace("week: 1\n", "week: 6\n"))
    assert problems(content) == [
        "content/sessions/fourth.yml:2:7: error: week 6 already has a meeting: `sessions/third.yml`; the pair meets "
        "once a week, so give each week one session (change `week` or `until_week`).",
        "content/sessions/second.yml:3:13: error: `until_week` (2) is before `week` (3); a range runs forwards, for "
        "example `week: 2` and `until_week: 3`, or leave `until_week` out for a single meeting.",
    ]


def test_strict_types_in_a_session(content):
    write(content, "first", SESSION.replace("week: 1", 'week: "1"').replace("  - minutes: 10\n    title: Check-in",
                                                                         "  - minutes: ten\n    title: Check-in"))
    out = problems(content)
    assert out[0].startswith("content/sessions/first.yml:2:7: error: `week` must be a whole number; found the text "
                             "`1`. Remove the quotes around the number.")
    assert out[1].startswith("content/sessions/first.yml:8:14: error: `minutes` must be a whole number; found the "
                             "text `ten`.")


def test_schema_file_for_sessions():
    docs = schema_documents()
    schema = json.loads(docs["session.schema.json"])
    assert schema["additionalProperties"] is False
    assert {"title", "week", "goal", "preparation", "agenda", "reflection"} <= set(schema["required"])
    committed = REPO / "content" / "schema" / "session.schema.json"
    assert committed.read_text() == docs["session.schema.json"], "run `rmhandbook schema` and commit the result"


# --- the default plan ------------------------------------------------------------

@pytest.fixture(scope="module")
def default():
    return load_handbook(REPO / "content")


def test_default_plan_covers_twelve_weeks_once_each_on_every_track(default):
    assert list(default.tracks) == ["digital-skills", "inclusion"]
    for track in default.tracks:
        weeks = sorted(w for s in default.sessions.values() if s.track in (None, track) for w in s.weeks)
        assert weeks == list(range(1, 13)), track
    own = {track: [sid for sid, s in default.sessions.items() if s.track == track] for track in default.tracks}
    assert own["inclusion"] == ["inclusion-normal-week", "inclusion-who-is-heard", "inclusion-accessible",
                                "inclusion-extra-load", "inclusion-one-change"]
    assert own["digital-skills"] == ["first-hands-on", "real-work", "other-views", "stretch-task"]
    ids = list(default.sessions)
    assert ids[0] == "kickoff" and ids[-1] == "closing" and "mid-point-review" in ids
    assert default.sessions["mid-point-review"].week == 6


def test_default_sessions_are_complete(default):
    for sid, s in default.sessions.items():
        assert {"mentor", "mentee"} <= set(s.preparation), sid
        assert len(s.agenda) >= 3, sid
        assert s.scripts and s.checklist_items and s.steps, sid
        assert sum(a.minutes for a in s.agenda) == default.session_minutes(s)


# --- pages -------------------------------------------------------------------------

def test_session_page_has_timed_agenda_and_links(content):
    hb = load_handbook(content)
    pages = {p.path: p for p in render_pages(hb)}
    page = pages["sessions/first.md"]
    assert page.source == content / "sessions" / "first.yml"
    text = page.content
    assert "| 0:00&ndash;0:10 | 10 | **Check-in** |" in text
    assert "| 0:10&ndash;0:50 | 40 | **Topics**<br>Talk about the mentor's topics. |" in text
    assert "| 0:50&ndash;1:00 | 10 | **Next steps** |" in text
    assert "[First-meeting opener](../scripts/first-meeting-opener.md)" in text
    # the items it ticks off, under a link to their step, as the step's own tickable checklist
    assert "[Hold the first meeting](../steps/first-meeting.md)\n{: .rmh-session__step }" in text
    assert 'data-checklist="first-meeting"' in text
    assert "- **Mentor:** What did I learn?" in text
    assert "**Week 1** · **Length:** 60 minutes" in text
    nav = nav_for(list(pages.values()), hb)
    assert {"Session plan": ["sessions/index.md", {"First meeting": "sessions/first.md"}]} in nav
    assert {"Session plan": ["sessions/index.md"]} in nav_for(list(pages.values()), hb, max_section_items=0)


def test_plan_page_embeds_calendar_data_safely(content):
    hostile = SESSION.replace("title: First meeting", "title: \"</script><script>alert(1)</script> & <!--\"")
    write(content, "first", hostile)
    hb = load_handbook(content)
    plan = next(p for p in render_pages(hb) if p.path == "sessions/index.md").content
    match = re.search(r'<template class="rmh-calendar__data" data-search-exclude>(.*?)</template>', plan)
    assert match, "the calendar data must be in one template element"
    raw = match.group(1)
    assert "<" not in raw and ">" not in raw and "&" not in raw
    data = json.loads(raw)
    assert data["events"][0]["summary"] == "</script><script>alert(1)</script> & <!-- (week 1)"
    assert data == json.loads(json_for_script(calendar_data(hb)))


def test_occurrences_one_per_week_with_agenda_text(default):
    occ = occurrences(default)  # the first track's plan
    assert [o.week for o in occ] == list(range(1, 13))
    assert {o.track for o in occ} == {"", "digital-skills"}
    real = [o for o in occ if o.session == "real-work"]
    assert [(o.week, o.uid_stem) for o in real] == [(7, "real-work-week-7"), (8, "real-work-week-8")]
    kickoff = occ[0]
    assert kickoff.summary == "Kick-off: meet as equals (week 1)"
    assert kickoff.minutes == 90
    assert "Agenda (90 min):\n- 10 min: Arrive and settle\n- 20 min: Two working lives" in kickoff.description
    assert "[[" not in kickoff.description and "**" not in kickoff.description


@pytest.mark.parametrize("start, weekday, week, expected", [
    ("2026-03-02", 0, 1, "2026-03-02"),   # Monday start, Monday slot
    ("2026-03-02", 0, 2, "2026-03-09"),
    ("2026-03-02", 0, 12, "2026-05-18"),
    ("2026-03-03", 3, 1, "2026-03-03"),   # kick-off on a Tuesday, then Thursdays
    ("2026-03-03", 3, 2, "2026-03-12"),
    ("2026-03-06", 0, 2, "2026-03-09"),   # Friday kick-off, Mondays from the next week
    ("2026-12-30", 2, 2, "2027-01-06"),   # across a new year
])
def test_meeting_date(start, weekday, week, expected):
    assert meeting_date(dt.date.fromisoformat(start), weekday, week) == dt.date.fromisoformat(expected)


def test_steps_and_scripts_link_back_to_the_sessions_that_use_them(content):
    write(content, "later", SESSION.replace("week: 1\n", "week: 2\n").replace("title: First meeting",
                                                                              "title: Second meeting"))
    pages = {p.path: p.content for p in render_pages(load_handbook(content))}
    for path in ("steps/first-meeting.md", "scripts/first-meeting-opener.md"):
        text = pages[path]
        assert "- [First meeting](../sessions/first.md)\n- [Second meeting](../sessions/later.md)\n" in text, path
    assert "sessions/" not in pages["steps/set-objectives.md"]


def test_agenda_details_are_one_paragraph(content):
    write(content, "first", SESSION.replace("    details: Talk about the [[mentor]]'s topics.\n",
                                            "    details: |\n      First part.\n\n      Second part.\n"))
    assert problems(content) == [
        "content/sessions/first.yml:12:14: error: `details` of agenda item 2 has several paragraphs; it is printed "
        "in one table cell, so write one paragraph (move the rest to the session's `goal` or `preparation`)."]


def test_german_labels_reach_pages_and_calendar_texts(default):
    pages = {p.path: p.content for p in render_pages(default, language="de")}
    plan = pages["sessions/index.md"]
    assert "# Sitzungsplan" in plan and "Die Treffen in den eigenen Kalender übernehmen" in plan
    assert "<option value=\"3\">Donnerstag</option>" in plan
    assert "| Zeit | Minuten | Was passiert |" in pages["sessions/kickoff.md"]
    data = calendar_data(default, "de")
    assert data["events"][0]["summary"] == "Kick-off: meet as equals (Woche 1)"
    assert "Agenda (90 Min.):\n- 10 Min.: Arrive and settle" in data["events"][0]["description"]
    assert data["link_label"] == "Seite der Sitzung"


def test_an_organization_that_hides_a_step_drops_the_sessions_links_to_it(tmp_path):
    content = Path(shutil.copytree(REPO / "content", tmp_path / "content"))
    goals = content / "sessions" / "goals.yml"
    goals.write_text(goals.read_text().replace("  - agree-goals/agree-time\n",
                                               "  - agree-communication/quick-questions\n"))
    written = load_handbook(content).sessions["goals"].checklist_items
    assert "agree-communication/quick-questions" in written
    diags = Diagnostics(tmp_path)
    hb = load_handbook(content, diags, organization="rheinau")  # hides steps/agree-communication
    assert hb.sessions["goals"].checklist_items == [i for i in written if i != "agree-communication/quick-questions"]
    warnings = [w.format() for w in hb.warnings]
    assert any("content/sessions/goals.yml" in w and "links to the checklist item "
               "`agree-communication/quick-questions`, which organization `rheinau` hides" in w
               and w.endswith("or stop hiding `agree-communication`.") for w in warnings), warnings


def test_an_organization_can_hide_or_replace_a_session(tmp_path):
    content = Path(shutil.copytree(REPO / "content", tmp_path / "content"))
    overlay = content / "orgs" / "rheinau" / "sessions"
    overlay.mkdir()
    (overlay / "closing.yml").write_text((content / "sessions" / "closing.yml").read_text()
                                         .replace("title: Close the partnership", "title: Das Tandem abschließen"))
    org = content / "orgs" / "rheinau" / "org.yml"
    org.write_text(org.read_text().replace("hide:\n", "hide:\n  - sessions/other-views\n"))
    hb = load_handbook(content, organization="rheinau")
    assert "other-views" not in hb.sessions and hb.sessions["closing"].title == "Das Tandem abschließen"
    events = occurrences(hb, "de")
    assert [o.week for o in events] == [w for w in range(1, 13) if w != 9]
    assert events[-1].summary == "Das Tandem abschließen (Woche 12)"


def test_a_rebuild_after_editing_a_session_renders_only_the_pages_it_reaches(tmp_path):
    from rmhandbook.core.handbook import HandbookBuilder
    from rmhandbook.render.pages import Renderer
    from rmhandbook.render.cache import PageCache

    content = Path(shutil.copytree(REPO / "content", tmp_path / "content"))
    builder, cache = HandbookBuilder(), PageCache()

    def render():
        renderer = Renderer(builder.build(content), inline_abbreviations=False, cache=cache)
        return {p.path: p.content for p in renderer.pages()}, renderer.rendered

    render()
    assert render()[1] == []
    path = content / "sessions" / "stretch-task.yml"
    path.write_text(path.read_text().replace("title: A stretch task", "title: A bigger stretch task"))
    pages, rendered = render()
    assert "sessions/stretch-task.md" in rendered and "sessions/index.md" in rendered
    assert "sessions/kickoff.md" not in rendered and "steps/set-objectives.md" not in rendered
    assert len(rendered) < len(pages) / 4, rendered
    fresh = {p.path: p.content for p in render_pages(load_handbook(content), inline_abbreviations=False)}
    assert pages == fresh


# --- tracks --------------------------------------------------------------------------

TRACKS = """\
tracks:
  - id: digital
    title: Digital skills
    summary: Tools the [[mentee]] needs.
  - id: inclusion
    title: Inclusion-led
    summary: Differences beyond age and technology.
"""


def with_tracks(content: Path) -> Path:
    program = content / "program.yml"
    program.write_text(program.read_text() + TRACKS)
    write(content, "hands-on", SESSION.replace("title: First meeting", "title: Hands-on").replace(
        "week: 1", "week: 2\ntrack: digital"))
    write(content, "who-is-heard", SESSION.replace("title: First meeting", "title: Who is heard").replace(
        "week: 1", "week: 2\ntrack: inclusion"))
    return content


def test_sessions_of_different_tracks_may_share_a_week_and_a_calendar_holds_one_track(content):
    hb = load_handbook(with_tracks(content))
    assert hb.sessions["who-is-heard"].track == "inclusion" and hb.sessions["first"].track is None
    assert [o.session for o in occurrences(hb)] == ["first", "hands-on"]  # default: the first track
    assert [o.session for o in occurrences(hb, track="inclusion")] == ["first", "who-is-heard"]
    events = calendar_data(hb)["events"]  # the page holds every track's events, each marked
    assert [(e["session"], e["track"]) for e in events] == [("first", ""), ("hands-on", "digital"),
                                                             ("who-is-heard", "inclusion")]


def test_a_week_is_double_booked_within_a_track_or_against_a_shared_session(content):
    with_tracks(content)
    write(content, "normal-week", SESSION.replace("week: 1", "week: 2\ntrack: inclusion"))
    write(content, "week-one-digital", SESSION.replace("week: 1", "week: 1\ntrack: digital"))
    assert problems(content) == [
        "content/sessions/week-one-digital.yml:2:7: error: week 1 already has a meeting of track `digital`: "
        "`sessions/first.yml`; the pair meets once a week, so give each week one session (change `week` or "
        "`until_week`, or give the sessions different `track`s).",
        "content/sessions/who-is-heard.yml:2:7: error: week 2 already has a meeting of track `inclusion`: "
        "`sessions/normal-week.yml`; the pair meets once a week, so give each week one session (change `week` or "
        "`until_week`, or give the sessions different `track`s)."]


def test_an_unknown_track_is_a_located_error_with_a_suggestion(content):
    with_tracks(content)
    write(content, "typo", SESSION.replace("week: 1", "week: 3\ntrack: inclusoin"))
    assert problems(content) == [
        "content/sessions/typo.yml:3:8: error: reference to a missing item: no track with id `inclusoin` in "
        "program.yml. Did you mean `inclusion`? Known ids: digital, inclusion."]


def test_a_track_needs_tracks_in_program_yml(content):
    write(content, "first", SESSION.replace("week: 1", "week: 1\ntrack: inclusion"))
    assert problems(content) == [
        "content/sessions/first.yml:3:8: error: reference to a missing item: no track with id `inclusion` in "
        "program.yml (it has no `tracks`; declare them there, for example `- id: inclusion` with a title and "
        "summary)."]


def test_duplicate_track_ids_are_an_error(content):
    program = content / "program.yml"
    program.write_text(program.read_text() + TRACKS + "  - id: digital\n    title: Again\n    summary: Again.\n")
    assert any("error: duplicate track id `digital`" in p for p in problems(content))


def test_pages_show_the_track_and_the_plan_groups_sessions_by_track(content):
    hb = load_handbook(with_tracks(content))
    pages = {p.path: p.content for p in render_pages(hb)}
    page = pages["sessions/who-is-heard.md"]
    assert ("**Track:** [Inclusion-led](index.md#track-inclusion){: .rmh-track .rmh-track--inclusion }"
            in page)
    assert "**Track:**" not in pages["sessions/first.md"]
    plan = pages["sessions/index.md"]
    assert '<span class="rmh-track rmh-track--inclusion">Inclusion-led</span>' in plan
    digital, inclusion = plan.index("### Digital skills { #track-digital }"), plan.index(
        "### Inclusion-led { #track-inclusion }")
    assert digital < plan.index("- Week 2: [Hands-on](hands-on.md)") < inclusion < plan.index(
        "- Week 2: [Who is heard](who-is-heard.md)") < plan.index("## Add the meetings to your calendar")
    assert plan.count("- Week 1: [First meeting]") == 0  # a shared session belongs to no track's list
    assert ('<select id="rmh-cal-track" name="track"><option value="digital" selected>Digital skills</option>'
            '<option value="inclusion">Inclusion-led</option></select>') in plan


def test_a_plan_without_tracks_shows_none_of_it(content):
    plan = next(p for p in render_pages(load_handbook(content)) if p.path == "sessions/index.md").content
    assert "rmh-cal-track" not in plan and "#tracks" not in plan and "rmh-track" not in plan


def test_the_schema_documents_the_track_field_and_the_tracks():
    docs = schema_documents()
    session = json.loads(docs["session.schema.json"])
    assert "track" in session["properties"] and "track" not in session["required"]
    assert session["properties"]["track"]["examples"] == ["inclusion"]
    program = json.loads(docs["program.schema.json"])
    assert "tracks" in program["properties"] and "tracks" not in program["required"]
    for name in ("session.schema.json", "program.schema.json", "program.translation.schema.json"):
        assert (REPO / "content" / "schema" / name).read_text() == docs[name], name
