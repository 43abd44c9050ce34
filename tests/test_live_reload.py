"""Live reload writes only the pages an edit changed, and the site is the one a full build makes.

`rmhandbook serve` builds with MkDocs' `dirty` mode, and the plugin tells MkDocs
which pages are unchanged (incremental.py). The promise is strict: after any edit
the served folder holds, byte for byte, what a full build of the same content
writes: every page, the search index, no page of a removed item. These tests
drive the builds as `mkdocs serve` does (a fresh config per rebuild, one folder)
and compare with a full build after each kind of edit.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from rmhandbook.mkdocs import internals

from sitecompare import snapshot

REPO = Path(__file__).resolve().parents[1]
SERVE_URL = "http://127.0.0.1:8000/"


def plugin_cache() -> dict:
    """MkDocs keeps plugin objects (those with on_startup) for the whole process, as `serve` needs;
    a test that plays `serve` gives back fresh ones, so no other test sees a dirty search plugin."""
    cache = internals.plugin_cache()
    assert cache is not None
    return cache


@pytest.fixture
def project(tmp_path, monkeypatch):
    shutil.copytree(REPO / "content", tmp_path / "content", ignore=shutil.ignore_patterns("orgs"))
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    if (REPO / "overrides").is_dir():
        shutil.copytree(REPO / "overrides", tmp_path / "overrides")
    monkeypatch.chdir(tmp_path)
    # what `rmhandbook serve` sets up once per process, undone after the test
    plugin_cache().clear()
    yield tmp_path
    plugin_cache().clear()
    internals.quiet_dirty_notice(False)


def _config(project: Path, site: Path):
    from mkdocs.config import load_config

    cfg = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    cfg.site_url = SERVE_URL
    return cfg


class Server:
    """Builds as `mkdocs serve --dirty` does: on_startup once, then a fresh config per build."""

    def __init__(self, project: Path) -> None:
        self.project = project
        self.site = project / "served"
        self.site.mkdir()
        _config(project, self.site).plugins.on_startup(command="serve", dirty=True)

    def rebuild(self, caplog) -> str:
        from mkdocs.commands.build import build

        caplog.clear()
        build(_config(self.project, self.site), serve_url=SERVE_URL, dirty=True)
        lines = [r.getMessage() for r in caplog.records if "live reload:" in r.getMessage()]
        assert len(lines) == 1, [r.getMessage() for r in caplog.records]
        return lines[0]


def full_build(project: Path, name: str) -> dict:
    from mkdocs.commands.build import build

    site = project / name
    if site.exists():
        shutil.rmtree(site)
    cache = plugin_cache()
    served_plugins = dict(cache)
    cache.clear()  # a separate process's build, with plugin objects of its own
    try:
        build(_config(project, site), serve_url=SERVE_URL, dirty=False)
    finally:
        cache.clear()
        cache.update(served_plugins)
    return contents(site)


def contents(site: Path) -> dict:
    return {k: digest for k, (_mode, digest) in snapshot(site).items()}


def differences(a: dict, b: dict) -> list[str]:
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def server(project, caplog):
    caplog.set_level(logging.INFO, logger="mkdocs")
    server = Server(project)
    first = server.rebuild(caplog)
    pages = page_count(project)
    assert first.startswith(f"rmhandbook: live reload: wrote {pages} of {pages} pages, 0 unchanged")
    server.pages = pages
    return server


def page_count(project: Path) -> int:
    """The pages of the handbook: the generated ones (the docs folder has no pages of its own here)."""
    from rmhandbook.core.handbook import load_handbook
    from rmhandbook.render.pages import render_pages

    return len(render_pages(load_handbook(project / "content")))


def test_an_organizations_site_is_rebuilt_in_part_too(project, caplog, monkeypatch):
    """An organization's theme settings (palette, logo, language) are as stable between rebuilds."""
    shutil.copytree(REPO / "content" / "orgs", project / "content" / "orgs")
    monkeypatch.setenv("RMHANDBOOK_ORGANIZATION", "northwind")
    caplog.set_level(logging.INFO, logger="mkdocs")
    server = Server(project)
    assert " 0 unchanged" in server.rebuild(caplog)
    edit(project / "content" / "steps" / "first-meeting.yml", "summary:", "summary: Bring one question.")
    line = server.rebuild(caplog)
    assert " 0 unchanged" not in line and "wrote 0 " not in line, line
    assert differences(contents(server.site), full_build(project, "full")) == []


def test_a_summary_edit_writes_a_few_pages_and_the_site_is_the_full_builds(project, server, caplog):
    step = project / "content" / "steps" / "first-meeting.yml"
    edit(step, "summary:", "summary: Bring one question.")
    line = server.rebuild(caplog)
    written = int(line.split("wrote ")[1].split(" of")[0])
    assert 1 <= written <= 5, line  # the step, and the pages that show its summary
    assert differences(contents(server.site), full_build(project, "full")) == []
    # nothing changed: nothing is written, and the site still matches
    assert f"wrote 0 of {server.pages} pages, {server.pages} unchanged" in server.rebuild(caplog)
    assert differences(contents(server.site), full_build(project, "full")) == []


@pytest.mark.parametrize("change", ["title", "glossary", "removed topic", "theme override", "removed download"])
def test_an_edit_that_reaches_every_page_rewrites_them_all(project, server, caplog, change):
    content = project / "content"
    if change == "title":  # the default nav lists the steps: every page prints the new title
        edit(content / "steps" / "first-meeting.yml", "title: ", "title: Renamed ")
    elif change == "glossary":  # the hover definitions are the Markdown extension's, not the pages'
        edit(content / "glossary.yml", "definition: ", "definition: Changed. ")
    elif change == "removed topic":  # its page goes, and the nav's FAQ section changes
        victim = content / "faqs" / "for-mentees.yml"
        victim.unlink()
    elif change == "removed download":  # a dirty build never deletes: it must leave the served folder
        (content / "handout.txt").write_text("Questions for the first meeting\n")
        server.rebuild(caplog)
        assert (server.site / "handout.txt").is_file()
        (content / "handout.txt").unlink()
    else:
        (project / "overrides" / "main.html").write_text(
            '{% extends "base.html" %}\n{% block announce %}Maintenance on Friday{% endblock %}\n')
    line = server.rebuild(caplog)
    assert " 0 unchanged" in line, line
    full = full_build(project, "full")
    assert differences(contents(server.site), full) == []
    if change == "removed topic":
        assert not any(victim.stem in k for k in contents(server.site))
    if change == "theme override":
        assert "Maintenance on Friday" in (server.site / "index.html").read_text()
    if change == "removed download":
        assert not (server.site / "handout.txt").exists()


def test_a_failed_build_is_followed_by_a_full_one(project, server, caplog):
    from mkdocs.exceptions import Abort

    notes = project / "content" / "notes.md"
    notes.write_text('# Notes\n\n<a href="../steps/no-such-step/">the plan</a>\n')
    with pytest.raises(Abort):
        server.rebuild(caplog)
    assert any("broken internal links" in r.getMessage() for r in caplog.records)
    notes.write_text("# Notes\n\nNothing broken.\n")
    line = server.rebuild(caplog)
    assert " 0 unchanged" in line, line
    assert differences(contents(server.site), full_build(project, "full")) == []


def test_the_search_index_keeps_unchanged_pages_entries_in_page_order(tmp_path):
    """incremental.py on its own: a page is skipped only with the same Markdown in the same site,
    and the index is written in page order from fresh and kept entries."""
    import json

    from rmhandbook.mkdocs.incremental import Previous, Rebuild, update_search_index

    previous = Previous()
    assert previous.unchanged("site-1", {"a.md": "A"}) == set()  # nothing built yet
    previous.remember("site-1", {"a.md": "A", "b.md": "B"})
    assert previous.unchanged("site-1", {"a.md": "A", "b.md": "B2"}) == {"a.md"}
    assert previous.unchanged("site-2", {"a.md": "A", "b.md": "B"}) == set()  # the nav, theme, ... changed

    previous.search = {"": [{"location": ""}], "a/": [{"location": "a/"}, {"location": "a/#x"}],
                       "gone/": [{"location": "gone/"}]}
    rebuild = Rebuild(previous, "site-1", {}, set())
    entries: list = []
    entries += [{"location": "b/", "text": "new"}]
    rebuild.note_search_entries("b/", entries)
    entries += [{"location": "", "text": "home, new"}]
    rebuild.note_search_entries("", entries)
    index = tmp_path / "search_index.json"
    # what the search plugin wrote in a dirty build: some pages, some twice
    index.write_text(json.dumps({"config": {"lang": ["en"]}, "docs": entries + entries}))
    kept = update_search_index(index, previous, rebuild.search_pages, {"", "b/"}, ["", "a/", "b/"])
    assert kept == 1
    written = json.loads(index.read_text())
    assert written["config"] == {"lang": ["en"]}
    assert [d["location"] for d in written["docs"]] == ["", "a/", "a/#x", "b/"]
    assert written["docs"][0]["text"] == "home, new"
    assert "gone/" not in previous.search  # a page no longer in the site drops out


def test_without_the_search_plugins_entries_every_page_is_written_again(project, server, caplog, monkeypatch):
    """The kept pages' search entries come from Material's `SearchIndex.entries`; a search plugin
    without them (another version, another theme) makes every live reload a full rebuild."""
    monkeypatch.setattr(internals, "search_entries", lambda config: None)
    edit(project / "content" / "steps" / "first-meeting.yml", "summary:", "summary: Bring one question.")
    assert " 0 unchanged" in server.rebuild(caplog)
    assert differences(contents(server.site), full_build(project, "full")) == []


def test_file_objects_that_cannot_be_marked_make_every_live_reload_a_full_rebuild(project, server, caplog,
                                                                                  monkeypatch):
    """MkDocs asks a file `is_modified()` in a dirty build; a MkDocs whose files do not (another
    version) cannot be told which pages are unchanged, so every page is written again."""
    monkeypatch.setattr(internals, "can_mark_files", lambda file: False)
    edit(project / "content" / "steps" / "first-meeting.yml", "summary:", "summary: Bring one question.")
    assert " 0 unchanged" in server.rebuild(caplog)
    assert differences(contents(server.site), full_build(project, "full")) == []
