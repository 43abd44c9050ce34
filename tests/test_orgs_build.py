"""The two example organizations, built: name, logo, colours, words, overlays, hidden items, many sites at once."""

from __future__ import annotations

import html
import json
import posixpath
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness import REPO, build_site, serve_directory
from rmhandbook.render.theming import Color, contrast_ratio, palette_for

SCAFFOLD = REPO / "rmhandbook" / "outputs" / "scaffold" / "content"
ORGS = ("northwind", "rheinau")

# What each example organization promises, as written in content/orgs/<slug>/.
EXPECT = {
    "northwind": {
        "name": "Northwind Logistics", "short": "Northwind", "logo": "logo.svg", "paper": "letter", "primary": "#0b6e4f", "lang": "en",
        "words": ["Digital Guide", "Leadership Partner", "Bridge Program", "Bridge coordinator"],
        "gone": r"\b(mentors?|mentees?|program leads?|executive sponsors?)\b",
        "added": "scripts/floor-walk-invitation", "added_title": "Inviting your partner on a floor walk",
        "hidden": "scripts/agree-communication", "hidden_title": "Agreeing how to communicate",
    },
    "rheinau": {
        "name": "Stadtwerke Rheinau", "short": "Rheinau", "logo": "logo.png", "paper": "A4", "primary": "#ffcc00", "lang": "de",
        "words": ["Digital-Lotse", "Tandem-Partner", "Tandem-Programm", "Programmleitung", "Vorstandspatin"],
        "gone": r"\b(mentors?|mentees?|program leads?|executive sponsors?)\b",
        "added": "faq/tandem-bei-den-stadtwerken", "added_title": "Das Tandem bei den Stadtwerken",
        "hidden": "steps/agree-communication", "hidden_title": "Vereinbaren, wie Sie kommunizieren",  # its German title
    },
}


@pytest.fixture(scope="session")
def org_sites(tmp_path_factory) -> dict[str, Path]:
    """Each example organization built once, in-process and with --strict."""
    root = tmp_path_factory.mktemp("orgs")
    return {slug: build_site(REPO / "mkdocs.yml", root / slug, organization=slug) for slug in ORGS}


def pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(site.rglob("*.html")) if p.name != "404.html"}


def visible_text(page_html: str) -> str:
    """What a reader sees: no tags, scripts, styles, attributes or URLs, and no hidden search words
    (they hold the default words too, so that a reader who types "mentor" finds the Digital Guide's pages)."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page_html, flags=re.S)
    body = re.sub(r'<div class="rmh-search-keywords" hidden>.*?</div>', " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.mark.parametrize("slug", ORGS)
def test_name_logo_language_and_colours_appear(org_sites, slug):
    site, want = org_sites[slug], EXPECT[slug]
    home = (site / "index.html").read_text()
    assert f"<title>" in home and want["name"] in home
    assert f'<html lang="{want["lang"]}"' in home
    suffix = Path(want["logo"]).suffix
    assert f'src="assets/rmhandbook/org/logo{suffix}"' in home
    shipped = site / "assets" / "rmhandbook" / "org" / f"logo{suffix}"
    assert shipped.read_bytes() == (REPO / "content" / "orgs" / slug / want["logo"]).read_bytes()
    assert f'<link rel="icon" href="assets/rmhandbook/org/favicon{suffix}">' in home  # northwind names it,
    assert (site / "assets" / "rmhandbook" / "org" / f"favicon{suffix}").is_file()  # rheinau falls back to the logo
    assert 'data-md-color-primary="custom"' in home and "assets/rmhandbook/org/colors.css" in home
    css = (site / "assets" / "rmhandbook" / "org" / "colors.css").read_text()
    assert f"--md-primary-fg-color: {want['primary']};" in css
    link = palette_for(want["primary"], "#000000").links["default"].hex
    assert f"--md-typeset-a-color: {link};" in css
    search = json.loads((site / "search" / "search_index.json").read_text())
    assert search["config"]["lang"] == [want["lang"]]
    page_css = (site / "assets" / "rmhandbook" / "page.css").read_text()
    assert f"size: {want['paper']};" in page_css  # the organization's paper for print
    assert f'<meta name="theme-color" content="{want["primary"]}">' in home
    assert '<link rel="manifest" href="assets/rmhandbook/org/manifest.webmanifest">' in home
    manifest = json.loads((site / "assets" / "rmhandbook" / "org" / "manifest.webmanifest").read_text())
    assert manifest["name"] == want["name"] and manifest["short_name"] == want["short"]
    assert manifest["icons"][0]["src"] == f"logo{suffix}" and manifest["start_url"] == "../../../"  # stemming in the organization's language


@pytest.mark.parametrize("slug", ORGS)
def test_nothing_is_loaded_from_other_hosts(org_sites, slug):
    """Checked in the files themselves, for every page (the browser test checks one page live)."""
    site = org_sites[slug]
    loads = re.compile(r"""<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc=["']?(?:https?:)?//"""
                       r"""|<link\b[^>]*\bhref=["']?(?:https?:)?//|@import\s+(?:url\()?["']?(?:https?:)?//"""
                       r"""|url\(\s*["']?(?:https?:)?//""", re.IGNORECASE)
    checked = 0
    for path in site.rglob("*"):
        if path.suffix in (".html", ".css", ".js") and "search/" not in path.as_posix():
            text = path.read_text(encoding="utf-8", errors="replace")
            found = loads.search(text)
            assert not found, f"{path.relative_to(site)} loads from another host: {found.group(0)}"
            checked += 1
    assert checked > 50
    assert "fonts.googleapis" not in (site / "index.html").read_text()


@pytest.mark.parametrize("slug", ORGS)
def test_contact_is_on_the_home_page_and_in_every_footer(org_sites, slug):
    import yaml

    contact = yaml.safe_load((REPO / "content" / "orgs" / slug / "org.yml").read_text())["contact"]
    for path, text in pages(org_sites[slug]).items():
        footer = text[text.index("rmh-footer-contact"):]
        assert html.escape(contact["name"]) in footer[:600], path
        assert f'href="mailto:{contact["email"]}"' in footer[:600], path
    home = (org_sites[slug] / "index.html").read_text()
    assert 'class="rmh-contact"' in home and html.escape(contact["chat"]) in home


def without_plain_role_sentences(text: str, gone: str, slug: str) -> str:
    """`text` without the sentences about traditional mentoring and history, which say "mentor" and
    "mentee" on purpose: an organization's own word would be untrue there (issue 17). The sentences
    are taken from the organization's handbook, in its language."""
    from rmhandbook.core.handbook import load_handbook

    hb = load_handbook(REPO / "content", organization=slug)
    passages = [hb.program.origin or ""] + [row.traditional for row in hb.program.comparison]
    passages += [q.answer for q in hb.faqs["basics"].questions if q.id in {"origin", "difference-from-traditional"}]
    text = " ".join(text.split())
    for passage in passages:
        for sentence in re.split(r"(?<=[.!?:])\s+", " ".join(passage.split())):
            if re.search(gone, sentence, re.IGNORECASE):
                text = text.replace(sentence.rstrip(".:"), "")
    return text


@pytest.mark.parametrize("slug", ORGS)
def test_terms_replace_the_default_words_everywhere(org_sites, slug):
    site, want = org_sites[slug], EXPECT[slug]
    everything = "\n".join(visible_text(t) for t in pages(site).values())
    for word in want["words"]:
        assert word in everything, word
    everything = without_plain_role_sentences(everything, want["gone"], slug)
    leftovers = sorted({m.group(0) for m in re.finditer(want["gone"], everything, re.IGNORECASE)})
    assert not leftovers, f"default words left in {slug}'s pages: {leftovers}"
    index = json.loads((site / "search" / "search_index.json").read_text())
    search_text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", d["title"] + " " + d["text"])) for d in index["docs"])
    search_text = without_plain_role_sentences(search_text, want["gone"], slug)
    assert not re.search(want["gone"], search_text, re.IGNORECASE)
    assert want["words"][0] in search_text


@pytest.mark.parametrize("slug", ORGS)
def test_added_item_is_present_and_hidden_item_absent_everywhere(org_sites, slug):
    site, want = org_sites[slug], EXPECT[slug]
    added = site / want["added"] / "index.html"
    assert want["added_title"] in added.read_text()
    hidden_kind, hidden_id = want["hidden"].split("/")
    assert not (site / want["hidden"]).exists()
    index = json.loads((site / "search" / "search_index.json").read_text())
    locations = [d["location"] for d in index["docs"]]
    assert any(loc.startswith(want["added"] + "/") for loc in locations)
    assert not any(loc.startswith(want["hidden"] + "/") for loc in locations)
    assert not any(want["hidden_title"] == d["title"] for d in index["docs"])
    linked_added = False
    for path, text in pages(site).items():
        targets = {posixpath.normpath(posixpath.join(posixpath.dirname(path), href.split("#")[0]))
                   for href in re.findall(r'href="([^"#:]+)', text)}
        assert want["hidden"] not in targets, f"{path} still links the hidden {want['hidden']}"
        linked_added |= want["added"] in targets and path != want["added"] + "/index.html"
        assert f'data-checklist="{hidden_id}"' not in text or hidden_kind != "steps", path
        assert f'data-item="{hidden_id}/' not in text or hidden_kind != "steps", path
    assert linked_added, f"no page links the added {want['added']}"
    if hidden_kind == "steps":  # the printable checklists are among the pages checked above
        phase = (site / "checklists" / "phases" / "partnership" / "index.html").read_text()
        assert phase.count('data-item="') > 10 and 'data-item="first-meeting/' in phase  # the same check finds links when they exist


def test_the_default_handbook_still_builds_without_organization(default_site):
    home = (default_site / "index.html").read_text()
    assert "Reverse Mentoring Handbook" in home
    assert "rmh-footer-contact" not in home and "assets/rmhandbook/org/" not in home
    assert (default_site / "scripts" / "agree-communication" / "index.html").is_file()
    assert not (default_site / "scripts" / "floor-walk-invitation").exists()


def test_all_orgs_in_parallel_builds_the_same_sites_and_reports_times(org_sites, tmp_path):
    site = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "rmhandbook", "build", "--all-orgs", "--jobs", "2", "--strict",
                             "-q", "--site-dir", str(site)], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    err = result.stderr
    assert "building 2 organization(s)" in err and "with 2 process(es)" in err
    for slug in ORGS:
        assert re.search(rf"\[\d/2\] {slug}: ok, \d+ pages in \d+\.\d s", err), err
        assert sorted(pages(site / slug)) == sorted(pages(org_sites[slug])), slug
    total = sum(len(pages(org_sites[s])) for s in ORGS)
    assert re.search(rf"2 site\(s\), {total} pages in \d+\.\d s \(northwind \d+\.\d s, rheinau \d+\.\d s\); 0 failed",
                     err), err
    index = (site / "index.html").read_text()
    for slug in ORGS:
        assert f'href="{slug}/"' in index and EXPECT[slug]["name"] in index
        logo = re.search(rf'src="({slug}/assets/rmhandbook/org/logo\.\w+)"', index).group(1)
        assert (site / logo).is_file()


def test_one_failing_organization_does_not_hide_the_others(tmp_path):
    from rmhandbook.cli import main

    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content, ignore=shutil.ignore_patterns("schema"))
    bad = content / "orgs" / "broken"
    shutil.copytree(content / "orgs" / "northwind", bad)
    site = tmp_path / "site"
    assert main(["build", "--org", "broken", "-q", "--content", str(content), "--site-dir", str(site)]) == 0
    before = sorted(pages(site / "broken"))
    (bad / "org.yml").write_text((bad / "org.yml").read_text().replace('primary: "#0b6e4f"', 'primary: "teal"'))
    result = subprocess.run([sys.executable, "-m", "rmhandbook", "build", "--all-orgs", "--jobs", "2", "-q",
                             "--content", str(content), "--site-dir", str(site)], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    assert re.search(r"\[\d/3\] broken: FAILED", result.stderr)
    assert "orgs/broken/org.yml:9:12: error: `primary` `teal` is not valid" in result.stderr
    assert "2 site(s)" in result.stderr and "1 failed: broken" in result.stderr
    assert (site / "northwind" / "index.html").is_file() and (site / "rheinau" / "index.html").is_file()
    assert sorted(pages(site / "broken")) == before  # the previous site is still there, unchanged
    index = (site / "index.html").read_text()
    for slug in ("broken", "northwind", "rheinau"):
        assert f'href="{slug}/"' in index
    left = [p for p in site.iterdir() if p.name.startswith(".") and p.name != ".rmhandbook-site"]  # the mark stays
    assert not left, "temporary folders left behind"


def test_build_org_writes_its_own_folder_and_the_index(tmp_path):
    from rmhandbook.cli import main

    site = tmp_path / "site"
    assert main(["build", "--org", "rheinau", "-q", "--site-dir", str(site)]) == 0
    assert (site / "rheinau" / "index.html").is_file() and not (site / "northwind").exists()
    assert 'href="rheinau/"' in (site / "index.html").read_text()
    assert main(["build", "--org", "nowhere", "-q", "--site-dir", str(site)]) == 1


def test_markup_in_an_organizations_text_is_shown_as_text(tmp_path):
    # names with `<` or `>` are refused (tests/corpus/org-script-in-name); other text is escaped once
    content = tmp_path / "content"
    shutil.copytree(SCAFFOLD, content)
    org = content / "orgs" / "evil"
    shutil.copytree(REPO / "content" / "orgs" / "northwind", org, ignore=shutil.ignore_patterns("steps", "scripts"))
    text = (org / "org.yml").read_text()
    text = text.replace("name: Northwind Logistics", 'name: "Smith & Sons \\"Co\\""')
    text = text.replace("name: Dana Whitfield", 'name: "<img src=x onerror=alert(2)>"')
    text = text.replace('chat: "#bridge-program on Teams"', 'chat: "</div><script>alert(3)</script>"')
    text = text.replace("hide: [scripts/agree-communication]", "")
    text = text.replace("program_name: The Bridge Program", 'program_name: "Q&A program"')
    text = text.replace("  sponsor: executive champion", '  sponsor: "R&D <b>champion</b>"')
    (org / "org.yml").write_text(text)
    site = build_site(REPO / "mkdocs.yml", tmp_path / "site", content_dir=content, organization="evil")
    for path, page in pages(site).items():
        assert "<script>alert(" not in page, path
        assert "<img src=x" not in page, path
        assert "Smith &amp; Sons" in page, path
        assert "&amp;amp;" not in page and "&amp;lt;" not in page, path  # escaped once, not twice
    home = (site / "index.html").read_text()
    assert "&lt;img src=x onerror=alert(2)&gt;" in home
    assert "&lt;/div&gt;&lt;script&gt;alert(3)&lt;/script&gt;" in home
    assert "Q&amp;A program</h1>" in home  # program_name, the home page title
    page_css = (site / "assets" / "rmhandbook" / "page.css").read_text()
    assert 'content: "Q&A program"' in page_css  # print header: plain text, CSS-escaped
    badges = [b for text in pages(site).values() for b in re.findall(r'class="rmh-role rmh-role--sponsor">([^<]*)<', text)]
    assert badges and set(badges) == {"R&amp;D &lt;b&gt;champion&lt;/b&gt;"}  # a term's word in a checklist
    cover = (site / "checklists" / "packs" / "sponsor" / "index.html").read_text()
    assert '<p class="rmh-cover__program">Q&amp;A program</p>' in cover
    assert '<dd class="rmh-fill__value">R&amp;D &lt;b&gt;champion&lt;/b&gt;</dd>' in cover  # the role, once escaped


@pytest.mark.browser
def test_org_page_in_a_browser_has_the_org_colours_and_stays_local(org_sites, page_factory):
    from harness import save_artifact

    with serve_directory(org_sites["rheinau"]) as url:
        page, log = page_factory(url + "steps/first-meeting/")
        header = page.eval_on_selector(".md-header", "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]")
        assert header == ["rgb(255, 204, 0)", "rgb(0, 0, 0)"]  # brand yellow, black text (white fails AA)
        link = palette_for("#ffcc00", "#005a9c").links["default"]
        color = page.eval_on_selector(".md-content a[href]", "e => getComputedStyle(e).color")
        assert color == f"rgb({link.r}, {link.g}, {link.b})"
        assert page.eval_on_selector("html", "e => e.lang") == "de"
        logo = page.eval_on_selector(".md-header .md-logo img", "e => [e.naturalWidth, e.getAttribute('src')]")
        assert logo[0] == 64 and logo[1].endswith("assets/rmhandbook/org/logo.png")
        assert "Jana Becker" in page.inner_text(".md-footer")
        save_artifact("org-rheinau-step.png", page.screenshot(full_page=False))
        toggle = page.locator("form[data-md-component=palette] label:visible")
        assert toggle.get_attribute("title") == "Zur dunklen Darstellung wechseln"  # the org's language
        toggle.click()  # Material's toggle to the dark scheme
        page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
        dark_link = page.eval_on_selector(".md-content a[href]", "e => getComputedStyle(e).color")
        dark_bg = page.eval_on_selector("body", "e => getComputedStyle(e).backgroundColor")
        rgb = lambda css: Color(*map(int, re.findall(r"\d+", css)[:3]))  # noqa: E731
        assert contrast_ratio(rgb(dark_link), rgb(dark_bg)) >= 4.5, (dark_link, dark_bg)
        save_artifact("org-rheinau-step-dark.png", page.screenshot(full_page=False))
        assert log.urls and not log.outside


def test_paper_asked_for_on_the_command_line_wins_over_the_organization(tmp_path):
    site = build_site(REPO / "mkdocs.yml", tmp_path / "site", organization="northwind", paper="a4")
    assert "size: A4;" in (site / "assets" / "rmhandbook" / "page.css").read_text()  # northwind says letter


def test_checklists_lists_an_organizations_checklists_in_its_words(capsys):
    from rmhandbook.cli import main

    assert main(["checklists"]) == 0
    default = capsys.readouterr().out
    assert main(["checklists", "--org", "rheinau"]) == 0
    out = capsys.readouterr().out
    assert "Unterlagen zum Austeilen: Tandem-Partner" in out
    mentor_items = [int(re.search(r"checklists/roles/mentor\.md  [^:]+: (\d+) items", text).group(1))
                    for text in (default, out)]
    assert mentor_items[1] == mentor_items[0] - 5  # the hidden step's five items for the mentor are gone


@pytest.mark.browser
def test_site_index_in_a_browser_leads_to_each_organization(org_sites, page_factory, tmp_path):
    from rmhandbook.outputs.site_index import write_site_index

    base = tmp_path / "site"
    base.mkdir()
    for slug, site in org_sites.items():
        (base / slug).symlink_to(site, target_is_directory=True)
    assert write_site_index(base) == list(ORGS)
    with serve_directory(base) as url:
        page, log = page_factory(url)
        logos = page.eval_on_selector_all("a.org img", "imgs => imgs.map(i => i.naturalWidth)")
        assert len(logos) == 2 and all(w > 0 for w in logos)  # both logos load from the sites themselves
        page.click("text=Stadtwerke Rheinau")
        page.wait_for_load_state("networkidle")
        assert page.url == url + "rheinau/"
        assert page.title() == "Das Tandem-Programm - Stadtwerke Rheinau"
        assert log.urls and not log.outside
