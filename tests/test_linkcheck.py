"""The internal link check on hand-made sites, and on the default handbook."""

from __future__ import annotations

from pathlib import Path

import pytest

from rmhandbook.outputs.linkcheck import BrokenLink, check_site_links, report


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
    from rmhandbook.outputs.scaffold import MKDOCS_YML

    shutil.copytree(REPO / "rmhandbook" / "outputs" / "scaffold" / "content", tmp_path / "content")
    (tmp_path / "content" / "notes.md").write_text(f"# Notes\n\n{tag}\n")
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML.format(name="Links"))
    with caplog.at_level(logging.ERROR, logger="mkdocs"), pytest.raises(Abort):
        build_site(tmp_path / "mkdocs.yml", tmp_path / "site", strict=False)
    assert f"notes/index.html: broken link `{link}`: there is no" in caplog.text


def test_a_broken_link_in_content_names_the_yaml_file_it_comes_from(tmp_path, monkeypatch, capsys):
    import shutil

    from harness import REPO
    from rmhandbook.cli import main
    from rmhandbook.outputs.scaffold import MKDOCS_YML

    content = Path(shutil.copytree(REPO / "rmhandbook" / "outputs" / "scaffold" / "content", tmp_path / "content"))
    step = content / "steps" / "first-meeting.yml"
    step.write_text(step.read_text().replace("why: The first hour", "why: See [the plan](../plan/). The first hour"))
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML.format(name="Links"))
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--quiet", "--site-dir", "site"]) == 1
    err = capsys.readouterr().err
    assert ("steps/first-meeting/index.html: broken link `../plan/`: there is no `steps/plan/index.html` in the site "
            "(the page comes from content/steps/first-meeting.yml)") in err
    assert not (tmp_path / "site").exists()


def test_fast_scanner_reads_pages_like_the_html_parser(default_site):
    """The regex scanner the check uses finds exactly the ids and links html.parser finds."""
    from rmhandbook.outputs.linkcheck import _PageParser, _scan

    tricky = ("<!DOCTYPE html><HTML><body><!-- <a href='commented.html'> --><A HREF=\"Upper.html\" ID=Up>x</A>"
              "<a href='single.html' id='s'>s</a><a href=unquoted.html>u</a><a href=\"q.html?a=1&amp;b=2#f\">q</a>"
              "<script src=\"js/x.js\">var s = '<a href=\"in-script.html\">';</script><style>a[href='x']{}</style>"
              "<a name=\"old\"></a><img src=\"i.png\" alt=\"an id=fake\"><div data-id=\"not\" id=\"real\"></div>"
              "<br/><input disabled id=\"i\"><p>href=\"text.html\" in text</p></body></HTML>")
    pages = [tricky] + [p.read_text() for p in sorted(default_site.rglob("*.html"))]
    for text in pages:
        reference = _PageParser()
        reference.feed(text)
        reference.close()
        scanned = _scan(text)
        assert scanned.ids == reference.ids
        assert scanned.links == reference.links
    assert _scan(tricky).links == ["Upper.html", "single.html", "unquoted.html", "q.html?a=1&b=2#f", "js/x.js",
                                   "i.png"]


# --- reading pages as they are written (SiteChecker) ----------------------------------------

def _hand_in(checker, site: Path, skip: tuple[str, ...] = ()) -> None:
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        if rel not in skip:
            checker.add_page(rel, page.read_text(encoding="utf-8"))


def _broken_site(tmp_path: Path) -> Path:
    return write(tmp_path / "site", {
        "index.html": '<a href="a/">a</a> <a href="a/#why">why</a> <a href="a/#nope">nope</a> <a href="b/">b</a>',
        "a/index.html": '<h2 id="why">Why</h2><a href="../404.html">lost</a>',
        "404.html": '<a href="./#gone">gone</a>',  # written by the theme: nobody hands it in
    })


@pytest.mark.parametrize("worker", [False, True])
def test_pages_handed_in_while_written_give_the_same_result(tmp_path, worker):
    from rmhandbook.outputs.linkcheck import SiteChecker

    site = _broken_site(tmp_path)
    checker = SiteChecker(worker=worker)
    assert checker.parallel is worker
    _hand_in(checker, site, skip=("404.html",))
    assert checker.finish(site) == check_site_links(site)
    assert len(check_site_links(site)) == 3  # a/#nope, b/, and #gone on the 404 page nobody handed in


@pytest.mark.parametrize("worker", [False, True])
def test_a_page_changed_after_it_was_handed_in_is_read_again(tmp_path, worker):
    from rmhandbook.outputs.linkcheck import SiteChecker

    site = _broken_site(tmp_path)
    checker = SiteChecker(worker=worker)
    _hand_in(checker, site)
    # another plugin rewrites the home page after it was handed in: the file on disk is what counts
    (site / "index.html").write_text('<a href="a/#why">why</a> <a href="c/">c</a>', encoding="utf-8")
    assert [b.link for b in checker.finish(site)] == ["./#gone", "c/"]


def test_a_worker_that_dies_leaves_the_check_to_the_build(tmp_path):
    from rmhandbook.outputs.linkcheck import SiteChecker

    site = _broken_site(tmp_path)
    checker = SiteChecker(worker=True)
    checker.add_page("index.html", (site / "index.html").read_text())
    checker._proc.kill()
    checker._proc.wait()
    _hand_in(checker, site)  # (buffered: the dead worker shows when the pages are flushed)
    assert checker.finish(site) == check_site_links(site)  # every page read again from the site
    assert not checker.parallel


def test_a_large_site_is_read_by_a_worker_and_a_small_one_in_process():
    from rmhandbook.outputs.linkcheck import WORKER_MIN_PAGES, SiteChecker

    small, large = SiteChecker(WORKER_MIN_PAGES - 1), SiteChecker(WORKER_MIN_PAGES)
    try:
        assert (small.parallel, large.parallel) == (False, True)
    finally:
        large.close()
    assert not large.parallel


def test_links_from_the_hosts_root_follow_the_path_the_site_is_served_under(tmp_path):
    """With `site_url: https://intranet.example/handbook/`, MkDocs writes the 404 page's links as
    `/handbook/...`: they point into the site, and `/elsewhere/` points outside it."""
    site = write(tmp_path, {
        "404.html": '<link rel="stylesheet" href="/handbook/assets/x.css"><a href="/handbook/">home</a>'
                    '<a href="/handbook/steps/a/#why">why</a>',
        "index.html": '<a href="/elsewhere/">out</a>',
        "steps/a/index.html": '<h2 id="why">Why</h2>', "assets/x.css": "",
    })
    assert check_site_links(site, site_path="/handbook/") == [
        BrokenLink("index.html", "/elsewhere/", "it points outside the site")]
    served_at_root = {b.link for b in check_site_links(site)}
    assert "/handbook/assets/x.css" in served_at_root and "/elsewhere/" in served_at_root


@pytest.mark.parametrize("worker", [False, True])
def test_the_checker_and_its_worker_know_the_served_path(tmp_path, worker):
    from rmhandbook.outputs.linkcheck import SiteChecker, served_path

    assert served_path("https://intranet.example/handbook") == "/handbook/"
    assert served_path(None) == "/" and served_path("http://127.0.0.1:8000/") == "/"
    pages = {"404.html": '<a href="/handbook/">home</a><a href="/handbook/nope/">gone</a>', "index.html": "<p>x</p>"}
    site = write(tmp_path, pages)
    checker = SiteChecker(worker=worker, site_path="/handbook/")
    for rel, text in pages.items():
        checker.add_page(rel, text)
    assert checker.finish(site) == [BrokenLink("404.html", "/handbook/nope/",
                                               "there is no `nope/index.html` in the site")]


def test_a_site_served_under_a_path_builds(tmp_path):
    import shutil

    from harness import REPO, build_site

    shutil.copytree(REPO / "rmhandbook" / "outputs" / "scaffold" / "content", tmp_path / "content")
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: T\nsite_url: https://intranet.example/handbook/\ndocs_dir: content\n"
                      "theme:\n  name: material\n  font: false\nplugins:\n  - search\n  - rmhandbook\n")
    site = build_site(config, tmp_path / "site")
    assert 'href="/handbook/assets/' in (site / "404.html").read_text()
