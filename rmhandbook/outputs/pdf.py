"""Print checklist pages of a built site to PDF with headless Chromium.

The PDF engine is a real browser printing the same pages, with the same
print stylesheet, that a facilitator prints from the site. Playwright (the
optional extra `rmhandbook[pdf]`) drives an installed Chromium; no browser
is ever downloaded. Nothing here is needed to build or browse the site.

Core module: no MkDocs import. Problems are raised as `PdfError` with a
message a person can act on; callers turn it into exit status 1.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from rmhandbook.render.book import BOOK_PATH
from rmhandbook.render.printing import PAPER_PDF_FORMAT

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-quic",
)


class PdfError(Exception):
    """PDFs could not be written; the message says why and what to do."""


def chromium_path() -> Path:
    return Path(os.environ.get("RMHANDBOOK_CHROMIUM") or DEFAULT_CHROMIUM)


def page_file(site_dir: Path, src_uri: str, use_directory_urls: bool = True) -> Path:
    """The HTML file MkDocs writes for a page (`checklists/packs/mentor.md` -> .../mentor/index.html)."""
    stem = src_uri[:-3] if src_uri.endswith(".md") else src_uri
    if stem == "index" or stem.endswith("/index") or not use_directory_urls:
        return site_dir / f"{stem}.html"
    return site_dir / stem / "index.html"


def check_pdf_engine() -> None:
    """Raise `PdfError` unless Playwright and a Chromium are installed; cheap, so callers
    check before building anything."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        raise PdfError("PDFs need Playwright's Python package: pip install 'rmhandbook[pdf]' "
                       "(it drives an installed Chromium and downloads no browser).") from None
    executable = chromium_path()
    if not executable.is_file():
        raise PdfError(f"PDFs need Chromium, and `{executable}` does not exist. Install it "
                       "(Debian: apt-get install chromium) or set RMHANDBOOK_CHROMIUM to its path.")


def write_pdfs(jobs: Sequence[tuple[Path, Path]], paper: str) -> list[Path]:
    """Print each (HTML file, PDF file) job; returns the PDFs written.

    Pages are opened from disk; any request that would leave the machine is
    refused, so a PDF shows exactly what the intranet site shows.
    """
    check_pdf_engine()
    missing = [str(html) for html, _ in jobs if not html.is_file()]
    if missing:
        raise PdfError(f"cannot print pages that were not built: {', '.join(missing)}")
    # Playwright's sync API refuses to run in a thread that has an asyncio loop (a caller's
    # own Playwright session, an async server): a thread of our own never has one.
    result: dict[str, object] = {}

    def run() -> None:
        try:
            result["written"] = _print(jobs, paper)
        except BaseException as exc:  # re-raised in the caller's thread
            result["error"] = exc

    worker = threading.Thread(target=run, name="rmhandbook-pdf")
    worker.start()
    worker.join()
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result["written"]  # type: ignore[return-value]


def _print(jobs: Sequence[tuple[Path, Path]], paper: str) -> list[Path]:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    written: list[Path] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(executable), args=list(CHROMIUM_ARGS))
            try:
                context = browser.new_context()
                # only requests that would leave the machine reach Python, and are refused
                context.route(_NOT_LOCAL, lambda route: route.abort())
                page = context.new_page()
                for html, pdf in jobs:
                    page.goto(html.resolve().as_uri(), wait_until="load")
                    page.emulate_media(media="print")
                    pdf.parent.mkdir(parents=True, exist_ok=True)
                    page.pdf(path=str(pdf), format=PAPER_PDF_FORMAT[paper], prefer_css_page_size=True,
                             print_background=True)
                    written.append(pdf)
            finally:
                browser.close()
    except PlaywrightError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PdfError(f"Chromium ({executable}) failed while printing: {first_line}") from None
    return written


_NOT_LOCAL = re.compile(r"^(?!(?:file|data|blob|about):)")


def pdf_jobs(site_dir: Path, docs: Iterable, use_directory_urls: bool = True,
             out_dir: Path | None = None) -> list[tuple[Path, Path]]:
    """(page HTML, PDF path) for checklist documents; PDFs go to their site path, or flat into out_dir."""
    jobs = []
    for doc in docs:
        target = (out_dir / Path(doc.pdf).name) if out_dir is not None else site_dir / doc.pdf
        jobs.append((page_file(site_dir, doc.path, use_directory_urls), target))
    return jobs


BOOK_PDF = "handbook.pdf"


def book_job(site_dir: Path, out_dir: Path, use_directory_urls: bool = True) -> tuple[Path, Path]:
    """(page HTML, PDF path) for the whole handbook on one page (render/book.py), as `handbook.pdf` in out_dir."""
    return page_file(site_dir, BOOK_PATH, use_directory_urls), out_dir / BOOK_PDF
