"""The default handbook content in `content/`: complete and consistent.

These tests pin the content's promises to a program lead who adopts it as it
ships: enough steps, scripts, pitfalls and answers; every step actionable by
the roles it names; every cross-link going somewhere; every FAQ question from
the domain brief answered. That no sentence is lifted from the source
articles is checked by .ci/run, where the project's originality checker is.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rmhandbook.core.diagnostics import ContentError, Diagnostics
from rmhandbook.core.handbook import load_handbook

REPO = Path(__file__).resolve().parents[1]
CONTENT = REPO / "content"

ROLES = ("mentor", "mentee", "program-lead", "sponsor")


@pytest.fixture(scope="module")
def handbook():
    diags = Diagnostics(REPO)
    try:
        hb = load_handbook(CONTENT, diags)
    except ContentError as exc:  # show every problem, not just "it failed"
        pytest.fail(f"content/ does not load:\n{exc}")
    return hb


def test_loads_without_warnings(handbook):
    assert handbook.warnings == [], "\n".join(map(str, handbook.warnings))


def test_minimum_counts(handbook):
    assert len(handbook.steps) >= 12
    assert len(handbook.scripts) >= 12
    assert len(handbook.pitfalls) >= 12
    assert len(handbook.faqs) >= 4
    questions = [q for topic in handbook.faqs.values() for q in topic.questions]
    assert len(questions) >= 20
    assert handbook.glossary is not None
    assert len(handbook.glossary.entries) >= 12


def test_faq_topics_cover_every_audience(handbook):
    assert {"basics", "for-mentors", "for-mentees", "for-program-leads"} <= set(handbook.faqs)


def test_program_has_the_four_roles_with_descriptions(handbook):
    assert set(ROLES) <= set(handbook.roles)
    for role_id in ROLES:
        role = handbook.roles[role_id]
        assert len(role.description.split()) >= 15, f"role {role_id} needs a real description"
        assert role.start_with, f"role {role_id} should say which steps to read first"


def test_phases_run_from_design_to_close(handbook):
    phase_ids = [p.id for p in handbook.program.phases]
    assert phase_ids[0] == "design"
    assert phase_ids[-1] == "close"
    assert {"recruit-and-match", "launch", "partnership", "review"} <= set(phase_ids)
    for phase in handbook.program.phases:
        assert re.search(r"\d", phase.duration), f"phase {phase.id} needs a typical duration"
    used = {step.phase for step in handbook.steps.values()}
    assert used == set(phase_ids), f"phases without steps: {set(phase_ids) - used}"


def test_cadence_is_at_least_an_hour_a_week(handbook):
    cadence = handbook.program.cadence
    assert cadence.frequency == "weekly"
    assert cadence.minutes >= 60


def test_program_home_fields(handbook):
    program = handbook.program
    for field in ("introduction", "audience", "origin"):
        assert getattr(program, field), f"program.{field} is empty"
    aspects = " ".join(c.aspect.lower() for c in program.comparison)
    for aspect in ("experience", "focus", "benefit", "direction", "goal"):
        assert aspect in aspects, f"comparison lacks the `{aspect}` point"
    origin = program.origin
    assert "Jack Welch" in origin and "1999" in origin and "500" in origin
    orgs = {e.organization for e in program.examples}
    assert {"Cisco", "Procter & Gamble"} <= orgs


def test_terms_cover_required_keys(handbook):
    raw = handbook.program.terms
    for key in ("mentor", "mentee", "program-lead", "sponsor", "program"):
        assert key in raw


def test_every_step_has_4_to_10_checklist_items(handbook):
    for step_id, step in handbook.steps.items():
        assert 4 <= len(step.checklist) <= 10, f"{step_id}: {len(step.checklist)} checklist items"


def test_checklist_roles_have_actions(handbook):
    for step_id, step in handbook.steps.items():
        named = {item.role for item in step.checklist}
        missing = named - set(step.actions)
        assert not missing, f"{step_id}: checklist names {sorted(missing)} but `actions` does not"


def test_checklist_items_are_actions_not_topics(handbook):
    for step_id, step in handbook.steps.items():
        for item in step.checklist:
            assert len(item.text.split()) >= 4, f"{step_id}/{item.id}: `{item.text}` reads like a topic"


def test_every_step_links_a_script_or_pitfall(handbook):
    for step_id, step in handbook.steps.items():
        assert step.scripts or step.pitfalls, f"{step_id} links no script and no pitfall"


def test_every_pitfall_links_a_step(handbook):
    for pitfall_id, pitfall in handbook.pitfalls.items():
        assert pitfall.steps, f"{pitfall_id} links no step"


def test_every_script_is_linked_from_a_step(handbook):
    linked = {s for step in handbook.steps.values() for s in step.scripts}
    assert set(handbook.scripts) <= linked, f"orphan scripts: {set(handbook.scripts) - linked}"


def test_every_pitfall_is_linked_from_a_step(handbook):
    linked = {p for step in handbook.steps.values() for p in step.pitfalls}
    assert set(handbook.pitfalls) <= linked, f"orphan pitfalls: {set(handbook.pitfalls) - linked}"


# The questions in DOMAIN.md's FAQ material, each as phrases one question must all contain.
DOMAIN_QUESTIONS = {
    "what is it": ("what is reverse mentoring",),
    "who takes part": ("who takes part",),
    "only about technology": ("only about technology",),
    "benefits": ("benefits",),
    "how to make it succeed": ("succeed",),
    "challenges": ("challenges",),
    "how often to meet": ("how often",),
    "formal or informal": ("formal or informal",),
    "difference from traditional": ("differ", "traditional"),
    "origin": ("where did", "come from"),
}


@pytest.mark.parametrize("topic", sorted(DOMAIN_QUESTIONS))
def test_domain_faq_question_is_present(handbook, topic):
    questions = [q.question.lower() for t in handbook.faqs.values() for q in t.questions]
    phrases = DOMAIN_QUESTIONS[topic]
    assert any(all(p in q for p in phrases) for q in questions), f"no FAQ question about {topic}"


@pytest.mark.parametrize("label, years", [
    ("baby boomers", ("1946", "1964")),
    ("generation x", ("1965", "1976")),
    ("generation y", ("1977", "1998")),
    ("generation z", ()),
])
def test_glossary_has_generation_labels(handbook, label, years):
    entries = {e.term.lower(): e for e in handbook.glossary.entries}
    assert label in entries, f"glossary lacks `{label}`"
    for year in years:
        assert year in entries[label].definition, f"`{label}` should give the birth year {year}"


def test_millennials_is_an_alias_of_generation_y(handbook):
    entry = next(e for e in handbook.glossary.entries if e.term.lower() == "generation y")
    assert "millennials" in [a.lower() for a in entry.aliases]


# Prose about traditional mentoring and about the history of reverse mentoring uses the plain words
# "mentor" and "mentee": an organization's own word for its role would be untrue there (issue 17).
PLAIN_ROLE_WORD_QUESTIONS = {"origin", "difference-from-traditional"}  # in faqs/basics.yml


def _plain_role_words_allowed(path, line, state):
    """Whether `line` belongs to prose about traditional mentoring or history (updates `state`)."""
    if path.name == "program.yml":
        if not line.startswith(" "):
            state["block"] = line.split(":", 1)[0]
        return state.get("block") == "origin" or line.lstrip().startswith("traditional:")
    if path.name == "basics.yml" and path.parent.name == "faqs":
        m = re.match(r"^\s*-\s+id:\s*(\S+)", line)
        if m:
            state["question"] = m.group(1)
        return state.get("question") in PLAIN_ROLE_WORD_QUESTIONS
    return False


def test_prose_uses_term_references_for_roles():
    """Role words go through the terms mapping, so an organization's own words appear everywhere."""
    role_word = re.compile(r"(?<![\w\[-])(mentors?|mentees?|Mentors?|Mentees?|sponsors?|Sponsors?)(?![\w\]-])")
    structural = re.compile(r"^\s*(-\s+)?(id|role|speaker|audience|steps|scripts|pitfalls|start_with|"
                            r"mentor|mentee|sponsor|program-lead)\s*:")
    offenders = []
    for path in sorted(CONTENT.rglob("*.yml")):
        in_terms = False
        state: dict = {}
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if line.lstrip().startswith("#"):
                continue
            if _plain_role_words_allowed(path, line, state):
                continue
            if path.name == "program.yml" and not line.startswith(" "):
                in_terms = line.startswith("terms:")  # the mapping defines the words; it is not prose
            if in_terms:
                continue
            text = structural.sub("", line)  # keys and id lists name roles by id, not by word
            if re.match(r"^\s*(-\s+)?(id|role|speaker|audience|steps|scripts|pitfalls|start_with|tags)\s*:", line):
                continue
            if role_word.search(text):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not offenders, "role words written out instead of [[mentor]] etc.:\n" + "\n".join(offenders)


REF_FIELDS = {"id", "role", "speaker", "audience", "steps", "scripts", "pitfalls", "start_with", "phase", "tags",
              "checklist_items", "filled_by", "sessions",
              "terms"}


def _prose(value, key=None):
    """Every prose string in a dumped model, skipping fields that hold ids rather than words."""
    if key in REF_FIELDS:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _prose(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _prose(v)


def test_renamed_roles_reach_every_page(tmp_path):
    """An organization that calls mentors "digital guides" never sees the word mentor."""
    import shutil

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    program = content / "program.yml"
    text = program.read_text()
    old_terms = "  mentor: mentor\n  mentee: mentee\n"
    assert old_terms in text, "test expects the default terms mapping"
    program.write_text(text.replace(old_terms, "  mentor:\n    singular: digital guide\n    plural: digital guides\n"
                                               "  mentee: guest learner\n"))
    hb = load_handbook(content)
    assert hb.terms.word("mentor") == "digital guide"
    program = hb.program.model_dump(exclude={"origin"})
    for row in program["comparison"]:
        row.pop("traditional")  # about traditional mentoring: plain words on purpose
    dumps = [program, hb.glossary.model_dump()]
    for items in hb.items.values():
        for item_id, item in items.items():
            dump = item.model.model_dump()
            if item_id == "basics" and "questions" in dump:
                dump["questions"] = [q for q in dump["questions"] if q["id"] not in PLAIN_ROLE_WORD_QUESTIONS]
            dumps.append(dump)
    leftover = re.compile(r"\b(mentors?|mentees?)\b", re.IGNORECASE)
    prose = [s for d in dumps for s in _prose(d)]
    assert sum("digital guide" in s for s in prose) >= 20, "the renamed word should appear throughout"
    # link destinations (`](../forms/mentor-application.md)`) are file names, not words a reader sees
    found = [s for s in prose if leftover.search(re.sub(r"\]\([^)\s]*\)", "]", s))]
    assert not found, "role words not routed through terms:\n" + "\n---\n".join(found)



# --- working documents linked in prose, and the session tracks ---------------------------------

FORM_LINK = re.compile(r"\]\(\.\./forms/([a-z0-9-]+)\.md\)")


def _form_links(path: Path) -> set[str]:
    return set(FORM_LINK.findall(path.read_text(encoding="utf-8")))


def test_prose_links_to_working_documents_resolve_and_every_form_is_linked_where_it_is_used(handbook):
    linked: dict[str, set[str]] = {}
    for kind in ("steps", "scripts", "sessions"):
        for item_id in handbook.items[kind]:
            for form in _form_links(CONTENT / kind / f"{item_id}.yml"):
                assert form in handbook.forms, (kind, item_id, form)
                # a link in prose only where the form says that item uses it (its page then lists the form too)
                assert item_id in getattr(handbook.forms[form], kind), (form, kind, item_id)
                linked.setdefault(form, set()).add(f"{kind}/{item_id}")
    assert set(linked) == set(handbook.forms), sorted(set(handbook.forms) - set(linked))
    assert len(linked["goal-sheet"]) >= 10


def test_german_translations_link_the_same_working_documents_as_their_source():
    german = CONTENT / "i18n" / "de"
    compared = 0
    for kind in ("steps", "scripts", "sessions"):
        for source in sorted((CONTENT / kind).glob("*.yml")):
            translation = german / kind / source.name
            assert translation.exists(), translation
            assert _form_links(translation) == _form_links(source), translation
            compared += bool(_form_links(source))
    assert compared >= 20


def test_the_inclusion_led_track_covers_inclusion_beyond_age_and_technology(handbook):
    track = [s for s in handbook.sessions.values() if s.track == "inclusion"]
    assert [s.week for s in track] == [3, 7, 8, 9, 10]
    text = " ".join(s.title + " " + s.goal + " " + " ".join(a.title + " " + (a.details or "") for a in s.agenda)
                    for s in track).lower()
    for topic in ("gender", "accessib", "time zone", "hybrid", "shift", "extra work", "recogniz"):
        assert topic in text, topic
    # the topic menu's description of the track links every one of its sessions
    menu = (CONTENT / "steps" / "topic-menu.yml").read_text(encoding="utf-8")
    sid = [k for k, s in handbook.sessions.items() if s.track == "inclusion"]
    assert all(f"](../sessions/{k}.md)" in menu for k in sid) and "(../sessions/index.md#track-inclusion)" in menu
