"""Validation, terms and cross-references: every problem located, with what was expected."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rmhandbook.core.diagnostics import ContentError, Diagnostics
from rmhandbook.core.handbook import HandbookBuilder, load_handbook
from rmhandbook.core.terms import Terms

SCAFFOLD = Path(__file__).resolve().parents[1] / "rmhandbook" / "outputs" / "scaffold" / "content"


@pytest.fixture
def content(tmp_path) -> Path:
    return Path(shutil.copytree(SCAFFOLD, tmp_path / "content"))


def problems(content: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_handbook(content, Diagnostics(content.parent))
    return [d.format() for d in info.value.diagnostics]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_scaffold_is_valid_and_ordered(content):
    hb = load_handbook(content)
    assert list(hb.steps) == ["set-objectives", "first-meeting"]  # phase order, then order
    assert hb.roles["program-lead"].name == "Program lead"  # [[Program-lead]] capitalized
    assert hb.steps["set-objectives"].summary == "Tie the program to a business need."


def test_every_problem_in_every_file_is_reported_together(content):
    edit(content / "steps/first-meeting.yml", "order: 10", 'order: "10"\ntitel: x')
    edit(content / "pitfalls/tick-box.yml", "severity: high", "severity: severe")
    edit(content / "faqs/basics.yml", "[[mentor]] teaches", "[[mentr]] teaches")
    edit(content / "scripts/first-meeting-opener.yml", "steps: [first-meeting]", "steps: [first-meting]")
    assert problems(content) == [
        "content/faqs/basics.yml:7:22: error: unknown term `[[mentr]]`. Did you mean `mentor`? Terms defined in "
        "program.yml: mentee, mentor, program, program-lead, sponsor; write for example `[[mentor]]`, `[[mentors]]` "
        "or `[[Mentor]]`.",
        "content/pitfalls/tick-box.yml:3:11: error: `severity` must be one of low, medium, high; found the text "
        "`severe`.",
        "content/scripts/first-meeting-opener.yml:10:9: error: reference to a missing item: no file "
        "`steps/first-meting.yml`. Did you mean `first-meeting`? Known ids: first-meeting, set-objectives.",
        "content/steps/first-meeting.yml:4:8: error: `order` must be a whole number; found the text `10`. Remove the "
        "quotes around the number. For example `order: 10`.",
        "content/steps/first-meeting.yml:5:1: error: unknown field `titel` in this step. Did you mean `title`? "
        "Allowed fields: title, phase, order, summary, why, timing, actions, checklist, tips, scripts, pitfalls, tags.",
    ]


def test_missing_field_names_parent_and_example(content):
    edit(content / "steps/first-meeting.yml", "timing: week 1\n", "")
    assert problems(content) == [
        "content/steps/first-meeting.yml:2:1: error: missing required field `timing` in this step; for example "
        "`timing: week 1`."]


def test_nested_errors_point_into_lists(content):
    edit(content / "steps/first-meeting.yml", "    role: mentor", "    role: mentr")
    edit(content / "steps/first-meeting.yml", "  - id: book-slots", "  - id: Book_Slots")
    assert problems(content) == [
        "content/steps/first-meeting.yml:12:9: error: `id` is `Book_Slots`, which is not a valid id; ids use lower-case "
        "letters, digits and single hyphens. Did you mean `book-slots`?",
        "content/steps/first-meeting.yml:16:11: error: reference to a missing item: no role with id `mentr` in "
        "program.yml. Did you mean `mentor`? Known ids: mentee, mentor, program-lead, sponsor.",
    ]  # an invalid file still has its references checked: one run reports every independent problem


def test_reference_to_role_and_phase_and_unknown_action_role(content):
    edit(content / "steps/first-meeting.yml", "phase: partnership", "phase: partnershp")
    edit(content / "steps/first-meeting.yml", "  mentee: Bring", "  mentees: Bring")
    assert problems(content) == [
        "content/steps/first-meeting.yml:3:8: error: reference to a missing item: no phase with id `partnershp` in "
        "program.yml. Did you mean `partnership`? Known ids: design, partnership.",
        "content/steps/first-meeting.yml:10:3: error: `actions` names an unknown role `mentees`. Did you mean "
        "`mentee`? Roles: mentee, mentor, program-lead, sponsor.",
    ]


def test_yaml11_boolean_in_a_text_field_stays_text_and_in_a_number_field_is_explained(content):
    edit(content / "steps/first-meeting.yml", "timing: week 1", "timing: no")
    edit(content / "steps/first-meeting.yml", "order: 10", "order: 0755")
    assert problems(content) == [
        "content/steps/first-meeting.yml:4:8: error: `order` must be a whole number; found the text `0755`. Numbers do "
        "not start with 0 here (YAML 1.1 would read `0755` as an octal number). For example `order: 10`.",
    ]
    edit(content / "steps/first-meeting.yml", "order: 0755", "order: 10")
    assert load_handbook(content).steps["first-meeting"].timing == "no"


def test_number_in_text_field_suggests_quotes(content):
    edit(content / "steps/first-meeting.yml", "timing: week 1", "timing: 12:30\ntags: [2024]")
    assert problems(content) == [
        "content/steps/first-meeting.yml:8:8: error: item 1 of `tags` must be text; found the number `2024`. Put "
        "quotes around it if it is meant as text: `tags: \"2024\"`."]


def test_duplicate_ids_and_required_roles(content):
    edit(content / "steps/first-meeting.yml", "  - id: bring-topics", "  - id: book-slots")
    prog = content / "program.yml"
    text = prog.read_text()
    start = text.index("  - id: sponsor")
    end = text.index("phases:")
    prog.write_text(text[:start] + text[end:])
    got = problems(content)
    assert ("content/steps/first-meeting.yml:15:9: error: duplicate checklist item id `book-slots` (also item 1); "
            "each checklist item id must be unique, for example `book-slots-2`.") in got
    assert any(p.startswith("content/program.yml:18:1: error: `roles` has no `sponsor` role") for p in got)


def test_a_file_that_is_a_list_not_a_mapping(content):
    (content / "pitfalls/tick-box.yml").write_text("- title: x\n")
    got = problems(content)
    assert got[0].startswith("content/pitfalls/tick-box.yml:1:1: error: a pitfall file must be a mapping of fields; "
                             "found a list. For example:")


def test_missing_program_and_bad_file_name(content):
    (content / "steps/Bad Name.yml").write_text("title: x\n")
    got = problems(content)
    assert got == ["content/steps/Bad Name.yml:1:1: error: file name `Bad Name.yml` is not a valid id; ids use "
                   "lower-case letters, digits and single hyphens. Did you mean `bad-name.yml`?"]
    (content / "program.yml").unlink()
    assert problems(content)[-1].startswith("content/program.yml:1:1: error: program.yml is missing")


def test_terms_forms():
    terms = Terms({"mentor": "digital guide", "program-lead": {"singular": "lead", "plural": "leads"},
                   "sponsor": "<b>boss</b>"})
    assert terms.substitute("[[mentor]], [[mentors]], [[Mentor]], [[Mentors]]") == \
        "digital guide, digital guides, Digital guide, Digital guides"
    assert terms.substitute("[[program-leads]] and [[Program-lead]]") == "leads and Lead"
    # the word as written: it is escaped where it lands (see test_output_safety), not twice
    assert terms.substitute("[[sponsor]]") == "<b>boss</b>"
    assert list(terms.unknown("a [[mentr]] b [[mentor]]")) == [(2, "mentr")]


def test_terms_reach_every_field(content):
    edit(content / "program.yml", "  mentor: mentor", "  mentor: {singular: digital guide, plural: digital guides}")
    hb = load_handbook(content)
    assert hb.roles["mentor"].name == "Digital guide"
    assert "digital guide" in hb.faqs["basics"].questions[0].answer


def test_builder_reuses_unchanged_files(content):
    builder = HandbookBuilder()
    builder.build(content)
    first = dict(builder.stats)
    edit(content / "steps/first-meeting.yml", "week 1", "week 2")
    builder.build(content)
    assert builder.stats["parsed"] - first["parsed"] == 1
    assert builder.stats["validated"] - first["validated"] == 1
    # a change to the terms re-validates everything that may use them
    edit(content / "program.yml", "  mentor: mentor", "  mentor: guide")
    before = dict(builder.stats)
    hb = builder.build(content)
    assert builder.stats["parsed"] - before["parsed"] == 1
    assert builder.stats["validated"] - before["validated"] == 7
    assert "guide" in hb.faqs["basics"].questions[0].answer


def test_building_again_from_unchanged_files_returns_the_checked_handbook(content):
    """`rmhandbook build` checks the content and the plugin builds it again: the second build
    reuses the first's cross-checks, warnings included, until a file changes."""
    step = content / "steps" / "first-meeting.yml"
    edit(step, "title: Hold the first meeting", "title: Hold meeting #1 together")  # a content warning
    builder = HandbookBuilder()
    first_diags, second_diags = Diagnostics(content.parent), Diagnostics(content.parent)
    first = builder.build(content, first_diags)
    second = builder.build(content, second_diags)
    assert second is first
    assert [d.format() for d in second_diags] == [d.format() for d in first_diags] != []
    assert builder.stats["parsed"] == len(list(content.rglob("*.yml")))  # nothing was parsed twice

    edit(step, "Hold meeting #1 together", "Hold the very first meeting")
    third = builder.build(content, Diagnostics(content.parent))
    assert third is not first
    assert third.steps["first-meeting"].title == "Hold the very first meeting"
    assert third.warnings == []
    # unchanged again: reused again
    assert builder.build(content, Diagnostics(content.parent)) is third
