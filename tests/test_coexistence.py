"""rmhandbook beside the MkDocs plugins organizations already use: a real `mkdocs build --strict`
of a new project (`rmhandbook new`) with each plugin, and what the plugin did to the site.

The plugins come from the `plugins-compat` extra, which tests/run.sh installs.
"""

from __future__ import annotations

import html
import logging
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from rmhandbook.mkdocs import coexistence, internals
from rmhandbook.outputs.scaffold import scaffold


def _project(tmp_path: Path, plugins: str, extra: str = "") -> Path:
    """A new handbook project with `plugins` (YAML list entries) after rmhandbook in mkdocs.yml."""
    root = tmp_path / "project"
    scaffold(root)
    config = root / "mkdocs.yml"
    text = config.read_text()
    text = text.replace("validation:", plugins.rstrip("\n") + "\nvalidation:", 1) + extra
    config.write_text(text)
    return root


# A proxy nobody listens on: any download a plugin tries fails at once, as on a machine without internet
OFFLINE = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": "",
           "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9", "no_proxy": ""}


def _run(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **OFFLINE}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600)


def _build(root: Path) -> Path:
    run = _run(root)
    assert run.returncode == 0, run.stdout + run.stderr
    return root / "site"


def _step(root: Path) -> Path:
    return root / "content" / "steps" / "first-meeting.yml"


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# --- a nav of the site's own ---------------------------------------------------------------------

def test_a_sites_own_nav_leaves_the_other_generated_pages_out_of_it_without_failing_strict(tmp_path):
    root = _project(tmp_path, "", "nav:\n  - Home: index.md\n  - steps/first-meeting.md\n  - about.md\n")
    (root / "content" / "about.md").write_text("# About us\n")
    site = _build(root)  # `validation: omitted_files: warn`: a page left out would fail --strict
    home = _text(site / "index.html")
    assert 'href="steps/first-meeting/"' in home and 'href="about/"' in home
    assert 'href="pitfalls/" class="md-nav__link' not in home  # their nav, not ours
    assert (site / "pitfalls" / "index.html").is_file()  # the pages it leaves out are still built
    assert (site / "steps" / "set-objectives" / "index.html").is_file()


def test_nav_paths_reads_every_form_of_nav_entry():
    nav = ["index.md", {"Steps": ["steps/a.md", {"B": "./steps/b.md"}]}, {"Top": "/faq/x.md"},
           {"Out": "https://example.org/"}]
    assert coexistence.nav_paths(nav) == {"index.md", "steps/a.md", "steps/b.md", "faq/x.md",
                                          "https://example.org/"}


# --- mkdocs-static-i18n ------------------------------------------------------------------------

I18N = """\
  - i18n:
      docs_structure: suffix
      languages:
        - locale: en
          default: true
          name: English
        - locale: fr
          name: Français
"""


def test_mkdocs_static_i18n_builds_the_handbook_into_every_language(tmp_path):
    root = _project(tmp_path, I18N)
    (root / "content" / "about.md").write_text("# About us\n")
    (root / "content" / "about.fr.md").write_text("# À propos de nous\n")
    site = _build(root)  # mkdocs-static-i18n 1.3 raised TypeError on generated files
    assert "About us" in _text(site / "about" / "index.html")
    assert "À propos de nous" in _text(site / "fr" / "about" / "index.html")
    for folder in (site, site / "fr"):  # the handbook in both sites, as i18n's fallback does for a page
        page = _text(folder / "steps" / "first-meeting" / "index.html")
        assert "Hold the first meeting" in page
        assert re.search(r'href="(\.\./)+assets/rmhandbook/rmhandbook\.css', page)
    assert not (site / "fr" / "assets" / "rmhandbook").exists()  # assets once, at the root
    fr_home = _text(site / "fr" / "index.html")
    assert 'href="about/"' in fr_home and "about.fr" not in fr_home  # the translation is not a nav entry
    # Material's language switcher leads to the same page in the other language's site
    assert 'href="../../fr/steps/first-meeting/" hreflang="fr"' in _text(site / "steps" / "first-meeting" / "index.html")
    fr_step = _text(site / "fr" / "steps" / "first-meeting" / "index.html")
    assert 'href="../../../steps/first-meeting/" hreflang="en"' in fr_step
    sitemap = _text(site / "sitemap.xml")  # i18n's sitemap lists the handbook in both languages
    assert "fr/steps/first-meeting/</loc>" in sitemap
    assert re.search(r'hreflang="en" href="[^"]*/?steps/first-meeting/"', sitemap)


def test_without_i18ns_language_attributes_the_pages_go_to_the_root(caplog):
    plugin = SimpleNamespace()  # a mkdocs-static-i18n whose attributes moved
    assert internals.i18n_language_folder(plugin) is None
    assert internals.i18n_locales(plugin) is None
    assert internals.i18n_language_folder(SimpleNamespace(current_language="fr", default_language="en")) == "fr"
    assert internals.i18n_language_folder(SimpleNamespace(current_language="en", default_language="en")) == ""

    class Moved:  # an i18n plugin object (by its module) without the attributes
        pass

    Moved.__module__ = "mkdocs_static_i18n.plugin"
    config = SimpleNamespace(plugins={"i18n": Moved()})
    page = SimpleNamespace(dest_uri="steps/a/index.html", is_documentation_page=lambda: True)
    log = logging.getLogger("test.coexistence")
    with caplog.at_level(logging.INFO, logger="test.coexistence"):
        assert coexistence.place_for_language(config, [page], log) == ""
    assert page.dest_uri == "steps/a/index.html"
    assert "put at the site's root" in caplog.text
    assert coexistence.other_language_folders(config) == []
    assert internals.i18n_adopt(Moved(), [page], [{}]) is False  # no switcher links, nothing changed
    assert not hasattr(page, "alternates")


def test_translations_are_known_by_suffix_and_by_folder():
    assert coexistence.is_translation("about.fr.md", ["fr"])
    assert coexistence.is_translation("fr/about.md", ["fr"])
    assert not coexistence.is_translation("about.md", ["fr"])
    assert not coexistence.is_translation("free.md", ["fr"])


# --- Material's privacy plugin -----------------------------------------------------------------

def test_materials_privacy_plugin_builds_offline_with_unpkg_excluded(tmp_path):
    # links_attr_map: external links open in a new tab, and the plugin adds rel="noopener" to them
    root = _project(tmp_path, "  - privacy:\n      assets_exclude:\n        - unpkg.com/*\n"
                              "      links_attr_map:\n        target: _blank\n")
    (root / "content" / "links.md").write_text("# Links\n\n[MkDocs](https://www.mkdocs.org/)\n")
    site = _build(root)
    assert not (site / "assets" / "external").exists()  # nothing was fetched
    assert not list((root / ".cache" / "plugin" / "privacy").rglob("*.js"))
    links = _text(site / "links" / "index.html")
    assert re.search(r'<a href="https://www\.mkdocs\.org/" target="_blank" rel="noopener"', links)  # the plugin ran
    assert (site / "steps" / "first-meeting" / "index.html").is_file()
    assert "unpkg.com" not in _text(site / "steps" / "first-meeting" / "index.html")


def test_materials_privacy_plugin_fails_offline_without_the_exclude(tmp_path):
    # what the exclude above is for: Material's own script names a file on unpkg.com
    run = _run(_project(tmp_path, "  - privacy\n"))
    assert run.returncode != 0
    assert "Couldn't retrieve https://unpkg.com/mermaid" in run.stderr


# --- Material's offline, tags and blog plugins -----------------------------------------------------

def test_materials_offline_plugin(tmp_path):
    site = _build(_project(tmp_path, "  - offline\n"))
    assert (site / "search" / "search_index.js").is_file()  # search without a server
    page = _text(site / "steps" / "first-meeting.html")  # file URLs: use_directory_urls is off
    assert 'href="../pitfalls/index.html"' in page or 'href="../index.html"' in page
    assert 'src="../assets/rmhandbook/rmhandbook.js"' in page


def test_materials_tags_plugin_lists_the_handbooks_tags(tmp_path):
    root = _project(tmp_path, "  - tags\n")
    step = _step(root)
    step.write_text(step.read_text().replace("title: ", "tags: [kick-off, trust]\ntitle: ", 1))
    (root / "content" / "tags.md").write_text("# Tags\n\n<!-- material/tags -->\n")
    site = _build(root)
    page = _text(site / "steps" / "first-meeting" / "index.html")
    assert re.search(r'class="md-tag[^"]*"[^>]*>kick-off', page)
    index = _text(site / "tags" / "index.html")
    assert "kick-off" in index and 'href="../steps/first-meeting/"' in index


def test_materials_blog_plugin(tmp_path):
    root = _project(tmp_path, "  - blog\n")
    posts = root / "content" / "blog" / "posts"
    posts.mkdir(parents=True)
    (root / "content" / "blog" / "index.md").write_text("# News\n")
    (posts / "start.md").write_text("---\ndate: 2026-01-15\n---\n\n# Our programme starts\n\nPairs meet next week.\n")
    site = _build(root)
    post = site / "blog" / "2026" / "01" / "15" / "our-programme-starts" / "index.html"
    assert "Pairs meet next week." in _text(post)
    assert 'href="2026/01/15/our-programme-starts/"' in _text(site / "blog" / "index.html")
    assert (site / "steps" / "first-meeting" / "index.html").is_file()


# --- minify, glightbox, git-revision-date-localized ----------------------------------------------

def test_minify_plugin(tmp_path):
    site = _build(_project(tmp_path, "  - minify:\n      minify_html: true\n"))
    page = _text(site / "steps" / "first-meeting" / "index.html")
    assert "Hold the first meeting" in page
    assert page.count("\n") < 5 and "\n    <" not in page  # minified: no indented lines


def test_glightbox_plugin_wraps_images_and_keeps_the_handbook(tmp_path):
    root = _project(tmp_path, "  - glightbox\n")
    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
    (root / "content" / "dot.png").write_bytes(png)
    (root / "content" / "photos.md").write_text("# Photos\n\n![A dot](dot.png)\n")
    site = _build(root)
    assert re.search(r'<a class="glightbox"[^>]*href="\.\./dot\.png"', _text(site / "photos" / "index.html"))
    step = _text(site / "steps" / "first-meeting" / "index.html")
    assert "glightbox.min.js" in step and "assets/rmhandbook/rmhandbook.js" in step


def _git(root: Path, *args: str, date: str = "2020-01-02T12:00:00+00:00") -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args], cwd=root,
                   env=env, check=True, capture_output=True)


def test_git_revision_date_plugin_dates_own_pages_by_git_and_generated_ones_by_the_build(tmp_path):
    root = _project(tmp_path, "  - git-revision-date-localized\n")
    (root / "content" / "about.md").write_text("# About us\n")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "handbook")
    site = _build(root)  # generated pages have no git history: no warning, so --strict passes
    date = re.compile(r'git-revision-date-localized-plugin-date"[^>]*>([^<]+)<')
    assert date.findall(_text(site / "about" / "index.html")) == ["January 2, 2020"]
    generated = date.findall(_text(site / "steps" / "first-meeting" / "index.html"))
    assert generated and "2020" not in generated[0]  # the build's date


# --- mkdocs-macros ----------------------------------------------------------------------------------

def test_macros_are_not_run_in_handbook_pages_but_still_in_the_sites_own_pages(tmp_path):
    root = _project(tmp_path, "  - macros\n")
    step = _step(root)
    text = step.read_text().replace("title: Hold the first meeting", "title: 'Meet {{ 7*7 }} times'")
    step.write_text(text.replace("why: The first hour", "why: Write {{ 6*6 }} and {% raw %} here; the first hour"))
    (root / "content" / "about.md").write_text("# About\n\nSix times seven is {{ 6*7 }}.\n")
    site = _build(root)
    page = html.unescape(_text(site / "steps" / "first-meeting" / "index.html"))
    assert '<h1 id="meet-77-times">Meet {{ 7*7 }} times</h1>' in page  # mkdocs-macros renders titles too
    assert "<title>Meet {{ 7*7 }} times - " in page
    assert "Write {{ 6*6 }} and {% raw %} here" in page
    assert "Meet 49 times" not in page and "Write 36" not in page
    assert "Six times seven is 42." in _text(site / "about" / "index.html")


@pytest.mark.parametrize("meta, expected", [({}, False), ({"render_macros": True}, True)])
def test_generated_pages_say_render_macros_false_unless_their_template_says_otherwise(meta, expected):
    coexistence.keep_macros_out(meta)
    assert meta["render_macros"] is expected
