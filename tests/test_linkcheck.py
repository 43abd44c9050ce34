"""The internal link check on hand-made sites, and on the default handbook."""

from __future__ import annotations

from pathlib import Path

import pytest

from rmhandbook.linkcheck import BrokenLink, check_site_links, report


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


def test_good_links_pass(tmp_path):
    site = write(tmp_path, {
        "index.html": '<a href="steps/a/">a</a> <a href="steps/a/#why">why</a> <a href="#top">top</a>'
                      '<h1 id="top">t</h1> <a href="https://example.org/x">out</a> <a href="mailto:a@b.c">m</a>'
                      '<link rel="stylesheet" href="assets/x.css"><img src="img/p%20q.png">'
                      '<a href="steps/a/index.html#how">how</a> <a href="?q=1">query</a> <a href="">self</a>',
        "steps/a/index.html": '<h2 id="why">Why</h2><a name="how"></a><a href="../../">home</a>'
                              '<a href="/assets/x.css">root-relative</a><script src="../../assets/x.js"></script>',
        "assets/x.css": "", "assets/x.js": "", "img/p q.png": "",
    })
    assert check_site_links(site) == []


def test_every_broken_link_is_named_with_its_page(tmp_path):
    site = write(tmp_path, {
        "index.html": '<a href="steps/b/">b</a> <a href="steps/a/#nope">anchor</a> <a href="#missing">m</a>'
                      '<img src="img/none.png"><a href="../../etc/passwd">out</a>',
        "steps/a/index.html": '<h2 id="why">Why</h2>',
    })
    assert check_site_links(site) == [
        BrokenLink("index.html", "#missing", "`index.html` has no anchor `#missing`"),
        BrokenLink("index.html", "../../etc/passwd", "it points outside the site"),
        BrokenLink("index.html", "img/none.png", "there is no `img/none.png` in the site"),
        BrokenLink("index.html", "steps/a/#nope", "`steps/a/index.html` has no anchor `#nope`"),
        BrokenLink("index.html", "steps/b/", "there is no `steps/b/index.html` in the site"),
    ]
    text = report(check_site_links(site))
    assert text.splitlines()[0] == "index.html: broken link `#missing`: `index.html` has no anchor `#missing`"
    assert text.splitlines()[-1] == ("5 broken links: fix the content or template that writes them; "
                                     "the site was not published.")


def test_the_default_handbook_has_no_broken_links(default_site):
    # the build already ran the check (it would have failed); this proves the check saw the pages
    assert check_site_links(default_site) == []
    pages = list(default_site.rglob("*.html"))
    assert len(pages) > 50


def test_the_default_handbook_builds_strict_with_every_validation_at_warn():
    import yaml

    from harness import REPO

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)  # mkdocs.yml's !ENV and friends
    config = yaml.load((REPO / "mkdocs.yml").read_text(), Loader=_Loader)
    assert config["validation"] == {"omitted_files": "warn", "absolute_links": "warn",
                                    "unrecognized_links": "warn", "anchors": "warn"}
    # (the default_site fixture builds it with strict=True)


@pytest.mark.parametrize("tag, link", [('<a href="../nowhere/">x</a>', "../nowhere/"),
                                       ('<img src="../pic.png" alt="x">', "../pic.png")])
def test_raw_html_in_a_users_page_fails_a_plain_mkdocs_build(tmp_path, caplog, tag, link):
    import logging
    import shutil

    from mkdocs.exceptions import Abort

    from harness import REPO, build_site
    from rmhandbook.scaffold import MKDOCS_YML

    shutil.copytree(REPO / "rmhandbook" / "scaffold" / "content", tmp_path / "content")
    (tmp_path / "content" / "notes.md").write_text(f"# Notes\n\n{tag}\n")
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML.format(name="Links"))
    with caplog.at_level(logging.ERROR, logger="mkdocs"), pytest.raises(Abort):
        build_site(tmp_path / "mkdocs.yml", tmp_path / "site", strict=False)
    assert f"notes/index.html: broken link `{link}`: there is no" in caplog.text


def test_a_broken_link_in_content_names_the_yaml_file_it_comes_from(tmp_path, monkeypatch, capsys):
    import shutil

    from harness import REPO
    from rmhandbook.cli import main
    from rmhandbook.scaffold import MKDOCS_YML

    content = Path(shutil.copytree(REPO / "rmhandbook" / "scaffold" / "content", tmp_path / "content"))
    step = content / "steps" / "first-meeting.yml"
    step.write_text(step.read_text().replace("why: The first hour", "why: See [the plan](../plan/). The first hour"))
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML.format(name="Links"))
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--quiet", "--site-dir", "site"]) == 1
    err = capsys.readouterr().err
    assert ("steps/first-meeting/index.html: broken link `../plan/`: there is no `steps/plan/index.html` in the site "
            "(the page comes from content/steps/first-meeting.yml)") in err
    assert not (tmp_path / "site").exists()
