"""The whole handbook on one page, printed by Chromium as a reader prints it (render/book.py).

A4 from the default site, German on an organization's site (its words, brand and language), and
Letter through `rmhandbook checklists --pdf`, which writes `handbook.pdf`. Each PDF is read back
with poppler: the cover comes first and alone, every chapter starts at the top of a page, no page
is blank, and the pages after the cover say "Page N of M".
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from harness import PAGE_SIZE, REPO, build_site, poppler, save_artifact, serve_directory

from rmhandbook import cli
from rmhandbook.core.handbook import load_handbook
from rmhandbook.render.messages import Messages

SCAFFOLD = REPO / "rmhandbook" / "outputs" / "scaffold" / "content"


def print_book(page_factory, site: Path, name: str) -> Path:
    with serve_directory(site) as url:
        page, requests = page_factory(url + "handbook/")
        page.wait_for_selector(".rmh-print-button", state="visible", timeout=10000)  # the screen shows a Print button
        save_artifact(f"{name}-screen.png", page.screenshot())
        page.emulate_media(media="print")
        pdf = site.parent / f"{name}.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    save_artifact(f"{name}.pdf", pdf.read_bytes())
    return pdf


def pages_of(pdf: Path) -> list[list[str]]:
    """Each printed page's lines of text, without blank lines."""
    text = poppler("pdftotext", "-enc", "UTF-8", str(pdf), "-")
    return [[line.strip() for line in page.splitlines() if line.strip()] for page in text.split("\f")[:-1]]


def check_book(pdf: Path, paper: str, program: str, msg: Messages, chapters: list[str]) -> list[list[str]]:
    info = poppler("pdfinfo", str(pdf))
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    size = tuple(round(float(v)) for v in re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M).groups())
    assert size == PAGE_SIZE[paper]
    pages = pages_of(pdf)
    assert len(pages) == count
    # the cover first, alone: the program's brand, the book's title and its contents, no running header or page number
    assert pages[0][:2] == [program, msg("book_title")], pages[0][:3]
    assert not any(re.search(r"\d+ .* \d+$", line) and str(count) in line for line in pages[0])
    # every chapter starts at the top of a page: the running header (the program), then its title
    tops = [page[1] if len(page) > 1 else "" for page in pages]
    assert msg("book_contents") in pages[0]  # the contents are on the cover
    for title in chapters:
        assert title in tops, f"no page starts with the chapter {title!r}; page tops: {tops}"
    assert tops.index(chapters[0]) == 1
    starts = [tops.index(title) for title in chapters]
    assert starts == sorted(starts), "chapters print out of order"
    # no blank page, and "Page N of M" on every page after the cover
    page_of = msg("page_of")
    for number, page in enumerate(pages[1:], 2):
        footer = page_of.replace("{page}", str(number)).replace("{pages}", str(count))
        assert footer in page, f"page {number} has no footer {footer!r}"
        assert [line for line in page if line not in (program, footer)], f"page {number} is blank"
    return pages


def chapter_titles(handbook, msg: Messages) -> list[str]:
    titles = [msg("overview"), msg("steps")]
    titles += [msg("sessions")] if handbook.sessions else []
    titles += [msg("scripts"), msg("pitfalls"), msg("faq_title")]
    titles += [msg("glossary")] if handbook.glossary else []
    return titles + [msg("book_documents")]


def look_at(pdf: Path, name: str, last: int = 4) -> None:
    """The first pages as PNGs next to the PDF (test-artifacts/), for a person to look at."""
    prefix = pdf.parent / name
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", str(last), str(pdf), str(prefix)], check=True)
    for png in sorted(pdf.parent.glob(f"{name}-*.png")):
        save_artifact(png.name, png.read_bytes())


def test_the_whole_handbook_prints_on_a4(default_site, page_factory):
    handbook = load_handbook(REPO / "content")
    msg = Messages()
    pdf = print_book(page_factory, default_site, "book-a4")
    pages = check_book(pdf, "a4", handbook.program.name, msg, chapter_titles(handbook, msg))
    # a sensible length: more than a page per chapter, not a page per paragraph
    items = len(handbook.steps) + len(handbook.scripts) + len(handbook.pitfalls) + len(handbook.sessions)
    assert items / 2 < len(pages) < items * 2
    # every step's title is printed, and a step never starts at the foot of a page of its chapter
    chapters = chapter_titles(handbook, msg)
    tops = [page[1] for page in pages]
    steps_chapter = pages[tops.index(msg("steps")):tops.index(chapters[chapters.index(msg("steps")) + 1])]
    text = [" ".join(page) for page in steps_chapter]
    for step in handbook.steps.values():
        assert any(step.title in t for t in text), step.title
        for page in steps_chapter:
            if step.title in page:
                assert page.index(step.title) < len(page) - 4, f"{step.title!r} is stranded at a page's foot"
    look_at(pdf, "book-a4")


@pytest.fixture(scope="module")
def rheinau_site(tmp_path_factory) -> Path:
    return build_site(REPO / "mkdocs.yml", tmp_path_factory.mktemp("book-rheinau") / "site", organization="rheinau")


def test_an_organization_prints_its_own_handbook_in_german(rheinau_site, page_factory):
    handbook = load_handbook(REPO / "content")
    msg = Messages("de")
    pdf = print_book(page_factory, rheinau_site, "book-rheinau")
    pages = check_book(pdf, "a4", "Das Tandem-Programm", msg, chapter_titles(handbook, msg))
    text = " ".join(" ".join(page) for page in pages)
    assert "Digital-Lotse" in text and "Vorstandspatin" in text  # the organization's words
    assert "Stadtwerke Rheinau" in text or "Tandem" in pages[0][0]
    assert "Das ganze Handbuch" in pages[0]
    look_at(pdf, "book-rheinau", last=3)


def test_checklists_pdf_writes_the_whole_handbook_on_letter(tmp_path):
    out = tmp_path / "pdf"
    assert cli.main(["checklists", "--pdf", "--paper", "letter", "--out", str(out), "--content", str(SCAFFOLD)]) == 0
    handbook = load_handbook(SCAFFOLD)
    msg = Messages()
    pdf = out / "handbook.pdf"
    check_book(pdf, "letter", handbook.program.name, msg, chapter_titles(handbook, msg))
    save_artifact("book-letter.pdf", pdf.read_bytes())
