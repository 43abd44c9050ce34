"""Content cannot turn the handbook against its readers.

Unit tests for the pieces (prose rendering and cleaning, is_safe_url, the Markdown
extension), and a hypothesis property test: hostile fragments mixed into
every prose field of a handbook never produce, in any built page, a
<script> element we did not put there, an on*= attribute, or a link or
source with a `javascript:` (or other non-http(s)/mailto/relative) URL.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mkdocs.exceptions import Abort

from rmhandbook.core.prose import prose_html
from rmhandbook.render.prose import embeddable, plain_title
from rmhandbook.render.safety import is_safe_url
from rmhandbook.outputs.scaffold import MKDOCS_YML

from harness import REPO, build_site

SCAFFOLD = REPO / "rmhandbook" / "outputs" / "scaffold" / "content"


# --- the pieces ----------------------------------------------------------------

def _page(markdown_page: str) -> str:
    """A page's HTML, with numeric character references read (prose punctuation is written as them)."""
    md = markdown.Markdown(extensions=["abbr", "attr_list", "md_in_html", "tables", "toc", "rmhandbook.render.safety"])
    return re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))) if chr(int(m.group(1))) not in "<>&\"" else m.group(0),
                  md.convert(markdown_page))


def _tags(html_text: str) -> list[tuple[str, list]]:
    found = []
    parser = HTMLParser()
    parser.handle_starttag = lambda tag, attrs: found.append((tag, attrs))
    parser.feed(html_text)
    return found


@pytest.mark.parametrize("prose, shown", [
    ("1 < 2 and <b>bold</b>", "<p>1 &lt; 2 and &lt;b&gt;bold&lt;/b&gt;</p>"),
    ("code `<b>` stays code", "<p>code <code>&lt;b&gt;</code> stays code</p>"),
    # the autolink class: an "email autolink" can at most be a mailto link, never raw HTML
    ("<details/open/ontoggle=alert(1)//@x.yz>\nmore", None),
    ("{: #__config }", "<p>{: #__config }</p>"),
    ('word\n{: style="background:url(https://x.example/a)" }', None),
    ('[x](../a.md "<img src=x onerror=alert(1)>")', '<p><a href="../a.md">x</a></p>'),
    ("[x](javascript:alert(1))", "<p>x</p>"),
    ("![x](https://x.example/a.png)", "<p>x</p>"),
    ("![x](img/a.png)", '<p><img alt="x" src="img/a.png" /></p>'),
    ("\\[x\\](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>"),
    ("\\# not a heading", "<p># not a heading</p>"),
    ("- one\n- two\n    - nested", "<ul>\n<li>one</li>\n<li>two<ul>\n<li>nested</li>\n</ul>\n</li>\n</ul>"),
])
def test_prose_is_cleaned_and_the_page_shows_it_as_cleaned(prose, shown):
    """What nh3 keeps is what the page shows: the page's Markdown does not read the prose again."""
    clean = prose_html(prose)
    page = _page(embeddable(prose))
    for out in (clean, page):
        tags = _tags(out)
        assert {tag for tag, _ in tags} <= {"p", "a", "img", "code", "ul", "li"}, tags
        names = {name for _, attrs in tags for name, _ in attrs}
        assert names <= {"href", "src", "alt"}, tags
        assert all(not v.startswith(("javascript:", "https://x.example")) for _, attrs in tags for _, v in attrs)
    if shown is not None:
        assert page == shown


@pytest.mark.parametrize("context", ["# {}", "| a | {} |", "- {}", "**{}**", "[{}](x.md)", "{}\n{{: #ok }}"])
def test_prose_reads_the_same_in_every_place_a_template_puts_it(context):
    prose = "a *b* `c` \\*d\\* \\{: #__config } | &lt; <e>"
    page = _page(("| a | b |\n| --- | --- |\n" if context.startswith("|") else "") + context.format(embeddable(prose)))
    assert "<em>b</em>" in page and "<code>c</code>" in page and "*d*" in page
    assert "{: #__config }" in page and "&lt;e&gt;" in page
    # only the template's own attribute list sets an attribute (`{: #ok }`), and the heading's slug
    assert [(t, a) for t, a in _tags(page) if a] in ([], [("p", [("id", "ok")])], [("a", [("href", "x.md")])],
                                                     [("h1", [("id", "a-b-c-d-__config-e")])])


def test_a_heading_cannot_take_a_theme_id_through_its_slug():
    page = _page("# " + embeddable("\\_\\_config"))
    assert "__config" in page and 'id="__config"' not in page


def test_glossary_titles_carry_no_markup():
    assert "<" not in plain_title("a &lt; <img src=x onerror=alert(1)>")


@pytest.mark.parametrize("url", ["page.md", "../steps/a/", "#why", "?q=1", "", "https://example.org/",
                                 "http://intranet/x", "mailto:lead@example.org", "tel:+4912345", "b/c",
                                 "steps/a:b.md"])
def test_safe_urls(url):
    assert is_safe_url(url)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:x", "java\tscript:x",
                                 "java&#x09;script:x", "&#106;avascript:x", "data:text/html,<b>", "vbscript:x",
                                 "file:///etc/passwd", "//evil.example/x.js", "\\\\evil\\share", "jar:x"])
def test_unsafe_urls(url):
    assert not is_safe_url(url)


def test_the_markdown_extension_removes_handlers_and_unsafe_links():
    md = markdown.Markdown(extensions=["attr_list", "rmhandbook.render.safety"])
    out = md.convert('[a](javascript:alert(1)) ![b](data:x) [c](https://ok.example/) [d](page.md) '
                     '![e](https://x.example/e.png)\n'
                     '{: onclick="alert(1)" title="kept" style="color:red" #__config .md-x .md-button data-md-component="x" }')
    assert out == ('<p class="md-button" title="kept"><span>a</span> <span>b</span> <a href="https://ok.example/">c</a> '
                   '<a href="page.md">d</a> <span>e</span></p>')


# --- the property ------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>", "<SCRIPT SRC=//evil.example/x.js></SCRIPT>", "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>", '<a href="javascript:alert(1)">x</a>', "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))", "[tab](java&#x09;script:alert(1))", "[d](data:text/html;base64,PHNjcmlwdD4=)",
    "[v](vbscript:msgbox(1))", "![i](javascript:alert(1))", '<https://example.org/" onmouseover="alert(1)>',
    '\n\n{: onclick="alert(1)" }', "word{ onmouseover=alert(1) }", "</div><script>alert(1)</script>",
    '<iframe src="javascript:alert(1)">', "<<script>script>alert(1)<</script>/script>",
    "<details open ontoggle=alert(1)>", '"><script>alert(1)</script>', "' onfocus='alert(1)' autofocus='",
    "<style>@import 'javascript:alert(1)'</style>", "<!--<script>-->", "&lt;script&gt;alert(1)&lt;/script&gt;",
    "`<script>alert(1)</script>`", "\n\n```\n<script>alert(1)</script>\n```\n", "*[HTML]: <script>alert(1)</script>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", "%3Cscript%3Ealert(1)%3C/script%3E",
    '<a href="#" onclick="alert(1)">x</a>', "<object data=javascript:alert(1)>", "<form action=javascript:alert(1)>",
    "<base href=javascript:alert(1)//>", "\n\n<div markdown onclick=alert(1)>x</div>\n\n",
    # the classes of issue 12: autolinks, titles read as HTML, theme ids, styles that load
    "\n<details/open/ontoggle=alert(1)//@x.yz>\n", "<img/src/onerror=alert(1)//@x.yz>",
    '[t](page.md "<img src=x onerror=alert(1)>")', "\n\n{: #__config }\n", "\n\n{: .md-search__input }\n",
    'x{: style="background:url(https://x.example/a)" }', "\n\n\\_\\_config\n", "# \\_\\_search\n",
    '\n\n{: data-md-component="search" }\n', "&lt;img src=x onerror=alert(1)&gt;",
]
NOISE = st.text(alphabet="<>\"'&=:/;{}#!*_`-. scriptonerlaJSV", max_size=14)
PAYLOAD = st.lists(st.one_of(st.sampled_from(HOSTILE), NOISE), min_size=1, max_size=3).map("".join)


def _prose_fields(data, schema: dict, defs: dict, loc=()):
    """Paths of every free-text value in a content file (ids, references and choices are not prose)."""
    from rmhandbook.core.validation import _schema_at

    if isinstance(data, dict):
        for k, v in data.items():
            yield from _prose_fields(v, schema, defs, loc + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _prose_fields(v, schema, defs, loc + (i,))
    elif isinstance(data, str):
        node = _schema_at(schema, defs, loc)
        options = node.get("anyOf", [node])
        if any(o.get("type") == "string" and "pattern" not in o and "enum" not in o for o in options):
            yield loc


# Optional prose fields the scaffold leaves out, so that every prose field of every model gets a payload.
OPTIONAL = {
    "program.yml": {"comparison": [{"aspect": "Direction", "traditional": "Down", "reverse": "Up"}],
                    "origin": "It started in the 1990s.", "examples": [{"organization": "Acme", "summary": "Ran it."}],
                    "tracks": [{"id": "digital", "title": "Digital skills", "summary": "Tools and habits."}]},
    "steps/first-meeting.yml": {"tips": ["Meet somewhere quiet."], "tags": ["partnership"]},
    "scripts/first-meeting-opener.yml": {"variations": [{"title": "By video", "text": "Hello."}],
                                         "do": ["Listen."], "dont": ["Interrupt."], "tags": ["opening"]},
    "pitfalls/tick-box.yml": {"tags": ["time"]},
    "faqs/basics.yml": {"summary": "The basics."},
    "glossary.yml": {},
}


def _with_optional_fields(rel: str, data: dict) -> dict:
    data = {**data, **OPTIONAL.get(rel, {})}
    if rel == "program.yml":
        data["roles"] = [{**r, "responsibilities": ["Turn up."]} for r in data["roles"]]
        data["terms"] = {**data["terms"], "program-lead": {"singular": "program lead", "plural": "program leads"}}
    if rel == "glossary.yml":
        data["entries"] = [{**e, "aliases": ["reverse mentorship"]} for e in data["entries"]]
    return data


def _schema_prose_paths(schema: dict) -> set[str]:
    """Every free-text property of a model, as a path with `[]` for list items and `{}` for mapping values."""
    defs = schema.get("$defs", {})
    out: set[str] = set()

    def walk(node: dict, path: str, depth: int = 0) -> None:
        if depth > 8:
            return
        if "$ref" in node:
            walk(defs[node["$ref"].split("/")[-1]], path, depth + 1)
        for option in node.get("anyOf", []):
            walk(option, path, depth + 1)
        if node.get("type") == "string" and "pattern" not in node and "enum" not in node:
            out.add(path)
        for key, sub in node.get("properties", {}).items():
            walk(sub, f"{path}.{key}" if path else key, depth + 1)
        if isinstance(node.get("items"), dict):
            walk(node["items"], path + "[]", depth + 1)
        if isinstance(node.get("additionalProperties"), dict):
            walk(node["additionalProperties"], path + "{}", depth + 1)
        for sub in node.get("patternProperties", {}).values():
            walk(sub, path + "{}", depth + 1)

    walk(schema, "")
    return out


def _as_schema_path(loc: tuple, data) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += "[]"
        elif isinstance(data, dict) and path in ("actions", "terms"):  # mappings keyed by id
            path += "{}"
        else:
            path += f".{part}" if path else part
        data = data[part] if not isinstance(data, str) else data
    return path


def _content_files() -> list[tuple[Path, type]]:
    from rmhandbook.core.model import KINDS, SINGLE_FILES

    out = [(SCAFFOLD / f"{name}.yml", model) for name, model in SINGLE_FILES.items()]
    for kind in KINDS.values():
        out += [(p, kind.model) for p in sorted((SCAFFOLD / kind.folder).glob("*.yml"))]
    return out


def test_the_property_test_reaches_every_prose_field_of_every_model():
    from rmhandbook.core.validation import _schema

    for model in {m for _, m in _content_files()}:
        schema = _schema(model)
        wanted = _schema_prose_paths(schema)
        reached = set()
        for path, m in _content_files():
            if m is not model:
                continue
            rel = path.relative_to(SCAFFOLD).as_posix()
            data = _with_optional_fields(rel, yaml.safe_load(path.read_text(encoding="utf-8")))
            reached |= {_as_schema_path(loc, data) for loc in _prose_fields(data, schema, schema.get("$defs", {}))}
        assert wanted <= reached, f"{model.__name__}: prose fields no payload reaches: {sorted(wanted - reached)}"


def _set(data, loc, value) -> None:
    for part in loc[:-1]:
        data = data[part]
    data[loc[-1]] = value


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple] = []
        self.handlers: list[str] = []
        self.bad_urls: list[str] = []
        self._in_script: list | None = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}={value!r}>")
            if name == "id" and value == "__config" and tag != "script":
                self.handlers.append(f"<{tag} {name}={value!r}>")  # Material's config, clobbered
            if name == "title" and "<" in (value or ""):
                self.handlers.append(f"<{tag} {name}={value!r}>")  # Material's tooltips read titles as HTML
            if name in ("href", "src", "action", "formaction", "data", "poster", "srcset", "xlink:href") and value:
                # the parser has decoded character references once, as a browser does; a browser
                # also ignores ASCII whitespace and control characters inside the scheme
                if re.sub(r"[\x00-\x20]+", "", value).lower().startswith(("javascript:", "data:", "vbscript:")):
                    self.bad_urls.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            self._in_script = [tuple(sorted((k, v or "") for k, v in attrs)), ""]

    def handle_data(self, data):
        if self._in_script is not None:
            self._in_script[1] += data

    def handle_endtag(self, tag):
        if tag == "script" and self._in_script is not None:
            self.scripts.append(tuple(self._in_script))
            self._in_script = None


class _ContentAttributes(HTMLParser):
    """Inside the page's article (not the theme's chrome): no style, no theme id, no load from another host."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bad: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            if name == "style" or (name in ("id", "for") and value.startswith(("__", "md-"))) or \
                    (name in ("src", "srcset", "poster", "data") and re.match(r"\s*(https?:)?//", value)):
                self.bad.append(f"<{tag} {name}={value!r}>")


def _inspect(site: Path) -> dict[str, _Elements]:
    out = {}
    for page in sorted(site.rglob("*.html")):
        parser = _Elements()
        text = page.read_text(encoding="utf-8")
        parser.feed(text)
        content = _ContentAttributes()
        for article in re.findall(r'<article class="md-content__inner md-typeset">(.*?)</article>', text, re.S):
            content.feed(article)
        parser.handlers += content.bad
        out[page.relative_to(site).as_posix()] = parser
    return out


def _normalized(script: tuple) -> tuple:
    # Material's inline scripts differ per page only in the relative path to the site root
    attrs, text = script
    return attrs, re.sub(r"(\.\./)+|\"\.\.?\"", "REL", text)


@pytest.fixture(scope="module")
def our_scripts(tmp_path_factory) -> set:
    """Every <script> the tool itself puts into a site, from a build of the untouched scaffold."""
    root = tmp_path_factory.mktemp("baseline")
    shutil.copytree(SCAFFOLD, root / "content")
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(name="Baseline"))
    site = build_site(root / "mkdocs.yml", root / "site", strict=False)
    return {_normalized(s) for parsed in _inspect(site).values() for s in parsed.scripts}


@example(payloads=HOSTILE)  # every fragment at least once, in a different field each
@settings(max_examples=25, deadline=None, print_blob=True, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(payloads=st.lists(PAYLOAD, min_size=1, max_size=8))
def test_hostile_prose_never_reaches_the_page(payloads, our_scripts, tmp_path_factory):
    from rmhandbook.core.validation import _schema

    root = tmp_path_factory.mktemp("hostile")
    content = root / "content"
    shutil.copytree(SCAFFOLD, content)
    n = 0
    for path, model in _content_files():
        rel = path.relative_to(SCAFFOLD).as_posix()
        data = _with_optional_fields(rel, yaml.safe_load(path.read_text(encoding="utf-8")))
        schema = _schema(model)
        for loc in list(_prose_fields(data, schema, schema.get("$defs", {}))):
            value = data
            for part in loc:
                value = value[part]
            _set(data, loc, value + payloads[n % len(payloads)])
            n += 1
        target = content / path.relative_to(SCAFFOLD)
        target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert n > 40  # every prose field of the scaffold got a payload
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(name="Hostile"))
    site = root / "site"
    try:
        build_site(root / "mkdocs.yml", site, strict=False)
    except Abort:
        # a fragment such as `[x](java&#x09;script:...)` inside a term is a harmless relative link
        # that leads nowhere, and the link check rightly refuses to publish; every page has been
        # written by then, and those pages must be safe too
        pass
    pages = _inspect(site)
    assert len(pages) >= 10
    for page, parsed in pages.items():
        extra = [s for s in parsed.scripts if _normalized(s) not in our_scripts]
        assert not extra, f"{page}: a <script> we did not put there: {extra[:2]}"
        assert not parsed.handlers, f"{page}: event-handler attributes: {parsed.handlers[:3]}"
        assert not parsed.bad_urls, f"{page}: unsafe URLs: {parsed.bad_urls[:3]}"
    shutil.rmtree(root)


def test_a_word_with_html_characters_is_escaped_once_everywhere(tmp_path):
    """`R&D <guide>` as the mentor's name: shown as typed in the heading, the nav, the title and the body."""
    shutil.copytree(SCAFFOLD, tmp_path / "content")
    program = tmp_path / "content" / "program.yml"
    program.write_text(program.read_text().replace("  mentor: mentor\n", '  mentor: "R&D <guide>"\n'))
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML.format(name="Once"))
    site = build_site(tmp_path / "mkdocs.yml", tmp_path / "site")
    page = (site / "roles" / "mentor" / "index.html").read_text(encoding="utf-8")
    assert "<title>R&amp;D &lt;guide&gt; - Once</title>" in page
    assert '<h1 id="rd-guide">R&amp;D &lt;guide&gt;</h1>' in page
    nav = re.findall(r'<a href="\./" class="md-nav__link md-nav__link--active">\s*<span class="md-ellipsis">\s*(.*?)\s*</span>',
                     page, re.S)
    assert nav == ["R&amp;D &lt;guide&gt;"]
    assert "&amp;lt;" not in page and "&amp;amp;" not in page


OWN_NAV = """nav:
  - index.md
  - steps/set-objectives.md
  - steps/first-meeting.md
  - steps/index.md
"""


@pytest.mark.parametrize("nav", ["generated", "own"])
def test_a_title_with_html_characters_is_escaped_once_in_the_footer(tmp_path, nav):
    """`Q&A <first> meeting` as a step's title: Material escapes a page title in one place, the footer's
    "Next:"/"Previous:" aria-label. Our titles arrive escaped, from the generated nav or, with a nav of
    the site's own, from the front matter, and must be escaped once there too."""
    shutil.copytree(SCAFFOLD, tmp_path / "content")
    step = tmp_path / "content" / "steps" / "first-meeting.yml"
    step.write_text(step.read_text().replace("title: Hold the first meeting", 'title: "Q&A <first> meeting"'))
    config = MKDOCS_YML.format(name="Once").replace("    - navigation.top\n",
                                                     "    - navigation.top\n    - navigation.footer\n")
    assert "navigation.footer" in config
    (tmp_path / "mkdocs.yml").write_text(config + (OWN_NAV if nav == "own" else ""))
    # not --strict with our own short nav: MkDocs warns about every page it leaves out
    site = build_site(tmp_path / "mkdocs.yml", tmp_path / "site", strict=nav == "generated")
    shown = "Q&amp;A &lt;first&gt; meeting"
    labels = []
    for path in sorted(site.rglob("*.html")):
        page = path.read_text(encoding="utf-8")
        assert "&amp;amp;" not in page and "&amp;lt;" not in page, path
        labels += re.findall(r'class="md-footer__link md-footer__link--(?:prev|next)" aria-label="([^"]*)"', page)
    assert f"Next: {shown}" in labels and f"Previous: {shown}" in labels
    page = (site / "steps" / "first-meeting" / "index.html").read_text(encoding="utf-8")
    assert f"<title>{shown} - Once</title>" in page
    assert f'<h1 id="qa-first-meeting">{shown}</h1>' in page
    nav_text = re.findall(r'<a href="\./" class="md-nav__link md-nav__link--active">\s*<span class="md-ellipsis">'
                          r'\s*(.*?)\s*</span>', page, re.S)
    assert nav_text == [shown]
