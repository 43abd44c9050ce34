"""Builds that were killed outright (SIGKILL) leave temporary folders; the next build removes them.

The killed builds are real processes: each enters `atomic_directory` (and, for
the swap, stops between its two renames), says it is ready, and is killed with
SIGKILL, so nothing of ours runs after the kill. Live builds hold their folders
in other processes while this one sweeps.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rmhandbook.outputs import publish
from rmhandbook.cli import main

from sitecompare import leftovers, snapshot
from test_atomic_build import project  # noqa: F401 - the fixture

REPO = Path(__file__).resolve().parents[1]

# argv: target, ready-marker, stage ("build": sleep inside atomic_directory; "swap": sleep between
# moving the old site aside and moving the new one in)
BUILDER = """
import os, sys, time
from pathlib import Path
from rmhandbook.outputs import publish

target, ready, stage = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
real_rename = os.rename

def rename(src, dst):
    real_rename(src, dst)
    if Path(dst).name == "site" and Path(dst).parent.name.startswith("." + target.name + ".old-"):
        ready.write_text("swapping")
        time.sleep(600)

if stage == "swap":
    publish.os.rename = rename
with publish.atomic_directory(target) as staging:
    (staging / "index.html").write_text("new, from process %d" % os.getpid())
    if stage == "build":
        ready.write_text(str(staging))
        time.sleep(600)
"""


class Builder:
    """A build of `target` in another process, stopped at `stage` until it is killed."""

    def __init__(self, target: Path, stage: str, tmp_path: Path):
        self.ready = tmp_path / f"ready-{stage}-{time.monotonic_ns()}"
        self.proc = subprocess.Popen([sys.executable, "-c", BUILDER, str(target), str(self.ready), stage],
                                     cwd=REPO, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while not self.ready.exists():
            if self.proc.poll() is not None:
                pytest.fail(f"the build process ended early: {self.proc.stderr.read()}")
            if time.monotonic() > deadline:
                self.kill()
                pytest.fail("the build process did not get ready within 60 s")
            time.sleep(0.02)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.proc.stderr.close()
        assert self.proc.returncode == -signal.SIGKILL


@pytest.fixture
def builders(tmp_path):
    started: list[Builder] = []

    def start(target: Path, stage: str) -> Builder:
        started.append(Builder(target, stage, tmp_path))
        return started[-1]

    yield start
    for b in started:
        if b.proc.poll() is None:
            b.kill()


def published_site(parent: Path) -> Path:
    target = parent / "site"
    (target / "assets").mkdir(parents=True)
    (target / "index.html").write_text("the previous site")
    (target / "assets" / "x.css").write_text("p {}")
    return target


def test_the_next_build_removes_what_a_killed_build_left(project, builders, capsys):  # noqa: F811
    target = project / "site"
    builders(target, "build").kill()
    first = leftovers(project, "site")
    assert len(first) == 1 and first[0].startswith(".site.building-")
    builders(target, "build").kill()  # it removed the first one's folder before making its own
    second = leftovers(project, "site")
    assert len(second) == 1 and second[0].startswith(".site.building-") and second != first

    assert main(["build", "--quiet", "--site-dir", "site"]) == 0, capsys.readouterr().err
    assert leftovers(project, "site") == []
    assert (target / "steps" / "first-meeting" / "index.html").is_file()


def test_a_build_killed_during_the_swap_gets_its_previous_site_back(tmp_path, builders):
    target = published_site(tmp_path)
    before = snapshot(target)
    builders(target, "swap").kill()
    assert not target.exists()  # killed between the two renames: the previous site is in .site.old-*/site
    assert sorted(n.split("-")[0] for n in leftovers(tmp_path, "site")) == [".site.building", ".site.old"]

    # the next build fails: the previous site is there, as it was, and nothing else
    with pytest.raises(RuntimeError):
        with publish.atomic_directory(target):
            assert snapshot(target) == before
            raise RuntimeError("this build fails too")
    assert snapshot(target) == before
    assert leftovers(tmp_path, "site") == []


def test_a_live_build_in_another_process_keeps_its_folders(tmp_path, builders):
    target = published_site(tmp_path)
    building = builders(target, "build")
    staging = Path(building.ready.read_text())
    assert (staging / "index.html").is_file()

    with publish.atomic_directory(target) as mine:
        (mine / "index.html").write_text("mine")
    assert (target / "index.html").read_text() == "mine"
    assert (staging / "index.html").read_text() == f"new, from process {building.proc.pid}"

    swapping = builders(target, "swap")  # moved the site aside, holds it in .site.old-*
    assert not target.exists()
    kept = set(leftovers(tmp_path, "site"))
    publish._sweep_leftovers(target.resolve())
    assert set(leftovers(tmp_path, "site")) == kept  # nothing removed, and the moved site not taken back
    assert not target.exists()

    building.kill()
    swapping.kill()
    publish._sweep_leftovers(target.resolve())
    assert leftovers(tmp_path, "site") == []
    assert (target / "index.html").read_text() == "mine"  # put back from the killed swap


def test_a_build_in_the_same_process_keeps_its_folder(tmp_path):
    target = published_site(tmp_path)
    with publish.atomic_directory(target) as outer:
        (outer / "index.html").write_text("outer")
        with publish.atomic_directory(target) as inner:  # its sweep must not take the outer's folder
            (inner / "index.html").write_text("inner")
        assert (outer / "index.html").read_text() == "outer"
    assert (target / "index.html").read_text() == "outer"
    assert leftovers(tmp_path, "site") == []


def test_a_folder_swept_before_its_build_locked_it_is_made_again(tmp_path, monkeypatch):
    target = published_site(tmp_path).resolve()
    real_mkdir = os.mkdir
    made: list[str] = []

    def mkdir(path, mode=0o777):
        real_mkdir(path, mode)
        made.append(os.path.basename(path))
        if len(made) == 1:  # another build sweeps in the moment before this one locks its folder
            publish._sweep_leftovers(target)

    monkeypatch.setattr(publish.os, "mkdir", mkdir)
    with publish.atomic_directory(target) as staging:
        assert len(made) == 2 and staging.name == made[1]
        assert not (tmp_path / made[0]).exists()
        (staging / "index.html").write_text("new")
    assert (target / "index.html").read_text() == "new"
    assert leftovers(tmp_path, "site") == []


def test_nothing_but_our_own_leftovers_is_removed(tmp_path):
    target = published_site(tmp_path)
    hex16 = "0123456789abcdef"
    keep = [".site.building-notours", f".site.building-{hex16}0", f".site.old-{hex16.upper()}",
            f".site.building-{hex16}.bak", f".other.building-{hex16}", f"site.building-{hex16}",
            f".site.staging-{hex16}"]
    for name in keep:
        (tmp_path / name).mkdir()
        (tmp_path / name / "keep.txt").write_text("not ours")
    (tmp_path / f".site.old-{'1' * 16}").write_text("a file, not a folder")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "keep.txt").write_text("not ours")
    (tmp_path / f".site.building-{'2' * 16}").symlink_to(tmp_path / "elsewhere")
    dead = tmp_path / f".site.building-{hex16}"
    dead.mkdir()
    (dead / "index.html").write_text("half a site")

    publish._sweep_leftovers(target.resolve())
    assert not dead.exists()
    for name in keep:
        assert (tmp_path / name / "keep.txt").read_text() == "not ours"
    assert (tmp_path / f".site.old-{'1' * 16}").read_text() == "a file, not a folder"
    assert (tmp_path / f".site.building-{'2' * 16}" / "keep.txt").read_text() == "not ours"
    assert (target / "index.html").read_text() == "the previous site"
