"""In-process MkDocs builds through the plugin: pages, search index, nav, edit links, errors."""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort, PluginError

from harness import REPO, build_site
from rmhandbook.core.handbook import load_handbook

SCAFFOLD = REPO / "rmhandbook" / "outputs" / "scaffold" / "content"


@pytest.fixture(scope="module")
def search_index(default_site):
    return json.loads((default_site / "search" / "search_index.json").read_text())


def test_every_item_and_question_is_in_the_site_and_the_search_index(default_site, search_index):
    hb = load_handbook(REPO / "content")
    docs = {d["location"]: d for d in search_index["docs"]}
    for kind, folder in (("steps", "steps"), ("scripts", "scripts"), ("pitfalls", "pitfalls")):
        for item_id, item in hb.items[kind].items():
            page = default_site / folder / item_id / "index.html"
            assert page.is_file(), page
            assert html.escape(item.model.title, quote=False) in page.read_text()
            entry = docs[f"{folder}/{item_id}/"]
            assert entry["title"] == html.escape(item.model.title, quote=False)
    for topic_id, topic in hb.faqs.items():
        page = (default_site / "faq" / topic_id / "index.html").read_text()
        for q in topic.questions:
            assert f'id="{q.id}"' in page
            entry = docs[f"faq/{topic_id}/#{q.id}"]  # search jumps to the question's anchor
            assert entry["title"] == html.escape(q.question, quote=False)


def test_nav_lists_catalogs_and_leaves_item_pages_to_them(default_site):
    home = (default_site / "index.html").read_text()
    assert 'href="scripts/"' in home and 'href="pitfalls/"' in home
    assert 'href="scripts/first-meeting-opener/"' not in home  # reached through the catalog, not the nav


def test_yaml_and_schema_files_stay_out_of_the_site(default_site):
    assert not list(default_site.rglob("*.yml"))
    assert not (default_site / "schema").exists()


def test_assets_are_local_and_linked(default_site):
    page = (default_site / "steps" / "first-meeting" / "index.html").read_text()
    for asset in ("rmhandbook.css", "rmhandbook.js", "messages.js"):
        assert f"assets/rmhandbook/{asset}" in page
        assert (default_site / "assets" / "rmhandbook" / asset).is_file()
    assert "fonts.googleapis.com" not in page and "fonts.gstatic.com" not in page


def _project(tmp_path: Path, extra: str = "") -> Path:
    shutil.copytree(SCAFFOLD, tmp_path / "content")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Test\nsite_url: https://example.org/\nrepo_url: https://git.example.org/hb\n"
        "edit_uri: edit/main/content/\ndocs_dir: content\ntheme:\n  name: material\n  font: false\n"
        "  features: [content.action.edit]\n"
        "plugins:\n  - search\n  - rmhandbook\n" + extra)
    return tmp_path / "mkdocs.yml"


def test_edit_link_points_at_the_yaml_source(tmp_path):
    site = build_site(_project(tmp_path), tmp_path / "site")
    page = (site / "steps" / "first-meeting" / "index.html").read_text()
    assert 'href="https://git.example.org/hb/edit/main/content/steps/first-meeting.yml"' in page


def test_a_users_own_page_replaces_the_generated_one_and_extra_pages_join_the_nav(tmp_path):
    config = _project(tmp_path)
    (tmp_path / "content" / "index.md").write_text("# Our intranet home\n")
    (tmp_path / "content" / "contacts.md").write_text("# Contacts\n")
    site = build_site(config, tmp_path / "site")
    home = (site / "index.html").read_text()
    assert "Our intranet home" in home
    assert 'href="contacts/"' in home


def test_a_users_nav_is_kept(tmp_path):
    # strict, with `omitted_files: warn`: the generated pages their nav leaves out are marked not-in-nav
    config = _project(tmp_path, "nav:\n  - index.md\n  - steps/first-meeting.md\nvalidation:\n  omitted_files: warn\n")
    site = build_site(config, tmp_path / "site", strict=True)
    home = (site / "index.html").read_text()
    assert 'href="steps/first-meeting/"' in home
    assert 'href="pitfalls/" class="md-nav__link' not in home  # our nav was not generated over theirs


def test_content_errors_stop_the_build_with_every_problem(tmp_path, caplog):
    config = _project(tmp_path)
    step = tmp_path / "content" / "steps" / "first-meeting.yml"
    step.write_text(step.read_text().replace("order: 10", "order: ten\ncolour: blue"))
    with pytest.raises((PluginError, Abort)):  # MkDocs logs the PluginError's text and aborts
        build_site(config, tmp_path / "site")
    text = caplog.text
    assert "steps/first-meeting.yml:4:8: error: `order` must be a whole number" in text
    assert "steps/first-meeting.yml:5:1: error: unknown field `colour`" in text
    assert not (tmp_path / "site").exists()


def test_content_warnings_fail_a_strict_build(tmp_path):
    config = _project(tmp_path)
    step = tmp_path / "content" / "steps" / "first-meeting.yml"
    step.write_text(step.read_text().replace("timing: week 1", "timing: Week #1"))
    with pytest.raises(Abort):
        build_site(config, tmp_path / "site", strict=True)
    build_site(config, tmp_path / "site2", strict=False)  # the same content builds when not strict


def test_plugin_works_in_a_plain_config_with_another_docs_dir(tmp_path):
    shutil.copytree(SCAFFOLD, tmp_path / "handbook")
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: T\ntheme:\n  name: material\n  font: false\n"
                                         "plugins:\n  - search\n  - rmhandbook:\n      content_dir: handbook\n")
    site = build_site(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert (site / "steps" / "set-objectives" / "index.html").is_file()


def test_theme_custom_dir_templates_win(tmp_path):
    config = _project(tmp_path)
    (tmp_path / "overrides" / "rmhandbook").mkdir(parents=True)
    (tmp_path / "overrides" / "rmhandbook" / "glossary.md.j2").write_text(
        "{{ front_matter(title=title) }}# Words we use here\n")
    config.write_text(config.read_text().replace("  font: false\n", "  font: false\n  custom_dir: overrides\n"))
    site = build_site(config, tmp_path / "site")
    assert "Words we use here" in (site / "glossary" / "index.html").read_text()
