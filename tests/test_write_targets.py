"""No command destroys a file it did not write (outputs/targets.py).

Each case is a real command run in a temporary project (a Git repository with
content/, mkdocs.yml and a README.md): the refused target, and everything around
it, is compared byte for byte before and after, the exit status is 2 and the
message says why. Then the targets that must keep working: a new folder, a site
rmhandbook wrote (marked), a site from before the mark, and `--force`.
Organizations' sites go into their own folder and never touch the default site.
Worker processes die with their parent.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from rmhandbook.cli import main
from rmhandbook.outputs.scaffold import MKDOCS_YML
from rmhandbook.outputs.targets import MARK

from sitecompare import snapshot
from test_atomic_build import LOGO, PROFILE

REPO = Path(__file__).resolve().parents[1]
SCAFFOLD = REPO / "rmhandbook" / "outputs" / "scaffold" / "content"


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = tmp_path / "project"
    shutil.copytree(SCAFFOLD, root / "content")
    (root / "content" / "index.md").write_text("# My own home page\n", encoding="utf-8")
    org = root / "content" / "orgs" / "acme"
    org.mkdir(parents=True)
    (org / "org.yml").write_text(PROFILE.format(name="Acme"), encoding="utf-8")
    (org / "logo.svg").write_text(LOGO, encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(name="Targets"), encoding="utf-8")
    (root / "README.md").write_text("# Read me\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (tmp_path / "neighbour.txt").write_text("beside the project\n", encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def refused(argv: list[str], watched: Path, capsys, *reasons: str) -> str:
    """Run the command; it must exit 2, change nothing under `watched`, and say each of `reasons`."""
    before = snapshot(watched)
    status = main(argv)
    err = capsys.readouterr().err
    assert status == 2, err
    assert snapshot(watched) == before
    for reason in reasons:
        assert reason in err, err
    assert "Traceback" not in err
    return err


# --- build: the examples -------------------------------------------------------------

@pytest.mark.parametrize("site_dir, reason", [
    ("content", "is the content folder"),
    (".", "contains the content folder"),
    ("..", "contains the content folder"),
    ("content/steps", "is inside the content folder"),
    (".git", "is the Git folder"),
    (".git/site", "is inside the Git folder"),
])
def test_build_never_writes_over_the_project(project, capsys, site_dir, reason):
    err = refused(["build", "-q", "--site-dir", site_dir], project.parent, capsys, reason, "Choose a path")
    assert "rmhandbook build: the site folder" in err


def test_build_never_writes_over_the_organization_profiles(project, capsys):
    refused(["build", "-q", "--org", "acme", "--site-dir", "content/orgs"], project.parent, capsys,
            "is inside the content folder")


def test_build_never_turns_a_file_into_a_folder(project, capsys):
    refused(["build", "-q", "--site-dir", "README.md"], project.parent, capsys, "is a file, not a folder")


def test_build_never_writes_over_docs_dir(project, capsys):
    (project / "mkdocs.yml").write_text(MKDOCS_YML.format(name="Targets").replace("docs_dir: content",
                                                                                  "docs_dir: docs"))
    (project / "docs").mkdir()
    (project / "docs" / "page.md").write_text("# Mine\n")
    refused(["build", "-q", "--content", "content", "--site-dir", "docs"], project.parent, capsys,
            "is MkDocs' docs_dir")


def test_a_folder_of_someone_elses_files_is_refused_unless_forced(project, capsys):
    (project / "public").mkdir()
    (project / "public" / "notes.txt").write_text("mine\n")
    refused(["build", "-q", "--site-dir", "public"], project.parent, capsys,
            "holds files that rmhandbook did not write", "--force")
    assert main(["build", "-q", "--site-dir", "public", "--force"]) == 0
    assert (project / "public" / "index.html").is_file() and not (project / "public" / "notes.txt").exists()


def test_the_project_folder_is_refused_even_when_forced(project, capsys):
    refused(["build", "-q", "--site-dir", ".", "--force"], project.parent, capsys, "contains the content folder")


def test_the_refusal_is_a_usage_error_from_the_real_command(project):
    before = snapshot(project.parent)
    result = subprocess.run([sys.executable, "-m", "rmhandbook", "build", "-q", "--site-dir", "."],
                            capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 2, result.stderr
    assert snapshot(project.parent) == before
    assert "contains the content folder" in result.stderr and "Traceback" not in result.stderr


# --- build: what keeps working ---------------------------------------------------------------

def test_a_marked_site_is_replaced_and_an_unmarked_one_from_before_the_mark_too(project, capsys):
    assert main(["build", "-q"]) == 0
    site = project / "site"
    assert (site / MARK).read_text() == '{"kind": "site", "organization": null, "written_by": "rmhandbook"}\n'
    (site / "stale.html").write_text("from an older build")
    assert main(["build", "-q"]) == 0
    assert not (site / "stale.html").exists()
    (site / MARK).unlink()  # a site published before the mark existed
    assert main(["build", "-q"]) == 0
    assert (site / MARK).is_file()


def test_an_unmarked_folder_that_only_resembles_a_site_is_refused(project, capsys):
    site = project / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>my hand-written page</p>")
    (site / "sitemap.xml").write_text("<urlset/>")
    refused(["build", "-q"], project.parent, capsys, "holds files that rmhandbook did not write")


def test_an_empty_folder_is_a_fine_target(project):
    (project / "site").mkdir()
    assert main(["build", "-q"]) == 0
    assert (project / "site" / "index.html").is_file()


# --- organizations: their own folder ---------------------------------------------------------

def _org_named(project: Path, slug: str) -> None:
    shutil.copytree(project / "content" / "orgs" / "acme", project / "content" / "orgs" / slug)


def test_an_organization_called_assets_never_touches_the_default_site(project, capsys):
    _org_named(project, "assets")
    assert main(["build", "-q"]) == 0
    before = snapshot(project / "site")
    assert main(["build", "-q", "--org", "assets"]) == 0
    assert main(["build", "-q", "--org", "acme"]) == 0
    assert snapshot(project / "site") == before
    orgs = project / "site-orgs"
    assert (orgs / "assets" / "index.html").is_file() and (orgs / "acme" / "index.html").is_file()
    assert 'href="assets/"' in (orgs / "index.html").read_text()
    assert '"kind": "organizations"' in (orgs / MARK).read_text()
    assert '"organization": "assets"' in (orgs / "assets" / MARK).read_text()


def test_an_organization_never_goes_inside_the_default_site(project, capsys):
    assert main(["build", "-q"]) == 0
    refused(["build", "-q", "--org", "acme", "--site-dir", "site"], project.parent, capsys,
            "holds the default handbook's site", "never goes inside another site")
    refused(["build", "-q", "--org", "acme", "--site-dir", "site", "--force"], project.parent, capsys,
            "never goes inside another site")


def test_sites_are_not_swapped_between_handbooks(project, capsys):
    assert main(["build", "-q", "--org", "acme"]) == 0
    refused(["build", "-q", "--site-dir", "site-orgs/acme"], project.parent, capsys,
            "holds organization `acme`'s site")
    refused(["build", "-q", "--site-dir", "site-orgs"], project.parent, capsys,
            "holds a folder of organizations' sites")


def test_all_orgs_build_beside_the_default_site_and_refuse_before_building(project, capsys):
    assert main(["build", "-q"]) == 0
    before = snapshot(project / "site")
    refused(["build", "-q", "--all-orgs", "--jobs", "1", "--site-dir", "site"], project.parent, capsys,
            "never goes inside another site")
    assert main(["build", "-q", "--all-orgs", "--jobs", "1"]) == 0
    assert snapshot(project / "site") == before
    assert (project / "site-orgs" / "acme" / "index.html").is_file()


# --- the other writers -----------------------------------------------------------------------

def test_export_never_writes_into_the_content(project, capsys):
    refused(["export", "--out", "content"], project.parent, capsys, "is the content folder")
    refused(["export", "--out", "content/pages"], project.parent, capsys, "is inside the content folder")


def test_export_never_overwrites_the_sites_mkdocs_yml(project, capsys):
    refused(["export", "--out", "exported", "--mkdocs-config", "mkdocs.yml"], project.parent, capsys,
            "is the site's own configuration")
    (project / "plain.yml").write_text("site_name: mine\n")
    refused(["export", "--out", "exported", "--mkdocs-config", "plain.yml"], project.parent, capsys,
            "is not a mkdocs.yml that rmhandbook wrote")


def test_export_replaces_what_it_wrote_and_nothing_else(project, capsys):
    argv = ["export", "--out", "exported/docs", "--mkdocs-config", "exported/mkdocs.yml"]
    assert main(argv) == 0
    assert '"kind": "export"' in (project / "exported" / "docs" / MARK).read_text()
    (project / "exported" / "docs" / "stale.md").write_text("gone after the next export")
    assert main(argv) == 0
    assert not (project / "exported" / "docs" / "stale.md").exists()
    (project / "mine").mkdir()
    (project / "mine" / "page.md").write_text("# Mine\n")
    refused(["export", "--out", "mine"], project.parent, capsys, "holds files that rmhandbook did not write")


def test_checklists_never_write_over_user_files(project, capsys):
    refused(["checklists", "--pdf", "--out", "content"], project.parent, capsys, "is the content folder")
    (project / "pdf").mkdir()
    (project / "pdf" / "contract.pdf").write_bytes(b"%PDF-1.4 mine")
    refused(["checklists", "--pdf", "--out", "pdf"], project.parent, capsys,
            "holds files that rmhandbook did not write")


CALENDAR = ["calendar", "--content", str(REPO / "content"), "--start", "2026-03-02", "--time", "09:30",
            "--tz", "Europe/Berlin"]


def test_calendar_overwrites_only_a_calendar_it_wrote(project, capsys):
    refused([*CALENDAR, "--out", "README.md"], project.parent, capsys, "is not an .ics calendar that rmhandbook")
    refused([*CALENDAR, "--out", "mkdocs.yml"], project.parent, capsys, "is not an .ics calendar that rmhandbook")
    refused([*CALENDAR, "--out", "content"], project.parent, capsys, "is MkDocs' docs_dir", "meetings.ics")
    (project / "team.ics").write_bytes(b"BEGIN:VCALENDAR\r\nPRODID:-//Someone//Else//EN\r\nEND:VCALENDAR\r\n")
    refused([*CALENDAR, "--out", "team.ics"], project.parent, capsys, "is not an .ics calendar that rmhandbook")
    assert main([*CALENDAR, "--out", "meetings.ics"]) == 0
    assert main([*CALENDAR, "--out", "meetings.ics", "--minutes", "45"]) == 0
    assert b"PRODID:-//rmhandbook//" in (project / "meetings.ics").read_bytes()
    assert [p.name for p in project.iterdir() if p.name.startswith(".meetings")] == []


def test_schema_writes_its_own_folder_and_never_over_other_files(project, capsys):
    assert main(["schema"]) == 0
    assert (project / "content" / "schema" / "step.schema.json").is_file()
    assert main(["schema"]) == 0  # its own files, written again
    refused(["schema", "--out", "content"], project.parent, capsys, "is the content folder")
    refused(["schema", "--out", "README.md"], project.parent, capsys, "is a file")
    (project / "schemas").mkdir()
    (project / "schemas" / "step.schema.json").write_text('{"title": "my own"}\n')
    refused(["schema", "--out", "schemas"], project.parent, capsys, "is not a JSON Schema file that rmhandbook")
    assert main(["schema", "--out", "schemas", "--force"]) == 0
    assert '"title": "Step"' in (project / "schemas" / "step.schema.json").read_text()


# --- worker processes die with their parent ----------------------------------------------------

PARENT = textwrap.dedent("""\
    import os, sys, time
    from rmhandbook.mkdocs.sites import worker_pool

    if __name__ == "__main__":
        pool = worker_pool(2, use_kernel=sys.argv[2] == "kernel")
        futures = [pool.submit(time.sleep, 120) for _ in range(2)]
        while len(pool._processes) < 2:  # noqa: the test only needs the workers' ids
            time.sleep(0.05)
        time.sleep(1)  # the initializers have run
        with open(sys.argv[1] + ".tmp", "w") as fh:
            fh.write(" ".join(str(pid) for pid in pool._processes))
        os.replace(sys.argv[1] + ".tmp", sys.argv[1])
        time.sleep(120)
""")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process states from /proc")
@pytest.mark.parametrize("how", ["kernel", "watching-thread"])
def test_workers_die_when_their_parent_is_killed(tmp_path, how):
    script, pids_file = tmp_path / "parent.py", tmp_path / "workers"
    script.write_text(PARENT)
    parent = subprocess.Popen([sys.executable, str(script), str(pids_file), how], cwd=tmp_path)
    try:
        deadline = time.monotonic() + 60
        while not pids_file.exists():
            assert parent.poll() is None and time.monotonic() < deadline, "the parent did not start its workers"
            time.sleep(0.1)
        workers = [int(p) for p in pids_file.read_text().split()]
        assert len(workers) == 2 and all(_alive(p) for p in workers)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 5
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(p) for p in workers), "workers outlived their parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        for pid in [int(p) for p in pids_file.read_text().split()] if pids_file.exists() else []:
            if _alive(pid) and b"multiprocessing" in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.kill(pid, signal.SIGKILL)  # a worker this test started, left running by a failure


def test_a_lone_index_html_is_not_taken_for_a_folder_of_organizations(project, capsys):
    (project / "site").mkdir()
    (project / "site" / "index.html").write_text("<p>my page</p>")
    refused(["build", "-q"], project.parent, capsys, "holds files that rmhandbook did not write")
    refused(["build", "-q", "--org", "acme", "--site-dir", "site"], project.parent, capsys,
            "holds files that rmhandbook did not write")
