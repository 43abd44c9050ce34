"""A one-page pocket card per role: a digest of what the handbook says about the role.

Everything on a card comes from the content: the role's name, the first sentence of its
description, its responsibilities, its steps in program order at their program weeks
(render/timeline.py), the meeting rhythm, the steps it should start with, and the scripts
and pitfalls its steps link to, most relevant first. The page template lays it out on one
sheet of A4 or Letter (cards.css); `pdf.py` prints it like any checklist document.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rmhandbook.core.handbook import Handbook
from rmhandbook.render.messages import Messages
from rmhandbook.render.text import plain_text
from rmhandbook.render.timeline import Span, program_timeline

CARD_SCRIPTS = 3  # the scripts and pitfalls a card names: a few, by title
CARD_PITFALLS = 3
# Up to this many characters in the fuller of a card's two columns, the card prints in larger type
# (cards.css `rmh-card--roomy`); measured on the example content in English and German, on A4 and Letter.
ROOMY_CHARS = 950
SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}


@dataclasses.dataclass(frozen=True)
class CardStep:
    id: str
    title: str
    span: Span  # program weeks, as the overview's timeline places the step


@dataclasses.dataclass(frozen=True)
class CardPhase:
    id: str
    title: str
    steps: tuple[CardStep, ...]


@dataclasses.dataclass(frozen=True)
class PocketCard:
    id: str  # the role id
    title: str
    path: str  # the generated page's src_uri
    pdf: str  # site-relative path of its PDF (`rmhandbook checklists --pdf`, `checklist_pdfs`)
    purpose: str  # the first sentence of the role's description (Markdown)
    rhythm: str  # the first sentence of the program's meeting rhythm
    phases: tuple[CardPhase, ...]
    start_with: tuple[CardStep, ...]
    scripts: tuple[str, ...]  # script ids, most relevant first
    pitfalls: tuple[str, ...]
    weeks: int  # the program's length in weeks, on the timeline's scale
    roomy: bool = False  # little text: larger type fills the page (ROOMY_CHARS)
    kind: str = "card"
    pages: int = 1  # a card always prints on one page

    @property
    def role_id(self) -> str:
        return self.id

    @property
    def steps(self) -> list[CardStep]:
        return [s for p in self.phases for s in p.steps]


# a sentence ends at . ! or ? before a space and a capital letter, a digit or an opening mark
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-ZÄÖÜ0-9\"„“(\[*])")


def first_sentence(markdown: str) -> str:
    """The first sentence of a paragraph of prose, or all of it when no sentence ends early.

    An abbreviation ("e.g.", "z. B.") is not an end: the word before the stop must be longer than
    two letters and hold no stop of its own. Markup cut in half (a link, emphasis) keeps the whole text.
    """
    text = " ".join(markdown.split())
    for match in _SENTENCE_END.finditer(text):
        word = text[:match.start()].rsplit(" ", 1)[-1]
        if len(word) <= 2 or "." in word:
            continue
        head = text[:match.end()]
        if head.count("[") == head.count("]") and head.count("(") == head.count(")") and head.count("*") % 2 == 0 \
                and head.count("`") % 2 == 0:
            return head
        break
    return text


def role_steps(hb: Handbook, role_id: str) -> list[str]:
    """The ids of the steps in which a role acts or ticks something, in handbook order."""
    return [sid for sid, step in hb.steps.items()
            if role_id in step.actions or any(c.role == role_id for c in step.checklist)]


def card_documents(hb: Handbook, msg: Messages,
                   backlinks: Mapping[str, Mapping[str, Sequence[str]]]) -> list[PocketCard]:
    """A card for every role of the program, in the program's order of roles."""
    timeline = program_timeline(hb.program.phases, hb.steps)
    places = {place.id: place for phase in timeline.phases for place in phase.steps}
    cards = []
    for role in hb.program.roles:
        mine = role_steps(hb, role.id)
        phases = []
        for ph in timeline.phases:
            # in program order: by the week a step starts, as the overview's timeline lists them
            placed = sorted((places[sid] for sid in mine if hb.steps[sid].phase == ph.phase.id),
                            key=lambda p: p.span.first)
            if placed:
                phases.append(CardPhase(ph.phase.id, ph.phase.title,
                                        tuple(CardStep(p.id, p.step.title, p.span) for p in placed)))
        start = tuple(CardStep(sid, hb.steps[sid].title, places[sid].span) for sid in role.start_with
                      if sid in places)
        scripts, pitfalls = _linked(hb, role.id, mine, set(role.start_with), backlinks)
        card = PocketCard(role.id, f"{msg('pocket_card')}: {role.name}", f"checklists/cards/{role.id}.md",
                          f"checklists/pdf/card-{role.id}.pdf", first_sentence(role.description),
                          first_sentence(hb.program.cadence.summary),
                          tuple(phases), start, scripts, pitfalls, timeline.weeks)
        cards.append(dataclasses.replace(card, roomy=_text_size(hb, card, role.responsibilities) <= ROOMY_CHARS))
    return cards


def _text_size(hb: Handbook, card: PocketCard, responsibilities: Sequence[str]) -> int:
    """Characters in the fuller of the card's columns: the role's side, or its steps (a step's row and a
    phase's heading count a few more for the week and the spacing)."""
    role_side = [card.purpose, card.rhythm, *responsibilities, *(s.title for s in card.start_with),
                 *(hb.scripts[s].title for s in card.scripts), *(hb.pitfalls[p].title for p in card.pitfalls)]
    steps_side = sum(len(plain_text(s.title)) + 8 for s in card.steps) + sum(
        len(plain_text(p.title)) + 10 for p in card.phases)
    return max(sum(len(plain_text(text)) for text in role_side), steps_side)


def _linked(hb: Handbook, role_id: str, mine: Iterable[str], first: set[str],
            backlinks: Mapping[str, Mapping[str, Sequence[str]]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The scripts and pitfalls the role's steps link to (both ways), most relevant first.

    A script the role says comes first, then one said to the role; then those linked from the steps
    the role starts with, then from more of its steps. A pitfall linked from the steps it starts with
    comes first, then the more severe, then the more often linked. Ties keep the handbook's order.
    """
    links: dict[str, dict[str, list[int]]] = {"scripts": {}, "pitfalls": {}}
    for sid in mine:
        for kind, counts in links.items():
            for other in backlinks.get(f"steps/{sid}", {}).get(kind, ()):
                count = counts.setdefault(other, [0, 0])
                count[0] += 1
                count[1] += sid in first
    order = {kind: {item_id: i for i, item_id in enumerate(hb.items.get(kind, {}))} for kind in links}

    def script_key(sid: str) -> Any:
        script = hb.scripts[sid]
        n, from_first = links["scripts"][sid]
        return (script.speaker != role_id, role_id not in script.audience, -from_first, -n, order["scripts"][sid])

    def pitfall_key(pid: str) -> Any:
        n, from_first = links["pitfalls"][pid]
        return (-from_first, SEVERITY_RANK[hb.pitfalls[pid].severity], -n, order["pitfalls"][pid])

    scripts = sorted(links["scripts"], key=script_key)[:CARD_SCRIPTS]
    pitfalls = sorted(links["pitfalls"], key=pitfall_key)[:CARD_PITFALLS]
    return tuple(scripts), tuple(pitfalls)
