"""Translated handbooks: translations as data over the source, fallback, staleness, the coverage report,
and the German example organization's pages."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from harness import REPO, build_site

from rmhandbook.cli import main
from rmhandbook.core.diagnostics import ContentError, Diagnostics
from rmhandbook.core.handbook import load_handbook
from rmhandbook.core.translations import SPECS

SCAFFOLD = REPO / "rmhandbook" / "outputs" / "scaffold" / "content"
LOGO = REPO / "tests" / "corpus" / "org-bad-colour" / "content" / "orgs" / "acme" / "logo.svg"


def org_yml(extra: str = "") -> str:
    return ("name: Beispiel GmbH\nshort_name: Beispiel\nlogo: logo.svg\n"
            "colors:\n  primary: \"#0b6e4f\"\n  accent: \"#c05621\"\n"
            "contact:\n  name: Sam Lee\n  email: sam@example.org\nlanguage: de\n" + extra)


@pytest.fixture
def content(tmp_path) -> Path:
    """The scaffold handbook with an organization in German and an empty German translation folder."""
    root = tmp_path / "content"
    shutil.copytree(SCAFFOLD, root)
    org = root / "orgs" / "acme"
    org.mkdir(parents=True)
    shutil.copy(LOGO, org / "logo.svg")
    (org / "org.yml").write_text(org_yml(), encoding="utf-8")
    (root / "i18n" / "de" / "steps").mkdir(parents=True)
    return root


def report(content: Path, capsys, *extra: str) -> tuple[int, str]:
    status = main(["translations", "--content", str(content), "--lang", "de", *extra])
    return status, capsys.readouterr().out


def current_hash(out: str, name: str) -> str:
    """The hash the report tells a translator to write for one item."""
    return re.search(rf"^  {re.escape(name)}: .*`source: ([a-z][a-z2-7]{{7}})`", out, re.M).group(1)


def translate_first_meeting(content: Path, capsys, body: str) -> Path:
    _, out = report(content, capsys)
    path = content / "i18n" / "de" / "steps" / "first-meeting.yml"
    path.write_text(f"source: {current_hash(out, 'steps/first-meeting')}\n" + body, encoding="utf-8")
    return path


PARTIAL = ("title: Das erste Treffen\n"
           "checklist:\n"
           "  book-slots: Einen wöchentlichen Termin von 60 Minuten für die nächsten 12 Wochen buchen\n"
           "  bring-topics: Zwei Themen aufschreiben, die Sie vermitteln könnten\n")


def line_of(path: Path, key: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if line.startswith(f"{key}:"))


def test_translated_fields_replace_the_source_and_missing_ones_fall_back_with_a_located_warning(content, capsys):
    translate_first_meeting(content, capsys, PARTIAL)
    source = load_handbook(content).steps["first-meeting"]
    diags = Diagnostics(content.parent)
    step = load_handbook(content, diags, organization="acme").steps["first-meeting"]
    assert step.title == "Das erste Treffen"
    assert [c.id for c in step.checklist] == [c.id for c in source.checklist]  # ticks survive the switch
    assert [c.role for c in step.checklist] == [c.role for c in source.checklist]
    assert step.checklist[1].text.startswith("Zwei Themen")
    assert step.why == source.why and step.phase == source.phase  # untranslated and not prose: the source's
    warning = next(w for w in diags.warnings if w.path == "content/steps/first-meeting.yml")
    assert warning.line == line_of(content / "steps" / "first-meeting.yml", "summary")
    assert "`summary`, `why`, `timing`" in warning.message and "`title`" not in warning.message


def test_the_coverage_report_counts_each_kind_and_lists_what_is_missing(content, capsys):
    translate_first_meeting(content, capsys, PARTIAL)
    status, out = report(content, capsys)
    assert status == 0
    assert re.search(r"^  steps +3/\d+ +fields", out, re.M), out  # title and two checklist items
    assert "steps/first-meeting: summary, why, timing, actions.mentor, actions.mentee" in out
    assert "steps/set-objectives: no file" in out and "program: no file" in out
    assert report(content, capsys, "--complete")[0] == 1


def test_a_complete_translation_passes_complete_and_turns_stale_when_the_source_changes(content, capsys):
    # translate every field the report asks for, with the hash it gives
    _, out = report(content, capsys)
    source = load_handbook(content)
    for name in re.findall(r"^  ([a-z/-]+): no file", out, re.M):
        unit, _, item_id = name.partition("/")
        doc = source.program_doc if unit == "program" else source.glossary_doc if unit == "glossary" \
            else source.items[unit][item_id].doc
        path = content / "i18n" / "de" / (f"{unit}/{item_id}.yml" if item_id else f"{unit}.yml")
        path.parent.mkdir(parents=True, exist_ok=True)
        body = yaml.safe_dump(german_copy(doc.data, SPECS[unit]), allow_unicode=True)
        path.write_text(f"source: {current_hash(out, name)}\n" + body, encoding="utf-8")
    status, out = report(content, capsys, "--complete")
    assert status == 0, out
    assert out.rstrip().endswith("complete") and "incomplete" not in out
    step = content / "steps" / "first-meeting.yml"
    step.write_text(step.read_text(encoding="utf-8").replace("why: ", "why: Really, "), encoding="utf-8")
    status, out = report(content, capsys, "--complete")
    assert status == 1
    assert re.search(r"^  steps/first-meeting: \S*i18n/de/steps/first-meeting.yml: the source changed", out, re.M)
    diags = Diagnostics(content.parent)
    load_handbook(content, diags, organization="acme")
    stale = [w for w in diags.warnings if "stale translation" in w.message]
    assert [w.path for w in stale] == ["content/i18n/de/steps/first-meeting.yml"] and stale[0].line == 1


def german_copy(data, spec):
    """A translation of `data` giving every prose field (marked "DE "), in the shape a translation file has."""
    from rmhandbook.core.translations import LIST, TEXT, ById, ByKey, Each

    if spec == TEXT:
        return "DE " + data
    if spec == LIST:
        return ["DE " + value for value in data]
    if isinstance(spec, ById):
        return {entry[spec.key]: "DE " + entry[spec.spec] if isinstance(spec.spec, str)
                else german_copy(entry, spec.spec) for entry in data}
    if isinstance(spec, Each):
        return [german_copy(entry, spec.spec) for entry in data]
    if isinstance(spec, ByKey):
        return {key: german_copy(value, spec.spec) for key, value in data.items()}
    return {field: german_copy(data[field], sub) for field, sub in spec.items() if data.get(field) is not None}


def test_complete_organizations_fail_on_a_missing_field(content, capsys):
    translate_first_meeting(content, capsys, PARTIAL)
    (content / "orgs" / "acme" / "org.yml").write_text(org_yml("translations: complete\n"), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_handbook(content, Diagnostics(content.parent), organization="acme")
    errors = caught.value.diagnostics.errors
    assert any(e.path == "content/steps/first-meeting.yml" and "not translated into `de`" in e.message for e in errors)


def test_fallback_organizations_get_no_warning_but_the_report_still_lists_the_gap(content, capsys):
    (content / "orgs" / "acme" / "org.yml").write_text(org_yml("translations: fallback\n"), encoding="utf-8")
    diags = Diagnostics(content.parent)
    load_handbook(content, diags, organization="acme")
    assert not [w for w in diags.warnings if "not translated" in w.message]
    assert "steps/first-meeting: no file" in report(content, capsys, "--org", "acme")[1]


def test_fallback_organizations_hear_nothing_of_a_stale_translation_but_the_report_does(content, capsys):
    translate_first_meeting(content, capsys, PARTIAL)
    step = content / "steps" / "first-meeting.yml"
    step.write_text(step.read_text(encoding="utf-8").replace("why: ", "why: Really, "), encoding="utf-8")
    (content / "orgs" / "acme" / "org.yml").write_text(org_yml("translations: fallback\n"), encoding="utf-8")
    diags = Diagnostics(content.parent)
    hb = load_handbook(content, diags, organization="acme")
    assert hb.steps["first-meeting"].title == "Das erste Treffen"  # still used while stale
    assert not [w for w in diags.warnings if "stale" in w.message]
    out = report(content, capsys, "--org", "acme")[1]
    assert "steps/first-meeting: " in out.split("Stale or unchecked")[1]


def test_a_languages_terms_are_used_and_an_organizations_terms_still_win(content, capsys):
    words = "terms:\n  mentor:\n    singular: Mentorin oder Mentor\n    plural: Mentorinnen und Mentoren\n"
    (content / "i18n" / "de" / "program.yml").write_text(words, encoding="utf-8")
    action = "actions:\n  mentee: Fragen Sie Ihre [[mentor]] nach dem Ziel.\n"
    translate_first_meeting(content, capsys, PARTIAL + action)
    step = load_handbook(content, language="de").steps["first-meeting"]
    assert step.actions["mentee"] == "Fragen Sie Ihre Mentorin oder Mentor nach dem Ziel."
    (content / "orgs" / "acme" / "org.yml").write_text(org_yml("terms:\n  mentor: Lotse\n"), encoding="utf-8")
    step = load_handbook(content, organization="acme").steps["first-meeting"]
    assert step.actions["mentee"] == "Fragen Sie Ihre Lotse nach dem Ziel."


def test_the_default_handbook_is_untouched_by_translations(content, capsys):
    translate_first_meeting(content, capsys, PARTIAL)
    hb = load_handbook(content)
    assert hb.steps["first-meeting"].title == "Hold the first meeting" and hb.language == "en"


# --- the German example organization -----------------------------------------------

# common function words of each language; none is a word of the other ("in", "was", "so" are both)
ENGLISH = {"the", "and", "of", "to", "with", "your", "is", "are", "you", "for", "on", "what", "this", "that",
           "it", "be", "who", "how", "when", "not"}
GERMAN = {"der", "die", "das", "und", "mit", "sie", "ist", "sind", "ihr", "ihre", "für", "im", "auf", "wer",
          "wie", "wenn", "nicht", "ein", "eine", "zu", "den", "dem", "des", "von", "es"}


def visible_words(page_html: str) -> list[str]:
    """The words a reader sees on a page (content, nav, header, footer), lower-cased.

    Material's credit line "Made with Material for MkDocs" is left out: a product's name, not our text.
    """
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page_html, flags=re.S)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
    text = text.replace("Made with Material for MkDocs", " ")
    return re.findall(r"[a-zäöüß]+", text.lower())


def test_every_page_of_the_german_example_organization_reads_as_german(tmp_path):
    site = build_site(REPO / "mkdocs.yml", tmp_path / "site", organization="rheinau")
    pages = [p for p in sorted(site.rglob("*.html")) if p.name != "404.html"]
    assert len(pages) > 100
    forms = {p.stem for p in (REPO / "content" / "forms").glob("*.yml")}
    assert len(forms) >= 12 and {f"forms/{f}/index.html" for f in forms} <= {
        p.relative_to(site).as_posix() for p in pages}  # the working documents are counted like every page
    for page in pages:
        words = visible_words(page.read_text(encoding="utf-8"))
        english = sorted(w for w in words if w in ENGLISH)
        german = sum(w in GERMAN for w in words)
        assert german >= 20 and len(english) <= 0.05 * german, (page.relative_to(site).as_posix(), english, german)
    # search: German stemming and stop words, and the German prose in the index ("Rückmeldung": feedback)
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["de"]
    found = [d["location"] for d in index["docs"] if "Rückmeldung" in d["title"] + d["text"]]
    assert any(loc.startswith("steps/exchange-feedback/") for loc in found), found[:5]


def test_the_plugins_language_option_builds_the_default_handbook_in_german(tmp_path):
    # strict: every item, the working documents included, is translated and current
    site = build_site(REPO / "mkdocs.yml", tmp_path / "site", language="de")
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="de"' in home
    assert "Reverse-Mentoring-Programm" in home and "Mentorinnen und Mentoren" in home  # German prose and terms
    step = (site / "steps" / "first-meeting" / "index.html").read_text(encoding="utf-8")
    assert "Das erste Treffen" in step and "Hold the first meeting" not in step
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["de"]


def test_the_report_refuses_a_language_without_labels_and_has_nothing_to_do_in_the_source_language(content, capsys):
    assert main(["translations", "--content", str(content), "--lang", "fr"]) == 2
    assert "unsupported language `fr`; supported: en, de" in capsys.readouterr().err
    assert main(["translations", "--content", str(content), "--lang", "en", "--complete"]) == 0
    assert "nothing to translate" in capsys.readouterr().out


# an article, possessive or relative word right before a role word fixes its grammatical gender
GENDERED = re.compile(r"\b(?:der|die|das|den|dem|des|ein|eine|einen|einem|einer|eines|ihr|ihre|ihren|ihrem|ihrer|"
                      r"kein|keine|keinen|keinem|keiner|jede|jeder|jeden|jedem|diese|dieser|diesen|diesem)\s+"
                      r"\[\[(mentor|mentee|sponsor)\]\]", re.IGNORECASE)


def test_german_prose_fits_an_organizations_role_word_of_any_gender():
    """docs/src/translations.md: no article before "mentor", "mentee" or "sponsor", whose words
    organizations change ("Digital-Lotse", "Tandem-Partner", "Vorstandspatin"); "program-lead" is
    the documented exception (the text treats it as feminine, like "Programmleitung")."""
    files = sorted((REPO / "content" / "i18n" / "de").rglob("*.yml"))
    assert len(files) > 50
    found = [f"{path.relative_to(REPO)}: {' '.join(m.group(0).split())}"
             for path in files for m in GENDERED.finditer(path.read_text(encoding="utf-8"))]
    assert not found, "\n".join(found)
    # the check itself sees an article across a line break, and not a plural
    assert GENDERED.search("fragen Sie Ihre\n  [[mentor]]") and not GENDERED.search("der [[mentors]]")
