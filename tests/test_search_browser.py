"""The site search answers the questions readers ask, typed into Material's own search box in Chromium.

tests/search_questions.yml lists the questions (English on the default handbook, German on the
Rheinau example organization), each with the page that must be among the first three results.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from harness import REPO, build_site, serve_directory

pytestmark = pytest.mark.browser

QUESTIONS = yaml.safe_load((Path(__file__).parent / "search_questions.yml").read_text(encoding="utf-8"))
RESULTS_JS = """els => els.map(e => {
  const a = e.querySelector('a.md-search-result__link');
  return [a.getAttribute('href'), (e.querySelector('h1') || a).innerText.trim()];
})"""


@pytest.fixture(scope="module")
def rheinau_site(tmp_path_factory) -> Path:
    return build_site(REPO / "mkdocs.yml", tmp_path_factory.mktemp("rheinau") / "site", organization="rheinau")


def search(page, base_url: str, query: str) -> list[tuple[str, str]]:
    """Type `query` into the search box as a reader does; (page path, title) of each result, best first.

    Material searches while one types; the list is read once it has stayed the same for a second.
    """
    page.fill(".md-search__input", "")
    page.click(".md-search__input")
    page.keyboard.type(query)
    last, stable, results = None, 0, []
    for _ in range(100):
        page.wait_for_timeout(250)
        results = page.eval_on_selector_all(".md-search-result__item", RESULTS_JS)
        stable = stable + 1 if results == last else 0
        last = results
        if stable >= 4 and results:
            break
    out = []
    for href, title in results:
        path = href.replace(base_url, "").split("?")[0].split("#")[0]
        out.append((path, title))
    return out


def misses(page, base_url: str, questions: list[dict]) -> list[str]:
    failed = []
    for item in questions:
        results = search(page, base_url, item["q"])
        top = [path for path, _ in results[:3]]
        if item["page"] not in top:
            shown = "; ".join(f"{path} ({title})" for path, title in results[:3]) or "no results"
            failed.append(f"{item['q']!r}: wanted {item['page']} in the top 3, got {shown}")
    return failed


@pytest.mark.parametrize("site", ["default", "rheinau"])
def test_questions_find_their_page_in_the_top_three(site, request, page_factory):
    folder = request.getfixturevalue("default_site" if site == "default" else "rheinau_site")
    questions = QUESTIONS[site]
    assert len(questions) >= (20 if site == "default" else 8)
    with serve_directory(folder) as url:
        page, _ = page_factory(url)
        failed = misses(page, url, questions)
    assert not failed, f"{len(failed)} of {len(questions)} questions missed:\n" + "\n".join(failed)


def test_the_issue_examples_are_in_the_question_list():
    asked = {item["q"]: item["page"] for item in QUESTIONS["default"]}
    assert asked["How often should a pair meet"] in ("faq/basics/", "steps/meet-regularly/")
    assert asked["what if my mentee cancels"] == "pitfalls/cancelled-sessions/"
    assert asked["feedback to my boss"] in ("scripts/feedback-upward/", "steps/exchange-feedback/")


def test_a_result_shows_tags_only_when_its_page_shows_them(default_site, page_factory):
    with serve_directory(default_site) as url:
        page, _ = page_factory(url)
        search(page, url, "meetings canceled")
        chips = page.eval_on_selector_all(
            ".md-search-result__item", "els => els.map(e => [e.querySelector('a').getAttribute('href'),"
            " [...e.querySelectorAll('.md-tag')].map(t => t.textContent.trim())])")
        assert any(tags for _, tags in chips), "the search for a tagged pitfall shows no tag chips"
        for href, tags in chips:
            if not tags:
                continue
            target = href.replace(url, "").split("?")[0].split("#")[0]
            page.goto(url + target, wait_until="networkidle")
            shown = page.eval_on_selector_all(".rmh-tag", "els => els.map(e => e.innerText.trim())")
            assert set(tags) <= set(shown), f"{target}: the result shows tags {tags}, the page {shown}"
            page.goto(url, wait_until="networkidle")
