"""Rebuilds do only what an edit needs: pages kept between builds (the result is exactly what a
fresh render gives), bounded role pages, fast polling of small handbooks in `serve`."""

from __future__ import annotations

import shutil
from pathlib import Path

from harness import REPO
from rmhandbook.core.handbook import HandbookBuilder, load_handbook
from rmhandbook.render.pages import Renderer, render_pages
from rmhandbook.render.cache import PageCache

SCAFFOLD = REPO / "rmhandbook" / "outputs" / "scaffold" / "content"


def _render(builder: HandbookBuilder, content: Path, cache: PageCache) -> tuple[dict[str, str], list[str]]:
    renderer = Renderer(builder.build(content), inline_abbreviations=False, cache=cache)
    pages = renderer.pages()
    return {p.path: p.content for p in pages}, renderer.rendered


def _fresh(content: Path) -> dict[str, str]:
    return {p.path: p.content for p in render_pages(load_handbook(content), inline_abbreviations=False)}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_rebuild_renders_only_the_pages_an_edit_reaches(tmp_path):
    content = shutil.copytree(SCAFFOLD, tmp_path / "content")
    builder, cache = HandbookBuilder(), PageCache()
    first, rendered = _render(builder, content, cache)
    assert sorted(rendered) == sorted(first)  # a cold cache renders everything

    again, rendered = _render(builder, content, cache)
    assert rendered == [] and again == first

    # a step: its own page, the pages listing every step (catalog, roles) and the pages that link to
    # it (the script); not the other step, nor the pitfall that links only to the other step
    _edit(content / "steps" / "first-meeting.yml", "summary: Meet, agree goals", "summary: Meet, set goals")
    pages, rendered = _render(builder, content, cache)
    assert pages == _fresh(content)
    assert {"steps/first-meeting.md", "steps/index.md", "roles/mentor.md", "scripts/first-meeting-opener.md"} <= set(rendered)
    assert "steps/set-objectives.md" not in rendered and "pitfalls/tick-box.md" not in rendered
    assert len(rendered) < len(pages)
    assert "Meet, set goals" in pages["steps/first-meeting.md"]

    # a step's title is shown on the script page that links to it: that page follows
    _edit(content / "steps" / "first-meeting.yml", "title: Hold the first meeting", "title: Hold the opening meeting")
    pages, rendered = _render(builder, content, cache)
    assert pages == _fresh(content)
    assert "scripts/first-meeting-opener.md" in rendered
    assert "[Hold the opening meeting]" in pages["scripts/first-meeting-opener.md"]

    # program.yml (terms, roles, phases) reaches every page
    _edit(content / "program.yml", "mentor: mentor", "mentor: digital guide")
    pages, rendered = _render(builder, content, cache)
    assert pages == _fresh(content) and sorted(rendered) == sorted(pages)


def test_a_changed_template_renders_again(tmp_path):
    content = shutil.copytree(SCAFFOLD, tmp_path / "content")
    templates = tmp_path / "templates"
    templates.mkdir()
    builder, cache = HandbookBuilder(), PageCache()
    Renderer(builder.build(content), [templates], cache=cache).pages()
    (templates / "glossary.md.j2").write_text("{{ front_matter(title=title) }}# Our own glossary page\n")
    renderer = Renderer(builder.build(content), [templates], cache=cache)
    pages = {p.path: p.content for p in renderer.pages()}
    assert "# Our own glossary page" in pages["glossary.md"]
    assert "glossary.md" in renderer.rendered


def test_role_pages_of_a_large_handbook_list_the_steps_instead_of_repeating_them():
    hb = load_handbook(SCAFFOLD)
    full = {p.path: p.content for p in render_pages(hb)}["roles/mentor.md"]
    compact = {p.path: p.content for p in render_pages(hb, detail_max_items=1)}["roles/mentor.md"]
    assert "#### [Hold the first meeting](../steps/first-meeting.md)" in full and "data-checklist" in full
    assert "| [Hold the first meeting](../steps/first-meeting.md) | week 1 | 1 |" in compact
    assert "####" not in compact and "data-checklist" not in compact


def test_serve_polls_a_small_handbook_faster_and_leaves_other_watches_alone(tmp_path):
    from types import SimpleNamespace

    from rmhandbook.mkdocs.internals import FAST_POLL_SECONDS, poll_faster

    content = shutil.copytree(SCAFFOLD, tmp_path / "content")
    theme = tmp_path / "theme"
    theme.mkdir()

    def emitter(path):
        return SimpleNamespace(watch=SimpleNamespace(path=str(path)), _timeout=0.5)

    ours, config, other = emitter(content), emitter(tmp_path / "mkdocs.yml"), emitter(theme)
    server = SimpleNamespace(observer=SimpleNamespace(_emitters={id(x): x for x in (ours, config, other)}.values()))
    assert poll_faster(server, [content]) == 2
    assert ours._timeout == config._timeout == FAST_POLL_SECONDS and other._timeout == 0.5
    for i in range(600):  # a large handbook keeps MkDocs' interval: polling it costs CPU all the time
        (content / "faqs" / f"extra-{i}.yml").write_text("x")
    ours._timeout = 0.5
    assert poll_faster(server, [content]) == 0 and ours._timeout == 0.5


def test_a_global_the_cache_does_not_know_is_compared_by_value(tmp_path):
    content = shutil.copytree(SCAFFOLD, tmp_path / "content")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "glossary.md.j2").write_text("{{ front_matter(title=title) }}# {{ contact }}\n")
    builder, cache = HandbookBuilder(), PageCache()

    class WithContact(Renderer):  # as a feature that adds a global of its own would
        contact = ""

        def _start_cache(self, cache, dirs):
            self.env.globals["contact"] = self.contact
            return super()._start_cache(cache, dirs)

    def render(contact: str) -> tuple[str, list[str]]:
        WithContact.contact = contact
        renderer = WithContact(builder.build(content), [templates], cache=cache)
        return {p.path: p.content for p in renderer.pages()}["glossary.md"], renderer.rendered

    render("Dana")
    page, rendered = render("Dana")
    assert rendered == [] and "# Dana" in page
    page, rendered = render("Kim")
    assert "# Kim" in page and "glossary.md" in rendered
