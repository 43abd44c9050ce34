"""One site in several languages (`languages: [de, en]`), and `rmhandbook calendar --org` in the organization's language.

The site: each language's whole handbook (German at the root, English in `en/`), Material's language switcher
leading from a page to the same page in the other language, and a search index per language. Then what a reader
sees in Chromium: the switcher on a step page, and a search in each language.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from harness import REPO, serve_directory

from rmhandbook.cli import main
from rmhandbook.core.diagnostics import ContentError, Diagnostics
from rmhandbook.core.handbook import load_handbook
from rmhandbook.mkdocs.layout import SiteLanguages

LOGO = REPO / "tests" / "corpus" / "org-bad-colour" / "content" / "orgs" / "acme" / "logo.svg"
SCAFFOLD = REPO / "rmhandbook" / "outputs" / "scaffold" / "content"
STEP = "steps/first-meeting"


def org_yml(extra: str) -> str:
    return ("name: Zweisprachig AG\nshort_name: Zwei\nlogo: logo.svg\n"
            "colors:\n  primary: \"#0b6e4f\"\n  accent: \"#c05621\"\n"
            "contact:\n  name: Sam Lee\n  email: sam@example.org\n" + extra)


def add_org(content: Path, extra: str, slug: str = "zwei") -> Path:
    folder = content / "orgs" / slug
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(LOGO, folder / "logo.svg")
    path = folder / "org.yml"
    path.write_text(org_yml(extra), encoding="utf-8")
    return path


def errors(content: Path, slug: str = "zwei") -> list[str]:
    diags = Diagnostics(content.parent)
    with pytest.raises(ContentError):
        load_handbook(content, diags, organization=slug)
    return [d.format() for d in diags.errors]


# --- the layout --------------------------------------------------------------------------------

def test_the_switcher_links_lead_to_the_same_page_in_every_language():
    root = SiteLanguages(("de", "en"), "de")
    assert [a["href"] for a in root.page_alternates("steps/first-meeting/")] == [
        "../../steps/first-meeting/", "../../en/steps/first-meeting/"]
    english = SiteLanguages(("de", "en"), "en")
    assert [a["href"] for a in english.page_alternates("steps/first-meeting/")] == [
        "../../../steps/first-meeting/", "../../../en/steps/first-meeting/"]
    assert [a["href"] for a in english.page_alternates("")] == ["../", "../en/"]
    assert [a["href"] for a in root.page_alternates("")] == ["./", "en/"]
    assert [a["href"] for a in root.page_alternates("steps/first-meeting.html")] == [
        "../steps/first-meeting.html", "../en/steps/first-meeting.html"]
    assert [(a["name"], a["lang"]) for a in root.alternates()] == [("Deutsch", "de"), ("English", "en")]
    assert root.elsewhere() == ("en/",) and english.elsewhere() == ("../",)


# --- validation: located errors with an example ------------------------------------------------

@pytest.fixture
def scaffold(tmp_path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(SCAFFOLD, root)
    return root


def test_an_unknown_language_is_an_error_at_its_entry(scaffold):
    path = add_org(scaffold, "languages: [en, fr]\n")
    found = errors(scaffold)
    line = org_yml("").count("\n") + 1
    assert any(e.startswith(f"{path.relative_to(scaffold.parent)}:{line}:") and "`fr`" in e and "en, de" in e
               for e in found), found


def test_a_language_without_a_translation_folder_is_an_error_with_the_folder_named(scaffold):
    path = add_org(scaffold, "languages:\n  - en\n  - de\n")
    line = org_yml("").count("\n") + 3
    found = errors(scaffold)
    assert found == [f"{path.relative_to(scaffold.parent)}:{line}:5: error: `languages`: `de` has no translation: "
                     "there is no folder content/i18n/de/. Every language of the site gets the whole handbook in it; "
                     "add the translation there (`rmhandbook translations --lang de` lists the files to write), or "
                     "leave `de` out, for example `languages: [en]`."]


def test_a_language_listed_twice_is_an_error_at_the_second(scaffold):
    (scaffold / "i18n" / "de").mkdir(parents=True)
    path = add_org(scaffold, "languages: [de, en, de]\n")
    line = org_yml("").count("\n") + 1
    found = errors(scaffold)
    assert len(found) == 1 and found[0].startswith(f"{path.relative_to(scaffold.parent)}:{line}:")
    assert "`de` is listed twice (also as entry 1)" in found[0] and "`languages: [de, en]`" in found[0]


def test_language_must_be_the_first_of_languages(scaffold):
    (scaffold / "i18n" / "de").mkdir(parents=True)
    add_org(scaffold, "language: en\nlanguages: [de, en]\n")
    found = errors(scaffold)
    assert len(found) == 1 and "`language: en` is not the first of `languages` (de, en)" in found[0]
    assert "`languages: [en, de]`" in found[0]


def test_the_first_language_is_the_handbooks_and_the_others_use_their_own_words(scaffold):
    (scaffold / "i18n" / "de").mkdir(parents=True)
    add_org(scaffold, "languages: [de, en]\ntranslations: fallback\nprogram_name: Tandem\n"
                      "terms:\n  mentor: Lotse\n")
    german = load_handbook(scaffold, organization="zwei")
    assert german.language == "de" and german.program.name == "Tandem" and german.terms.word("mentor") == "Lotse"
    english = load_handbook(scaffold, organization="zwei", language="en")
    assert english.language == "en" and english.program.name != "Tandem"
    assert english.terms.word("mentor") == load_handbook(scaffold).terms.word("mentor")


def test_the_plugins_languages_option_is_checked_like_a_profiles(tmp_path, capsys):
    site = tmp_path / "project"
    shutil.copytree(SCAFFOLD, site / "content")
    (site / "docs").mkdir()
    (site / "mkdocs.yml").write_text("site_name: T\ntheme:\n  name: material\nplugins:\n  - rmhandbook:\n"
                                     "      languages: [en, de, en]\n", encoding="utf-8")
    status = main(["build", "-f", str(site / "mkdocs.yml"), "--site-dir", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 1
    assert "option 'languages': entry 2: `de` has no translation" in err
    assert "entry 3: `en` is listed twice (also as entry 1)" in err
    assert not (tmp_path / "out").exists()


def test_the_plugins_language_must_be_the_first_of_its_languages(tmp_path, capsys):
    project = scaffold_project(tmp_path, "      language: de\n      languages: [en, de]\n")
    assert main(["build", "-f", str(project / "mkdocs.yml"), "--site-dir", str(tmp_path / "out")]) == 1
    assert ("option 'language': `de` is not the first of `languages` (en, de), the language at the site's root; "
            "leave `language` out, or put it first in `languages`, for example `languages: [de, en]`"
            ) in capsys.readouterr().err


def scaffold_project(tmp_path: Path, plugin_options: str) -> Path:
    """`rmhandbook new` with a German translation folder (only the program's name) and these plugin options."""
    project = tmp_path / "project"
    assert main(["new", str(project)]) == 0
    german = project / "content" / "i18n" / "de"
    german.mkdir(parents=True)
    (german / "program.yml").write_text("name: Das Programm auf Deutsch\n", encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - rmhandbook:\n      content_dir: content\n",
        "  - rmhandbook:\n      content_dir: content\n" + plugin_options), encoding="utf-8")
    return project


def test_the_default_handbook_publishes_its_languages_with_rmhandbook_build(tmp_path, capsys, caplog):
    from harness import build_site

    project = scaffold_project(tmp_path, "      languages: [en, de]\n")
    out = tmp_path / "site"
    assert main(["build", "-f", str(project / "mkdocs.yml"), "--site-dir", str(out), "-q"]) == 0
    home, german = (out / "index.html").read_text(encoding="utf-8"), (out / "de" / "index.html").read_text("utf-8")
    assert '<html lang="en"' in home and '<html lang="de"' in german
    assert "Das Programm auf Deutsch" in german and "Das Programm auf Deutsch" not in home
    assert 'href="de/" hreflang="de" lang="de" target="_self"' in home
    assert 'href="../de/" hreflang="de" lang="de" target="_self"' in german
    # plain `mkdocs build` writes the first language, says so, and links to no language it did not write
    caplog.set_level("INFO", logger="mkdocs.plugins.rmhandbook")
    plain = build_site(project / "mkdocs.yml", tmp_path / "plain")
    assert not (plain / "de").exists() and "md-select__link" not in (plain / "index.html").read_text("utf-8")
    assert "this build writes the handbook in `en` only; `rmhandbook build` publishes every language" in caplog.text


def test_a_page_folder_where_a_language_goes_stops_the_build_and_keeps_the_site(tmp_path, capsys):
    project = scaffold_project(tmp_path, "      languages: [en, de]\n")
    (project / "content" / "de").mkdir()
    (project / "content" / "de" / "index.md").write_text("# Mine\n", encoding="utf-8")
    out = tmp_path / "site"
    assert main(["build", "-f", str(project / "mkdocs.yml"), "--site-dir", str(out), "-q"]) == 1
    assert "the site in `en` has a folder `de/` of its own (a page of the docs folder?), where the handbook in `de` " \
           "goes; rename that folder." in capsys.readouterr().err
    assert not out.exists()


# --- a site in two languages ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def two_language_site(tmp_path_factory) -> Path:
    """The repository's handbook for an organization that publishes German and English, built once."""
    root = tmp_path_factory.mktemp("languages")
    content = root / "content"
    shutil.copytree(REPO / "content", content, ignore=shutil.ignore_patterns("orgs"))
    add_org(content, "languages: [de, en]\ntranslations: fallback\n")
    out = root / "sites"
    assert main(["build", "-f", str(REPO / "mkdocs.yml"), "--content", str(content), "--org", "zwei",
                 "--site-dir", str(out), "-q"]) == 0
    return out / "zwei"


def page_text(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def test_each_language_gets_the_whole_handbook_in_it(two_language_site):
    site = two_language_site
    german, english = page_text(site, STEP), page_text(site, f"en/{STEP}")
    assert '<html lang="de"' in german and '<html lang="en"' in english
    de_title = load_handbook(REPO / "content", language="de").steps["first-meeting"].title
    en_title = load_handbook(REPO / "content").steps["first-meeting"].title
    assert f">{de_title}</h1>" in german.replace("\n", "") or de_title in german
    assert en_title in english and en_title not in german
    pages = {p.relative_to(site).as_posix() for p in site.rglob("index.html") if not p.is_relative_to(site / "en")}
    english_pages = {p.relative_to(site / "en").as_posix() for p in (site / "en").rglob("index.html")}
    assert pages == english_pages and len(pages) > 50


def test_the_search_index_of_each_language_is_in_that_language(two_language_site):
    root = json.loads((two_language_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    english = json.loads((two_language_site / "en" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert root["config"]["lang"] == ["de"] and english["config"]["lang"] == ["en"]
    assert not any(d["location"].startswith("en/") for d in root["docs"])


def test_the_switcher_on_a_page_links_to_the_same_page_in_each_language(two_language_site):
    def switcher(html: str) -> list[tuple[str, str]]:
        return re.findall(r'<a href="([^"]+)" hreflang="(\w+)" lang="\w+" target="_self" class="md-select__link"', html)

    assert switcher(page_text(two_language_site, STEP)) == [
        ("../../steps/first-meeting/", "de"), ("../../en/steps/first-meeting/", "en")]
    assert switcher(page_text(two_language_site, f"en/{STEP}")) == [
        ("../../../steps/first-meeting/", "de"), ("../../../en/steps/first-meeting/", "en")]


def test_calendar_data_on_each_sessions_page_is_in_its_language(two_language_site):
    def data(url: str) -> dict:
        html = page_text(two_language_site, url)
        raw = re.search(r'<template class="rmh-calendar__data"[^>]*>(.*?)</template>', html, re.S).group(1)
        return json.loads(raw)

    german, english = data("sessions"), data("en/sessions")
    assert german["language"] == "de" and english["language"] == "en"
    assert all("(Woche " in e["summary"] for e in german["events"])
    assert all("(week " in e["summary"] for e in english["events"])


@pytest.mark.browser
def test_a_reader_switches_language_on_a_step_page_and_searches_in_each(two_language_site, page_factory):
    from test_accessibility import _unexpected, _violations

    with serve_directory(two_language_site) as base:
        page, _ = page_factory(base + STEP + "/")
        german_h1 = page.locator("h1").first.inner_text()
        ticked = page.locator(".rmh-checklist__item[data-item] input.rmh-check").nth(1)
        ticked.check()  # a tick survives the switch: the item has the same id, the languages share the site's ticks
        page.hover(".md-header__option .md-select")
        page.click(".md-select__link[hreflang=en]")
        page.wait_for_url(base + "en/" + STEP + "/")
        assert page.evaluate("document.documentElement.lang") == "en"
        english_h1 = page.locator("h1").first.inner_text()
        assert english_h1 != german_h1
        assert english_h1 == load_handbook(REPO / "content").steps["first-meeting"].title
        boxes = page.locator(".rmh-checklist__item[data-item] input.rmh-check")
        assert [boxes.nth(i).is_checked() for i in range(3)] == [False, True, False]
        assert _unexpected(_violations(page)) == []
        page.hover(".md-header__option .md-select")
        page.click(".md-select__link[hreflang=de]")
        page.wait_for_url(base + STEP + "/")
        assert page.locator("h1").first.inner_text() == german_h1

        for url, word in ((base, "Rückmeldung"), (base + "en/", "feedback")):
            page.goto(url, wait_until="networkidle")
            page.click("label.md-search__icon, .md-search__input")
            page.keyboard.type(word)
            page.wait_for_selector(".md-search-result__link", timeout=15000)
            hrefs = page.eval_on_selector_all(".md-search-result__link", "els => els.map(e => e.href)")
            assert hrefs and all(("/en/" in h) == url.endswith("/en/") for h in hrefs), (word, hrefs)


# --- calendar --org ----------------------------------------------------------------------------

def events(path: Path) -> list:
    import icalendar

    return [c for c in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")]


ARGS = ["--start", "2026-03-02", "--time", "10:00", "--tz", "Europe/Berlin"]


def test_calendar_for_a_german_organization_writes_german_events(tmp_path, capsys):
    out = tmp_path / "rheinau.ics"
    assert main(["calendar", "-f", str(REPO / "mkdocs.yml"), "--org", "rheinau", "--out", str(out), *ARGS]) == 0
    assert "in `de`" in capsys.readouterr().err
    german = load_handbook(REPO / "content", organization="rheinau")
    english = load_handbook(REPO / "content")
    found = events(out)
    summaries = [str(e["summary"]) for e in found]
    assert summaries and all(re.search(r" \(Woche \d+\)$", s) for s in summaries)
    titles = {s.title for s in german.sessions.values()}
    assert {s.rsplit(" (Woche", 1)[0] for s in summaries} <= titles
    assert not any(s.title in " ".join(summaries) for s in english.sessions.values())
    descriptions = " ".join(str(e["description"]) for e in found)
    assert "Agenda (" in descriptions and " Min.:" in descriptions
    assert "url" not in found[0]  # mkdocs.yml's site_url is the default handbook's, not Rheinau's


def test_calendar_lang_picks_a_language_of_a_two_language_site_and_its_folder(tmp_path, capsys):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content, ignore=shutil.ignore_patterns("orgs"))
    add_org(content, "languages: [de, en]\ntranslations: fallback\n")
    out = tmp_path / "en.ics"
    assert main(["calendar", "--content", str(content), "--org", "zwei", "--lang", "en", "--url",
                 "https://intranet.example/tandem/", "--out", str(out), *ARGS]) == 0
    found = events(out)
    assert all(re.search(r" \(week \d+\)$", str(e["summary"])) for e in found)
    assert all(str(e["url"]).startswith("https://intranet.example/tandem/en/sessions/") for e in found)
    german = tmp_path / "de.ics"
    assert main(["calendar", "--content", str(content), "--org", "zwei", "--url", "https://intranet.example/tandem/",
                 "--out", str(german), *ARGS]) == 0
    assert all(str(e["url"]).startswith("https://intranet.example/tandem/sessions/") for e in events(german))


def test_calendar_refuses_an_unknown_language(tmp_path, capsys):
    status = main(["calendar", "-f", str(REPO / "mkdocs.yml"), "--lang", "fr", "--out", str(tmp_path / "x.ics"),
                   *ARGS])
    assert status == 2
    assert "--lang `fr` is not a language rmhandbook can write; use one of en, de, for example --lang de." in \
        capsys.readouterr().err
    assert not (tmp_path / "x.ics").exists()
