"""Which checklists a handbook has, how they are grouped, and how they fall onto paper.

Framework-free core: the renderer turns these documents into pages, the
adapter ships the print stylesheet, and `pdf.py` prints the pages. Nothing
here imports MkDocs or a browser.

Four kinds of checklist document:

- a role checklist: every item of one role, in program order, grouped by phase and step;
- a phase checklist: every item of one phase, grouped by step, for all roles;
- a facilitator pack per role: a cover page (program, role, organization, blank lines
  for names and dates), then the role's checklist with a date line per step;
- the checklist inside each step page (rendered by the step template itself).

Pagination is decided here, not left to the browser: a document is cut into
sheets by a conservative height budget that fits both A4 and Letter, and the
print stylesheet starts each sheet on a new page. So the page count of a
printed document is known in advance (`len(doc.sheets)`), the same on both
papers, and a test can hold the printer to it.
"""

from __future__ import annotations

import dataclasses
import io
import math
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin

from rmhandbook.core.handbook import Handbook
from rmhandbook.core.svg import svg_problems
from rmhandbook.render.messages import Messages

PAPERS = ("a4", "letter")
DEFAULT_PAPER = "a4"
# CSS page sizes; the @page rule uses these keywords.
PAPER_CSS = {"a4": "A4", "letter": "letter"}
# Playwright's `format` names for the same sizes.
PAPER_PDF_FORMAT = {"a4": "A4", "letter": "Letter"}

# --- the page geometry the print stylesheet (print.css + page.css) draws ----------------
# Margins in mm; the program name sits in the top margin, the page number in the bottom one.
MARGIN_MM = {"top": 20, "bottom": 18, "left": 16, "right": 16}
# A sheet of a checklist document prints on a named page whose top margin is this much smaller:
# the sheet's own running header (program, document, phases on the page) fills the difference,
# inside the body, so it lines up with the body on any paper and at any print scale.
RUNNING_HEADER_MM = 10
# Content box of the smaller of A4 (210 x 297) and Letter (215.9 x 279.4) in each direction,
# so one pagination fits both papers.
CONTENT_WIDTH_MM = 210 - MARGIN_MM["left"] - MARGIN_MM["right"]  # 178
CONTENT_HEIGHT_MM = 279.4 - MARGIN_MM["top"] - MARGIN_MM["bottom"]  # 241.4
# Heights in mm of the blocks print.css draws (font sizes there are in pt to match).
# Measured in Chromium and rounded up; a sheet is filled to at most SHEET_BUDGET_MM.
TITLE_MM = 16.0  # the document title (h1) on the first sheet
PHASE_MM = 12.0  # a phase heading (h2)
STEP_MM = 11.0  # a step heading (h3) and its timing line
DATE_LINE_MM = 5.0  # "Done on ____" after a step's items in a pack (4 mm in Chromium)
ITEM_LINE_MM = 5.8  # one line of item text (10.5 pt, line-height 1.35; the 3.6 mm box sets the first line)
ITEM_GAP_MM = 1.6  # space between items
ITEM_CHARS_PER_LINE = 62  # conservative: the box and the role tag take part of the line
ITEM_CHARS_PER_LINE_UNTAGGED = 80  # a role's own list and pack show no role tag: the line is longer
SPLIT_MIN_ITEMS = 5  # a step with this many items may be split across sheets to fill a page ...
KEEP_ITEMS = 3  # ... when its heading and this many items fit where it starts
SHEET_BUDGET_MM = CONTENT_HEIGHT_MM - 6  # headroom: the estimates above already run ~7 % high


@dataclasses.dataclass(frozen=True)
class Entry:
    """One checklist item as it appears on a checklist (the macro reads id, role, text)."""

    step_id: str
    id: str
    role: str
    text: str

    @property
    def key(self) -> str:
        """The item's stable id, `step-id/item-id`: ticks in the browser are stored under it."""
        return f"{self.step_id}/{self.id}"


@dataclasses.dataclass(frozen=True)
class StepGroup:
    step_id: str
    title: str
    timing: str
    phase_id: str
    entries: tuple[Entry, ...]
    continued: bool = False  # the rest of a step that did not fit on the previous sheet


@dataclasses.dataclass(frozen=True)
class PhaseGroup:
    phase_id: str
    title: str
    steps: tuple[StepGroup, ...]


@dataclasses.dataclass(frozen=True)
class Block:
    """One thing on a sheet: a phase heading (step is None) or a step group."""

    phase_id: str
    phase_title: str
    step: StepGroup | None = None
    continued: bool = False


@dataclasses.dataclass(frozen=True)
class ChecklistDoc:
    kind: str  # "role", "phase" or "pack"
    id: str  # role or phase id
    title: str
    path: str  # the generated page's src_uri
    pdf: str | None  # site-relative path of its PDF, for the documents that get one
    phases: tuple[PhaseGroup, ...]
    sheets: tuple[tuple[Block, ...], ...]
    role_id: str | None = None
    cover: bool = False

    @property
    def entries(self) -> list[Entry]:
        return [e for p in self.phases for s in p.steps for e in s.entries]

    @property
    def pages(self) -> int:
        """Pages this document prints on, on A4 and on Letter: the cover, then one per sheet."""
        return len(self.sheets) + (1 if self.cover else 0)


DEFAULT_BRAND_COLOR = "#3f51b5"  # Material's indigo, the default site's primary colour (6.2:1 against white)
DEFAULT_LOGO = "assets/rmhandbook/brand/logo.svg"  # rmhandbook's own mark, for a site with no logo of its own
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclasses.dataclass(frozen=True)
class PrintSettings:
    """What the site prints on and what the print pages say about who prints them."""

    paper: str = DEFAULT_PAPER
    organization: str | None = None  # shown on pack covers; a blank line to fill in when None
    pdfs: bool = False  # PDFs are written next to the site, so checklist pages link to them
    logo: str | None = None  # site-relative path of the logo on covers (a file of the site, never a URL)
    brand_color: str = DEFAULT_BRAND_COLOR  # the cover's band: the site's primary colour, as #rrggbb
    brand_text: str = "#ffffff"  # text on the band: white, or black on a light brand colour
    site_url: str | None = None  # where the site is published; covers then carry a QR code to their page
    directory_urls: bool = True  # MkDocs' use_directory_urls: how a page's address is spelled

    def __post_init__(self) -> None:
        if self.paper not in PAPERS:
            raise ValueError(f"unknown paper `{self.paper}`; use one of: {', '.join(PAPERS)}")
        for color in (self.brand_color, self.brand_text):
            if not _HEX.match(color):
                raise ValueError(f"brand colour `{color}` is not a colour as #rrggbb")
        if self.logo is not None and (":" in self.logo or "\\" in self.logo or self.logo.startswith("/")):
            raise ValueError(f"logo `{self.logo}` is not a file of the site; covers load nothing from elsewhere")

    def page_url(self, src_uri: str) -> str | None:
        """The published address of a generated page, from `site_url`; None when the site has none."""
        if not self.site_url:
            return None
        stem = src_uri[:-3] if src_uri.endswith(".md") else src_uri
        if stem == "index" or stem.endswith("/index"):
            path = stem[:-len("index")]
        else:
            path = f"{stem}/" if self.directory_urls else f"{stem}.html"
        return urljoin(self.site_url.rstrip("/") + "/", path)


def qr_svg(url: str) -> str:
    """A QR code for `url` as an inline SVG (segno: pure Python, made offline), one path, no size:
    print.css sizes it. Checked against the logo allowlist (core/svg.py) before it goes into a page."""
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="svg", xmldecl=False, svgns=True, nl=False,
                                                  omitsize=True, border=0, svgclass="rmh-qr", lineclass=None)
    svg = buffer.getvalue()
    problems = svg_problems(svg)
    if problems:  # segno writes one <path>; anything else is a bug worth stopping for
        raise ValueError(f"the QR code's SVG failed the SVG allowlist: {problems[0][2]}")
    return svg.decode("ascii")


# --- which checklists exist ------------------------------------------------------------

def _groups(hb: Handbook, keep) -> tuple[PhaseGroup, ...]:
    """Phases in program order, steps in handbook order, items that `keep(step, item)` accepts."""
    phases = []
    for phase in hb.program.phases:
        steps = []
        for sid, step in hb.steps.items():
            if step.phase != phase.id:
                continue
            entries = tuple(Entry(sid, c.id, c.role, c.text) for c in step.checklist if keep(step, c))
            if entries:
                steps.append(StepGroup(sid, step.title, step.timing, phase.id, entries))
        if steps:
            phases.append(PhaseGroup(phase.id, phase.title, tuple(steps)))
    return tuple(phases)


def role_groups(hb: Handbook, role_id: str) -> tuple[PhaseGroup, ...]:
    return _groups(hb, lambda step, item: item.role == role_id)


def phase_groups(hb: Handbook, phase_id: str) -> tuple[PhaseGroup, ...]:
    return _groups(hb, lambda step, item: step.phase == phase_id)


def checklist_documents(hb: Handbook, msg: Messages) -> list[ChecklistDoc]:
    """Every checklist document, in the order the checklists index lists them.

    A role with no checklist item gets no documents (nothing to tick); a phase
    with no steps gets none either.
    """
    docs: list[ChecklistDoc] = []
    for role in hb.program.roles:
        phases = role_groups(hb, role.id)
        if not phases:
            continue
        docs.append(ChecklistDoc("role", role.id, role.name, f"checklists/roles/{role.id}.md", None,
                                 phases, paginate(phases, date_lines=False,
                                                  chars_per_line=ITEM_CHARS_PER_LINE_UNTAGGED),
                                 role_id=role.id))
        docs.append(ChecklistDoc("pack", role.id, f"{msg('facilitator_pack')}: {role.name}",
                                 f"checklists/packs/{role.id}.md", f"checklists/pdf/pack-{role.id}.pdf",
                                 phases, paginate(phases, date_lines=True,
                                                  chars_per_line=ITEM_CHARS_PER_LINE_UNTAGGED, title=False),
                                 role_id=role.id, cover=True))
    for phase in hb.program.phases:
        phases = phase_groups(hb, phase.id)
        if not phases:
            continue
        docs.append(ChecklistDoc("phase", phase.id, phase.title, f"checklists/phases/{phase.id}.md",
                                 f"checklists/pdf/phase-{phase.id}.pdf", phases,
                                 paginate(phases, date_lines=False, phase_headings=False)))
    return docs


def pdf_documents(docs: Iterable[Any]) -> list[Any]:
    """The documents printed to PDF: one per role pack, one per phase, and each pocket card (cards.py)."""
    return [d for d in docs if d.pdf]


# --- pagination ------------------------------------------------------------------------

def item_height(entry: Entry, chars_per_line: int = ITEM_CHARS_PER_LINE) -> float:
    lines = max(1, math.ceil(len(entry.text) / chars_per_line))
    return lines * ITEM_LINE_MM + ITEM_GAP_MM


def paginate(phases: tuple[PhaseGroup, ...], *, date_lines: bool, phase_headings: bool = True,
             chars_per_line: int = ITEM_CHARS_PER_LINE, title: bool = True) -> tuple[tuple[Block, ...], ...]:
    """Cut a checklist into sheets that each fit on one page of A4 and of Letter.

    A phase heading never ends a sheet, a step heading always has its first
    item below it, and a step moves whole to the next sheet when it would not
    fit; only a step longer than a page, or a long step whose heading and first
    items fit, is split, and its rest carries the heading again, marked as continued. A sheet that goes on with a phase
    begins with the phase's name, marked as continued.
    """
    sheets: list[list[Block]] = []
    sheet: list[Block] = []
    used = TITLE_MM if title else 0.0  # the first sheet carries the document title (a pack's is on its cover)
    step_head = STEP_MM + (DATE_LINE_MM if date_lines else 0)

    def new_sheet() -> None:
        nonlocal sheet, used
        sheets.append(sheet)
        sheet, used = [], 0.0

    for phase in phases:
        phase_cost = PHASE_MM if phase_headings else 0.0
        for index, step in enumerate(phase.steps):
            heights = [item_height(e, chars_per_line) for e in step.entries]
            lead = phase_cost if index == 0 else 0.0
            # a step that does not fit here moves on whole if a fresh sheet holds it, and
            # a step too long for any sheet starts here if its heading and first item fit
            whole = lead + step_head + sum(heights)
            fits_fresh = whole + (phase_cost if index > 0 else 0.0) <= SHEET_BUDGET_MM
            # a long step may start here too when its heading and first few items fit: a half-empty
            # page before it is worse than a step that goes on overleaf, named again
            starts_here = (len(heights) >= SPLIT_MIN_ITEMS
                           and used + lead + step_head + sum(heights[:KEEP_ITEMS]) <= SHEET_BUDGET_MM)
            if sheet and used + whole > SHEET_BUDGET_MM and not starts_here and (
                    fits_fresh or used + lead + step_head + heights[0] > SHEET_BUDGET_MM):
                new_sheet()
                if index > 0 and phase_headings:  # the phase is named again where it goes on
                    sheet.append(Block(phase.phase_id, phase.title, continued=True))
                    used += phase_cost
            if index == 0 and phase_headings:
                sheet.append(Block(phase.phase_id, phase.title))
                used += phase_cost
            entries: list[Entry] = []
            continued = False
            used += step_head
            for entry, height in zip(step.entries, heights, strict=True):
                if used + height > SHEET_BUDGET_MM and entries:
                    sheet.append(Block(phase.phase_id, phase.title,
                                       dataclasses.replace(step, entries=tuple(entries), continued=continued)))
                    new_sheet()
                    if phase_headings:  # the phase is named again where its step goes on
                        sheet.append(Block(phase.phase_id, phase.title, continued=True))
                        used += phase_cost
                    entries, continued = [], True
                    used += step_head
                entries.append(entry)
                used += height
            sheet.append(Block(phase.phase_id, phase.title,
                               dataclasses.replace(step, entries=tuple(entries), continued=continued)))
    if sheet:
        sheets.append(sheet)
    return tuple(tuple(s) for s in sheets)


# --- the page stylesheet ---------------------------------------------------------------

def css_string(text: str) -> str:
    """A CSS string literal in plain ASCII: quotes and backslashes escaped, and control
    characters, `<` (so the text cannot close a <style> element) and anything beyond
    ASCII written as CSS hex escapes (`\\DC ` is Ü), so the file needs no charset."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "<" or not (0x20 <= ord(ch) < 0x7F):
            out.append(f"\\{ord(ch):X} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def page_css(settings: PrintSettings, program_name: str, msg: Messages) -> str:
    """`assets/rmhandbook/page.css`: the paper size, margins and the running header and footer.

    Generated because it carries the site's paper, program name and brand colour; the rest
    of the print rules are static in `assets/print.css`. Every page but a checklist document's
    sheets and cover names the program in the top margin. A sheet prints on the named page
    `rmh-sheet`, whose top margin is smaller by RUNNING_HEADER_MM: the sheet draws its own header
    there (program, document and the phases on that page), in the body, so the header lines up
    with the body on A4 and Letter and at any print scale; Chromium has no running elements or
    string-set to do this from the margin. A cover (`rmh-cover`) has no header: it is the title.
    """
    m = MARGIN_MM
    page_of = msg("page_of").split("{page}")
    before, _, after_pages = page_of[1].partition("{pages}") if len(page_of) > 1 else ("", "", "")
    counter = (f"{css_string(page_of[0])} counter(page) {css_string(before)} counter(pages) "
               f"{css_string(after_pages)}")
    margin = f"{m['top']}mm {m['right']}mm {m['bottom']}mm {m['left']}mm"
    sheet_margin = f"{m['top'] - RUNNING_HEADER_MM}mm {m['right']}mm {m['bottom']}mm {m['left']}mm"
    return (
        "/* rmhandbook: generated from the site's paper setting, program name and brand colour. */\n"
        "@page {\n"
        f"  size: {PAPER_CSS[settings.paper]};\n"
        f"  margin: {margin};\n"
        "  @top-left { content: " + css_string(program_name) + "; font: 8pt sans-serif; color: #444; }\n"
        "  @bottom-right { content: " + counter + "; font: 8pt sans-serif; color: #444; }\n"
        "}\n"
        f"@page rmh-sheet {{ margin: {sheet_margin}; @top-left {{ content: none; }} }}\n"
        "@page rmh-cover { @top-left { content: none; } @bottom-right { content: none; } }\n"
        f":root {{ --rmh-print-brand: {settings.brand_color}; --rmh-print-brand-text: {settings.brand_text}; }}\n"
    )
