"""`rmhandbook build --jobs N`: a large handbook's pages split between processes.

The promise: the same site, byte for byte, as one process builds, with every
warning, error and broken link of every share reported, and the previous site
left alone when any share fails. The tests lower the size from which a build is
split, so the default handbook (every kind of page: sessions, checklists, the
glossary, an organization's theme and logo) is split in two.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from rmhandbook.mkdocs import split as sites
from rmhandbook.cli import main

from sitecompare import leftovers, snapshot

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the default handbook with its organizations, split from 40 items on."""
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    if (REPO / "overrides").is_dir():
        shutil.copytree(REPO / "overrides", tmp_path / "overrides")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sites, "PARALLEL_MIN_ITEMS", 40)
    return tmp_path


def build(site: str, *extra: str) -> int:
    return main(["build", "--strict", "--site-dir", site, *extra])


def test_the_default_handbook_is_split_in_two_at_this_size(project):
    from mkdocs.config import load_config

    cfg = load_config(str(project / "mkdocs.yml"))
    assert sites.shares_for(cfg, {}, jobs=2) == 2
    assert sites.shares_for(cfg, {}, jobs=1) == 1
    sites.PARALLEL_MIN_ITEMS = 10_000  # (monkeypatch restores it)
    assert sites.shares_for(cfg, {}, jobs=2) == 1  # a small handbook is built in one process


@pytest.mark.parametrize("org", [None, "northwind"])
def test_a_split_build_writes_the_same_site_as_one_process(project, org, capsys):
    extra = ["--org", org] if org else []
    assert build("one", "--jobs", "1", *extra) == 0, capsys.readouterr().err
    assert "building the pages in" not in capsys.readouterr().err
    assert main(["build", "--strict", "--site-dir", "two", "--jobs", "2", *extra]) == 0
    err = capsys.readouterr().err
    assert "rmhandbook: building the pages in 2 processes" in err, err
    one, two = (project / name / (org or "") for name in ("one", "two"))
    a, b = snapshot(one), snapshot(two)
    assert len(a) > 150  # a whole site: pages, assets, search index
    assert sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k)) == []
    # the joined search index lists the pages in the order one process writes them
    docs = json.loads((two / "search" / "search_index.json").read_text())["docs"]
    assert docs[0]["location"] == ""
    assert leftovers(project, "two") == []  # the shares' folders are gone


def test_a_broken_link_in_another_share_fails_the_build(project, capsys):
    assert build("site", "--jobs", "2") == 0
    before = snapshot(project / "site")
    capsys.readouterr()
    # two pages of the site's own: the second goes to the second process
    (project / "content" / "a-notes.md").write_text("# Notes\n\nNothing to see.\n")
    (project / "content" / "b-notes.md").write_text(
        '# More notes\n\n<a href="../steps/first-meeting/#no-such-heading">the plan</a>\n')
    assert build("site", "--jobs", "2") == 1
    err = capsys.readouterr().err
    assert "b-notes/index.html: broken link `../steps/first-meeting/#no-such-heading`" in err, err
    assert "has no anchor `#no-such-heading`" in err
    assert snapshot(project / "site") == before
    assert leftovers(project, "site") == []


def test_a_warning_in_another_share_is_reported_and_fails_strict(project, capsys, caplog):
    (project / "content" / "a-notes.md").write_text("# Notes\n\nNothing to see.\n")
    (project / "content" / "b-notes.md").write_text("# More notes\n\nSee [the plan](no-such-page.md).\n")
    caplog.set_level(logging.WARNING, logger="mkdocs")
    assert build("site", "--jobs", "2") == 1
    err = capsys.readouterr().err
    assert "strict mode" in err, err
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("b-notes.md" in w and "no-such-page.md" in w for w in warnings), warnings
    assert not (project / "site").exists()
    assert leftovers(project, "site") == []


def test_checklist_pdfs_and_a_sites_own_nav_build_in_one_process(project):
    from mkdocs.config import load_config

    text = (project / "mkdocs.yml").read_text()
    (project / "pdfs.yml").write_text(text.replace("content_dir: content", "content_dir: content\n      checklist_pdfs: true"))
    assert sites.shares_for(load_config(str(project / "pdfs.yml")), {}, jobs=2) == 1
    (project / "nav.yml").write_text(text + "nav:\n  - index.md\n")
    assert sites.shares_for(load_config(str(project / "nav.yml")), {}, jobs=2) == 1


def test_ctrl_c_in_a_split_build_keeps_the_previous_site_and_leaves_nothing_behind(project, monkeypatch, capsys):
    assert build("site", "--jobs", "2") == 0
    before = snapshot(project / "site")
    real = sites._build_share

    def interrupted(cfg, share):
        if share.index == 0:  # this process's share: the other one is running in its own process
            raise KeyboardInterrupt
        return real(cfg, share)

    monkeypatch.setattr(sites, "_build_share", interrupted)
    assert build("site", "--jobs", "2") == 130  # the CLI's status for Ctrl-C
    assert "Traceback" not in capsys.readouterr().err
    assert snapshot(project / "site") == before
    assert leftovers(project, "site") == []
