from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness import REPO, RequestLog, build_site, launch_browser, serve_directory

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

SCAFFOLD_CONTENT = REPO / "rmhandbook" / "outputs" / "scaffold" / "content"
DEFAULT_CONTENT = REPO / "content"


@pytest.fixture(scope="session")
def default_site(tmp_path_factory) -> Path:
    """The default handbook, built once per run from the repository's mkdocs.yml with --strict."""
    return build_site(REPO / "mkdocs.yml", tmp_path_factory.mktemp("default") / "site")


@pytest.fixture(scope="session")
def default_server(default_site) -> str:
    with serve_directory(default_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_browser(p)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page_factory(browser):
    """open(url, **context_options) -> (page, requests); fails the test on any outside request."""
    contexts = []
    logs: list[RequestLog] = []

    def open_page(url: str, **options):
        context = browser.new_context(**options)
        contexts.append(context)
        log = RequestLog()
        logs.append(log)
        page = context.new_page()
        page.on("request", log.record)
        page.goto(url, wait_until="networkidle")
        return page, log

    yield open_page
    for context in contexts:
        context.close()
    outside = [u for log in logs for u in log.outside]
    assert not outside, f"the site made requests to other hosts: {outside}"
