"""Regenerate the screenshots in the README and the docs (docs/src/images/) from freshly built sites.

    .venv/bin/python scripts/screenshots.py            # all of them
    .venv/bin/python scripts/screenshots.py step home  # some

It builds the default handbook (and the Rheinau example organization for `org-home`) with the same
helpers as the browser tests (tests/harness.py: Debian's Chromium, a local server, nothing fetched
from another host), opens each page as a reader would and writes PNGs. Look at every one before
committing them.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from harness import RequestLog, build_site, launch_browser, serve_directory  # noqa: E402

IMAGES = REPO / "docs" / "src" / "images"
DESKTOP = {"viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def fill_calendar(page) -> None:
    page.fill("#rmh-cal-start", "2026-03-03")
    page.fill("#rmh-cal-time", "10:00")
    page.fill("#rmh-cal-zone", "Europe/Berlin")
    page.wait_for_selector(".rmh-calendar__dates li")
    page.locator(".rmh-calendar").scroll_into_view_if_needed()


def tick_first_three(page) -> None:
    for box in page.locator("input.rmh-check").all()[:3]:
        box.check()


def program_started_six_weeks_ago(page) -> None:
    """A start date that puts today in week 7, so the timeline shows "you are here"."""
    start = page.evaluate("() => { const d = new Date(Date.now() - 42 * 864e5); return d.toISOString().slice(0, 10); }")
    page.fill("#rmh-tl-start", start)
    page.locator(".rmh-tl__here").first.wait_for(state="attached")
    page.evaluate("document.getElementById('timeline').scrollIntoView(); window.scrollBy(0, -70)")


# name: (site, path, context options, set-up before the picture, full page)
SHOTS = {
    "step": ("default", "steps/first-meeting/", DESKTOP, None, False),
    "home": ("default", "", DESKTOP, None, False),
    "timeline": ("default", "overview/", DESKTOP, program_started_six_weeks_ago, False),
    "card": ("default", "checklists/cards/mentor/", DESKTOP, None, False),
    "sessions": ("default", "sessions/", DESKTOP, fill_calendar, False),
    "checklist-phone": ("default", "checklists/roles/mentor/", PHONE, tick_first_three, False),
    "org-home": ("rheinau", "", DESKTOP, None, False),
}


def main(argv: list[str]) -> int:
    wanted = argv or list(SHOTS)
    unknown = [name for name in wanted if name not in SHOTS]
    if unknown:
        print(f"unknown screenshot(s): {', '.join(unknown)}; known: {', '.join(SHOTS)}", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        sites = {}
        for site in sorted({SHOTS[name][0] for name in wanted}):
            options = {} if site == "default" else {"organization": site}
            sites[site] = build_site(REPO / "mkdocs.yml", Path(tmp) / site, **options)
        with sync_playwright() as p:
            browser = launch_browser(p)
            try:
                for name in wanted:
                    site, path, options, setup, full = SHOTS[name]
                    with serve_directory(sites[site]) as url:
                        context = browser.new_context(**options)
                        log = RequestLog()
                        page = context.new_page()
                        page.on("request", log.record)
                        page.goto(url + path, wait_until="networkidle")
                        if setup:
                            setup(page)
                        page.evaluate("document.fonts.ready")
                        target = IMAGES / f"screenshot-{name}.png"
                        page.screenshot(path=str(target), full_page=full)
                        context.close()
                        if log.outside:
                            print(f"{name}: the page asked another host for {log.outside}", file=sys.stderr)
                            return 1
                        print(target.relative_to(REPO))
            finally:
                browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
