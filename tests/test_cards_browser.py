"""Pocket cards as a facilitator prints them and a participant reads them: one full page on A4 and on
Letter for every role, on the default site and on the example organizations (Rheinau in German on A4,
Northwind on Letter); a card on a phone's screen with a Print button."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from harness import PAGE_SIZE, REPO, build_site, poppler, save_artifact

from rmhandbook.core.handbook import load_handbook
from rmhandbook.render.text import plain_text

pytestmark = pytest.mark.browser

SITE_URL = "https://intranet.example.org/mentoring/"
# site name -> (plugin options, paper, organization)
SITES = {
    "default-a4": ({}, "a4", None),
    "default-letter": ({"paper": "letter"}, "letter", None),
    "rheinau": ({"organization": "rheinau"}, "a4", "rheinau"),
    "northwind": ({"organization": "northwind"}, "letter", "northwind"),
    "rheinau-letter": ({"organization": "rheinau", "paper": "letter"}, "letter", "rheinau"),
    "default-de-letter": ({"language": "de", "paper": "letter"}, "letter", None),
}
PAGE_MM = {"a4": (210, 297), "letter": (215.9, 279.4)}
CARD_MARGIN_MM = (10, 12)  # cards.css: @page rmh-card
CARD_HEIGHT_MM = 256  # cards.css: the card's height on paper


def handbook(name: str):
    options, _, org = SITES[name]
    return load_handbook(REPO / "content", organization=org, language=options.get("language"))


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def cards(tmp_path_factory) -> dict[str, tuple[Path, list[Path]]]:
    """Each site built with a site_url, and its four cards printed on the site's paper."""
    from rmhandbook.outputs.pdf import page_file, write_pdfs

    root = tmp_path_factory.mktemp("cards")
    out = {}
    for name, (options, paper, _) in SITES.items():
        site = build_site(REPO / "mkdocs.yml", root / name, site_url=SITE_URL, **options)
        roles = [r.id for r in handbook(name).program.roles]
        jobs = [(page_file(site, f"checklists/cards/{r}.md"), root / f"{name}-{r}.pdf") for r in roles]
        out[name] = (site, write_pdfs(jobs, paper))
    return out


def blank_share(pdf: Path, paper: str, tmp_path: Path) -> float:
    """The share of 10 mm squares inside the page's margins with nothing printed in them. The card's own
    frame does not count as something printed: it would mark every square along the edge."""
    poppler("pdftoppm", "-r", "40", "-gray", str(pdf), str(tmp_path / "fill"))
    pgm = next(tmp_path.glob("fill*.pgm")).read_bytes()
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", pgm)
    assert header
    width = int(header.group(1))
    pixels = pgm[header.end():]
    dpmm = 40 / 25.4
    top, side = CARD_MARGIN_MM
    paper_w, paper_h = PAGE_MM[paper]
    frame_x, frame_y = (side, paper_w - side), (top, top + CARD_HEIGHT_MM)

    def ink(px: int, py: int) -> bool:
        x, y = px / dpmm, py / dpmm
        if min(abs(x - f) for f in frame_x) < 1.5 or min(abs(y - f) for f in frame_y) < 1.5:
            return False
        return pixels[py * width + px] < 200

    cells = blank = 0
    y = top
    while y + 10 <= paper_h - top:
        x = side
        while x + 10 <= paper_w - side:
            inked = any(ink(px, py) for py in range(int(y * dpmm), int((y + 10) * dpmm))
                        for px in range(int(x * dpmm), int((x + 10) * dpmm)))
            cells += 1
            blank += not inked
            x += 10
        y += 10
    for f in tmp_path.glob("fill*.pgm"):
        f.unlink()
    return blank / cells


@pytest.mark.parametrize("name", list(SITES))
def test_nothing_on_a_card_runs_past_its_frame(name, cards, browser):
    """On paper the card has a fixed height (one page on either paper): its content must end inside it."""
    from rmhandbook.outputs.pdf import page_file

    site, _ = cards[name]
    paper = SITES[name][1]
    # laid out at the width of the paper's printable area, as when printed (96 px to the inch)
    page = browser.new_page(viewport={"width": round((PAGE_MM[paper][0] - 2 * CARD_MARGIN_MM[1]) / 25.4 * 96),
                                      "height": 1000})
    try:
        for role in handbook(name).program.roles:
            page.goto(page_file(site, f"checklists/cards/{role.id}.md").as_uri())
            page.emulate_media(media="print")
            room = page.evaluate("""() => {
                const card = document.querySelector('.rmh-card').getBoundingClientRect();
                const parts = [...document.querySelectorAll('.rmh-card > *, .rmh-card__col > *')];
                return card.bottom - Math.max(...parts.map(p => p.getBoundingClientRect().bottom));
            }""")
            assert room >= 0, f"{name}, {role.id}: the card's content runs {-room:.0f}px past its frame"
    finally:
        page.close()


@pytest.mark.parametrize("name", list(SITES))
def test_each_card_prints_on_one_full_page(name, cards, tmp_path):
    site, pdfs = cards[name]
    options, paper, org = SITES[name]
    hb = handbook(name)
    size = PAGE_SIZE[paper]
    for role, pdf in zip(hb.program.roles, pdfs, strict=True):
        info = poppler("pdfinfo", str(pdf))
        assert re.search(r"^Pages:\s+1$", info, re.M), f"{pdf.name}: {info}"
        w, h = map(float, re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M).groups())
        assert (round(w), round(h)) == size
        text = squash(poppler("pdftotext", "-enc", "UTF-8", str(pdf), "-"))
        assert text.startswith(hb.program.name), f"{pdf.name}: the band does not come first: {text[:80]!r}"
        assert plain_text(role.name) in text
        assert ("Pocket card" if hb.language == "en" else "Taschenkarte").upper() in text.upper()
        for sid in role.start_with:
            assert squash(plain_text(hb.steps[sid].title)) in text
        if org is not None:
            assert hb.organization.model.contact.email in text
        blank = blank_share(pdf, paper, tmp_path)
        assert blank <= 0.35, f"{pdf.name}: {blank:.0%} of the page is blank"
        poppler("pdftoppm", "-png", "-r", "50", str(pdf), str(tmp_path / pdf.stem))
        png = next(tmp_path.glob(pdf.stem + "*.png"))
        save_artifact(f"card-{pdf.stem}.png", png.read_bytes())


def test_the_card_pdfs_carry_the_brand_colour_and_a_qr_code(cards, tmp_path):
    _, pdfs = cards["rheinau"]
    poppler("pdftoppm", "-r", "20", str(pdfs[0]), str(tmp_path / "brand"))
    ppm = next(tmp_path.glob("brand*.ppm")).read_bytes()
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", ppm)
    width = int(header.group(1))
    dpmm = 20 / 25.4

    def pixel(x_mm: float, y_mm: float) -> tuple[int, ...]:
        at = header.end() + 3 * (int(y_mm * dpmm) * width + int(x_mm * dpmm))
        return tuple(ppm[at:at + 3])

    band = pixel(150, 20)  # the band, right of the program's name
    assert all(abs(a - b) <= 30 for a, b in zip(band, (0xff, 0xcc, 0x00), strict=True)), band
    html = (cards["rheinau"][0] / "checklists/cards/mentor/index.html").read_text(encoding="utf-8")
    assert re.search(r'<svg [^>]*class="rmh-qr"><path ', html)
    assert f"{SITE_URL}roles/mentor/" in html
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//(?!intranet\.example\.org|intranet\.northwind)", html.split(
        'class="rmh-card"', 1)[1].split('class="rmh-card__help"', 1)[0]), "the card loads from elsewhere"


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}],
                         ids=["phone", "desktop"])
def test_a_card_on_screen_fits_the_screen_and_has_a_print_button(viewport, cards, page_factory):
    from harness import serve_directory

    site, _ = cards["rheinau"]
    with serve_directory(site) as url:
        page, _ = page_factory(url + "checklists/cards/mentee/", viewport=viewport)
        card = page.locator(".rmh-card")
        assert card.is_visible()
        box = card.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 1
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
        button = page.locator(".rmh-print-bar button")
        assert button.inner_text() == "Drucken"
        steps = page.locator(".rmh-card__step")
        assert steps.count() > 10
        size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.rmh-card__step')).fontSize)")
        assert size >= 12, f"the steps are set in {size}px"
        name = "phone" if viewport["width"] < 500 else "desktop"
        save_artifact(f"card-screen-{name}.png", page.screenshot(full_page=True))
        page.evaluate("window.print = () => { window.__printed = true; }")
        button.click()
        assert page.evaluate("window.__printed === true")


def test_the_checklists_command_prints_a_pdf_per_card(tmp_path):
    from rmhandbook import cli

    out = tmp_path / "pdf"
    assert cli.main(["checklists", "--pdf", "--paper", "letter", "--out", str(out),
                     "--content", str(REPO / "content")]) == 0
    hb = load_handbook(REPO / "content")
    for role in hb.program.roles:
        pdf = out / f"card-{role.id}.pdf"
        assert re.search(r"^Pages:\s+1$", poppler("pdfinfo", str(pdf)), re.M), pdf.name
        assert plain_text(role.name) in poppler("pdftotext", str(pdf), "-")
