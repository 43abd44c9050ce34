"""Rendering: pinned pages, deterministic output, overridable templates, no mkdocs in the core."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rmhandbook.core.handbook import load_handbook
from rmhandbook.render.pages import front_matter, nav_for, relative_link, render_pages

REPO = Path(__file__).resolve().parents[1]
SCAFFOLD = REPO / "rmhandbook" / "outputs" / "scaffold" / "content"
GOLDEN = Path(__file__).parent / "golden" / "scaffold"
UPDATE = os.environ.get("RMHANDBOOK_UPDATE_GOLDEN") == "1"


def test_golden_pages():
    """The scaffold's pages are pinned; RMHANDBOOK_UPDATE_GOLDEN=1 rewrites them after a deliberate change."""
    pages = render_pages(load_handbook(SCAFFOLD))
    expected = sorted(p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*.md"))
    if UPDATE:
        for page in pages:
            target = GOLDEN / page.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(page.content, encoding="utf-8")
        return
    assert sorted(p.path for p in pages) == expected
    for page in pages:
        assert page.content == (GOLDEN / page.path).read_text(encoding="utf-8"), f"{page.path} differs from golden"


def test_output_is_deterministic():
    a = render_pages(load_handbook(REPO / "content"))
    b = render_pages(load_handbook(REPO / "content"))
    assert [(p.path, p.content) for p in a] == [(p.path, p.content) for p in b]


def test_every_item_has_a_page_with_front_matter():
    hb = load_handbook(REPO / "content")
    pages = {p.path: p for p in render_pages(hb)}
    for kind, folder in (("steps", "steps"), ("scripts", "scripts"), ("pitfalls", "pitfalls"), ("faqs", "faq")):
        for item_id, item in hb.items[kind].items():
            page = pages[f"{folder}/{item_id}.md"]
            assert page.content.startswith("---\ntitle: ")
            assert page.source == item.path
    for topic_id, topic in hb.faqs.items():
        for q in topic.questions:
            assert f"## {q.question} {{ #{q.id} }}" in pages[f"faq/{topic_id}.md"].content


def test_links_both_ways_between_steps_scripts_and_pitfalls():
    hb = load_handbook(SCAFFOLD)
    pages = {p.path: p.content for p in render_pages(hb)}
    # the step names the script; the script page links back to the step
    assert "[First-meeting opener](../scripts/first-meeting-opener.md)" in pages["steps/first-meeting.md"]
    assert "[Hold the first meeting](../steps/first-meeting.md)" in pages["scripts/first-meeting-opener.md"]
    # the pitfall names the step; the step page links to the pitfall
    assert "[Meetings become a monthly tick-box](../pitfalls/tick-box.md)" in pages["steps/set-objectives.md"]


def test_a_site_template_overrides_the_shipped_one(tmp_path):
    (tmp_path / "glossary.md.j2").write_text("{{ front_matter(title=title) }}# Our own glossary page\n")
    pages = {p.path: p.content for p in render_pages(load_handbook(SCAFFOLD), [tmp_path])}
    assert "# Our own glossary page" in pages["glossary.md"]
    assert "# Set the objectives" in pages["steps/set-objectives.md"]  # the others still ship


def test_template_typos_are_errors_not_empty_text(tmp_path):
    from rmhandbook.core.diagnostics import ContentError

    (tmp_path / "glossary.md.j2").write_text("{{ glossary.entires }}\n")
    # a site's own template is input: a located content error, not empty text
    with pytest.raises(ContentError, match=r"glossary.md.j2:1:1: error: .*has no attribute 'entires'"):
        render_pages(load_handbook(SCAFFOLD), [tmp_path])


def test_glossary_terms_become_hover_definitions():
    pages = {p.path: p.content for p in render_pages(load_handbook(SCAFFOLD))}
    assert "*[Reverse mentoring]: A junior colleague mentors a senior one." in pages["index.md"]


def test_front_matter_is_yaml_safe_and_html_escaped():
    import yaml

    # MkDocs and Material print title and description into HTML without escaping them
    fm = front_matter(title='Say "no": #1 <b>', tags=["a: b"], search={"boost": 2})
    assert yaml.safe_load(fm.strip("-\n")) == {"title": "Say &quot;no&quot;: #1 &lt;b&gt;", "tags": ["a: b"],
                                               "search": {"boost": 2}, "render_macros": False}
    # a template may still ask mkdocs-macros to render its page
    assert "render_macros: true" in front_matter(title="t", render_macros=True)


def test_relative_links():
    assert relative_link("steps/a.md", "scripts/b.md") == "../scripts/b.md"
    assert relative_link("index.md", "faq/x.md#q") == "faq/x.md#q"


def test_nav_stays_small_when_a_section_grows():
    hb = load_handbook(REPO / "content")
    pages = render_pages(hb)
    nav = nav_for(pages, hb, max_section_items=5)
    steps_section = next(e for e in nav if "Steps" in e)["Steps"]
    assert steps_section == ["steps/index.md"]  # 22 steps > 5: only the catalog page
    nav = nav_for(pages, hb, max_section_items=40)
    steps_section = next(e for e in nav if "Steps" in e)["Steps"]
    # grouped by phase, in program order, every step once
    assert [list(g)[0] for g in steps_section[1:]] == [p.title for p in hb.program.phases]
    listed = [path for g in steps_section[1:] for entries in g.values() for e in entries for path in e.values()]
    assert listed == [f"steps/{sid}.md" for sid in hb.steps]


def test_core_imports_nothing_from_mkdocs():
    """Every module of core/, render/ and outputs/ imports without MkDocs, and so does rendering the handbook."""
    code = ("import importlib, pkgutil, sys, rmhandbook\n"
            "names = sorted(m.name for m in pkgutil.walk_packages(rmhandbook.__path__, 'rmhandbook.') "
            "if m.name.split('.')[1] in ('core', 'render', 'outputs'))\n"
            "assert len(names) > 20, names\n"
            "for name in names: importlib.import_module(name)\n"
            "from rmhandbook.core.handbook import load_handbook\n"
            "from rmhandbook.render.pages import render_pages\n"
            f"render_pages(load_handbook({str(REPO / 'content')!r}))\n"
            "bad = sorted(m for m in sys.modules if m == 'mkdocs' or m.startswith('mkdocs.'))\n"
            "print(bad)\nsys.exit(1 if bad else 0)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "[]"


def test_separators_between_printed_values_keep_their_spaces():
    """A template's `{{ ", " if not loop.last }}` is printed like prose (cleaned on its own), which
    once lost the space: links ran together as "[a](x),[b](y)" on the home page and the pitfalls list."""
    import re

    from rmhandbook.render.pages import Renderer

    pages = {p.path: p.content for p in Renderer(load_handbook(REPO / "content")).pages()}
    joined = [f"{path}: {m.group(0)}" for path, text in pages.items()
              for m in re.finditer(r"\]\([^)\s]*\),\[", text)]
    assert not joined, joined[:3]
    home = next(line for line in pages["index.md"].splitlines() if "steps/first-meeting.md)" in line)
    assert re.search(r"\(steps/[\w-]+\.md\), \[", home), home
    # the value itself is still cleaned: only the spaces around it are the template's
    from rmhandbook.render.pages import _finalize
    assert str(_finalize(" <script>x</script> ")).startswith(" ") and "<script" not in str(_finalize(" <script>x</script> "))
    assert str(_finalize(", ")) == ", "
