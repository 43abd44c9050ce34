"""`rmhandbook serve` rebuilds when a YAML file changes, and only re-reads what changed."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from harness import REPO

SCAFFOLD = REPO / "rmhandbook" / "outputs" / "scaffold" / "content"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 - our own server on 127.0.0.1
        return r.read().decode()


def _wait_for(predicate, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def test_serve_rebuilds_after_a_yaml_edit(tmp_path):
    shutil.copytree(SCAFFOLD, tmp_path / "content")
    (tmp_path / "mkdocs.yml").write_text("site_name: T\ndocs_dir: content\ntheme:\n  name: material\n  font: false\n"
                                         "plugins:\n  - search\n  - rmhandbook\n")
    port = _free_port()
    url = f"http://127.0.0.1:{port}/steps/first-meeting/"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "rmhandbook", "serve", "-a", f"127.0.0.1:{port}"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert _wait_for(lambda: "Hold the first meeting" in _get(url), 60), "the server did not come up"
        step = tmp_path / "content" / "steps" / "first-meeting.yml"
        step.write_text(step.read_text().replace("title: Hold the first meeting", "title: Hold the opening meeting"))
        saved = time.monotonic()
        assert _wait_for(lambda: "Hold the opening meeting" in _get(url), 30), "the edit never reached the page"
        print(f"\nlive reload: {time.monotonic() - saved:.2f} s from save to served page (poll interval 0.1 s)")
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    # the rebuild re-read only the edited file
    assert "rmhandbook: content: 1 file(s) parsed, 1 validated, 6 unchanged and reused" in out, out[-2000:]


def test_serve_shows_the_content_errors_in_the_browser_and_recovers_when_they_are_fixed(tmp_path):
    """A broken file must not leave the browser waiting: every page shows the diagnostics, and the
    handbook comes back after the fix."""
    shutil.copytree(SCAFFOLD, tmp_path / "content")
    (tmp_path / "mkdocs.yml").write_text("site_name: T\ndocs_dir: content\ntheme:\n  name: material\n  font: false\n"
                                         "plugins:\n  - search\n  - rmhandbook\n")
    port = _free_port()
    url = f"http://127.0.0.1:{port}/steps/first-meeting/"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "rmhandbook", "serve", "-a", f"127.0.0.1:{port}"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    step = tmp_path / "content" / "steps" / "first-meeting.yml"
    good = step.read_text()
    try:
        assert _wait_for(lambda: "Hold the first meeting" in _get(url), 60), "the server did not come up"
        step.write_text(good.replace("title: Hold the first meeting", "title: Hold: the first meeting"))
        started = time.monotonic()
        assert _wait_for(lambda: "The handbook has errors" in _get(url), 30), "no error page"
        assert time.monotonic() - started < 30
        page = _get(url)
        assert "steps/first-meeting.yml:" in page and "error:" in page
        assert "The handbook has errors" in _get(f"http://127.0.0.1:{port}/")
        step.write_text(good)
        assert _wait_for(lambda: "Hold the first meeting" in _get(url), 30), "the handbook did not come back"
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert "the content has errors" in out
