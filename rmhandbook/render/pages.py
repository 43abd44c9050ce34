"""Turn a validated `Handbook` into Markdown pages with front matter.

Templates ship in `rmhandbook/render/templates/`; a site's own folder (by default
`overrides/rmhandbook/`) is searched first, so any template can be replaced.
Rendering is deterministic: the same handbook gives byte-identical pages.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from rmhandbook.core.diagnostics import ContentError, Diagnostics, working_on
from rmhandbook.core.handbook import Handbook
from rmhandbook.core.model import KINDS
from rmhandbook.core.references import iter_references
from rmhandbook.core.search import COMMON_TERMS
from rmhandbook.render.book import BOOK_PATH, BookLinks, has_book, term_anchors
from rmhandbook.render.cache import (
    BYTECODE,
    TRACKED_KINDS,
    DerivedDocs,
    Everything,
    PageCache,
    Reads,
    TrackedBacklinks,
    TrackedItems,
    _Recorder,
    template_signature,
)
from rmhandbook.render.cards import PocketCard, card_documents
from rmhandbook.render.messages import DEFAULT_LANGUAGE, Messages
from rmhandbook.render.printing import ChecklistDoc, PrintSettings, checklist_documents, qr_svg
from rmhandbook.render.prose import embeddable, plain_title
from rmhandbook.render.resources import TEMPLATES
from rmhandbook.render.safety import html_attribute
from rmhandbook.render.searchmeta import SearchKeywords, glossary_letters
from rmhandbook.render.text import plain_text
from rmhandbook.render.timeline import program_timeline


@dataclasses.dataclass(frozen=True)
class Page:
    path: str  # src_uri, e.g. "steps/first-meeting.md"
    content: str  # Markdown with front matter
    source: Path | None  # the YAML file it comes from, for "edit this page"
    title: str


def relative_link(from_page: str, to_page: str) -> str:
    """A Markdown link from one generated page to another (MkDocs resolves and checks it).

    Both are site-relative file paths, so this is string work: `posixpath.relpath`
    asks the OS for the working directory on every call, which showed up in profiles.
    """
    target, _, anchor = to_page.partition("#")
    here = from_page.split("/")[:-1]
    there = target.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    rel = "/".join([".."] * (len(here) - common) + there[common:])
    return rel + (f"#{anchor}" if anchor else "")


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return html_attribute(value)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    return value


def front_matter(**fields: Any) -> Markup:
    """YAML front matter; every value is written as JSON, which YAML reads back unchanged.

    Text values are HTML-escaped: MkDocs and Material print `title` and
    `description` into the page (`<title>`, the nav, `<meta content="...">`)
    without escaping them. Every page says `render_macros: false`: a generated
    page is not a template, so mkdocs-macros leaves its `{{ }}` alone, with the
    plugin and in an exported project alike.
    """
    fields.setdefault("render_macros", False)
    lines = ["---"]
    for key, value in fields.items():
        if value is None or value == [] or value == {}:
            continue
        lines.append(f"{key}: {json.dumps(_escaped(value), ensure_ascii=False, sort_keys=True)}")
    lines.append("---")
    return Markup("\n".join(lines) + "\n")


def _finalize(value: Any) -> Any:
    """Every value a template prints is prose: rendered on its own and cleaned by nh3 (core/prose.py).

    Markup (our own macros, `|e`, front matter, links) is trusted; everything
    else goes through `embeddable`, which the page's Markdown shows exactly as
    the clean HTML. Autoescaping is on only so that this function decides, and
    its Markup result passes through unchanged.
    """
    if isinstance(value, Markup) or value is None:
        return value
    text = str(value)
    # spaces around a value are the template's, not the prose's: `{{ ", " if not loop.last }}` keeps
    # its space (rendered on its own, the prose would lose it, and links ran together: "a,b")
    core = text.strip(" \t")
    if not core:
        return Markup(text)
    start = text.index(core)
    return Markup(text[:start] + embeddable(core) + text[start + len(core):])


SEVERITY_ORDER = ("high", "medium", "low")
# the message key naming one item of a catalog ("Pitfall 3 of 15"), where it is not the kind's schema name
SINGULAR = {"faqs": "faq_topic"}


def _translated(hb: Handbook) -> Any:
    """A translated program and glossary, by value: their translation files are not in the page cache's texts."""
    if not hb.translated_into:
        return None
    return hb.program.model_dump_json(), hb.glossary.model_dump_json() if hb.glossary else None


class Renderer:
    def __init__(self, handbook: Handbook, template_dirs: Iterable[Path] = (),
                 language: str = DEFAULT_LANGUAGE, printing: PrintSettings | None = None,
                 inline_abbreviations: bool = True, cache: PageCache | None = None,
                 detail_max_items: int = 40, share: tuple[int, int] | None = None) -> None:
        self.hb = handbook
        # (k, n): render only every n-th page, starting at the k-th, and give the others' titles only
        # (a parallel build, sites.py: each process writes its share of the pages)
        self.share = share
        self._count = 0
        self.inline_abbreviations = inline_abbreviations
        self.msg = Messages(language)
        self.printing = printing or PrintSettings()
        self.checklists: list[ChecklistDoc] = checklist_documents(handbook, self.msg)
        links = self.backlinks()
        self.cards: list[PocketCard] = card_documents(handbook, self.msg, links)
        self.user_template_dirs = [Path(d).resolve() for d in template_dirs if Path(d).is_dir()]
        dirs = [str(d) for d in self.user_template_dirs] + [str(TEMPLATES)]
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(dirs),
            undefined=jinja2.StrictUndefined,
            # the output is Markdown, so HTML-escaping everything would mangle it; instead every
            # printed value goes through _finalize (raw HTML shown as text), and HTML attributes use |e
            autoescape=True,
            finalize=_finalize,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            bytecode_cache=BYTECODE,  # compiled once per process, not once per build (mkdocs serve)
        )
        self.env.filters["plain"] = plain_text
        self.env.filters["qr_svg"] = lambda url: Markup(qr_svg(url))  # an SVG we made and checked, not prose
        # for a filter that must see the rendered prose (`|prose|indent(4)`), or prose joined into Markdown
        self.env.filters["prose"] = _finalize
        self.book_links = BookLinks(handbook)
        self.env.filters["inbook"] = self._inbook
        self.env.filters["quote_block"] = lambda text, prefix="    ": "\n".join(
            (prefix + line) if line.strip() else prefix.rstrip() for line in str(text).strip("\n").split("\n"))
        self.env.globals.update(
            hb=handbook, program=handbook.program, roles=handbook.roles, phases=handbook.phases,
            steps=handbook.steps, scripts=handbook.scripts, pitfalls=handbook.pitfalls, faqs=handbook.faqs,
            sessions=handbook.sessions, forms=handbook.forms,
            glossary=handbook.glossary, severity_order=SEVERITY_ORDER, front_matter=front_matter,
            backlinks=links, msg=self.msg, printing=self.printing, count=self.count,
            role_docs={d.id: d for d in self.checklists if d.kind == "role"},
            pack_docs={d.id: d for d in self.checklists if d.kind == "pack"},
            phase_docs={d.id: d for d in self.checklists if d.kind == "phase"},
            # past this many steps, role pages list the steps instead of repeating every action
            compact_role_pages=len(handbook.items["steps"]) > detail_max_items,
            org=handbook.organization.model if handbook.organization else None,
            glossary_letters=glossary_letters,
            search_keywords=SearchKeywords(language, common=common_words(handbook),
                                           extra_groups=handbook.organization.model.search_synonyms
                                           if handbook.organization else ()),  # hidden, search-only words
            program_timeline=program_timeline,
            has_book=has_book(handbook),  # the whole handbook on one page (render/book.py)
            pager=self.pager,
            program_weeks=self.program_weeks,
        )
        self._abbreviations = self.abbreviations()
        self._orders: dict[str, tuple[list[tuple[str, str]], dict[str, int]]] = {}
        self._step_spans: dict[str, Any] | None = None
        self._language = language
        self._build = self._start_cache(cache, dirs) if cache is not None else None

    def _start_cache(self, cache: PageCache, dirs: list[str]):
        """Track what each page reads, so the next build can reuse the pages whose inputs did not change."""
        hb = self.hb
        g: dict[str, Any] = self.env.globals
        self._recorder = recorder = _Recorder()
        known = {"hb", "program", "roles", "phases", "glossary", "severity_order", "front_matter", "msg",
                 "program_timeline", "backlinks", "compact_role_pages", "printing", "count", "role_docs", "pack_docs",
                 "phase_docs", "search_keywords", "glossary_letters", "pager", "program_weeks",
                 *TRACKED_KINDS, *jinja2.defaults.DEFAULT_NAMESPACE}
        unknown = tuple(sorted(set(g) - known))
        for kind in TRACKED_KINDS:
            g[kind] = TrackedItems(kind, g[kind], recorder)
        derived: dict[str, tuple] = {}
        for name in ("role_docs", "pack_docs", "phase_docs"):  # checklists gathered from every step
            derived[name] = tuple(g[name])
            g[name] = DerivedDocs(name, g[name], recorder, ("steps",))
        for name in KINDS:  # where each item page sits in its catalog (`pager`)
            derived.update((f"pager:{path}", tuple(self._pager(name, path).items()))
                           for path, _ in self.catalog_order(name))
        derived.update((f"weeks:{sid}", (self._program_weeks(sid),)) for sid in hb.steps)  # `program_weeks`
        g["backlinks"] = TrackedBacklinks(g["backlinks"], recorder)
        g["hb"] = Everything(hb, recorder)
        texts = {hb.program_doc.path: hb.program_doc.text}
        if hb.glossary_doc is not None:
            texts[hb.glossary_doc.path] = hb.glossary_doc.text
        for items in hb.items.values():
            texts.update((it.path, it.text) for it in items.values())
        build = cache.start((), texts, hb.items, g["backlinks"], derived)
        # the base every page depends on: kinds the tracking cannot see into count whole, and
        # globals this module does not know (an organization profile, say) count by their value
        # (an object whose repr is not its content never matches: slower, never stale)
        untracked = tuple((kind, build.whole(kind)) for kind in hb.items if kind not in TRACKED_KINDS)
        unknown_values = tuple((name, repr(g[name])) for name in unknown)
        build.base = (template_signature(dirs), self._language, self.inline_abbreviations, g["compact_role_pages"],
                      repr(self.printing),
                      hb.program_doc.text,
                      hb.glossary_doc.text if hb.glossary_doc else None, hb.terms.fingerprint, unknown_values,
                      untracked, _translated(hb))
        return build

    @property
    def rendered(self) -> list[str]:
        """Paths of the pages this pass rendered (the others were reused from the cache)."""
        return list(self._build.rendered) if self._build is not None else []

    def count(self, key: str, n: int) -> str:
        """A counted label, `{n} items`, with the `_one` form for exactly one."""
        form = f"{key}_one" if n == 1 and f"{key}_one" in self.msg.table else key
        return self.msg(form).replace("{n}", str(n))

    # -- derived data --------------------------------------------------------
    def backlinks(self) -> dict[str, dict[str, list[str]]]:
        """Links in both directions between steps, scripts, pitfalls and sessions.

        Derived from the references the model declares (`RefTo` in a field's type), so a
        step that names a script and a script that names a step both link each other, and
        a new content kind gets its links without code here.
        """
        linked = tuple(name for name, kind in KINDS.items() if kind.linked)
        back: dict[str, dict[str, set[str]]] = {}

        def add(kind: str, item: str, other_kind: str, other: str) -> None:
            back.setdefault(f"{kind}/{item}", {}).setdefault(other_kind, set()).add(other)

        for kind in linked:
            for item_id, item in self.hb.items.get(kind, {}).items():
                for loc, ref_kind, ref in iter_references(item.model):
                    # a top-level list of ids (`scripts: [...]`), not a reference inside a nested entry
                    if ref_kind in linked and len(loc) == 2:
                        add(ref_kind, ref, kind, item_id)
                        add(kind, item_id, ref_kind, ref)
        # position lookups by dict: `list.index` here made a large handbook quadratic
        order = {kind: {item_id: i for i, item_id in enumerate(items)} for kind, items in self.hb.items.items()}
        return {key: {k: sorted(v, key=order[k].__getitem__) for k, v in kinds.items()}
                for key, kinds in back.items()}

    def catalog_order(self, catalog: str) -> list[tuple[str, str]]:
        """A catalog's item pages as (path, title), in the order its catalog page lists them."""
        if catalog == "checklists":
            return [(d.path, d.title) for d in self.documents]
        kind = KINDS[catalog]
        items = list(self.hb.items.get(catalog, {}).items())
        if catalog == "pitfalls":  # the catalog groups them by severity (pitfalls_index.md.j2)
            items.sort(key=lambda pair: SEVERITY_ORDER.index(pair[1].model.severity))
        return [(f"{kind.url}/{item_id}.md", item.model.title) for item_id, item in items]

    def pager(self, catalog: str, path: str) -> dict[str, Any]:
        """Where an item page sits in its catalog: the catalog page, "Pitfall 3 of 15", its neighbours.

        Templates call `pager(kind, page_path)` (the `orientation` macro). For the page cache the
        page depends on exactly this answer (`_start_cache` gives every item page's), so a new item
        rerenders every page of its kind, and an edited title only the pages beside it.
        """
        if self._build is not None and catalog in KINDS and self._recorder.current is not None:
            self._recorder.current.derived.add(f"pager:{path}")
        return self._pager(catalog, path)

    def program_weeks(self, step_id: str) -> str | None:
        """A step's weeks on the program's own scale ("program weeks 11–12", as the timeline and the
        pocket cards count them), or None when its timing names no week or its phase starts the
        program. A step's `timing` counts from the start of its phase; this is what the step page adds.
        For the page cache the page depends on exactly this answer, as with `pager`."""
        if self._build is not None and self._recorder.current is not None:
            self._recorder.current.derived.add(f"weeks:{step_id}")
        return self._program_weeks(step_id)

    def _program_weeks(self, step_id: str) -> str | None:
        if self._step_spans is None:
            timeline = program_timeline(self.hb.program.phases, self.hb.steps)
            # (in a phase that starts the program, its weeks are the program's: nothing to add)
            self._step_spans = {p.id: p.span for phase in timeline.phases if phase.span.first > 1
                                for p in phase.steps if not p.flexible}
        span = self._step_spans.get(step_id)
        if span is None:
            return None
        if span.first == span.last:
            return self.msg("program_week").replace("{week}", str(span.first))
        return self.msg("program_weeks").replace("{first}", str(span.first)).replace("{last}", str(span.last))

    def _pager(self, catalog: str, path: str) -> dict[str, Any]:
        if catalog not in self._orders:
            self._orders[catalog] = (order := self.catalog_order(catalog), {p: i for i, (p, _) in enumerate(order)})
        order, positions = self._orders[catalog]
        i = positions[path]
        if catalog == "checklists":
            url, title_key, singular = "checklists", "checklists", "checklist"
        else:
            kind = KINDS[catalog]
            url, title_key, singular = kind.url, kind.title_key, SINGULAR.get(catalog, kind.schema)
        position = (self.msg("pager_position").replace("{item}", self.msg(singular))
                    .replace("{n}", str(i + 1)).replace("{total}", str(len(order))))
        return {"catalog": (f"{url}/index.md", self.msg(title_key)), "position": position,
                "previous": order[i - 1] if i > 0 else None, "next": order[i + 1] if i + 1 < len(order) else None}

    def abbreviations(self) -> str:
        """Markdown abbr definitions so glossary terms show their definition on hover.

        Inline (the default, and what `export` writes) every page carries the whole
        glossary, so each page stands on its own. The MkDocs plugin instead hands
        the glossary to the abbr extension once (`glossary_abbreviations`): parsing
        the definitions again on every page cost more than the page itself once
        the glossary had a few dozen terms. The glossary page then only switches
        its own terms off, so a term is not a hover on its own definition.
        """
        words = glossary_abbreviations(self.hb)
        if self.inline_abbreviations:
            # plain text by construction (glossary_abbreviations), so the abbr extension takes every line
            lines = [f"*[{word}]: {definition}" for word, definition in words.items()]
        else:
            lines = []
        return "\n" + "\n".join(lines) + "\n" if lines else ""

    # -- pages ---------------------------------------------------------------
    def page(self, template: str, path: str, title: str, source: Path | None, **context: Any) -> Page:
        index, self._count = self._count, self._count + 1
        if self.share is not None and index % self.share[1] != self.share[0]:
            return Page(path, "", source, title)  # another process renders this one
        if self._build is None:
            return self._render(template, path, title, source, **context)
        key = (template, path, title)
        page = self._build.lookup(key, source)
        if page is None:
            reads = self._recorder.current = Reads()
            # context beyond the page's own item (a checklist gathered from every step) is not tracked
            reads.everything = bool(set(context) - ITEM_CONTEXT)
            try:
                page = self._render(template, path, title, source, **context)
            finally:
                self._recorder.current = None
            self._build.store(key, source, reads, page)
        return page

    def _render(self, template: str, path: str, title: str, source: Path | None, **context: Any) -> Page:
        try:
            with working_on(source):
                tpl = self.env.get_template(template)
                content = tpl.render(page_path=path, title=title,
                                     link=lambda target, _p=path: Markup(relative_link(_p, target)), **context)
        except jinja2.TemplateError as exc:
            self._user_template_error(exc, template)
            raise  # in a shipped template: a bug in rmhandbook
        if not path.startswith("glossary"):
            content = content.rstrip("\n") + "\n" + self._abbreviations
        elif not self.inline_abbreviations and self.hb.glossary is not None:
            content = content.rstrip("\n") + "\n\n" + "".join(
                f"*[{word}]: \"\"\n" for word in glossary_abbreviations(self.hb))
        return Page(path, content, source, title)

    def _user_template_error(self, exc: jinja2.TemplateError, template: str) -> None:
        """A template of the site's own (overrides/rmhandbook/) is input: raise a located ContentError."""
        where: tuple[Path, int] | None = None
        if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
            where = (Path(exc.filename), exc.lineno or 1)
        tb = exc.__traceback__
        while tb is not None:  # Jinja maps template frames to the template file and line
            where = (Path(tb.tb_frame.f_code.co_filename), tb.tb_lineno) if tb.tb_frame.f_code.co_filename.endswith(
                ".j2") else where
            tb = tb.tb_next
        if where is None:
            return
        path = where[0].resolve()
        if not any(d == path.parent or d in path.parents for d in self.user_template_dirs):
            return
        message = getattr(exc, "message", None) or str(exc)
        diags = Diagnostics(Path.cwd())
        diags.error(path, where[1], 1, f"error in your template `{path.name}` while rendering `{template}`: {message}. "
                    f"It replaces the shipped template; compare it with {(TEMPLATES / path.name).as_posix()} "
                    "(templates use StrictUndefined, so a misspelt name is an error).")
        raise ContentError(diags) from None

    def pages(self) -> list[Page]:
        """Every page in navigation order: home and overview, the program's kinds (steps, sessions),
        role pages and checklists, the reference kinds (scripts, pitfalls, FAQ), the glossary."""
        hb = self.hb
        self._count = 0
        program_src = hb.program_doc.path
        msg = self.msg
        out = [
            self.page("home.md.j2", "index.md", hb.program.name, program_src),
            self.page("overview.md.j2", "overview.md", msg("overview"), program_src),
        ]
        for name in kinds_in_group("program"):
            out += self.kind_pages(name)
        out.append(self.page("roles_index.md.j2", "roles/index.md", msg("roles"), program_src))
        for role in hb.program.roles:
            out.append(self.page("role.md.j2", f"roles/{role.id}.md", role.name, program_src, role=role))
        out += self.checklist_pages()
        for name in kinds_in_group("reference"):
            out += self.kind_pages(name)
        if hb.glossary is not None:
            source = hb.glossary_doc.path if hb.glossary_doc else None
            out.append(self.page("glossary.md.j2", "glossary.md", msg("glossary"), source))
        if self.env.globals["has_book"]:
            out.append(self.book_page())
        return out

    def _inbook(self, value: Any, origin: str, oneline: bool = False) -> Any:
        """Prose on the book page: cleaned as everywhere, its links written for the book (render/book.py)."""
        if value is None:
            return value
        text = self.book_links.rewrite(_finalize(value), origin)
        return Markup(" ".join(text.split("\n")).strip()) if oneline else text

    def book_page(self) -> Page:
        """The whole handbook on one page, to print (`book.md.j2`); out of the nav and out of search."""
        hb, msg = self.hb, self.msg
        chapters = [("chapter-overview", msg("overview"), 0), ("chapter-steps", msg("steps"), len(hb.steps)),
                    ("chapter-sessions", msg("sessions"), len(hb.sessions)),
                    ("chapter-scripts", msg("scripts"), len(hb.scripts)),
                    ("chapter-pitfalls", msg("pitfalls"), len(hb.pitfalls)),
                    ("chapter-faqs", msg("faq_title"), sum(len(t.questions) for t in hb.faqs.values())),
                    ("chapter-glossary", msg("glossary"), len(hb.glossary.entries) if hb.glossary else 0),
                    ("chapter-documents", msg("book_documents"), 0)]
        chapters = [c for c in chapters if c[2] or c[0] not in ("chapter-sessions", "chapter-glossary")]
        return self.page("book.md.j2", BOOK_PATH, msg("book_title"), hb.program_doc.path, chapters=chapters,
                         term_anchors=term_anchors(hb), checklist_docs=self.checklists,
                         ref=lambda page: Markup(self.book_links.target(page)))

    def kind_pages(self, name: str) -> list[Page]:
        """A kind's catalog page, then a page per item (none at all for an optional kind without items)."""
        kind, items = KINDS[name], self.hb.items.get(name, {})
        if kind.optional and not items:
            return []
        out = [self.page(f"{kind.url}_index.md.j2", f"{kind.url}/index.md", self.msg(kind.title_key), None,
                         **self.catalog_context(name))]
        for item_id, item in items.items():
            out.append(self.page(f"{kind.schema}.md.j2", f"{kind.url}/{item_id}.md", item.model.title, item.path,
                                 id=item_id, **{kind.variable: item.model}))
        return out

    def catalog_context(self, name: str) -> dict[str, Any]:
        """What a catalog page needs besides the handbook: the session plan carries the calendar form's data."""
        if name != "sessions":
            return {}
        from rmhandbook.render.sessionplan import WEEKDAYS, calendar_data, json_for_script

        # Markup: the JSON is already safe inside its template element (no `<`, `>` or `&`); it must reach
        # the page byte for byte, never HTML-escaped like prose
        return {"calendar_json": Markup(json_for_script(calendar_data(self.hb, self.msg.language))),
                "weekdays": WEEKDAYS}

    @property
    def documents(self) -> list[ChecklistDoc | PocketCard]:
        """The printable documents in the order the checklists index lists them: per role its checklist,
        facilitator pack and pocket card, then the phase checklists."""
        by_role: dict[str, list[ChecklistDoc | PocketCard]] = {}
        for doc in self.checklists:
            if doc.kind != "phase":
                by_role.setdefault(doc.id, []).append(doc)
        out: list[ChecklistDoc | PocketCard] = []
        for card in self.cards:  # every role has a card, in the program's order of roles
            out += by_role.get(card.id, []) + [card]
        return out + [doc for doc in self.checklists if doc.kind == "phase"]

    def checklist_pages(self) -> list[Page]:
        """The checklists index, then a page per role checklist, facilitator pack, pocket card and phase checklist."""
        program_src = self.hb.program_doc.path
        out = [self.page("checklists_index.md.j2", "checklists/index.md", self.msg("checklists"), program_src)]
        for doc in self.documents:
            out.append(self.page(f"checklist_{doc.kind}.md.j2", doc.path, doc.title, program_src, doc=doc))
        return out


def common_words(handbook: Handbook) -> list[str]:
    """The handbook's words for the terms on nearly every page (core/search.py COMMON_TERMS)."""
    return [word for key in COMMON_TERMS for word in handbook.terms.forms.get(key, ())]


def kinds_in_group(group: str) -> list[str]:
    return [name for name, kind in KINDS.items() if kind.group == group]


# the context names of an item page's own item: a page that reads only these is cached by its inputs
ITEM_CONTEXT = frozenset({"id", "role", *(kind.variable for kind in KINDS.values())})


def glossary_abbreviations(handbook: Handbook) -> dict[str, str]:
    """Every glossary term and alias with its definition as one line of plain text (abbr hovers).

    The definition becomes a `title`, which Material's tooltips read as HTML: it carries no `<`
    (`plain_title`). A word the abbr extension could not take as written (brackets, `<`, line
    breaks) gets no hover, rather than a line of Markdown that would show on every page.
    """
    if handbook.glossary is None:
        return {}
    words: dict[str, str] = {}
    for entry in handbook.glossary.entries:
        definition = plain_title(plain_text(entry.definition))
        for word in [entry.term, *entry.aliases]:
            if not _ABBR_WORD.search(word) and word.strip():
                words[word] = definition
    return words


_ABBR_WORD = re.compile(r"[\[\]<>&\\\n\r`*_]")


def render_pages(handbook: Handbook, template_dirs: Iterable[Path] = (),
                 language: str = DEFAULT_LANGUAGE, printing: PrintSettings | None = None,
                 inline_abbreviations: bool = True, cache: PageCache | None = None,
                 detail_max_items: int = 40) -> list[Page]:
    """Every generated page of the handbook, in navigation order.

    `inline_abbreviations=False` leaves the glossary's hover definitions out of the
    pages; the caller passes `glossary_abbreviations(handbook)` to the abbr extension.
    With a `cache` (kept between builds), pages whose inputs did not change are reused.
    Past `detail_max_items` steps, role pages list the steps rather than repeat them.
    """
    return Renderer(handbook, template_dirs, language, printing, inline_abbreviations=inline_abbreviations,
                    cache=cache, detail_max_items=detail_max_items).pages()


def nav_for(pages: list[Page], handbook: Handbook, max_section_items: int = 40,
            language: str = DEFAULT_LANGUAGE) -> list:
    """The generated navigation: small and fixed in size, so the build stays linear.

    Material renders the whole nav into every page, so a nav entry per item
    makes a large handbook quadratic. Sections list their items only while
    they are few; beyond `max_section_items` a section shows its catalog page.
    """
    titles = {p.path: p.title for p in pages}
    msg = Messages(language)

    def section(title: str, index: str, prefix: str) -> dict:
        children = [p for p in titles if p.startswith(prefix) and p != index]
        entries: list = [index]
        if len(children) <= max_section_items:
            entries += [{titles[c]: c} for c in children]
        return {title: entries}

    def kind_entry(name: str) -> dict | None:
        kind = KINDS[name]
        index = f"{kind.url}/index.md"
        if index not in titles:
            return None
        if kind.nav == "catalog":
            return {msg(kind.nav_key): index}
        if kind.nav == "section":
            return section(msg(kind.nav_key), index, f"{kind.url}/")
        return {msg(kind.nav_key): by_phase(name, index)}

    def by_phase(name: str, index: str) -> list:
        prefix = f"{KINDS[name].url}/"
        paths = [p for p in titles if p.startswith(prefix) and p != index]
        entries: list = [index]
        if len(paths) <= max_section_items:
            # grouped by phase: the nav reads like the program's timeline
            for phase in handbook.program.phases:
                group = [{titles[f"{prefix}{item_id}.md"]: f"{prefix}{item_id}.md"}
                         for item_id, item in handbook.items[name].items() if item.model.phase == phase.id]
                if group:
                    entries.append({phase.title: group})
        return entries

    nav: list = [{msg("home"): "index.md"}, {msg("overview"): "overview.md"}]
    nav += [e for e in map(kind_entry, kinds_in_group("program")) if e is not None]
    nav += [section(msg("roles"), "roles/index.md", "roles/"), {msg("checklists"): "checklists/index.md"}]
    nav += [e for e in map(kind_entry, kinds_in_group("reference")) if e is not None]
    if "glossary.md" in titles:
        nav.append({msg("glossary"): "glossary.md"})
    return _escaped_nav(nav)


def _escaped_nav(nav: list) -> list:
    """Every title in a nav, HTML-escaped: Material prints nav titles into every page unescaped."""
    out: list = []
    for entry in nav:
        if isinstance(entry, dict):
            # Markup, so that where Material does escape a title (`|e` in the footer's aria-label)
            # it is not escaped a second time
            out.append({Markup(html_attribute(str(k))): (_escaped_nav(v) if isinstance(v, list) else v)
                        for k, v in entry.items()})
        else:
            out.append(entry)
    return out
