"""Checklists in a real browser: ticks that survive a reload, reset, print blank or as ticked,
and every role pack and phase checklist printed to A4 and Letter PDF in Chromium.

A4 PDFs come from a build with `checklist_pdfs: true` (the plugin path), Letter PDFs from
`rmhandbook checklists --pdf --paper letter` (the CLI path), so both ways are exercised.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from harness import PAGE_SIZE, REPO, build_site, poppler, save_artifact, serve_directory

from rmhandbook import cli
from rmhandbook.core.handbook import load_handbook
from rmhandbook.render.messages import Messages
from rmhandbook.render.pages import plain_text
from rmhandbook.render.printing import checklist_documents, pdf_documents

pytestmark = pytest.mark.browser

CONTENT = REPO / "content"
HANDBOOK = load_handbook(CONTENT)
DOCS = pdf_documents(checklist_documents(HANDBOOK, Messages()))
# Text of the site's navigation, header, search and buttons: none of it belongs on paper.
SCREEN_ONLY = ["Framing scripts", "Frequently asked questions", "Glossary", "Program overview", "Search",
               "Skip to content", "Print blank", "Print as ticked", "Reset", "Printable checklist",
               "Made with", "Material for MkDocs"]


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def pdf_site(tmp_path_factory) -> Path:
    """The default handbook built with checklist_pdfs on A4 (the site links to these PDFs)."""
    return build_site(REPO / "mkdocs.yml", tmp_path_factory.mktemp("pdfsite") / "site", checklist_pdfs=True)


@pytest.fixture(scope="module")
def letter_pdfs(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("letter")
    code = cli.main(["checklists", "--pdf", "--paper", "letter", "--out", str(out), "--content", str(CONTENT)])
    assert code == 0
    return out


@pytest.fixture(scope="module")
def pdfs(pdf_site, letter_pdfs):
    return {"a4": lambda doc: pdf_site / doc.pdf, "letter": lambda doc: letter_pdfs / Path(doc.pdf).name}


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("doc", DOCS, ids=[d.path.removeprefix("checklists/").removesuffix(".md") for d in DOCS])
def test_printed_checklist(doc, paper, pdfs):
    pdf = pdfs[paper](doc)
    assert pdf.is_file() and pdf.stat().st_size > 1000, f"{pdf} was not written"
    info = poppler("pdfinfo", str(pdf))
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    width, height = map(float, re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M).groups())
    assert (round(width), round(height)) == PAGE_SIZE[paper]
    assert pages == doc.pages, f"{doc.path} on {paper}: printed {pages} pages, the layout promises {doc.pages}"

    text = poppler("pdftotext", "-enc", "UTF-8", str(pdf), "-")
    page_texts = text.split("\f")[:pages]
    program = HANDBOOK.program.name
    for number, page_text in enumerate(page_texts, 1):
        assert program in page_text, f"page {number} has no running header"
        if not (doc.cover and number == 1):  # a cover is the title page: no page number
            assert f"Page {number} of {pages}" in page_text, f"page {number} has no page number"
        body = squash(page_text.replace(program, "").replace(f"Page {number} of {pages}", ""))
        assert len(body) > 20, f"{doc.path} on {paper}: page {number} is blank: {body!r}"

    flat = squash(text)
    for entry in doc.entries:
        assert squash(plain_text(entry.text)) in flat, f"{doc.path} on {paper}: item {entry.key} is missing"
    for label in SCREEN_ONLY:
        assert label not in flat, f"{doc.path} on {paper}: screen text {label!r} was printed"
    mine = {e.key for e in doc.entries}
    others = {plain_text(c.text) for sid, step in HANDBOOK.steps.items() for c in step.checklist
              if f"{sid}/{c.id}" not in mine} - {plain_text(e.text) for e in doc.entries}
    assert not [t for t in others if squash(t) in flat], f"{doc.path}: items of other checklists were printed"
    if doc.cover:
        cover = squash(page_texts[0])
        role = HANDBOOK.roles[doc.role_id].name
        assert f"Facilitator pack: {role}" in cover and "Organization" in cover and "Start date" in cover
        assert not any(squash(plain_text(e.text)) in cover for e in doc.entries), "the cover is a page of its own"


def page_fill(pdf: Path) -> list[float]:
    """How far down each printed page's body reaches, as a share of the body's height (0 to 1):
    the lowest word between the running header and the page number, from pdftotext's word boxes."""
    from rmhandbook.render.printing import MARGIN_MM

    mm = 72 / 25.4
    fills = []
    for page in re.findall(r"<page (.*?)</page>", poppler("pdftotext", "-bbox", str(pdf), "-"), re.S):
        height = float(re.search(r'height="([\d.]+)"', page).group(1))
        top, bottom = MARGIN_MM["top"] * mm, height - MARGIN_MM["bottom"] * mm
        lows = [float(y) for y in re.findall(r'yMax="([\d.]+)"', page) if top < float(y) <= bottom]
        fills.append((max(lows, default=top) - top) / (bottom - top))
    return fills


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("doc", [d for d in DOCS if d.kind == "pack"], ids=lambda d: d.id)
def test_a_printed_pack_fills_its_pages(doc, paper, pdfs):
    """A pack reads like a product: no page but the last is less than 70 % filled (no new page per phase)."""
    fills = page_fill(pdfs[paper](doc))
    assert len(fills) == doc.pages
    thin = [f"page {n}: {f:.0%}" for n, f in enumerate(fills[:-1], 1) if f < 0.70]
    assert not thin, f"{doc.path} on {paper}: pages less than 70 % filled: {thin}"


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_keep_png_renderings_of_a_printed_pack(paper, pdfs, tmp_path):
    """test-artifacts/pack-mentor-<paper>-<n>.png: the mentor's pack as printed, page by page."""
    doc = next(d for d in DOCS if d.kind == "pack" and d.id == "mentor")
    pdf = pdfs[paper](doc)
    save_artifact(f"pack-mentor-{paper}.pdf", pdf.read_bytes())
    poppler("pdftoppm", "-png", "-r", "50", str(pdf), str(tmp_path / "page"))
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == doc.pages
    for number, png in enumerate(pngs, 1):
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        save_artifact(f"pack-mentor-{paper}-{number}.png", data)


def test_site_links_to_its_pdfs(pdf_site):
    index = (pdf_site / "checklists/index.html").read_text()
    pack = (pdf_site / "checklists/packs/mentor/index.html").read_text()
    assert 'href="pdf/pack-mentor.pdf"' in index and 'href="pdf/phase-launch.pdf"' in index
    assert 'href="../../pdf/pack-mentor.pdf"' in pack
    for doc in DOCS:
        assert (pdf_site / doc.pdf).read_bytes()[:5] == b"%PDF-"
    # the pocket cards are printed with them, and their page links to the PDF
    assert 'href="pdf/card-mentor.pdf"' in index
    assert 'href="../../pdf/card-mentor.pdf"' in (pdf_site / "checklists/cards/mentor/index.html").read_text()
    for role in HANDBOOK.program.roles:
        assert (pdf_site / f"checklists/pdf/card-{role.id}.pdf").read_bytes()[:5] == b"%PDF-"


# --- ticking in the browser -------------------------------------------------------------

@pytest.fixture(scope="module")
def server(pdf_site):
    with serve_directory(pdf_site) as url:
        yield url


def ticked(page) -> dict[str, bool]:
    return page.eval_on_selector_all(
        ".rmh-checklist__item", "els => Object.fromEntries(els.map(e => "
        "[e.dataset.item, e.querySelector('input.rmh-check').checked]))")


def checklist_page(page_factory, url: str):
    """The page once its checklist script has set it up (the toolbar is its work): a tick before
    that changes the box but is never stored, and a busy machine can get there first."""
    page, _ = page_factory(url)
    page.locator(".rmh-checklist-toolbar__count").first.wait_for(state="visible")
    return page


def test_ticks_survive_a_reload_and_reset_clears_them(page_factory, server):
    page = checklist_page(page_factory, server + "steps/first-meeting/")
    items = page.locator(".rmh-checklist__item")
    total = items.count()
    assert total >= 3
    count = page.locator(".rmh-checklist-toolbar__count")
    assert count.inner_text() == f"0 of {total} done"
    items.nth(0).locator("input.rmh-check").check()
    items.nth(2).locator("label").click()  # the whole label is the target, as on a phone
    first, third = items.nth(0).get_attribute("data-item"), items.nth(2).get_attribute("data-item")

    page.reload(wait_until="networkidle")
    state = ticked(page)
    assert [k for k, v in state.items() if v] == [first, third]
    assert page.locator(".rmh-checklist-toolbar__count").inner_text() == f"2 of {total} done"

    # the same items are ticked wherever they appear: the mentor's checklist page
    page.goto(server + "checklists/roles/mentor/", wait_until="networkidle")
    mentor = ticked(page)
    for key in (first, third):
        if key in mentor:
            assert mentor[key], f"{key} is not ticked on the role checklist"

    page.goto(server + "steps/first-meeting/", wait_until="networkidle")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Reset").click()
    assert not any(ticked(page).values())
    assert page.locator(".rmh-checklist-toolbar__count").inner_text() == f"0 of {total} done"
    page.reload(wait_until="networkidle")
    assert not any(ticked(page).values())
    assert page.evaluate("Object.keys(localStorage).filter(k => k.includes(':check:'))") == []


def test_reset_asks_first_and_keeps_ticks_when_declined(page_factory, server):
    page = checklist_page(page_factory, server + "steps/first-meeting/")
    page.locator("input.rmh-check").first.check()
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Reset").click()
    page.reload(wait_until="networkidle")
    assert page.locator("input.rmh-check").first.is_checked()


def test_ticks_are_kept_by_item_id(page_factory, server):
    """The stored key is the item's stable id, so an edit elsewhere in the step keeps the tick."""
    page = checklist_page(page_factory, server + "steps/first-meeting/")
    item = page.locator(".rmh-checklist__item").nth(1)
    item.locator("input.rmh-check").check()
    keys = page.evaluate("Object.keys(localStorage).filter(k => k.includes(':check:'))")
    assert len(keys) == 1 and keys[0].endswith(":check:" + item.get_attribute("data-item"))


def test_print_blank_or_as_ticked(page_factory, server):
    page, _ = page_factory(server + "checklists/packs/mentor/")
    page.evaluate("window.print = () => { window.__printedBlank = "
                  "document.documentElement.classList.contains('rmh-print-blank'); }")
    box = page.locator("input.rmh-check").first
    box.check()
    page.emulate_media(media="print")
    tick = "el => getComputedStyle(el, '::after').display"
    assert page.locator(".rmh-checklist-toolbar").evaluate("el => getComputedStyle(el).display") == "none"
    assert box.evaluate("el => getComputedStyle(el).appearance") == "none"
    assert box.evaluate("el => getComputedStyle(el).borderTopStyle") == "solid"  # a drawn box
    assert box.evaluate(tick) != "none"  # as ticked: the tick is drawn
    page.emulate_media(media="screen")
    page.get_by_role("button", name="Print blank").click()
    assert page.evaluate("window.__printedBlank") is True
    page.get_by_role("button", name="Print as ticked").click()
    assert page.evaluate("window.__printedBlank") is False
    # after printing, the page is as it was: the blank class is gone (the script removes it on
    # a zero timeout, for browsers that fire no afterprint; let that run first)
    page.evaluate("() => new Promise(resolve => setTimeout(resolve, 0))")
    assert page.evaluate("document.documentElement.classList.contains('rmh-print-blank')") is False
    page.evaluate("document.documentElement.classList.add('rmh-print-blank')")
    page.emulate_media(media="print")
    assert box.evaluate(tick) == "none"  # blank: the box prints empty


def test_checklist_page_on_a_phone(page_factory, server):
    page, _ = page_factory(server + "checklists/roles/mentor/", viewport={"width": 390, "height": 844},
                           device_scale_factor=1, is_mobile=True, has_touch=True)
    boxes = page.locator("input.rmh-check")
    boxes.nth(0).tap()
    boxes.nth(1).tap()
    total = page.locator(".rmh-checklist__item").count()
    assert page.locator(".rmh-checklist-toolbar__count").inner_text() == f"2 of {total} done"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    save_artifact("checklist-mentor-phone.png", page.screenshot(full_page=False))


def test_a_long_crowded_checklist_prints_on_the_promised_pages(tmp_path):
    """Sheets filled to the height budget with the widest text the estimates allow (one and two lines
    of a tagged and of an untagged list, broad letters): the printer must still keep to the promised page count."""
    import shutil

    from rmhandbook.render.printing import ITEM_CHARS_PER_LINE, ITEM_CHARS_PER_LINE_UNTAGGED

    content = shutil.copytree(REPO / "rmhandbook/outputs/scaffold/content", tmp_path / "content")
    words = "Make a memo of what went well with my mentee in the Monday meeting and what we moved on "
    items = []
    for i in range(70):
        length = (ITEM_CHARS_PER_LINE, ITEM_CHARS_PER_LINE_UNTAGGED)[i // 2 % 2] * (1 + i % 2)
        text = (words * 4)[:length].rstrip()
        text = text + "M" * (length - len(text))
        items.append(f"  - id: item-{i}\n    role: {'mentor' if i % 3 else 'mentee'}\n    text: {text}\n")
    (content / "steps/crowded.yml").write_text(
        "title: A crowded step\nphase: partnership\norder: 20\nsummary: Many things to tick.\n"
        "why: To fill pages.\ntiming: weeks 1-12\nactions:\n  mentor: Tick a lot.\nchecklist:\n" + "".join(items))
    handbook = load_handbook(content)
    docs = {d.path: d for d in checklist_documents(handbook, Messages())}
    for paper in ("a4", "letter"):
        out = tmp_path / paper
        assert cli.main(["checklists", "--pdf", "--paper", paper, "--out", str(out), "--content", str(content)]) == 0
        for name, path in (("phase-partnership.pdf", "checklists/phases/partnership.md"),
                           ("pack-mentor.pdf", "checklists/packs/mentor.md")):
            pages = int(re.search(r"^Pages:\s+(\d+)", poppler("pdfinfo", str(out / name)), re.M).group(1))
            assert pages == docs[path].pages >= 3, f"{name} on {paper}: {pages} pages, promised {docs[path].pages}"
            text = squash(poppler("pdftotext", str(out / name), "-"))
            assert "A crowded step (continued)" in text
    save_artifact("crowded-partnership-letter.pdf", (tmp_path / "letter/phase-partnership.pdf").read_bytes())


def test_printing_requests_nothing_beyond_the_built_files(tmp_path):
    """A page that asks for something over the network prints without it: the request never leaves."""
    import http.server
    import threading

    from rmhandbook.outputs.pdf import write_pdfs

    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        html = tmp_path / "page.html"
        html.write_text(f'<!doctype html><link rel="stylesheet" href="{url}/style.css">'
                        f'<p>Local text</p><img src="{url}/image.png"><script src="{url}/app.js"></script>')
        [pdf] = write_pdfs([(html, tmp_path / "page.pdf")], "a4")
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []
    assert "Local text" in poppler("pdftotext", str(pdf), "-")
