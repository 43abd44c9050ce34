"""`rmhandbook serve` rebuilds when a YAML file changes, and only re-reads what changed."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
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


@contextmanager
def _serving(project: Path):
    """`rmhandbook serve` on a copy of the scaffold handbook in `project`: yields the server's
    base URL and a list that receives everything it printed once it has stopped."""
    shutil.copytree(SCAFFOLD, project / "content")
    (project / "mkdocs.yml").write_text("site_name: T\ndocs_dir: content\ntheme:\n  name: material\n  font: false\n"
                                        "plugins:\n  - search\n  - rmhandbook\n")
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "rmhandbook", "serve", "-a", f"127.0.0.1:{port}"],
                            cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output: list[str] = []
    try:
        base = f"http://127.0.0.1:{port}"
        assert _wait_for(lambda: "Hold the first meeting" in _get(f"{base}/steps/first-meeting/"), 60), \
            "the server did not come up"
        yield base, output
    finally:
        proc.terminate()
        output.append(proc.communicate(timeout=20)[0])


def test_serve_rebuilds_after_a_yaml_edit(tmp_path):
    with _serving(tmp_path) as (base, output):
        url = f"{base}/steps/first-meeting/"
        step = tmp_path / "content" / "steps" / "first-meeting.yml"
        step.write_text(step.read_text().replace("title: Hold the first meeting", "title: Hold the opening meeting"))
        saved = time.monotonic()
        assert _wait_for(lambda: "Hold the opening meeting" in _get(url), 30), "the edit never reached the page"
        print(f"\nlive reload: {time.monotonic() - saved:.2f} s from save to served page (poll interval 0.1 s)")
    out = output[0]
    # the rebuild re-read only the edited file
    assert "rmhandbook: content: 1 file(s) parsed, 1 validated, 6 unchanged and reused" in out, out[-2000:]


def test_serve_shows_the_content_errors_in_the_browser_and_recovers_when_they_are_fixed(tmp_path):
    """A broken file must not leave the browser waiting: every page shows the diagnostics, and the
    handbook comes back after the fix."""
    with _serving(tmp_path) as (base, output):
        url = f"{base}/steps/first-meeting/"
        step = tmp_path / "content" / "steps" / "first-meeting.yml"
        good = step.read_text()
        step.write_text(good.replace("title: Hold the first meeting", "title: Hold: the first meeting"))
        assert _wait_for(lambda: "The handbook has errors" in _get(url), 30), "no error page"
        page = _get(url)
        assert "steps/first-meeting.yml:" in page and "error:" in page
        assert "The handbook has errors" in _get(f"{base}/")
        step.write_text(good)
        assert _wait_for(lambda: "Hold the first meeting" in _get(url), 30), "the handbook did not come back"
    assert "the content has errors" in output[0]
