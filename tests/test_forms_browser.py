"""Forms in a real browser: answers that survive a reload, Clear, print blank or as filled, and
blank forms printed to A4 and Letter PDF with no field cut across a page break."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from harness import poppler, save_artifact

from rmhandbook.render.printing import MARGIN_MM

pytestmark = pytest.mark.browser

FORM = "forms/partnership-agreement/"
PAPER = {"A4": (210, 297), "Letter": (215.9, 279.4)}  # mm
PT_PER_MM = 72 / 25.4
PT_PER_PX = 0.75  # Chromium prints CSS pixels at 96 per inch


def values(page) -> dict[str, str]:
    """Each field's answer as the page shows it: typed text, or the picked options' numbers."""
    return page.eval_on_selector_all(".rmh-field[data-field]", """els => Object.fromEntries(els.map(f => {
        const ins = [...f.querySelectorAll('.rmh-input')];
        const v = ins[0].type === 'radio' || ins[0].type === 'checkbox'
            ? ins.filter(i => i.checked).map(i => i.value).join(',') : ins[0].value;
        return [f.dataset.field, v];
    }))""")


def fill(page) -> None:
    page.get_by_label("Mentor", exact=True).fill("Ada")
    page.get_by_label("What stays between us").fill("Everything we say\nabout our teams")
    page.get_by_label("First meeting").fill("2027-03-02")
    page.get_by_role("group", name="Where we meet").get_by_label("Video call").check()
    page.get_by_role("group", name="Where we meet").get_by_label("Phone").check()
    page.get_by_role("group", name="We both accept this no-fault exit").get_by_label("Agreed").check()


FILLED = {"partnership-agreement/mentor-name": "Ada",
          "partnership-agreement/private": "Everything we say\nabout our teams",
          "partnership-agreement/start-date": "2027-03-02",
          "partnership-agreement/where": "2,3",
          "partnership-agreement/exit-agreed": "1"}


def test_answers_survive_a_reload_and_clear_empties_them(page_factory, default_server):
    page, _ = page_factory(default_server + FORM)
    fill(page)
    page.reload(wait_until="networkidle")
    now = values(page)
    assert {k: v for k, v in now.items() if v} == FILLED
    stored = page.evaluate("Object.keys(localStorage).filter(k => k.includes(':form:'))")
    assert sorted(k.split(":form:")[1] for k in stored) == sorted(FILLED)

    page.once("dialog", lambda dialog: dialog.dismiss())  # declined: nothing changes
    page.get_by_role("button", name="Clear answers").click()
    assert {k: v for k, v in values(page).items() if v} == FILLED

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Clear answers").click()
    assert not any(values(page).values())
    page.reload(wait_until="networkidle")
    assert not any(values(page).values())
    assert page.evaluate("Object.keys(localStorage).filter(k => k.includes(':form:'))") == []


def test_print_blank_empties_the_form_for_the_print_only(page_factory, default_server):
    page, _ = page_factory(default_server + FORM)
    fill(page)
    page.evaluate("""window.print = () => { window.__printed = [...document.querySelectorAll('.rmh-input')]
        .some(i => i.checked || (i.type !== 'radio' && i.type !== 'checkbox' && i.value)); }""")
    page.get_by_role("button", name="Print blank").click()
    assert page.evaluate("window.__printed") is False
    assert {k: v for k, v in values(page).items() if v} == FILLED  # put back afterwards
    page.get_by_role("button", name="Print as filled").click()
    assert page.evaluate("window.__printed") is True


def test_a_filled_form_prints_its_answers(page_factory, default_server, tmp_path):
    page, _ = page_factory(default_server + FORM)
    fill(page)
    page.emulate_media(media="print")
    pdf = tmp_path / "filled.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = " ".join(poppler("pdftotext", "-enc", "UTF-8", str(pdf), "-").split())
    assert "Ada" in text and "Everything we say about our teams" in text
    for screen_only in ("Clear answers", "Print blank", "Answers are kept in this browser"):
        assert screen_only not in text


def _words(pdf: Path) -> list[tuple[int, float, str]]:
    """(page number, top in pt, word) for every word of a PDF, in reading order."""
    out, number = [], 0
    for line in poppler("pdftotext", "-bbox", "-enc", "UTF-8", str(pdf), "-").splitlines():
        if "<page " in line:
            number += 1
        m = re.search(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">(.*)</word>', line)
        if m:
            out.append((number, float(m.group(1)), html.unescape(m.group(2))))
    return out


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_blank_forms_print_with_no_field_cut_across_pages(page_factory, default_server, paper, tmp_path):
    """Every field starts (its label) and ends on one page: the label's place on its printed page
    plus the field's printed height stays above that page's bottom margin."""
    width_mm, height_mm = PAPER[paper]
    content_px = round((width_mm - MARGIN_MM["left"] - MARGIN_MM["right"]) * 96 / 25.4)
    bottom_pt = (height_mm - MARGIN_MM["bottom"]) * PT_PER_MM
    page, _ = page_factory(default_server + FORM, viewport={"width": content_px, "height": 1000})
    page.emulate_media(media="print")
    fields = page.eval_on_selector_all(".rmh-field", """els => els.map(f => ({
        label: f.querySelector('.rmh-field__label').textContent.trim(),
        height: f.getBoundingClientRect().height }))""")
    assert len(fields) >= 20
    pdf = tmp_path / f"blank-{paper}.pdf"
    page.pdf(path=str(pdf), format=paper)
    words = _words(pdf)
    pages = max(n for n, _, _ in words)
    assert pages >= 2, "the agreement should fill more than one page, or the check proves nothing"
    cursor, checked = 0, 0
    for field in fields:
        label = field["label"].split()
        # the label's words in order, from where the previous field's label was found
        for i in range(cursor, len(words) - len(label) + 1):
            if [w for _, _, w in words[i:i + len(label)]] == label:
                break
        else:
            pytest.fail(f"label {field['label']!r} not found in the {paper} PDF")
        number, top, _ = words[i]
        assert top + field["height"] * PT_PER_PX <= bottom_pt + 3, (
            f"{paper}: field {field['label']!r} runs past the bottom of page {number}")
        cursor, checked = i + len(label), checked + 1
    assert checked == len(fields)
    if paper == "A4":
        save_artifact("form-partnership-agreement-a4.pdf", pdf.read_bytes())
        poppler("pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "page"))
        for png in sorted(tmp_path.glob("page-*.png")):
            save_artifact(f"form-partnership-agreement-a4-{png.stem.split('-')[-1]}.png", png.read_bytes())

