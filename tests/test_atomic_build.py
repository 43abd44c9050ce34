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

from rmhandbook.outputs import publish
from rmhandbook.cli import main
from rmhandbook.outputs.scaffold import MKDOCS_YML
from rmhandbook.outputs.targets import MARK  # the organizations folder's mark is no leftover

from sitecompare import leftovers, snapshot

SCAFFOLD = Path(__file__).resolve().parents[1] / "rmhandbook" / "outputs" / "scaffold" / "content"


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
    from rmhandbook.mkdocs.plugin import RmHandbookPlugin

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


# --- organizations: `build --org` and `build --all-orgs` publish the same way ------------------

LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>x</title>'
        '<rect width="10" height="10" fill="#0b6e4f"/></svg>\n')
PROFILE = """\
name: {name}
short_name: {name}
logo: logo.svg
colors:
  primary: "#0b6e4f"
  accent: "#c05621"
contact:
  name: Sam Lee
  email: sam@example.org
"""


@pytest.fixture
def orgs_published(project, capsys):
    for slug in ("acme", "globex"):
        org = project / "content" / "orgs" / slug
        org.mkdir(parents=True)
        (org / "org.yml").write_text(PROFILE.format(name=slug.title()))
        (org / "logo.svg").write_text(LOGO)
    for slug in ("acme", "globex"):
        assert build("--org", slug, "--strict") == 0, capsys.readouterr().err
    capsys.readouterr()
    return project / "site"


def _break_org(project: Path, slug: str) -> None:
    path = project / "content" / "orgs" / slug / "org.yml"
    path.write_text(path.read_text().replace('primary: "#0b6e4f"', "primary: green"))


def test_an_organizations_site_is_published_with_normal_permissions(orgs_published):
    acme = orgs_published / "acme"
    assert (acme / "steps" / "first-meeting" / "index.html").is_file()
    assert {stat.S_IMODE(p.stat().st_mode) for p in acme.rglob("*") if p.is_dir()} | \
        {stat.S_IMODE(acme.stat().st_mode)} == {0o755}
    assert {stat.S_IMODE(p.stat().st_mode) for p in acme.rglob("*") if p.is_file()} == {0o644}
    assert leftovers(orgs_published, "acme") == []


@pytest.mark.parametrize("failure", ["content-error", "exception-mid-build", "interrupt-mid-build"])
def test_a_failed_org_build_leaves_its_previous_site_untouched(failure, orgs_published, monkeypatch, capsys):
    project = orgs_published.parent
    before = snapshot(orgs_published)
    if failure == "content-error":
        _break_org(project, "acme")
        status = 1
    elif failure == "exception-mid-build":
        _exception_mid_build(project, monkeypatch)
        status = 3
    else:
        _interrupt_mid_build(project, monkeypatch)
        status = 130
    assert build("--org", "acme", "--strict") == status
    assert "Traceback" not in capsys.readouterr().err
    assert snapshot(orgs_published) == before
    assert [p.name for p in orgs_published.iterdir() if p.name.startswith(".") and p.name != MARK] == []


def test_build_all_orgs_keeps_a_failing_organizations_previous_site(orgs_published, capsys):
    project = orgs_published.parent
    acme_before = snapshot(orgs_published / "acme")
    globex_index = (orgs_published / "globex" / "index.html").stat().st_mtime_ns
    _break_org(project, "acme")
    assert main(["build", "--quiet", "--site-dir", "site", "--all-orgs", "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    assert "content/orgs/acme/org.yml:5:12: error: `primary` `green` is not valid" in err
    assert snapshot(orgs_published / "acme") == acme_before
    assert (orgs_published / "globex" / "index.html").stat().st_mtime_ns != globex_index  # rebuilt
    assert [p.name for p in orgs_published.iterdir() if p.name.startswith(".") and p.name != MARK] == []
