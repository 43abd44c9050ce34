"""Search metadata: the core's words, the pages' hidden keywords, the built index and the export."""

from __future__ import annotations

import html
import json
import re

import pytest

from rmhandbook.core.search import keywords, search_settings, separator
from rmhandbook.render.messages import Messages
from rmhandbook.render.searchmeta import glossary_letters, keyword_block, keyword_sections, unmarked


@pytest.fixture(scope="module")
def index(default_site):
    return json.loads((default_site / "search" / "search_index.json").read_text())


def split(text: str, language: str = "en") -> list[str]:
    return [t for t in re.split(separator(language), text) if t]


def test_question_words_are_separators_but_not_inside_words():
    assert split("How often should a pair meet?") == ["pair", "meet"]
    assert split("what if my mentee cancels") == ["mentee", "cancels"]
    # a stop word inside a longer word stays a word, whatever its case
    assert split("Agenda for Mentors, Tomorrow") == ["Agenda", "Mentors", "Tomorrow"]
    assert split("Was tun, wenn mein Tandem-Partner absagt", "de") == ["Tandem", "Partner", "absagt"]
    assert split("Über Führungskräfte", "de") == ["Führungskräfte"]


def test_keywords_give_other_word_forms_and_synonyms():
    words = keywords(["Meetings keep getting canceled"])
    assert {"cancels", "cancelled", "cancellation", "postponed", "reschedule", "meeting"} <= set(words)
    assert "canceled" not in words and "keep" not in words  # on the page already; a question word
    assert "boss" in keywords(["Giving constructive feedback upward"])
    assert "boss" in keywords(["Brief both partners' line managers"])
    assert {"absagt", "abgesagt"} <= set(keywords(["Treffen fallen immer wieder aus"], ["Der Termin wird verschoben."],
                                                 language="de"))
    assert keywords(["Close the partnership"], common=["mentee", "mentees"])[:0] == []
    assert {"mentee", "mentees"} <= set(keywords(["Close the partnership"], common=["mentee", "mentees"]))
    assert keywords(["A"], language="xx") == []  # an unknown language uses English's words
    org_groups = [["hub", "depot", "distribution center"]]
    assert {"depot", "distribution center"} <= set(keywords(["Visit the hub"], extra_groups=org_groups))


def test_the_keyword_block_is_hidden_and_escaped_and_found_again():
    block = keyword_block(["a<b", "boss"])
    assert block == '<div class="rmh-search-keywords" hidden>a&lt;b boss</div>\n'
    page = ('<h1 id="t">T</h1>\n' + str(keyword_block(["cancels"])) + '<h2 data-search-exclude id="why">Why</h2>'
            '<h2 id="q1">Q?</h2>\n' + str(keyword_block(["boss", "bosses"])))
    marked, sections = keyword_sections(page)
    assert sections == {None: "cancels", "q1": "boss bosses"}
    assert marked.count('hidden data-search-exclude="keywords">') == 2
    assert unmarked(marked) == page


def test_generated_headings_are_not_search_titles(index, default_site):
    msg = Messages("en")
    generated = {msg(k) for k in ("why_it_matters", "who_does_what", "checklist", "tips", "scripts_for_step",
                                  "pitfalls_for_step", "sessions_for_step", "signs", "cause", "impact",
                                  "workaround", "prevent_steps", "scripts_that_help", "used_in_steps",
                                  "helps_with", "when_to_use", "the_script")}
    roles = {"Mentor", "Mentee", "Program lead", "Executive sponsor"}
    for entry in index["docs"]:
        if entry["location"].startswith(("steps/", "pitfalls/", "scripts/")):
            title = html.unescape(entry["title"])
            assert title not in generated | roles, f"{entry['location']}: the heading {title!r} is a search title"
    # the text under them is still found, on the page's own entry
    step = next(e for e in index["docs"] if e["location"] == "steps/first-meeting/")
    why = (default_site / "steps" / "first-meeting" / "index.html").read_text()
    assert 'id="why-it-matters"' in why  # the heading keeps its anchor and its place in the page's contents
    assert "Why it matters" not in step["text"] and len(step["text"]) > 500


def test_search_words_are_a_field_of_their_own(index, default_site):
    config = index["config"]
    assert config["pipeline"] == ["stopWordFilter", "trimmer"]
    assert config["separator"] == search_settings("en")["separator"]
    assert config["fields"]["keywords"]["boost"] == search_settings("en")["fields"]["keywords"]["boost"]
    assert config["fields"]["tags"] == {"boost": 10}  # the site's own setting is kept
    pitfall = next(e for e in index["docs"] if e["location"] == "pitfalls/cancelled-sessions/")
    assert "cancels" in pitfall["keywords"].split()
    assert "cancels" not in pitfall["text"]  # never shown as a result's text
    question = next(e for e in index["docs"] if e["location"] == "faq/for-mentors/#giving-feedback")
    assert "boss" in question["keywords"].split()
    page = (default_site / "pitfalls" / "cancelled-sessions" / "index.html").read_text()
    assert re.search(r'<div class="rmh-search-keywords" hidden>[^<]*\bcancels\b', page)  # as exported


def test_the_export_keeps_the_search_settings():
    from rmhandbook.outputs.export import plain_mkdocs_config

    settings = search_settings("de")
    site = {"plugins": [{"search": {"fields": {"tags": {"boost": 10}}}}, "rmhandbook"]}
    config = plain_mkdocs_config(site, docs_dir="docs", nav=[], pages=[], abbreviations={}, custom_dir=None,
                                 search=settings)
    assert config["plugins"] == [{"search": {"fields": {"tags": {"boost": 10}}, "separator": settings["separator"],
                                             "pipeline": ["stopWordFilter", "trimmer"]}}]
    own = {"plugins": [{"search": {"separator": "[\\s]+"}}]}
    kept = plain_mkdocs_config(own, docs_dir="docs", nav=[], pages=[], abbreviations={}, custom_dir=None,
                               search=settings)
    assert kept["plugins"][0]["search"]["separator"] == "[\\s]+"


def test_glossary_letters_group_accents_with_their_letter():
    class Entry:
        def __init__(self, term):
            self.term = term

    groups = glossary_letters([Entry("Zeit"), Entry("Übung"), Entry("apfel"), Entry("Ausstieg"), Entry("1:1")])
    present = {letter: [e.term for e in entries] for letter, anchor, entries in groups if anchor}
    assert present == {"A": ["apfel", "Ausstieg"], "U": ["Übung"], "Z": ["Zeit"], "#": ["1:1"]}
    assert [letter for letter, _, _ in groups][:3] == ["A", "B", "C"] and len(groups) == 27


def test_the_plugin_fills_materials_search_settings_and_falls_back_without_them():
    from types import SimpleNamespace

    from rmhandbook.mkdocs import internals

    settings = search_settings()
    # MkDocs' own search plugin has no `fields` or `pipeline`: nothing is changed, the words stay in the text
    plain = SimpleNamespace(plugins={"search": SimpleNamespace(config={"lang": ["en"], "separator": r"[\s\-]+"})})
    assert internals.configure_search(plain, settings) is False
    assert plain.plugins["search"].config["separator"] == r"[\s\-]+"
    assert internals.lift_search_keywords(plain, "a/", {None: "x"}) == 0
    assert internals.configure_search(SimpleNamespace(plugins={}), settings) is False

    entries = [{"location": "b/"}, {"location": "a/"}, {"location": "a/#q"}, {"location": "a/#r"}]
    config = {"fields": {"tags": {"boost": 10}}, "pipeline": None, "separator": "[\\s]+"}
    material = SimpleNamespace(plugins={"material/search": SimpleNamespace(
        config=config, search_index=SimpleNamespace(entries=entries))})
    assert internals.configure_search(material, settings) is True
    assert config["separator"] == "[\\s]+"  # the site's own setting wins
    assert config["pipeline"] == ["stopWordFilter", "trimmer"]
    assert config["fields"] == {"tags": {"boost": 10}, "keywords": settings["fields"]["keywords"]}
    assert internals.lift_search_keywords(material, "a/", {None: "x", "q": "y"}) == 2
    assert [e.get("keywords") for e in entries] == [None, "x", "y", None]


def test_glossary_hovers_stay_out_of_headings():
    import markdown

    md = markdown.Markdown(extensions=["abbr", "attr_list", "toc", "rmhandbook.render.headings"],
                           extension_configs={"abbr": {"glossary": {"Mentor": "the junior partner"}}})
    out = md.convert("# Facilitator pack: Mentor\n\n## The *Mentor* role\n\nA Mentor listens.")
    assert '<h1 id="facilitator-pack-mentor">Facilitator pack: Mentor</h1>' in out
    assert "<h2 id=\"the-mentor-role\">The <em>Mentor</em> role</h2>" in out
    assert '<p>A <abbr title="the junior partner">Mentor</abbr> listens.</p>' in out
