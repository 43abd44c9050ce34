"""Pocket cards: one page per role, a digest of the content, linked from the role page and the checklists index.

The Markdown is checked here without a browser; the printed pages (one page on A4 and on Letter, for every
role, on the default site and on the example organizations) are in test_cards_browser.py.
"""

from __future__ import annotations

import re

import pytest
from harness import REPO

from rmhandbook import cli
from rmhandbook.core.handbook import load_handbook
from rmhandbook.render.cards import first_sentence, role_steps
from rmhandbook.render.messages import Messages
from rmhandbook.render.pages import Renderer
from rmhandbook.render.printing import PrintSettings
from rmhandbook.render.timeline import program_timeline

CONTENT = REPO / "content"
SITES = {
    "default": (None, "en"),
    "default-de": (None, "de"),
    "rheinau": ("rheinau", None),
    "northwind": ("northwind", None),
}


def rendered(name: str, **printing):
    org, language = SITES[name]
    hb = load_handbook(CONTENT, organization=org, language=language)
    renderer = Renderer(hb, language=hb.language, printing=PrintSettings(**printing))
    return hb, {p.path: p.content for p in renderer.pages()}


@pytest.fixture(scope="module", params=list(SITES))
def site(request):
    return request.param, *rendered(request.param)


def resolve(page: str, link: str) -> str:
    parts = page.split("/")[:-1]
    for piece in link.split("#")[0].split("/"):
        if piece == "..":
            parts.pop()
        elif piece:
            parts.append(piece)
    return "/".join(parts)


def card(pages, role_id: str) -> str:
    return pages[f"checklists/cards/{role_id}.md"]


def test_every_role_has_a_card_left_out_of_search(site):
    _, hb, pages = site
    for role in hb.program.roles:
        text = card(pages, role.id)
        assert '\nsearch: {"exclude": true}\n' in text.split("\n---\n", 1)[0] + "\n"
        assert f"\n# {role.name} {{ .rmh-card__title }}\n" in text
        assert hb.program.name in text.split('<div class="rmh-card__band"', 1)[1].split("</div>", 1)[0]


def test_every_link_on_a_card_resolves_to_a_page_of_the_site(site):
    _, hb, pages = site
    for role in hb.program.roles:
        path = f"checklists/cards/{role.id}.md"
        links = re.findall(r"\]\(([^)\s]+)\)", card(pages, role.id))
        assert len(links) > 20, path
        for link in links:
            target = resolve(path, link)
            assert target in pages or target.startswith("assets/"), f"{path}: {link} -> {target}"


def test_the_card_lists_every_step_of_the_role_in_program_order_at_its_timeline_weeks(site):
    _, hb, pages = site
    timeline = program_timeline(hb.program.phases, hb.steps)
    for role in hb.program.roles:
        mine = set(role_steps(hb, role.id))
        assert mine, role.id
        # the timeline's order: phases in program order, in each phase by the week a step starts
        expected = [(p.id, p.span.first, p.span.last) for ph in timeline.phases
                    for p in sorted(ph.steps, key=lambda p: p.span.first) if p.id in mine]
        listed = re.findall(r'<li class="rmh-card__step" data-step="([\w-]+)" markdown="span">'
                            r'<span class="rmh-card__week">(\d+)(?:–(\d+))?</span>', card(pages, role.id))
        assert [(sid, int(a), int(b or a)) for sid, a, b in listed] == expected, role.id
        # every step the role acts in or ticks something in, and no other
        assert {sid for sid, step in hb.steps.items()
                if role.id in step.actions or any(c.role == role.id for c in step.checklist)} == mine


def test_the_card_digests_the_role(site):
    name, hb, pages = site
    for role in hb.program.roles:
        text = card(pages, role.id)
        for r in role.responsibilities:
            assert f"- {r}\n" in text
        assert first_sentence(role.description) in text
        assert first_sentence(hb.program.cadence.summary) in text
        for sid in role.start_with:
            assert f"[{hb.steps[sid].title}](../../steps/{sid}.md)" in text.split("rmh-card__start")[0]
        scripts = re.findall(r"\]\(\.\./\.\./scripts/([\w-]+)\.md\)", text)
        pitfalls = re.findall(r"\]\(\.\./\.\./pitfalls/([\w-]+)\.md\)", text)
        assert 2 <= len(scripts) <= 3 and 2 <= len(pitfalls) <= 3, role.id
        linked = {s for sid in role_steps(hb, role.id) for s in hb.steps[sid].scripts} | {
            sid for sid, s in hb.scripts.items() if set(s.steps) & set(role_steps(hb, role.id))}
        assert set(scripts) <= linked, role.id
        if name == "default":  # the script the role itself says comes first
            spoken = [s for s in scripts if hb.scripts[s].speaker == role.id]
            assert spoken and scripts[0] == spoken[0], role.id


def test_an_organizations_card_names_its_contact_and_the_default_one_has_lines_to_fill_in():
    hb, pages = rendered("rheinau")
    text = card(pages, "mentor")
    contact = hb.organization.model.contact
    assert f"<strong>{contact.name}</strong>, Programmleitung" in text
    assert f'<a href="mailto:{contact.email}">{contact.email}</a>' in text
    assert "Taschenkarte" in text and "Hier bekommen Sie Hilfe" in text
    _, pages = rendered("default")
    text = card(pages, "mentor")
    assert "rmh-fill__line" in text and "Phone or email" in text and "mailto:" not in text
    assert "<dt>Executive sponsor</dt>" in card(pages, "program-lead")  # a program lead asks the sponsor


def test_a_qr_code_to_the_role_page_only_with_a_site_url():
    _, pages = rendered("default")
    assert "rmh-qr" not in card(pages, "mentee")
    hb = load_handbook(CONTENT)
    pages = {p.path: p.content for p in Renderer(hb, printing=PrintSettings(
        site_url="https://intranet.example.org/mentoring/", logo="assets/logo.svg")).pages()}
    text = card(pages, "mentee")
    assert re.search(r'<svg [^>]*class="rmh-qr"><path ', text)
    assert "https://intranet.example.org/mentoring/roles/mentee/" in text
    assert "![](../../assets/logo.svg){ .rmh-card__logo }" in text


def test_role_pages_and_the_checklists_index_link_to_the_cards(site):
    _, hb, pages = site
    for role in hb.program.roles:
        assert "](../checklists/cards/" + role.id + ".md)" in pages[f"roles/{role.id}.md"]
        assert "](cards/" + role.id + ".md)" in pages["checklists/index.md"]


def test_cards_are_in_the_checklists_catalog_after_each_roles_pack():
    hb = load_handbook(CONTENT)
    order = [path for path, _ in Renderer(hb).catalog_order("checklists")]
    for role in hb.program.roles:
        assert order.index(f"checklists/cards/{role.id}.md") == order.index(f"checklists/packs/{role.id}.md") + 1


@pytest.mark.parametrize("text, sentence", [
    ("One thing. Then another.", "One thing."),
    ("Ask first, e.g. Maria. Then go on.", "Ask first, e.g. Maria."),
    ("Ausnahmen, z. B. Sicherheit, gelten. Danach mehr.", "Ausnahmen, z. B. Sicherheit, gelten."),
    ("A [link. With](x.md) a stop inside. Rest.", "A [link. With](x.md) a stop inside. Rest."),
    ("No stop at all", "No stop at all"),
])
def test_first_sentence(text, sentence):
    assert first_sentence(text) == sentence


def test_the_checklists_command_lists_the_cards(capsys):
    assert cli.main(["checklists", "--content", str(CONTENT)]) == 0
    out = capsys.readouterr().out
    title = Messages()("pocket_card")
    assert f"checklists/cards/mentor.md  {title}: Mentor: 1 printed page(s)  -> checklists/pdf/card-mentor.pdf" in out
