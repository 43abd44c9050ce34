"""Organization profiles without MkDocs: contrast math, the profile model, overlays, hide, and every safety case."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from harness import REPO
from rmhandbook.core.diagnostics import ContentError, Diagnostics
from rmhandbook.core.handbook import load_handbook
from rmhandbook.core.org import svg_problems
from rmhandbook.render.site_index import site_index_html
from rmhandbook.render.theming import (AA, BLACK, WHITE, Color, contrast_ratio, palette_css, palette_for, readable_shade,
                                relative_luminance, text_color_on)

SCAFFOLD = REPO / "rmhandbook" / "outputs" / "scaffold" / "content"

# --- contrast math ----------------------------------------------------------------

def test_contrast_of_black_on_white_is_21_and_of_a_colour_on_itself_1():
    assert contrast_ratio(BLACK, WHITE) == pytest.approx(21.0)
    assert contrast_ratio(WHITE, BLACK) == pytest.approx(21.0)
    assert contrast_ratio(Color.parse("#0b6e4f"), Color.parse("#0b6e4f")) == pytest.approx(1.0)


@pytest.mark.parametrize("fg, bg, expected", [
    ("#777777", "#ffffff", 4.48),  # the classic "just fails AA" grey
    ("#767676", "#ffffff", 4.54),  # the darkest grey that passes
    ("#0000ff", "#ffffff", 8.59),
    ("#ff0000", "#ffffff", 4.00),
])
def test_contrast_ratio_matches_wcag_reference_values(fg, bg, expected):
    assert contrast_ratio(Color.parse(fg), Color.parse(bg)) == pytest.approx(expected, abs=0.01)


def test_relative_luminance_uses_the_srgb_curve():
    assert relative_luminance(Color.parse("#808080")) == pytest.approx(0.2158605, abs=1e-6)
    assert relative_luminance(Color.parse("#fff")) == pytest.approx(1.0)


def test_short_hex_expands_and_bad_hex_is_refused():
    assert Color.parse("#0af").hex == "#00aaff"
    for bad in ("0b6e4f", "#0b6e4", "#0b6e4g", "red", "#fff;}body{color:red", "", None):
        with pytest.raises(ValueError):
            Color.parse(bad)


def test_text_on_a_colour_is_white_when_readable_else_black():
    assert text_color_on(Color.parse("#0b6e4f")) == WHITE
    assert text_color_on(Color.parse("#ffcc00")) == BLACK
    assert text_color_on(Color.parse("#777777")) == BLACK  # white is 4.48:1 there


@pytest.mark.parametrize("color", ["#ffcc00", "#3cb371", "#00ffff", "#777777", "#ff0000", "#fafafa"])
def test_a_readable_shade_passes_aa_on_white_and_stays_close(color):
    base = Color.parse(color)
    shade = readable_shade(base, WHITE)
    assert contrast_ratio(shade, WHITE) >= AA
    assert all(s <= b for s, b in zip((shade.r, shade.g, shade.b), (base.r, base.g, base.b)))  # darker only
    one_step_lighter = shade.mix(WHITE, 0.03)
    assert contrast_ratio(one_step_lighter, WHITE) < AA + 0.3  # not darker than it needs to be


def test_a_readable_shade_on_the_dark_scheme_is_lighter():
    slate = Color.parse("#1e2129")
    shade = readable_shade(Color.parse("#0b6e4f"), slate)
    assert contrast_ratio(shade, slate) >= AA
    assert relative_luminance(shade) > relative_luminance(Color.parse("#0b6e4f"))


def test_palette_reports_what_it_adjusted_and_keeps_what_passes():
    ok = palette_for("#0b6e4f", "#8a3b12")
    assert ok.links["default"].hex == "#0b6e4f"  # 6.4:1 on white: used as given
    assert not [a for a in ok.adjustments if "light background" in a.role]
    yellow = palette_for("#ffcc00", "#005a9c")
    assert yellow.primary_text == BLACK
    link = yellow.links["default"]
    assert link.hex != "#ffcc00" and contrast_ratio(link, WHITE) >= AA
    report = "\n".join(yellow.report())
    assert f"links on the light background: #ffcc00 has contrast 1.5" in report
    assert f"using {link.hex}" in report
    assert "header text: white has contrast" in report and "using black" in report


def test_palette_css_holds_only_formatted_hex_values():
    css = palette_css(palette_for("#FC0", "#005A9C"))
    assert "--md-primary-fg-color: #ffcc00;" in css
    assert "--md-primary-bg-color: #000000;" in css
    for line in css.splitlines():
        if line.strip().startswith("--"):
            value = line.split(":", 1)[1].strip()
            assert value.rstrip(";").startswith("#") and len(value.rstrip(";")) in (7, 9), line


# --- profiles ---------------------------------------------------------------------

LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>x</title>'
        '<rect width="10" height="10" fill="#0b6e4f"/></svg>\n')

PROFILE = """\
name: Example Co
short_name: Example
logo: logo.svg
colors:
  primary: "#0b6e4f"
  accent: "#c05621"
terms:
  mentor: digital guide
contact:
  name: Sam Lee
  email: sam@example.org
paper: letter
language: de
"""


@pytest.fixture
def content(tmp_path) -> Path:
    """The scaffold handbook with one organization, `acme`, that tests change as they need."""
    root = tmp_path / "content"
    shutil.copytree(SCAFFOLD, root)
    org = root / "orgs" / "acme"
    org.mkdir(parents=True)
    (org / "org.yml").write_text(PROFILE)
    (org / "logo.svg").write_text(LOGO)
    return root


def errors(content: Path, slug: str = "acme") -> list[str]:
    diags = Diagnostics(content.parent)
    with pytest.raises(ContentError):
        load_handbook(content, diags, organization=slug)
    return [d.format() for d in diags.errors]


def set_profile(content: Path, old: str, new: str) -> None:
    path = content / "orgs" / "acme" / "org.yml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_a_valid_profile_gives_terms_language_and_program(content):
    hb = load_handbook(content, organization="acme")
    assert hb.organization.model.name == "Example Co"
    assert hb.language == "de"
    assert hb.organization.model.paper == "letter"
    assert hb.terms.word("mentor") == "digital guide"
    assert hb.terms.word("mentee") == load_handbook(content).terms.word("mentee")  # not overridden: kept


def test_an_invalid_colour_is_a_located_error_with_an_example(content):
    set_profile(content, 'primary: "#0b6e4f"', "primary: green")
    assert errors(content) == [
        "content/orgs/acme/org.yml:5:12: error: `primary` `green` is not valid: expected a colour as hex, "
        "`#rrggbb` or `#rgb`, in quotes: the brand colour of the header and of links (adjusted for contrast); "
        "for example `primary: \"#0b6e4f\"`."]


def test_an_unquoted_colour_is_explained(content):
    set_profile(content, 'primary: "#0b6e4f"', "primary: #0b6e4f")
    (msg,) = errors(content)
    assert msg.startswith("content/orgs/acme/org.yml:5:")
    assert "An unquoted `#` starts a YAML comment" in msg and 'primary: "#0b6e4f"' in msg


def test_a_colour_cannot_break_out_of_css(content):
    set_profile(content, 'primary: "#0b6e4f"', 'primary: "#fff;} body{background:url(http://x)}"')
    (msg,) = errors(content)
    assert "`primary`" in msg and "is not valid" in msg


def test_unknown_fields_bad_paper_and_language_are_reported_together(content):
    set_profile(content, "paper: letter\nlanguage: de\n", "paper: a5\nlanguage: fr\ncolour: red\n")
    found = "\n".join(errors(content))
    assert "`paper` must be one of a4, letter; found the text `a5`" in found
    assert "`language` must be one of en, de; found the text `fr`" in found
    assert "unknown field `colour` in this organization profile. Did you mean `colors`?" in found


def test_an_unknown_organization_names_the_ones_there_are(content):
    (msg,) = errors(content, "acm")
    assert "organization `acm` has no profile" in msg and "Did you mean `acme`?" in msg
    assert "Organizations in" in msg and "acme" in msg


def test_an_organization_name_cannot_walk_out_of_orgs(content):
    (msg,) = errors(content, "../acme")
    assert "`../acme` is not a valid organization name" in msg


# --- logo and favicon safety ---------------------------------------------------------

@pytest.mark.parametrize("logo, expected", [
    ("../../program.yml", "`logo` must stay inside the organization's folder; `../../program.yml` leaves it through `..`."),
    ("/etc/passwd", "`logo` must be a path inside the organization's folder; found the absolute path `/etc/passwd`."),
    ("missing.svg", "`logo` names `missing.svg`, but there is no such file in orgs/acme/. For example"),
    ("org.yml", "`logo` must be an SVG or PNG file; found `org.yml`. For example `logo: logo.svg` with the file "
                "next to org.yml."),
])
def test_logo_paths_are_checked(content, logo, expected):
    set_profile(content, "logo: logo.svg", f"logo: {logo}")
    (msg,) = errors(content)
    assert msg.startswith("content/orgs/acme/org.yml:3:7: error: ")
    assert expected in msg


def test_a_logo_symlink_out_of_the_folder_is_refused(content, tmp_path):
    outside = tmp_path / "outside.svg"
    outside.write_text(LOGO)
    os.symlink(outside, content / "orgs" / "acme" / "linked.svg")
    set_profile(content, "logo: logo.svg", "logo: linked.svg")
    (msg,) = errors(content)
    assert "`linked.svg` is a symbolic link to a file outside it" in msg


def test_a_png_that_is_not_a_png_is_refused(content):
    (content / "orgs" / "acme" / "logo.png").write_text("<svg/>")
    set_profile(content, "logo: logo.svg", "logo: logo.png")
    (msg,) = errors(content)
    assert "is named .png but is not a PNG image" in msg


@pytest.mark.parametrize("svg, expected", [
    ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "a `<script>` element"),
    ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "the event handler `onload`"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>',
     "a `<a>` element"),
    ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
     '<image xlink:href="https://cdn.example/x.png"/></svg>', "links to `https://cdn.example/x.png`"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
     "a `<foreignObject>` element"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://x.example/a.css);</style></svg>',
     "a CSS at-rule"),
    ('<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
     "document type declaration"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="onclick" to="alert(1)"/></svg>',
     "a `<set>` element"),
    # the allowlist, not a list of what runs: each of these got past the blocklist it replaced
    ('<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:image-set(\'https://x.example/a.png\' 1x)"/></svg>',
     "the CSS function `image-set()`"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><style>rect{fill:u\\72l(https://x.example/a)}</style></svg>',
     "a CSS escape"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(https://x.example/a.svg#p)"/></svg>',
     "`fill` with `url(https://x.example/a.svg#p)`"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><rect filter="url(https://x.example/f.svg#f)"/></svg>',
     "`filter` with `url(https://x.example/f.svg#f)`"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><rect cursor="url(https://x.example/c.cur), auto"/></svg>',
     "the attribute `cursor`"),
    ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:html="http://www.w3.org/1999/xhtml">'
     '<html:img src="https://x.example/a.png"/></svg>', "`<img>` from the namespace `http://www.w3.org/1999/xhtml`"),
    ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:html="http://www.w3.org/1999/xhtml">'
     '<html:meta http-equiv="refresh" content="0;url=https://x.example/"/></svg>', "`<meta>` from the namespace"),
    ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:html="http://www.w3.org/1999/xhtml">'
     '<html:form action="javascript:alert(1)"><html:button>Go</html:button></html:form></svg>',
     "`<form>` from the namespace"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:attr(data-x type(&lt;url&gt;))"/></svg>',
     "the CSS function `attr()`"),
    ('<svg><rect/></svg>', "`<svg>` from no namespace"),
])
def test_svg_logos_that_could_run_code_are_refused(content, svg, expected):
    (content / "orgs" / "acme" / "logo.svg").write_text(svg)
    found = errors(content)
    assert any(expected in m and m.startswith("content/orgs/acme/logo.svg:1:") for m in found), found
    assert any(m.startswith("content/orgs/acme/org.yml:3:7: error: `logo` file `logo.svg` was refused") for m in found)


def test_a_plain_svg_passes():
    assert svg_problems(LOGO.encode()) == []
    assert svg_problems((REPO / "content/orgs/northwind/logo.svg").read_bytes()) == []


# --- overlays and hide -------------------------------------------------------------

def test_overlay_items_replace_by_id_and_add_new_ones(content):
    org = content / "orgs" / "acme"
    (org / "pitfalls").mkdir()
    text = (content / "pitfalls" / "tick-box.yml").read_text()
    (org / "pitfalls" / "tick-box.yml").write_text(text.replace("title:", "title: Acme's own", 1)
                                                   if "title:" in text else text)
    (org / "pitfalls" / "acme-only.yml").write_text(text)
    hb = load_handbook(content, organization="acme")
    assert hb.pitfalls["tick-box"].title.startswith("Acme's own")
    assert "acme-only" in hb.pitfalls
    assert hb.overlaid["pitfalls"] == {"tick-box", "acme-only"}
    assert hb.source("pitfalls", "acme-only") == org / "pitfalls" / "acme-only.yml"
    assert "acme-only" not in load_handbook(content).pitfalls  # the default handbook is untouched


def test_hidden_items_are_gone_and_links_to_them_are_reported_where_they_are(content):
    set_profile(content, "language: de\n", "language: de\nhide: [pitfalls/tick-box]\n")
    diags = Diagnostics(content.parent)
    hb = load_handbook(content, diags, organization="acme")
    assert "tick-box" not in hb.pitfalls
    linking = [s for s in hb.steps.values() if "tick-box" in s.pitfalls]
    assert linking == []  # no step still links the hidden pitfall
    assert [d.format() for d in hb.warnings] == [
        "content/steps/set-objectives.yml:18:12: warning: `pitfalls` links to the pitfall `tick-box`, which "
        "organization `acme` hides (orgs/acme/org.yml line 14); the link is left out of its handbook. To link "
        "something else instead, put your own version of this file in orgs/acme/steps/, or stop hiding `tick-box`."]
    assert "tick-box" in load_handbook(content).pitfalls


def test_hide_names_must_exist_and_be_unambiguous(content):
    org = content / "orgs" / "acme"
    (org / "scripts").mkdir()
    shutil.copy(content / "scripts" / "first-meeting-opener.yml", org / "scripts" / "first-meeting.yml")
    set_profile(content, "language: de\n", "language: de\nhide: [first-meeting, pitfalls/tick-bx]\n")
    found = errors(content)
    assert any("org.yml:14:8: error: `hide` entry `first-meeting` is ambiguous: it is the id of steps and scripts. "
               "Write `steps/first-meeting` or `scripts/first-meeting`." in m for m in found), found
    assert any("org.yml:14:23: error: `hide` names `pitfalls/tick-bx`, but there is no such item. "
               "Did you mean `pitfalls/tick-box`?" in m for m in found), found


def test_an_org_folder_cannot_replace_program_yml(content):
    shutil.copy(content / "program.yml", content / "orgs" / "acme" / "program.yml")
    (msg,) = errors(content)
    assert "an organization folder cannot replace program.yml" in msg


def test_site_index_escapes_names():
    page = site_index_html([{"slug": "acme", "name": "<script>alert(1)</script> & Co", "logo": "acme/logo.svg",
                             "program": "Bridge"}])
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page
    assert 'href="acme/"' in page and "http" not in page


def test_hiding_a_step_takes_it_out_of_roles_start_with_and_says_where(content):
    hb = load_handbook(content)
    starters = [r.id for r in hb.program.roles if "first-meeting" in r.start_with]
    assert starters, "the scaffold should start a role with first-meeting"
    set_profile(content, "language: de\n", "language: de\nhide: [steps/first-meeting]\n")
    hb = load_handbook(content, organization="acme")
    assert "first-meeting" not in hb.steps
    assert all("first-meeting" not in r.start_with for r in hb.program.roles)
    warnings = [d.format() for d in hb.warnings]
    assert any(w.startswith("content/program.yml:") and "`start_with` links to the step `first-meeting`" in w
               for w in warnings), warnings


def test_check_covers_every_organization_and_names_the_broken_one(content, capsys):
    from rmhandbook.cli import main

    assert main(["check", "--content", str(content)]) == 0
    out = capsys.readouterr().out
    assert f"{content}: ok (" in out and f"{content / 'orgs' / 'acme'}: ok (" in out
    set_profile(content, "email: sam@example.org", "email: sam@example.org?cc=everyone@example.org")
    assert main(["check", "--content", str(content)]) == 1
    out = capsys.readouterr().out
    assert f"{content}: ok (" in out  # the default handbook is still fine
    assert "orgs/acme/org.yml:11:10: error: `email` `sam@example.org?cc=everyone@example.org` is not valid: " \
           "expected an email address" in out
    assert main(["check", "--content", str(content), "--org", "acme"]) == 1


def test_the_documented_example_profile_is_valid(content):
    """The full org.yml in the organizations page is what users copy: it must load as it is written."""
    page = (REPO / "docs" / "src" / "organizations.md").read_text()
    section = page[page.index("A full profile"):]
    example = section[section.index("```yaml\n") + 8:section.index("\n```", section.index("```yaml\n"))]
    (content / "orgs" / "acme" / "org.yml").write_text(example + "\n")
    shutil.copy(content / "scripts" / "first-meeting-opener.yml", content / "scripts" / "agree-communication.yml")
    hb = load_handbook(content, organization="acme")
    assert "agree-communication" not in hb.scripts
    model = hb.organization.model
    assert (model.name, model.paper, model.language) == ("Northwind Logistics", "letter", "en")
    assert hb.terms.word("mentor", plural=True) == "Digital Guides"
    assert model.contact.page == "https://intranet.northwind.example/bridge"


def test_an_org_term_must_rename_a_term_program_yml_has(content):
    set_profile(content, "  mentor: digital guide\n", "  mentr: digital guide\n")
    assert errors(content) == [
        "content/orgs/acme/org.yml:8:3: error: `terms` has `mentr`, which program.yml does not define, so no page "
        "would use it. Did you mean `mentor`? Terms to rename: mentee, mentor, program, program-lead, sponsor; "
        "for example `mentor: digital guide`."]


def test_an_entity_bomb_is_refused_before_it_expands():
    lol = ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
           + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
           + ']><svg xmlns="http://www.w3.org/2000/svg"><text>&i;</text></svg>')
    problems = svg_problems(lol.encode())
    assert len(problems) == 1 and "document type declaration" in problems[0][2]


def test_check_stops_before_the_organizations_when_the_default_content_is_broken(content, capsys):
    from rmhandbook.cli import main

    (content / "pitfalls" / "tick-box.yml").write_text("title: [\n")
    assert main(["check", "--content", str(content)]) == 1
    out = capsys.readouterr().out
    assert out.count("content/pitfalls/tick-box.yml:") == 1  # reported once, not again for every organization
    assert "they are checked once it has no errors" in out


@pytest.mark.parametrize("argv", [["build", "--jobs", "0"], ["build", "--all-orgs", "--jobs", "0"],
                                  ["build", "--org", "acme", "--all-orgs"]])
def test_build_usage_errors(argv, capsys):
    from rmhandbook.cli import main

    assert main(argv) == 2
