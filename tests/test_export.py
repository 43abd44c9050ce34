"""`rmhandbook export --mkdocs-config`: the plugin's pages, built by plain MkDocs without the plugin."""

from __future__ import annotations

import os
import re
import shutil

import yaml

from mkdocs.commands.build import build
from mkdocs.config import load_config

from harness import REPO, build_site
from rmhandbook.outputs import export
from rmhandbook.cli import main


def _pages(site):
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html"))


def _article(html: str) -> str:
    return re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', html, re.S).group(1)


def _without_hovers_in_headings(article: str) -> str:
    """The one documented difference of a build without rmhandbook: its headings extension keeps
    glossary hovers out of h1-h6, and without it a term in a heading gets one."""
    return re.sub(r"(<h[1-6][^>]*>)(.*?)(</h[1-6]>)",
                  lambda m: m.group(1) + re.sub(r"<abbr [^>]*>(.*?)</abbr>", r"\1", m.group(2)) + m.group(3),
                  article, flags=re.S)


def test_plain_mkdocs_builds_the_exported_pages_like_the_plugin(tmp_path, monkeypatch):
    assert main(["new", str(tmp_path / "hb")]) == 0
    monkeypatch.chdir(tmp_path / "hb")
    step = tmp_path / "hb" / "content" / "steps" / "first-meeting.yml"  # a glossary term in use
    step.write_text(step.read_text().replace("why: The first hour", "why: In Reverse mentoring the first hour"))
    assert main(["export", "--out", "exported/docs", "--mkdocs-config", "exported/mkdocs.yml"]) == 0
    cfg = load_config(str(tmp_path / "hb" / "exported" / "mkdocs.yml"), strict=True,
                      site_dir=str(tmp_path / "plain"))
    assert "rmhandbook" not in cfg.plugins
    assert set(export.PAGE_EXTENSIONS) <= set(cfg.markdown_extensions)
    # the pages are clean already (core/prose.py): the project needs no Markdown extension of ours
    assert not [e for e in cfg.markdown_extensions if e.startswith("rmhandbook")]
    yaml.safe_load((tmp_path / "hb" / "exported" / "mkdocs.yml").read_text())  # plain YAML, no Python tags
    build(cfg)
    with_plugin = build_site(tmp_path / "hb" / "mkdocs.yml", tmp_path / "plugin")
    plain = tmp_path / "plain"
    assert _pages(plain) == _pages(with_plugin)
    for page in ("steps/first-meeting/index.html", "index.html", "glossary/index.html"):
        exported_article = _without_hovers_in_headings(_article((plain / page).read_text()))
        assert exported_article == _article((with_plugin / page).read_text()), page
    home = (plain / "index.html").read_text()
    hover = '<abbr title="A junior colleague mentors a senior one.">Reverse mentoring</abbr>'  # the glossary
    assert hover in (plain / "steps/first-meeting/index.html").read_text()
    assert hover in (with_plugin / "steps/first-meeting/index.html").read_text()
    assert "<abbr" not in _article((plain / "glossary/index.html").read_text())  # no hover on its own definition
    for asset in ("rmhandbook.css", "rmhandbook.js", "messages.js"):
        assert (plain / "assets" / "rmhandbook" / asset).is_file() and f"assets/rmhandbook/{asset}" in home
    scripts = re.findall(r'<script src="[^"]*assets/rmhandbook/([^"/]+\.js)"', home)
    assert scripts[:2] == ["messages.js", "onpage.js"] and len(scripts) > 2  # the bootstrap before its users



# --- `export --out DIR`: a whole project that builds without rmhandbook ----------------------

def _repo_project(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    shutil.copytree(REPO / "content", project / "content")
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", project / "overrides")
    return project


def _nav_titles(site):
    """The primary navigation's link texts in order, as a reader sees them."""
    html = (site / "index.html").read_text()
    return re.findall(r'<span class="md-ellipsis">\s*(.*?)\s*</span>', html, re.S)


def test_an_organizations_export_is_a_plain_project_that_builds_like_the_plugin(tmp_path, monkeypatch):
    project = _repo_project(tmp_path)
    monkeypatch.chdir(project)
    assert main(["export", "--org", "northwind", "--out", "exported"]) == 0
    exported = project / "exported"
    data = yaml.safe_load((exported / "mkdocs.yml").read_text())  # plain YAML: no Python tags
    assert data["docs_dir"] == "docs" and data["site_dir"] == "site"
    assert [p for p in data["plugins"] if "rmhandbook" in str(p)] == []
    assert [e for e in data["markdown_extensions"] if "rmhandbook" in str(e)] == []
    assert data["site_name"] == "Northwind Logistics"
    assert data["theme"]["palette"][0]["primary"] == "custom" and data["theme"]["language"] == "en"
    assert (exported / "docs" / data["theme"]["logo"]).read_bytes() == (
        project / "content/orgs/northwind/logo.svg").read_bytes()
    assert "--md-primary-fg-color" in (exported / "docs/assets/rmhandbook/org/colors.css").read_text()
    assert "Dana Whitfield" in data["copyright"] and "Bridge coordinator" in data["copyright"]
    assert (exported / "overrides" / "main.html").is_file()  # the web app manifest link
    assert "size: letter" in (exported / "docs/assets/rmhandbook/page.css").read_text()  # the organization's paper

    plain = tmp_path / "plain"
    build(load_config(str(exported / "mkdocs.yml"), strict=True, site_dir=str(plain)))
    with_plugin = build_site(project / "mkdocs.yml", tmp_path / "plugin", organization="northwind")
    assert _pages(plain) == _pages(with_plugin)
    assert _nav_titles(plain) == _nav_titles(with_plugin)  # the handbook's own order, its own terms
    assert "Digital Guide" in _nav_titles(plain)
    for page in ("index.html", "steps/first-meeting/index.html", "checklists/index.html"):
        exported_article = _without_hovers_in_headings(_article((plain / page).read_text()))
        assert exported_article == _article((with_plugin / page).read_text()), page
    home = (plain / "index.html").read_text()
    assert "assets/rmhandbook/org/colors.css" in home and 'rel="manifest"' in home and "Dana Whitfield" in home


def test_export_refuses_a_folder_it_did_not_write_and_replaces_its_own(tmp_path, monkeypatch, capsys):
    assert main(["new", str(tmp_path / "hb")]) == 0
    monkeypatch.chdir(tmp_path / "hb")
    (tmp_path / "hb" / "mine").mkdir()
    (tmp_path / "hb" / "mine" / "mkdocs.yml").write_text("site_name: mine\n")
    capsys.readouterr()
    assert main(["export", "--out", "mine"]) == 2
    assert "holds files that rmhandbook did not write" in capsys.readouterr().err
    assert (tmp_path / "hb" / "mine" / "mkdocs.yml").read_text() == "site_name: mine\n"
    assert main(["export", "--out", "exported"]) == 0
    (tmp_path / "hb" / "exported" / "docs" / "stale.md").write_text("gone after the next export")
    assert main(["export", "--out", "exported"]) == 0
    assert not (tmp_path / "hb" / "exported" / "docs" / "stale.md").exists()
    assert (tmp_path / "hb" / "exported" / "mkdocs.yml").read_text().startswith("# Written by `rmhandbook export`")


def test_build_with_an_engine_that_is_not_installed_names_the_package(tmp_path, monkeypatch, capsys):
    from rmhandbook import cli
    from rmhandbook.mkdocs.engines import ENGINES

    assert set(cli.ENGINES) == set(ENGINES)  # the command line offers every engine there is
    assert main(["new", str(tmp_path / "hb")]) == 0
    monkeypatch.chdir(tmp_path / "hb")
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    capsys.readouterr()
    for name, package in (("zensical", "pip install zensical"), ("properdocs", "pip install properdocs")):
        assert main(["build", "--engine", name]) == 2  # an environment fault
        err = capsys.readouterr().err
        assert package in err and f"`{name}` command" in err and "Traceback" not in err
    assert not (tmp_path / "hb" / "site").exists()


FAKE_ENGINE = """#!/bin/sh
# a stand-in for `zensical build -f mkdocs.yml [--strict]`: {action}
test "$1" = build && test "$2" = -f && test -f "$3" && test -f docs/index.md || exit 9
{action}
"""


def test_build_with_an_engine_publishes_atomically_and_checks_links(tmp_path, monkeypatch, capsys):
    """`build --engine` with a stand-in engine: a failure or a broken link keeps the previous site."""
    assert main(["new", str(tmp_path / "hb")]) == 0
    monkeypatch.chdir(tmp_path / "hb")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "zensical"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")

    def engine(action: str) -> None:
        fake.write_text(FAKE_ENGINE.format(action=action))
        fake.chmod(0o755)

    engine('mkdir -p site/a && echo \'<a href="a/">A</a>\' > site/index.html && echo ok > site/a/index.html')
    assert main(["build", "--engine", "zensical", "--strict"]) == 0
    site = tmp_path / "hb" / "site"
    assert (site / "a" / "index.html").read_text() == "ok\n" and (site / ".rmhandbook-site").is_file()

    engine('echo "ERROR - a broken page" >&2; exit 1')
    assert main(["build", "--engine", "zensical"]) == 1
    assert "zensical build` stopped with exit status 1" in capsys.readouterr().err
    assert (site / "a" / "index.html").read_text() == "ok\n"  # the previous site, as it was

    engine('mkdir -p site && echo \'<a href="gone/">x</a>\' > site/index.html')
    assert main(["build", "--engine", "zensical"]) == 1
    err = capsys.readouterr().err
    assert "broken internal links" in err and "gone/" in err
    assert (site / "a" / "index.html").read_text() == "ok\n"
    assert [p.name for p in (tmp_path / "hb").iterdir() if p.name.startswith(".site")] == []  # no leftovers


def test_the_sites_own_pages_go_into_the_export_and_its_nav(tmp_path, monkeypatch):
    assert main(["new", str(tmp_path / "hb")]) == 0
    monkeypatch.chdir(tmp_path / "hb")
    (tmp_path / "hb" / "content" / "about.md").write_text("# About us\n\nOur own page.\n")
    (tmp_path / "hb" / "content" / "glossary.md").write_text("# Our glossary\n\nWritten by hand.\n")
    assert main(["export", "--out", "exported"]) == 0
    exported = tmp_path / "hb" / "exported"
    data = yaml.safe_load((exported / "mkdocs.yml").read_text())
    assert data["nav"][-1] == "about.md" and {"Glossary": "glossary.md"} in data["nav"]
    assert (exported / "docs" / "glossary.md").read_text() == "# Our glossary\n\nWritten by hand.\n"  # yours wins
    assert not list((exported / "docs").rglob("*.yml"))  # the content's data stays behind
    build(load_config(str(exported / "mkdocs.yml"), strict=True, site_dir=str(tmp_path / "plain")))
    assert "Our own page." in (tmp_path / "plain" / "about" / "index.html").read_text()
