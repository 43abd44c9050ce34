"""Test helpers shared by the suite: in-process builds, a local server, a real browser.

The browser is Debian's /usr/bin/chromium driven by Playwright (never a
downloaded browser). Every page opened through `open_page` records the
requests it makes, and any request that leaves 127.0.0.1 fails the test.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import logging
import os
import shutil
import threading
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("RMHANDBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-quic",
]
ARTIFACTS = REPO / "test-artifacts"


def build_site(config_file: Path, site_dir: Path, *, content_dir: Path | None = None,
               strict: bool = True, site_url: str | None = None, **plugin_options) -> Path:
    """Build a site in-process with MkDocs and the plugin; returns the site folder."""
    from mkdocs.config import load_config

    from rmhandbook.mkdocs.settings import plugin_settings
    from rmhandbook.mkdocs.sites import run_build

    overrides = dict(plugin_options)
    if content_dir is not None:
        overrides["content_dir"] = str(content_dir)
    with plugin_settings(overrides):
        extra = {"site_url": site_url} if site_url is not None else {}
        run_build(load_config(str(config_file), site_dir=str(site_dir), strict=strict, **extra))
    return site_dir


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output clean
        pass


@contextlib.contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def launch_browser(playwright):
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: install Debian's chromium "
                           "(apt-get install chromium); .ci/run does this")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


class RequestLog:
    """Every request a page makes; `outside` are those not to 127.0.0.1 (or data:/blob:)."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def record(self, request) -> None:
        self.urls.append(request.url)

    @property
    def outside(self) -> list[str]:
        bad = []
        for url in self.urls:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if parts.hostname not in ("127.0.0.1",):
                bad.append(url)
        return bad


def save_artifact(name: str, data: bytes) -> Path:
    """Keep a file (screenshot, PDF, PNG) for a person to look at after the run."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    path.write_bytes(data)
    return path


def copy_tree(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


logging.getLogger("mkdocs").setLevel(logging.WARNING)


# paper sizes in PostScript points, as pdfinfo reports them
PAGE_SIZE = {"a4": (595, 842), "letter": (612, 792)}


def poppler(*args: str) -> str:
    """The output of a poppler-utils command (pdftotext, pdfinfo, pdftoppm); a clear failure when it is missing."""
    import subprocess

    import pytest

    try:
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout
    except FileNotFoundError:
        pytest.fail(f"`{args[0]}` is missing: install poppler-utils (tests/run.sh does)")
