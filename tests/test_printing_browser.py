"""Printed pages as a facilitator gets them, in Chromium: the running header of each sheet names the
pack and the phases on it and lines up with the body on A4 and on Letter; "Done on" follows a step's
items; the pack's cover carries the site's logo, brand colour and a QR code back to the page; a step
page prints no mostly empty second page.

Geometry comes from poppler's word boxes (`pdftotext -bbox`), colours from `pdftoppm` renderings.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from harness import REPO, build_site, poppler, save_artifact

from rmhandbook.core.handbook import load_handbook
from rmhandbook.render.messages import Messages
from rmhandbook.render.pages import plain_text
from rmhandbook.render.printing import DEFAULT_BRAND_COLOR, MARGIN_MM, checklist_documents

pytestmark = pytest.mark.browser

SITE_URL = "https://intranet.example.org/mentoring/"
HANDBOOK = load_handbook(REPO / "content")
MENTOR_PACK = next(d for d in checklist_documents(HANDBOOK, Messages()) if d.kind == "pack" and d.id == "mentor")
MM = 72 / 25.4


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    """The default handbook with a site_url, on A4 and on Letter, and the Rheinau organization's site."""
    root = tmp_path_factory.mktemp("printsites")
    return {
        "a4": build_site(REPO / "mkdocs.yml", root / "a4", site_url=SITE_URL),
        "letter": build_site(REPO / "mkdocs.yml", root / "letter", site_url=SITE_URL, paper="letter"),
        "rheinau": build_site(REPO / "mkdocs.yml", root / "rheinau", site_url=SITE_URL, organization="rheinau"),
    }


def print_pages(site: Path, paper: str, pages: list[str], out: Path) -> list[Path]:
    from rmhandbook.outputs.pdf import page_file, write_pdfs

    jobs = [(page_file(site, p), out / (p.replace("/", "_").removesuffix(".md") + ".pdf")) for p in pages]
    return write_pdfs(jobs, paper)


@pytest.fixture(scope="module")
def packs(sites, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("packs")
    return {name: print_pages(site, "letter" if name == "letter" else "a4", [MENTOR_PACK.path], out / name)[0]
            for name, site in sites.items()}


def words(pdf: Path) -> list[list[tuple[float, float, float, str]]]:
    """Per page: (xMin, yMin, yMax, word) of every word."""
    pages = []
    for page in re.findall(r"<page (.*?)</page>", poppler("pdftotext", "-bbox", str(pdf), "-"), re.S):
        pages.append([(float(x), float(y0), float(y1), w) for x, y0, y1, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', page)])
    return pages


def page_texts(pdf: Path) -> list[str]:
    return [squash(t) for t in poppler("pdftotext", "-enc", "UTF-8", str(pdf), "-").split("\f")]


def header_and_body_left(page: list[tuple[float, float, float, str]]) -> tuple[float, float]:
    """The left edge of the running header (words above the body's top margin) and of the body."""
    top = MARGIN_MM["top"] * MM
    header = [x for x, y0, y1, _ in page if y1 <= top]
    body = [x for x, y0, y1, _ in page if y0 > top]
    assert header and body, "no running header or no body on this page"
    return min(header), min(body)


# --- the running header -------------------------------------------------------------------

@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_every_page_after_the_cover_names_the_pack_and_its_phases(paper, packs):
    """The pack and the phases on the page (`first – last` for more than two), then the page number."""
    texts = page_texts(packs[paper])
    assert len([t for t in texts if t]) == MENTOR_PACK.pages
    for number, sheet in enumerate(MENTOR_PACK.sheets, 2):
        text = texts[number - 1]
        phases = list(dict.fromkeys(plain_text(b.phase_title) for b in sheet))
        named = f"{phases[0]} – {phases[-1]}" if len(phases) > 2 else " · ".join(phases)
        header = f"{HANDBOOK.program.name} · Facilitator pack: Mentor · {named}"
        assert text.startswith(header), f"page {number} on {paper}: {text[:120]!r}"
        assert f"Page {number} of {MENTOR_PACK.pages}" in text


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_running_header_lines_up_with_the_body(paper, sites, packs, tmp_path):
    """On the site's own paper, the sheet header and the margin header of other pages start where the body
    starts; so does a sheet's header when an A4 site is printed on Letter (scaled to fit)."""
    pdfs = [packs[paper]] + print_pages(sites[paper], paper, ["steps/first-meeting.md"], tmp_path)
    for pdf in pdfs:
        for number, page in enumerate(words(pdf)[1 if pdf == packs[paper] else 0:], 1):
            header, body = header_and_body_left(page)
            assert abs(header - body) <= 2, f"{pdf.name} on {paper}, page {number}: header at x={header:.1f} pt, " \
                                            f"body at x={body:.1f} pt"
            assert abs(body - MARGIN_MM["left"] * MM) <= 2


def test_a_sheet_header_lines_up_when_an_a4_site_is_printed_on_letter(sites, tmp_path, browser):
    """What a person gets who forces Letter on an A4 site: Chromium scales the page to fit, and only a
    header inside the body (not one in the page margin) moves with it."""
    from rmhandbook.outputs.pdf import page_file

    pdf = tmp_path / "scaled.pdf"
    # the session's browser: a second Playwright started in the same process refuses to run
    page = browser.new_page()
    try:
        page.goto(page_file(sites["a4"], MENTOR_PACK.path).as_uri())
        page.emulate_media(media="print")
        page.pdf(path=str(pdf), format="Letter", print_background=True)
    finally:
        page.close()
    for number, page in enumerate(words(pdf)[1:], 2):
        header = [x for x, y0, y1, w in page if w == HANDBOOK.program.name.split()[0] and y1 < 25 * MM]
        body = [x for x, y0, y1, _ in page if 25 * MM < y0 < 700]
        assert header and body
        assert abs(min(header) - min(body)) <= 2, f"page {number}: header x={min(header):.1f}, body x={min(body):.1f}"


# --- the pack's pages -----------------------------------------------------------------------

@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_done_on_follows_each_steps_items(paper, packs):
    text = " ".join(page_texts(packs[paper])[1:])
    cursor = 0
    steps = [b.step for sheet in MENTOR_PACK.sheets for b in sheet if b.step is not None and not b.step.continued]
    for step in steps:
        start = text.index(plain_text(step.title), cursor)
        items = [e for s in MENTOR_PACK.sheets for b in s if b.step and b.step.step_id == step.step_id
                 for e in b.step.entries]
        first = text.index(squash(plain_text(items[0].text)), start)
        last = text.index(squash(plain_text(items[-1].text)), start)
        done = text.index("Done on", start)
        assert first < done, f"{step.title}: 'Done on' stands above the items"
        assert done > last, f"{step.title}: 'Done on' stands before the last item"
        cursor = done


def test_step_pages_print_no_mostly_empty_page(sites, tmp_path):
    """Each step page prints on one page, or its last page is at least a quarter full, on A4 and on Letter."""
    steps = [f"steps/{sid}.md" for sid in HANDBOOK.steps]
    thin = []
    for paper in ("a4", "letter"):
        for pdf in print_pages(sites[paper], paper, steps, tmp_path / paper):
            pages = words(pdf)
            if len(pages) == 1:
                continue
            height = 842 if paper == "a4" else 792
            top, bottom = MARGIN_MM["top"] * MM, height - MARGIN_MM["bottom"] * MM
            lowest = max((y1 for _, y0, y1, _ in pages[-1] if top < y0 and y1 <= bottom), default=top)
            fill = (lowest - top) / (bottom - top)
            if fill < 0.25:
                thin.append(f"{pdf.name} on {paper}: {len(pages)} pages, the last {fill:.0%} full")
    assert not thin, thin


# --- the cover --------------------------------------------------------------------------------

def pixel(ppm: bytes, x: int, y: int) -> tuple[int, int, int]:
    """One pixel of a binary PPM (P6) as pdftoppm writes it."""
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", ppm)
    assert header, "not a PPM"
    width = int(header.group(1))
    at = header.end() + 3 * (y * width + x)
    return ppm[at], ppm[at + 1], ppm[at + 2]


def rgb(hex_color: str) -> tuple[int, int, int]:
    return tuple(int(hex_color[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


@pytest.mark.parametrize("site, brand", [("a4", DEFAULT_BRAND_COLOR), ("rheinau", "#ffcc00")])
def test_the_cover_carries_logo_brand_colour_and_a_qr_code(site, brand, sites, packs, tmp_path):
    html = (sites[site] / "checklists/packs/mentor/index.html").read_text()
    cover = html[html.index('class="rmh-cover"'):html.index('class="rmh-sheet"')]
    logo = re.search(r'<img[^>]*class="rmh-cover__logo"[^>]*>', cover) or \
        re.search(r'<img[^>]*src="([^"]+)"[^>]*class="rmh-cover__logo"', cover)
    assert logo, "no logo on the cover"
    src = re.search(r'src="([^"]+)"', logo.group(0)).group(1)
    assert not re.match(r"^[a-z]+:|^//", src), f"the logo loads from elsewhere: {src}"
    assert (sites[site] / "checklists/packs/mentor" / src).resolve().is_file(), f"the logo {src} is not in the site"
    qr = re.search(r'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 (\d+) \1" class="rmh-qr"><path [^>]*d="M', cover)
    assert qr, "no QR code on the cover"
    assert f"{SITE_URL}checklists/packs/mentor/" in cover
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", cover), "the cover links to another host"

    pdf = packs[site]
    first = page_texts(pdf)[0]
    assert "checklists/packs/mentor/" in first.replace(" ", "")
    poppler("pdftoppm", "-f", "1", "-l", "1", "-r", "30", str(pdf), str(tmp_path / "cover"))
    poppler("pdftoppm", "-png", "-f", "1", "-l", "1", "-r", "50", str(pdf), str(tmp_path / "cover"))
    ppm = next(tmp_path.glob("cover*.ppm")).read_bytes()
    save_artifact(f"pack-cover-{site}.png", next(tmp_path.glob("cover*.png")).read_bytes())
    dpmm = 30 / 25.4
    # the band: the brand colour just inside its right end, 12 mm below the top margin
    band = pixel(ppm, int((210 - MARGIN_MM["right"] - 5) * dpmm), int((MARGIN_MM["top"] + 8) * dpmm))
    assert all(abs(a - b) <= 24 for a, b in zip(band, rgb(brand))), f"band colour {band}, brand {brand}"
    # the QR code in the lower right corner of the cover: dark and light modules
    x0, y0 = int((105) * dpmm), int((200) * dpmm)
    region = [pixel(ppm, x, y) for x in range(x0, int(194 * dpmm)) for y in range(y0, int(276 * dpmm))]
    dark = sum(1 for p in region if max(p) < 80)
    assert dark > 300, "no QR code printed on the cover"


def test_no_qr_code_without_a_site_url(tmp_path):
    site = build_site(REPO / "mkdocs.yml", tmp_path / "site")
    html = (site / "checklists/packs/mentor/index.html").read_text()
    assert 'class="rmh-cover__logo"' in html
    assert "rmh-qr" not in html and "rmh-cover__qr" not in html
