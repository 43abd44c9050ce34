"""`rmhandbook export --mkdocs-config`: the plugin's pages, built by plain MkDocs without the plugin."""

from __future__ import annotations

import re

from mkdocs.commands.build import build
from mkdocs.config import load_config

from harness import build_site
from rmhandbook.outputs import export
from rmhandbook.cli import main


def _pages(site):
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html"))


def _article(html: str) -> str:
    return re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', html, re.S).group(1)


def test_plain_mkdocs_builds_the_exported_pages_like_the_plugin(tmp_path, monkeypatch):
    assert main(["new", str(tmp_path / "hb")]) == 0
    monkeypatch.chdir(tmp_path / "hb")
    step = tmp_path / "hb" / "content" / "steps" / "first-meeting.yml"  # a glossary term in use
    step.write_text(step.read_text().replace("why: The first hour", "why: In Reverse mentoring the first hour"))
    assert main(["export", "--out", "exported/docs", "--mkdocs-config", "exported/mkdocs.yml"]) == 0
    cfg = load_config(str(tmp_path / "hb" / "exported" / "mkdocs.yml"), strict=True,
                      site_dir=str(tmp_path / "plain"))
    assert "rmhandbook" not in cfg.plugins
    assert set(export.REQUIRED_EXTENSIONS) <= set(cfg.markdown_extensions)  # safety included
    build(cfg)
    with_plugin = build_site(tmp_path / "hb" / "mkdocs.yml", tmp_path / "plugin")
    plain = tmp_path / "plain"
    assert _pages(plain) == _pages(with_plugin)
    for page in ("steps/first-meeting/index.html", "index.html", "glossary/index.html"):
        assert _article((plain / page).read_text()) == _article((with_plugin / page).read_text()), page
    home = (plain / "index.html").read_text()
    hover = '<abbr title="A junior colleague mentors a senior one.">Reverse mentoring</abbr>'  # the glossary
    assert hover in (plain / "steps/first-meeting/index.html").read_text()
    assert hover in (with_plugin / "steps/first-meeting/index.html").read_text()
    assert "<abbr" not in _article((plain / "glossary/index.html").read_text())  # no hover on its own definition
    for asset in ("rmhandbook.css", "rmhandbook.js", "messages.js"):
        assert (plain / "assets" / "rmhandbook" / asset).is_file() and f"assets/rmhandbook/{asset}" in home
    scripts = re.findall(r'<script src="[^"]*assets/rmhandbook/([^"/]+\.js)"', home)
    assert scripts[:2] == ["messages.js", "onpage.js"] and len(scripts) > 2  # the bootstrap before its users

