"""Atomic builds: a failure at any point leaves the previous site byte for byte, and no temporary folders.

Every test starts from a site published by a successful `rmhandbook build`,
then makes the next build fail in one way, and compares the folder with a
snapshot (paths, modes and SHA-256 of every file).
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from rmhandbook import publish
from rmhandbook.cli import main
from rmhandbook.scaffold import MKDOCS_YML

from sitecompare import leftovers, snapshot

SCAFFOLD = Path(__file__).resolve().parents[1] / "rmhandbook" / "scaffold" / "content"


@pytest.fixture
def project(tmp_path, monkeypatch):
    shutil.copytree(SCAFFOLD, tmp_path / "content")
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML.format(name="Atomic"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def build(*extra: str) -> int:
    return main(["build", "--quiet", "--site-dir", "site", *extra])


@pytest.fixture
def published(project, capsys):
    assert build("--strict") == 0, capsys.readouterr().err
    capsys.readouterr()
    return project / "site"


def test_a_published_site_has_normal_permissions_and_replaces_the_old_one(published):
    (published / "stale.html").write_text("from an older build")
    os.chmod(published, 0o700)
    assert build("--strict") == 0
    assert not (published / "stale.html").exists()
    assert stat.S_IMODE(published.stat().st_mode) == 0o755
    modes = {stat.S_IMODE(p.stat().st_mode) for p in published.rglob("*") if p.is_dir()}
    assert modes == {0o755}
    modes = {stat.S_IMODE(p.stat().st_mode) for p in published.rglob("*") if p.is_file()}
    assert modes == {0o644}
    assert (published / "steps" / "first-meeting" / "index.html").is_file()
    assert leftovers(published.parent, "site") == []


def _break_content(project: Path, monkeypatch) -> None:
    (project / "content" / "steps" / "first-meeting.yml").write_text("title: [unclosed\n")


def _strict_warning(project: Path, monkeypatch) -> None:
    # a content warning (` #` cuts the title short): MkDocs writes every page, then --strict fails
    path = project / "content" / "steps" / "first-meeting.yml"
    path.write_text(path.read_text().replace("title: Hold the first meeting", "title: Hold meeting #1 together"))


def _broken_raw_html_link(project: Path, monkeypatch) -> None:
    (project / "content" / "notes.md").write_text('# Notes\n\n<a href="../steps/no-such-step/">the plan</a>\n')


def _exception_mid_build(project: Path, monkeypatch) -> None:
    import mkdocs.commands.build as mkdocs_build

    real = mkdocs_build._build_page
    calls = []

    def flaky(page, *args, **kwargs):
        calls.append(page)
        if len(calls) == 3:
            raise RuntimeError("disk on fire")
        return real(page, *args, **kwargs)

    monkeypatch.setattr(mkdocs_build, "_build_page", flaky)


def _interrupt_mid_build(project: Path, monkeypatch) -> None:
    import mkdocs.commands.build as mkdocs_build

    real = mkdocs_build._build_page
    calls = []

    def interrupted(page, *args, **kwargs):
        calls.append(page)
        if len(calls) == 5:
            raise KeyboardInterrupt
        return real(page, *args, **kwargs)

    monkeypatch.setattr(mkdocs_build, "_build_page", interrupted)


def _interrupt_after_everything_was_written(project: Path, monkeypatch) -> None:
    from rmhandbook.plugin import RmHandbookPlugin

    def interrupted(self, config):
        assert (Path(config.site_dir) / "index.html").is_file()  # the staging folder is complete
        raise KeyboardInterrupt

    monkeypatch.setattr(RmHandbookPlugin, "on_post_build", interrupted)


FAILURES = {
    "content-error": (_break_content, 1, "not valid YAML"),
    "strict-warning": (_strict_warning, 1, "Aborted with 1 warnings in strict mode!"),
    "broken-raw-html-link": (_broken_raw_html_link, 1,
                             "notes/index.html: broken link `../steps/no-such-step/`: there is no "
                             "`steps/no-such-step/index.html` in the site"),
    "exception-mid-build": (_exception_mid_build, 3, "internal error (RuntimeError: disk on fire)"),
    "interrupt-mid-build": (_interrupt_mid_build, 130, ""),
    "interrupt-before-publishing": (_interrupt_after_everything_was_written, 130, ""),
}


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failed_build_leaves_the_previous_site_untouched(failure, published, monkeypatch, capsys):
    before = snapshot(published)
    assert len(before) > 20
    make_it_fail, status, message = FAILURES[failure]
    make_it_fail(published.parent, monkeypatch)
    assert build("--strict") == status
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert snapshot(published) == before
    assert leftovers(published.parent, "site") == []


def test_the_first_build_failing_leaves_no_site_at_all(project, capsys):
    _broken_raw_html_link(project, None)
    assert build() == 1
    assert "broken link" in capsys.readouterr().err
    assert sorted(p.name for p in project.iterdir()) == ["content", "mkdocs.yml"]


def test_an_interrupt_during_the_swap_puts_the_previous_site_back(tmp_path, monkeypatch):
    target = tmp_path / "site"
    target.mkdir()
    (target / "index.html").write_text("old")
    before = snapshot(target)
    real_rename = os.rename
    calls = []

    def rename(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:  # the old site is moved aside; the new one is not yet in place
            raise KeyboardInterrupt
        return real_rename(src, dst)

    monkeypatch.setattr(publish.os, "rename", rename)
    with pytest.raises(KeyboardInterrupt):
        with publish.atomic_directory(target) as staging:
            (staging / "index.html").write_text("new")
    assert snapshot(target) == before
    assert leftovers(tmp_path, "site") == []


def test_ctrl_c_during_the_swap_is_held_until_it_is_done(tmp_path, monkeypatch):
    import signal

    target = tmp_path / "site"
    target.mkdir()
    (target / "index.html").write_text("old")
    real_rename = os.rename

    def rename(src, dst):
        real_rename(src, dst)
        os.kill(os.getpid(), signal.SIGINT)  # arrives between the two renames

    monkeypatch.setattr(publish.os, "rename", rename)
    with pytest.raises(KeyboardInterrupt):
        with publish.atomic_directory(target) as staging:
            (staging / "index.html").write_text("new")
    assert (target / "index.html").read_text() == "new"  # the swap finished, then the interrupt was raised
    assert leftovers(tmp_path, "site") == []
