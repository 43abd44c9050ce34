"""Forms (working documents): the model, the pages, the backlinks and the schema.

Mistakes in form files are pinned in tests/corpus/form-*; this file checks what a
valid form turns into: a labelled input for every field, in the page and on paper.
"""

from __future__ import annotations

import html.parser
import json
import re
import shutil
from pathlib import Path

import pytest

from rmhandbook import cli
from rmhandbook.core.handbook import load_handbook
from rmhandbook.core.model import FIELD_TYPES, KINDS, Form
from rmhandbook.render.pages import render_pages

REPO = Path(__file__).resolve().parents[1]
CONTENT = REPO / "content"
SCAFFOLD = REPO / "rmhandbook" / "outputs" / "scaffold" / "content"

EVERY_TYPE = """\
title: "Every field: [[mentor]]"
summary: One field of each type.
purpose: For the tests.
filled_by: [mentor, mentee]
steps: [first-meeting]
scripts: [first-meeting-opener]
sections:
  - id: text
    title: Text
    intro: Written by the [[mentee]].
    fields:
      - {id: name, type: short_text, label: "Name of the [[mentor]]", help: As on the badge.}
      - {id: story, type: long_text, lines: 5, label: What happened}
      - {id: when, type: date, label: Date}
      - {id: sign, type: signature, label: Signature}
  - id: picks
    title: Picks
    fields:
      - {id: one, type: choice, label: Pick one, options: [Red, Green, Blue]}
      - {id: many, type: choice, label: Pick any, multiple: true, options: [Email, Chat]}
      - {id: rate, type: scale, label: How good, low: Poor, high: Great}
      - {id: agree, type: choice, label: I agree, multiple: true, options: [Agreed]}
"""


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("forms") / "content"
    shutil.copytree(SCAFFOLD, root)
    (root / "forms").mkdir()
    (root / "forms" / "every-field.yml").write_text(EVERY_TYPE, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def pages(content) -> dict[str, str]:
    return {p.path: p.content for p in render_pages(load_handbook(content))}


class Inputs(html.parser.HTMLParser):
    """The inputs of a page and the labels tied to them (by `for`, by wrapping, or by a fieldset legend)."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict] = []
        self.label_for: set[str] = set()
        self.stack: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
        if tag in ("input", "textarea"):
            a["_tag"] = tag
            a["_in"] = [t["_tag"] for t in self.stack]
            a["_field"] = next((t.get("data-field") for t in reversed(self.stack) if t.get("data-field")), None)
            self.inputs.append(a)
        if tag not in ("input",):
            a["_tag"] = tag
            self.stack.append(a)

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()["_tag"] == tag:
                break


def test_forms_are_a_kind_with_a_schema():
    assert KINDS["forms"].model is Form and KINDS["forms"].optional
    schema = json.loads((CONTENT / "schema" / "form.schema.json").read_text())
    field = schema["$defs"]["FormField"]
    assert field["properties"]["type"]["enum"] == list(FIELD_TYPES)
    assert field["additionalProperties"] is False and schema["additionalProperties"] is False


def test_every_field_type_renders_a_labelled_input(pages):
    page = pages["forms/every-field.md"]
    parser = Inputs()
    parser.feed(page)
    by_field: dict[str, list[dict]] = {}
    for i in parser.inputs:
        by_field.setdefault(i["_field"], []).append(i)
    assert set(by_field) == {f"every-field/{f}" for f in
                             ("name", "story", "when", "sign", "one", "many", "rate", "agree")}
    for key in ("name", "story", "when", "sign"):  # one input, tied to its <label for>
        (one,) = by_field[f"every-field/{key}"]
        assert one["id"] in parser.label_for, key
    assert by_field["every-field/story"][0]["_tag"] == "textarea"
    assert by_field["every-field/story"][0]["rows"] == "5"
    assert by_field["every-field/when"][0]["type"] == "date"
    # choices and scales: inside a fieldset (its legend names the question) and a label each
    assert [i["type"] for i in by_field["every-field/one"]] == ["radio"] * 3
    assert [i["type"] for i in by_field["every-field/many"]] == ["checkbox"] * 2
    assert [i["value"] for i in by_field["every-field/rate"]] == ["1", "2", "3", "4", "5"]
    for key in ("one", "many", "rate", "agree"):
        for i in by_field[f"every-field/{key}"]:
            assert i["_in"][-2:] == ["div", "label"] and "fieldset" in i["_in"], key
    assert page.count("<legend") == 4
    assert re.search(r'<fieldset class="rmh-field__group" aria-describedby="([^"]+)">\n<legend[^>]*>How good</legend>\n'
                     r'<p class="rmh-field__help" id="\1">1 = Poor, 5 = Great</p>', page)
    # every radio group has a name of its own, so groups never share a selection
    names = {i["name"] for i in parser.inputs if i.get("type") == "radio"}
    assert len(names) == 2
    # lines to write on: one per line of a long text, one for the other text fields
    assert page.count('<span class="rmh-line"></span>') == 5 + 3


def test_form_page_says_who_fills_it_and_goes_through_terms(pages):
    page = pages["forms/every-field.md"]
    assert "# Every field: mentor" in page
    assert "**Filled in by:** Mentor, Mentee\n" in page
    assert ">Name of the mentor</label>" in page
    assert "Written by the mentee." in page
    assert "## Text { #text }" in page and "## Picks { #picks }" in page
    assert "[[" not in page


def test_catalog_lists_every_form(pages):
    index = pages["forms/index.md"]
    assert "[Every field: mentor](every-field.md)" in index and "| Mentor, Mentee |" in index


def test_steps_and_scripts_link_the_forms_that_name_them(pages):
    for path in ("steps/first-meeting.md", "scripts/first-meeting-opener.md"):
        assert "## Working documents for this page { data-search-exclude }\n\n- [Every field: mentor](../forms/every-field.md)" in pages[path]
    assert "](../steps/first-meeting.md)" in pages["forms/every-field.md"]


def test_no_forms_no_pages():
    paths = [p.path for p in render_pages(load_handbook(SCAFFOLD))]
    assert not [p for p in paths if p.startswith("forms/")]


def test_default_forms_cover_the_working_documents():
    hb = load_handbook(CONTENT)
    forms = hb.forms
    for fid in ("partnership-agreement", "goal-sheet", "mentor-application", "mentee-application",
                "matching-worksheet", "program-charter", "mentor-baseline-survey", "mentee-baseline-survey",
                "mentor-end-survey", "mentee-end-survey", "monthly-pulse", "evaluation-report"):
        assert fid in forms, fid
    used = {f.type for form in forms.values() for s in form.sections for f in s.fields}
    assert used == set(FIELD_TYPES)
    # the three monthly questions are the ones the measure-progress step asks
    pulse = [f.label for s in forms["monthly-pulse"].sections for f in s.fields]
    step = " ".join(hb.steps["measure-progress"].actions["program-lead"].split())
    for question in pulse[:3]:
        assert question.rstrip("?") in step, question
    # every form is linked from at least one step
    for fid, form in forms.items():
        assert form.steps, f"{fid} is linked from no step"


def test_schema_command_writes_the_form_schema(tmp_path):
    assert cli.main(["schema", "--content", str(CONTENT), "--out", str(tmp_path)]) == 0
    written = json.loads((tmp_path / "form.schema.json").read_text())
    assert written == json.loads((CONTENT / "schema" / "form.schema.json").read_text())


def test_an_organization_replaces_and_hides_forms(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content, ignore=shutil.ignore_patterns("rheinau"))
    org = content / "orgs" / "northwind"
    (org / "forms").mkdir()
    own = (CONTENT / "forms" / "goal-sheet.yml").read_text().replace("title: Goal sheet", "title: Bridge goal card")
    (org / "forms" / "goal-sheet.yml").write_text(own)
    profile = org / "org.yml"
    profile.write_text(profile.read_text().replace("hide: [scripts/agree-communication]",
                                                   "hide: [scripts/agree-communication, forms/matching-worksheet]"))
    hb = load_handbook(content, organization="northwind")
    assert hb.forms["goal-sheet"].title == "Bridge goal card"
    assert "matching-worksheet" not in hb.forms
    pages = {p.path: p.content for p in render_pages(hb)}
    assert "forms/matching-worksheet.md" not in pages
    assert "[Bridge goal card](../forms/goal-sheet.md)" in pages["steps/agree-goals.md"]
