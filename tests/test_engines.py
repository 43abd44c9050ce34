"""The exported project on every engine, none of them with rmhandbook installed: plain MkDocs 1.6 with
Material 9, ProperDocs and Zensical (tests/engines.py makes their environments under .cache/engines/).

Each engine's site is built once: plain MkDocs from `rmhandbook export --out` and its own
`mkdocs build --strict`; ProperDocs and Zensical through `rmhandbook build --engine`. Then the
same checks run on every site, first on the files, then in Chromium: ticks that persist across a
reload, the Copy button, the calendar download, a fill-in form's answers, print with its running
header and page numbers. An engine that cannot be installed fails these tests (with pip's reason).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from engines import ENGINES, EngineUnavailable, ensure, on_path
from harness import REPO, save_artifact, serve_directory
from rmhandbook.cli import main
from rmhandbook.core.handbook import load_handbook

pytestmark = pytest.mark.engines

HANDBOOK = load_handbook(REPO / "content")


def _project(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name in ("content", "overrides"):
        shutil.copytree(REPO / name, folder / name)
    shutil.copy(REPO / "mkdocs.yml", folder / "mkdocs.yml")
    return folder


def _engine_bin(name: str) -> Path:
    try:
        return ensure(ENGINES[name])
    except EngineUnavailable as exc:  # a failure, never a skip: the check did not run
        pytest.fail(f"engine {name} is not available, so its site was not checked: {exc}", pytrace=False)


@pytest.fixture(scope="session", params=list(ENGINES))
def engine_site(request, tmp_path_factory) -> tuple[str, Path]:
    """(engine, its built site) for the default handbook."""
    name = request.param
    bin_dir = _engine_bin(name)
    project = _project(tmp_path_factory.mktemp(f"engine-{name}") / "project")
    config = str(project / "mkdocs.yml")
    if name == "mkdocs":  # the exported project, built by hand as a user would
        assert main(["export", "-f", config, "--content", str(project / "content"),
                     "--out", str(project / "exported")]) == 0
        proc = subprocess.run([str(bin_dir / "mkdocs"), "build", "--strict"], cwd=project / "exported",
                              capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        assert proc.returncode == 0, proc.stderr
        assert "WARNING" not in proc.stderr, proc.stderr
        return name, project / "exported" / "site"
    with on_path(ENGINES[name]):
        status = main(["build", "-f", config, "--content", str(project / "content"), "--engine", name, "--strict",
                       "--site-dir", str(project / "site")])
    assert status == 0, f"rmhandbook build --engine {name} failed"
    return name, project / "site"


@pytest.fixture(scope="session")
def plugin_pages(default_site) -> set[str]:
    return {p.relative_to(default_site).as_posix() for p in default_site.rglob("index.html")}


# --- the files ---------------------------------------------------------------------------------

def test_every_engine_builds_every_page_with_the_assets(engine_site, plugin_pages):
    name, site = engine_site
    pages = {p.relative_to(site).as_posix() for p in site.rglob("index.html")}
    assert pages == plugin_pages, f"{name}: pages missing {sorted(plugin_pages - pages)[:5]}, " \
                                  f"extra {sorted(pages - plugin_pages)[:5]}"
    home = (site / "index.html").read_text()
    for asset in ("rmhandbook.css", "print.css", "page.css", "messages.js", "checklists.js", "forms.js",
                  "sessions.js"):
        assert f"assets/rmhandbook/{asset}" in home, f"{name}: the home page does not link {asset}"
        assert (site / "assets" / "rmhandbook" / asset).is_file()
    assert re.search(r"<script src=\"[^\"]*assets/rmhandbook/messages\.js\"", home)
    step = (site / "steps" / "first-meeting" / "index.html").read_text()
    assert re.search(r'<abbr title="[^"]{20,}">', step), f"{name}: no glossary hover on a step page"
    for role in HANDBOOK.roles:
        assert (site / "roles" / role / "index.html").is_file() and (site / "checklists" / "packs").is_dir()


def test_every_engine_keeps_the_whole_handbook_with_its_anchors(engine_site):
    """The book page (render/book.py) is generated, not post-processed: every engine builds it, and its
    links between items reach their anchors in the page."""
    name, site = engine_site
    book = (site / "handbook" / "index.html").read_text()
    ids = set(re.findall(r'\sid="([^"]+)"', book))
    fragments = set(re.findall(r'href="#([^"]+)"', book))
    assert {"step-first-meeting", "chapter-glossary"} <= ids & fragments, name
    assert sorted(fragments - ids) == [], f"{name}: links to anchors the page does not have"
    assert "handbook/" in (site / "index.html").read_text()


def _nav_titles(page: Path) -> list[str]:
    """The primary navigation's link texts in order (without the page's table of contents)."""
    doc = page.read_text()
    nav = doc[doc.index('<nav class="md-nav md-nav--primary"'):]
    nav = re.sub(r'<nav class="md-nav md-nav--secondary".*?</nav>', "", nav, flags=re.S)
    titles: list[str] = []
    for inner in re.findall(r'<a href="[^"#]*" class="md-nav__link[^"]*"[^>]*>(.*?)</a>', nav, re.S):
        text = " ".join(re.sub(r"<[^>]+>", " ", inner).split())
        if text and (not titles or titles[-1] != text):
            titles.append(text)
    return titles


def test_every_engine_keeps_the_nav_in_the_handbooks_order(engine_site, default_site):
    name, site = engine_site
    for page in ("index.html", "steps/index.html", "faq/index.html"):
        titles = _nav_titles(site / page)
        assert len(titles) > 10, f"{name}: {page} has almost no nav: {titles}"
        assert titles == _nav_titles(default_site / page), f"{name}: {page}"


def test_every_engine_indexes_the_pages_for_search_with_the_tag_boost(engine_site):
    name, site = engine_site
    found = [p for p in site.rglob("*.json") if "search" in p.name or p.parent.name == "search"]
    assert found, f"{name}: no search index"
    index = json.loads(found[0].read_text())
    text = json.dumps(index)
    assert "first-meeting" in text
    if name == "zensical":  # its own search, without boosts (see moving-to-zensical.md)
        assert any(item.get("tags") for item in index["items"])
        assert not any("boost" in item for item in index["items"]) and "fields" not in index["config"], \
            "Zensical now keeps search boosts: say so in docs/src/moving-to-zensical.md and test them here"
    else:  # Material's index carries the search plugin's settings
        assert index["config"]["fields"]["tags"]["boost"] == 10


# --- in Chromium -------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def engine_server(engine_site):
    name, site = engine_site
    with serve_directory(site) as url:
        yield name, url


@pytest.mark.browser
def test_ticks_persist_across_a_reload_on_every_engine(page_factory, engine_server):
    name, url = engine_server
    page, _ = page_factory(url + "steps/first-meeting/")
    items = page.locator(".rmh-checklist__item")
    assert items.count() >= 3, f"{name}: no checklist"
    items.nth(1).locator("input.rmh-check").check()
    key = items.nth(1).get_attribute("data-item")
    page.reload(wait_until="networkidle")
    checked = page.eval_on_selector_all(".rmh-checklist__item", "els => els.filter(e => "
                                        "e.querySelector('input.rmh-check').checked).map(e => e.dataset.item)")
    assert checked == [key], f"{name}: ticks were lost on reload"
    assert page.locator(".rmh-checklist-toolbar__count").inner_text().startswith("1 of")


@pytest.mark.browser
def test_copy_puts_the_script_on_the_clipboard_on_every_engine(page_factory, engine_server):
    name, url = engine_server
    page, _ = page_factory(url + "scripts/first-meeting-opener/")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
    box = page.locator(".rmh-script").first
    box.locator(".rmh-copy").click()
    page.wait_for_function("document.querySelector('.rmh-copy').textContent === 'Copied'")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert len(copied) > 100 and copied.split()[0] != "Copy", f"{name}: {copied[:80]!r}"


@pytest.mark.browser
def test_the_calendar_downloads_on_every_engine(page_factory, engine_server, tmp_path):
    name, url = engine_server
    sessions = url + "sessions/"
    page, _ = page_factory(sessions)
    assert page.locator("#rmh-cal-start").count() == 1, f"{name}: no calendar form on the session plan"
    page.fill("#rmh-cal-start", "2027-03-02")
    page.fill("#rmh-cal-time", "10:00")
    page.fill("#rmh-cal-zone", "Europe/Berlin")
    with page.expect_download() as info:
        page.click(".rmh-calendar__download")
    target = tmp_path / "plan.ics"
    info.value.save_as(target)
    text = target.read_text()
    cli_file = tmp_path / "cli.ics"  # the same plan from the command line
    assert main(["calendar", "--content", str(REPO / "content"), "--start", "2027-03-02", "--time", "10:00",
                 "--tz", "Europe/Berlin", "--out", str(cli_file)]) == 0
    cli_text = cli_file.read_text()

    def events(ics: str) -> list[tuple[str, str]]:  # (start, title) of each meeting
        return [(re.search(r"^DTSTART;TZID=.*$", e, re.M).group(0), re.search(r"^SUMMARY:.*$", e, re.M).group(0))
                for e in ics.split("BEGIN:VEVENT")[1:]]

    # the pair's track (the first by default) and the meetings every pair holds
    first_track = next(iter(HANDBOOK.tracks), None)
    meetings = [s for s in HANDBOOK.sessions.values() if s.track in (None, first_track)]
    assert text.startswith("BEGIN:VCALENDAR") and text.count("BEGIN:VEVENT") >= len(meetings)
    assert events(text) == events(cli_text), f"{name}: the downloaded plan differs from the CLI's"
    assert page.url == sessions, f"{name}: the form reloaded the page instead of downloading"


@pytest.mark.browser
def test_a_forms_answers_persist_on_every_engine(page_factory, engine_server):
    name, url = engine_server
    page, _ = page_factory(url + "forms/partnership-agreement/")
    page.get_by_label("Mentor", exact=True).fill("Ada")
    page.reload(wait_until="networkidle")
    assert page.get_by_label("Mentor", exact=True).input_value() == "Ada", f"{name}: the answer was lost"


@pytest.mark.browser
def test_print_has_the_running_header_and_page_numbers_on_every_engine(page_factory, engine_server, tmp_path):
    name, url = engine_server
    page, _ = page_factory(url + "checklists/packs/mentor/")
    page.emulate_media(media="print")
    pdf = tmp_path / f"{name}-pack.pdf"
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True, print_background=True)
    save_artifact(f"engine-{name}-pack.pdf", pdf.read_bytes())
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = [t for t in text.split("\f") if t.strip()]
    assert len(pages) >= 2, f"{name}: the pack printed {len(pages)} page(s)"
    for number, page_text in enumerate(pages, 1):
        assert HANDBOOK.program.name in page_text, f"{name}: page {number} has no running header"
        if number > 1:  # page 1 is the pack's cover: a title page, without a number
            assert "Facilitator pack: Mentor" in page_text, f"{name}: page {number}'s header does not name the pack"
            assert f"Page {number} of {len(pages)}" in page_text, f"{name}: page {number} has no page number"
    for screen_only in ("Reset", "Print blank"):
        assert screen_only not in text, f"{name}: the screen's {screen_only!r} was printed"


def test_the_docs_name_the_versions_these_tests_install():
    """The table in moving-to-zensical.md says what was tested: the versions of tests/engines.py."""
    from engines import MATERIAL, MKDOCS, PROPERDOCS, ZENSICAL

    page = (REPO / "docs" / "src" / "moving-to-zensical.md").read_text()
    assert f"| MkDocs {MKDOCS}, Material {MATERIAL}," in page
    assert f"| ProperDocs | {PROPERDOCS} (with Material {MATERIAL})" in page
    assert f"| Zensical | {ZENSICAL} |" in page and f"pip install zensical=={ZENSICAL}" in page


@pytest.mark.parametrize("name", ["properdocs", "zensical"])
def test_serve_with_an_engine_serves_the_exported_project(name, tmp_path):
    import signal
    import socket
    import sys
    import time
    import urllib.request

    bin_dir = _engine_bin(name)
    project = _project(tmp_path / "project")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "rmhandbook", "serve", "--engine", name, "-a", f"127.0.0.1:{port}"],
                            cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline, page = time.monotonic() + 240, ""
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/steps/first-meeting/", timeout=5).read().decode()
                break
            except OSError:
                time.sleep(1)
        assert "rmh-checklist" in page and "assets/rmhandbook/checklists.js" in page, \
            f"{name} serve did not serve the handbook; exit status {proc.poll()}"
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # the group this test started: rmhandbook and the engine's server
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    output = proc.stdout.read().decode() if proc.stdout else ""
    assert "does not follow edits to the content" in output


@pytest.mark.browser
def test_you_are_here_on_the_timeline_on_every_engine(page_factory, engine_server):
    """The exported timeline carries its weeks as data attributes, so the marker needs no plugin."""
    name, url = engine_server
    page, _ = page_factory(url + "overview/")
    page.clock.set_fixed_time("2027-02-18T12:00:00")
    page.reload(wait_until="networkidle")
    page.fill("#rmh-tl-start", "2027-01-04")
    status = page.locator(".rmh-tl-here__status").inner_text()
    assert status.startswith("You are here: week 7 of 30"), f"{name}: {status!r}"
    assert page.locator(".rmh-tl__here").count() == 1 and page.locator(".rmh-tl__row--now").count() >= 2, name
