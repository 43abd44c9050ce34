"""Which checklists exist, how they are grouped and paginated, and the pages and CLI around them.

Browser and PDF behaviour is in test_checklists_browser.py; this file needs no browser.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from harness import REPO, build_site
from rmhandbook import cli
from rmhandbook.core.handbook import load_handbook
from rmhandbook.render.messages import Messages
from rmhandbook.render.printing import (ITEM_CHARS_PER_LINE, ITEM_CHARS_PER_LINE_UNTAGGED, SHEET_BUDGET_MM, STEP_MM, TITLE_MM, PHASE_MM, DATE_LINE_MM, Entry, PhaseGroup,
                                 PrintSettings, StepGroup, checklist_documents, css_string, item_height,
                                 page_css, paginate, pdf_documents)
from rmhandbook.render.pages import render_pages

CONTENT = REPO / "content"


@pytest.fixture(scope="module")
def handbook():
    return load_handbook(CONTENT)


@pytest.fixture(scope="module")
def docs(handbook):
    return checklist_documents(handbook, Messages())


def program_order(handbook):
    """Every checklist item as (key, role, phase), phases in program order, steps in handbook order."""
    out = []
    for phase in handbook.program.phases:
        for sid, step in handbook.steps.items():
            if step.phase == phase.id:
                out += [(f"{sid}/{c.id}", c.role, phase.id) for c in step.checklist]
    return out


# --- which checklists exist -------------------------------------------------------------

def test_a_role_checklist_and_a_pack_per_role_and_a_checklist_per_phase(handbook, docs):
    kinds = [(d.kind, d.id) for d in docs]
    for role in handbook.program.roles:
        assert ("role", role.id) in kinds and ("pack", role.id) in kinds
    for phase in handbook.program.phases:
        assert ("phase", phase.id) in kinds
    assert len(docs) == 2 * len(handbook.program.roles) + len(handbook.program.phases)
    assert [d.path for d in pdf_documents(docs)] == [d.path for d in docs if d.kind in ("pack", "phase")]


def test_role_checklist_has_exactly_that_roles_items_in_program_order(handbook, docs):
    everything = program_order(handbook)
    for doc in docs:
        if doc.kind not in ("role", "pack"):
            continue
        expected = [key for key, role, _ in everything if role == doc.id]
        assert [e.key for e in doc.entries] == expected, doc.path
        assert [p.phase_id for p in doc.phases] == list(dict.fromkeys(
            phase for _, role, phase in everything if role == doc.id))


def test_phase_checklists_together_hold_every_item_once(handbook, docs):
    everything = program_order(handbook)
    phase_docs = [d for d in docs if d.kind == "phase"]
    assert [e.key for d in phase_docs for e in d.entries] == [key for key, _, _ in everything]
    for doc in phase_docs:
        assert {p.phase_id for p in doc.phases} == {doc.id}


def test_only_packs_have_a_cover(docs):
    for doc in docs:
        assert doc.cover == (doc.kind == "pack")
        assert doc.pages == len(doc.sheets) + doc.cover


# --- pagination -------------------------------------------------------------------------

def sheet_height(sheet, *, first: bool, date_lines: bool, phase_headings: bool = True,
                 chars_per_line: int = ITEM_CHARS_PER_LINE) -> float:
    used = TITLE_MM if first else 0.0
    for block in sheet:
        if block.step is None:
            used += PHASE_MM if phase_headings else 0
        else:
            used += STEP_MM + (DATE_LINE_MM if date_lines else 0) + sum(item_height(e, chars_per_line) for e in block.step.entries)
    return used


def test_every_sheet_fits_its_budget_and_keeps_headings_with_items(docs):
    for doc in docs:
        keys = []
        for index, sheet in enumerate(doc.sheets):
            assert sheet, f"{doc.path}: empty sheet {index + 1}"
            height = sheet_height(sheet, first=index == 0 and not doc.cover, date_lines=doc.kind == "pack",
                                  phase_headings=doc.kind != "phase",
                                  chars_per_line=ITEM_CHARS_PER_LINE if doc.kind == "phase" else ITEM_CHARS_PER_LINE_UNTAGGED)
            assert height <= SHEET_BUDGET_MM, f"{doc.path} sheet {index + 1}: {height:.1f} mm"
            assert sheet[-1].step is not None, f"{doc.path}: sheet {index + 1} ends with a phase heading"
            for block in sheet:
                if block.step is not None:
                    assert block.step.entries, f"{doc.path}: a step heading with no item under it"
                    keys += [e.key for e in block.step.entries]
        assert keys == [e.key for e in doc.entries], f"{doc.path}: items lost, repeated or reordered"


def test_a_step_that_does_not_fit_moves_whole_to_the_next_sheet():
    def step(sid, n):
        return StepGroup(sid, sid.title(), "week 1", "p", tuple(Entry(sid, f"i{i}", "mentor", "x" * 40)
                                                                 for i in range(n)))
    per_page = int((SHEET_BUDGET_MM - TITLE_MM - PHASE_MM - STEP_MM) // item_height(step("a", 1).entries[0]))
    first = step("first", per_page - 3)
    second = step("second", 5)  # would fit on a fresh sheet, not after `first`
    sheets = paginate((PhaseGroup("p", "P", (first, second)),), date_lines=False)
    assert len(sheets) == 2
    assert [b.step.step_id for b in sheets[1] if b.step] == ["second"]
    assert not sheets[1][-1].step.continued
    assert sheets[1][0].step is None and sheets[1][0].continued  # the phase is named again, as continued


def test_a_step_longer_than_a_page_is_split_and_its_rest_is_marked_continued():
    long = StepGroup("long", "Long", "week 1", "p",
                     tuple(Entry("long", f"i{i}", "mentor", "y" * 150) for i in range(60)))
    sheets = paginate((PhaseGroup("p", "P", (long,)),), date_lines=True)
    assert len(sheets) > 2
    parts = [b.step for s in sheets for b in s if b.step]
    assert [p.continued for p in parts] == [False] + [True] * (len(parts) - 1)
    assert sum(len(p.entries) for p in parts) == 60


def test_a_step_too_long_for_any_sheet_starts_where_the_last_one_ended():
    short = StepGroup("short", "Short", "week 1", "p", (Entry("short", "a", "mentor", "x"),))
    long = StepGroup("long", "Long", "week 1", "p",
                     tuple(Entry("long", f"i{i}", "mentor", "y" * 150) for i in range(60)))
    sheets = paginate((PhaseGroup("p", "P", (short, long)),), date_lines=False)
    assert [b.step.step_id for b in sheets[0] if b.step][:2] == ["short", "long"]  # no half-empty first sheet


def test_item_height_grows_with_wrapped_lines():
    short = Entry("s", "a", "mentor", "Short")
    long = Entry("s", "b", "mentor", "word " * 40)
    assert item_height(long) > 2 * item_height(short) - 1


# --- the page stylesheet ----------------------------------------------------------------

@pytest.mark.parametrize("paper, size", [("a4", "size: A4;"), ("letter", "size: letter;")])
def test_page_css_sets_the_paper(paper, size):
    css = page_css(PrintSettings(paper=paper), "Handbook", Messages())
    assert size in css
    assert '@top-left { content: "Handbook"' in css
    assert '"Page " counter(page) " of " counter(pages) ""' in css


def test_page_css_escapes_the_program_name_and_speaks_the_language():
    css = page_css(PrintSettings(), 'Say "hi" \\ </style><script>', Messages("de"))
    assert "</style>" not in css and "<script>" not in css
    assert '"Say \\"hi\\" \\\\ \\3C /style>\\3C script>"' in css
    assert '"Seite " counter(page) " von " counter(pages)' in css
    assert css_string("Über\nall") == '"\\DC ber\\A all"'  # CSS hex escapes: the file stays ASCII


def test_unknown_paper_is_refused():
    with pytest.raises(ValueError, match="unknown paper `a3`; use one of: a4, letter"):
        PrintSettings(paper="a3")


# --- pages --------------------------------------------------------------------------------

def front(page):
    head = page.content.split("---\n")[1]
    return {line.split(": ", 1)[0]: json.loads(line.split(": ", 1)[1]) for line in head.strip().splitlines()}


@pytest.fixture(scope="module")
def pages(handbook):
    return {p.path: p for p in render_pages(handbook)}


def test_checklist_pages_are_rendered_and_kept_out_of_search(pages, docs):
    paths = ["checklists/index.md"] + [d.path for d in docs]
    for path in paths:
        assert path in pages
        assert front(pages[path])["search"] == {"exclude": True}, path
    # the step pages stay searchable
    assert "search" not in front(pages["steps/first-meeting.md"]) or \
        front(pages["steps/first-meeting.md"])["search"].get("exclude") is not True


def test_every_item_is_on_its_pages_with_its_stable_id(pages, docs):
    for doc in docs:
        content = pages[doc.path].content
        for entry in doc.entries:
            assert f'data-item="{entry.key}"' in content, (doc.path, entry.key)
        assert content.count('class="rmh-sheet"') == len(doc.sheets)
        assert f'data-pages="{doc.pages}"' in content


def test_pack_cover_has_program_role_organization_and_lines(handbook):
    pages = {p.path: p for p in render_pages(handbook, printing=PrintSettings(organization="Acme & Co"))}
    pack = pages["checklists/packs/mentor.md"].content
    assert handbook.program.name in pack and "Acme &amp; Co" in pack
    assert pack.count('class="rmh-fill__line"') >= 5  # name, partner, facilitator, start, end
    assert pack.count("rmh-fill--step") == sum(len(p.steps) for p in
                                               checklist_documents(handbook, Messages())[1].phases)
    blank_org = {p.path: p for p in render_pages(handbook)}["checklists/packs/mentor.md"].content
    assert "<dt>Organization</dt><dd class=\"rmh-fill__line\"></dd>" in blank_org


def test_pdf_links_only_when_pdfs_are_written(handbook):
    without = {p.path: p.content for p in render_pages(handbook)}
    with_pdfs = {p.path: p.content for p in render_pages(handbook, printing=PrintSettings(pdfs=True))}
    assert ".pdf" not in without["checklists/index.md"]
    assert "(pdf/pack-mentor.pdf)" in with_pdfs["checklists/index.md"]
    assert "(../pdf/pack-mentor.pdf)" in with_pdfs["checklists/packs/mentor.md"]
    assert "(../pdf/phase-launch.pdf)" in with_pdfs["checklists/phases/launch.md"]
    assert ".pdf" not in with_pdfs["checklists/roles/mentor.md"]  # role checklists print from the page


def test_counts_read_naturally():
    pages = {p.path: p.content for p in render_pages(load_handbook(REPO / "rmhandbook/outputs/scaffold/content"))}
    assert "1 item · 2 printed pages" in pages["checklists/packs/mentor.md"]
    assert "(1 item)" in pages["checklists/index.md"] and "1 items" not in pages["checklists/index.md"]


def test_german_labels(handbook):
    pages = {p.path: p.content for p in render_pages(handbook, language="de")}
    assert "Unterlagen zum Austeilen" in pages["checklists/packs/mentor.md"]
    assert "Erledigt am" in pages["checklists/packs/mentor.md"]
    assert "## Checkliste { data-search-exclude #checklist }" in pages["steps/first-meeting.md"]


def test_printing_and_pdf_modules_do_not_import_mkdocs():
    code = ("import sys, rmhandbook.render.printing, rmhandbook.outputs.pdf, rmhandbook.render.pages; "
            "print([m for m in sys.modules if m == 'mkdocs' or m.startswith('mkdocs.')])")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- the built site -----------------------------------------------------------------------

def test_site_ships_the_print_assets_and_a_nav_entry(default_site):
    page_css_text = (default_site / "assets/rmhandbook/page.css").read_text()
    assert "size: A4;" in page_css_text
    html = (default_site / "steps/first-meeting/index.html").read_text()
    for asset in ("page.css", "print.css", "checklists.css", "checklists.js"):
        assert f"assets/rmhandbook/{asset}" in html, asset
    assert 'href="../../checklists/"' in html  # the generated nav lists the checklists


def test_search_index_has_no_checklist_pages(default_site):
    index = json.loads((default_site / "search/search_index.json").read_text())
    locations = [d["location"] for d in index["docs"]]
    assert any(loc.startswith("steps/first-meeting/") for loc in locations)
    assert not [loc for loc in locations if loc.startswith("checklists/")]


def test_letter_paper_option(tmp_path):
    site = build_site(REPO / "mkdocs.yml", tmp_path / "site", paper="letter")
    assert "size: letter;" in (site / "assets/rmhandbook/page.css").read_text()


def test_pdfs_option_without_chromium_is_a_clear_build_error(tmp_path, monkeypatch, caplog):
    from mkdocs.exceptions import Abort

    monkeypatch.setenv("RMHANDBOOK_CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(Abort):
        build_site(REPO / "mkdocs.yml", tmp_path / "site", checklist_pdfs=True)
    assert re.search(r"rmhandbook: checklist_pdfs: PDFs need Chromium, and `.*no-chromium` does not exist",
                     caplog.text)
    assert not (tmp_path / "site" / "index.html").exists()  # stopped before writing pages


# --- the command line -------------------------------------------------------------------

def test_cli_lists_the_checklists(capsys, docs):
    assert cli.main(["checklists", "--content", str(CONTENT)]) == 0
    out = capsys.readouterr().out
    for doc in docs:
        assert f"{doc.path}  {doc.title}: {len(doc.entries)} items, {doc.pages} printed page(s)" in out


def test_cli_pdf_needs_out(capsys):
    assert cli.main(["checklists", "--pdf", "--content", str(CONTENT)]) == 2
    assert "--pdf needs --out DIR" in capsys.readouterr().err


def test_cli_pdf_without_chromium_is_exit_1_with_a_message(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("RMHANDBOOK_CHROMIUM", str(tmp_path / "missing"))
    code = cli.main(["checklists", "--pdf", "--out", str(tmp_path / "out"), "--content", str(CONTENT)])
    err = capsys.readouterr().err
    assert code == 1
    assert "PDFs need Chromium" in err and "RMHANDBOOK_CHROMIUM" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_cli_rejects_an_unknown_paper(capsys):
    assert cli.main(["checklists", "--pdf", "--out", "x", "--paper", "a3"]) == 2
    assert "invalid choice: 'a3'" in capsys.readouterr().err


def test_pdf_jobs_find_the_built_page_for_either_url_style(tmp_path):
    from rmhandbook.outputs.pdf import page_file

    assert page_file(tmp_path, "checklists/packs/mentor.md") == tmp_path / "checklists/packs/mentor/index.html"
    assert page_file(tmp_path, "checklists/packs/mentor.md", False) == tmp_path / "checklists/packs/mentor.html"
    assert page_file(tmp_path, "checklists/index.md") == tmp_path / "checklists/index.html"


# --- running headers, covers and QR codes ---------------------------------------------------

def test_page_css_gives_sheets_and_covers_their_own_pages_and_the_brand_colour():
    from rmhandbook.render.printing import RUNNING_HEADER_MM

    css = page_css(PrintSettings(brand_color="#ffcc00", brand_text="#000000"), "Handbook", Messages())
    assert f"@page rmh-sheet {{ margin: {MARGIN_MM_TOP - RUNNING_HEADER_MM}mm 16mm 18mm 16mm; " \
           "@top-left { content: none; } }" in css
    assert "@page rmh-cover { @top-left { content: none; } @bottom-right { content: none; } }" in css
    assert "--rmh-print-brand: #ffcc00; --rmh-print-brand-text: #000000;" in css


MARGIN_MM_TOP = 20


@pytest.mark.parametrize("field, value", [("brand_color", "red"), ("brand_color", "#fff; x: y"),
                                          ("brand_text", "#12345")])
def test_a_brand_colour_that_is_not_hex_is_refused(field, value):
    with pytest.raises(ValueError, match="is not a colour as #rrggbb"):
        PrintSettings(**{field: value})


@pytest.mark.parametrize("logo", ["https://cdn.example.com/logo.svg", "//cdn.example.com/logo.svg",
                                  "/logo.svg", "data:image/svg+xml,<svg/>", "..\\logo.svg"])
def test_a_cover_logo_from_elsewhere_is_refused(logo):
    with pytest.raises(ValueError, match="is not a file of the site"):
        PrintSettings(logo=logo)


def test_page_urls_follow_the_site_url_and_url_style():
    settings = PrintSettings(site_url="https://intranet.example.org/mentoring")
    assert settings.page_url("checklists/packs/mentor.md") == \
        "https://intranet.example.org/mentoring/checklists/packs/mentor/"
    assert settings.page_url("index.md") == "https://intranet.example.org/mentoring/"
    flat = PrintSettings(site_url="https://example.org/", directory_urls=False)
    assert flat.page_url("checklists/packs/mentor.md") == "https://example.org/checklists/packs/mentor.html"
    assert PrintSettings().page_url("checklists/packs/mentor.md") is None


def test_the_qr_code_is_a_plain_svg_that_passes_the_logo_allowlist():
    from rmhandbook.core.svg import svg_problems
    from rmhandbook.render.printing import qr_svg

    svg = qr_svg("https://intranet.example.org/mentoring/checklists/packs/mentor/")
    assert svg_problems(svg.encode()) == []
    assert re.fullmatch(r'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 (\d+) \1" class="rmh-qr">'
                        r'<path stroke="#000" d="M[0-9hvm. -]+"/></svg>', svg), svg[:200]
    assert qr_svg("https://a.example/x") != svg  # it encodes the address


def test_the_pack_cover_has_logo_and_qr_code_only_with_a_site_url(handbook):
    settings = PrintSettings(logo="assets/rmhandbook/logo.svg", site_url="https://intranet.example.org/hb/")
    pack = {p.path: p for p in render_pages(handbook, printing=settings)}["checklists/packs/mentor.md"].content
    assert "![](../../assets/rmhandbook/logo.svg){ .rmh-cover__logo }" in pack
    assert '<div class="rmh-cover__qr-code"><svg xmlns="http://www.w3.org/2000/svg"' in pack
    assert "https://intranet.example.org/hb/checklists/packs/mentor/" in pack
    plain = {p.path: p for p in render_pages(handbook)}["checklists/packs/mentor.md"].content
    assert "rmh-qr" not in plain and "rmh-cover__logo" not in plain


def test_every_sheet_opens_with_a_running_header_naming_the_document_and_its_phases(pages, docs, handbook):
    for doc in docs:
        headers = re.findall(r'<p class="rmh-sheet__running rmh-print-only">(.*?)</p>', pages[doc.path].content)
        assert len(headers) == len(doc.sheets), doc.path
        for header, sheet in zip(headers, doc.sheets, strict=True):
            label = doc.title if doc.kind == "pack" else f"Checklist: {doc.title}"
            phases = [] if doc.kind == "phase" else list(dict.fromkeys(b.phase_title for b in sheet))
            if len(phases) > 2:  # a range: the first and last phase on the page
                phases = [f"{phases[0]} – {phases[-1]}"]
            assert header == " · ".join([handbook.program.name, label, *phases]), (doc.path, header)
    assert any("Recruit and match – Partnership" in p.content for p in pages.values())


def test_the_default_site_ships_its_cover_logo(default_site):
    from rmhandbook.core.svg import svg_problems

    logo = default_site / "assets/rmhandbook/brand/logo.svg"  # the header's logo too
    assert svg_problems(logo.read_bytes()) == []
    html = (default_site / "checklists/packs/mentor/index.html").read_text()
    assert 'src="../../../assets/rmhandbook/brand/logo.svg"' in html
