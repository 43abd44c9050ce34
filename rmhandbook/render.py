"""Turn a validated `Handbook` into Markdown pages with front matter.

Templates ship in `rmhandbook/templates/`; a site's own folder (by default
`overrides/rmhandbook/`) is searched first, so any template can be replaced.
Rendering is deterministic: the same handbook gives byte-identical pages.
"""

from __future__ import annotations

import dataclasses
import json
import posixpath
import re
from pathlib import Path
from typing import Any, Iterable

import jinja2
from markupsafe import Markup

from .handbook import Handbook
from .messages import DEFAULT_LANGUAGE, Messages
from .printing import ChecklistDoc, PrintSettings, checklist_documents

TEMPLATES = Path(__file__).parent / "templates"


@dataclasses.dataclass(frozen=True)
class Page:
    path: str  # src_uri, e.g. "steps/first-meeting.md"
    content: str  # Markdown with front matter
    source: Path | None  # the YAML file it comes from, for "edit this page"
    title: str


def relative_link(from_page: str, to_page: str) -> str:
    """A Markdown link from one generated page to another (MkDocs resolves and checks it)."""
    target, _, anchor = to_page.partition("#")
    rel = posixpath.relpath(target, posixpath.dirname(from_page) or ".")
    return rel + (f"#{anchor}" if anchor else "")


_PLAIN = re.compile(r"[*_`]|\[([^\]]*)\]\([^)]*\)")


def plain_text(markdown: str) -> str:
    """Markdown prose reduced to one line of text (for hover titles and descriptions)."""
    text = _PLAIN.sub(lambda m: m.group(1) or "", markdown)
    return " ".join(text.split())


def front_matter(**fields: Any) -> str:
    """YAML front matter; every value is written as JSON, which YAML reads back unchanged."""
    lines = ["---"]
    for key, value in fields.items():
        if value is None or value == [] or value == {}:
            continue
        lines.append(f"{key}: {json.dumps(value, ensure_ascii=False, sort_keys=True)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


SEVERITY_ORDER = ("high", "medium", "low")


class Renderer:
    def __init__(self, handbook: Handbook, template_dirs: Iterable[Path] = (),
                 language: str = DEFAULT_LANGUAGE, printing: PrintSettings | None = None) -> None:
        self.hb = handbook
        self.msg = Messages(language)
        self.printing = printing or PrintSettings()
        self.checklists: list[ChecklistDoc] = checklist_documents(handbook, self.msg)
        dirs = [str(d) for d in template_dirs if Path(d).is_dir()] + [str(TEMPLATES)]
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(dirs),
            undefined=jinja2.StrictUndefined,
            autoescape=False,  # the output is Markdown; HTML attributes use |e explicitly
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["plain"] = plain_text
        self.env.filters["quote_block"] = lambda text, prefix="    ": "\n".join(
            (prefix + line) if line.strip() else prefix.rstrip() for line in str(text).strip("\n").split("\n"))
        self.env.globals.update(
            hb=handbook, program=handbook.program, roles=handbook.roles, phases=handbook.phases,
            steps=handbook.steps, scripts=handbook.scripts, pitfalls=handbook.pitfalls, faqs=handbook.faqs,
            sessions=handbook.sessions, session_minutes=handbook.session_minutes,
            glossary=handbook.glossary, severity_order=SEVERITY_ORDER, front_matter=front_matter,
            backlinks=self.backlinks(), msg=self.msg, printing=self.printing, count=self.count,
            role_docs={d.id: d for d in self.checklists if d.kind == "role"},
            pack_docs={d.id: d for d in self.checklists if d.kind == "pack"},
            phase_docs={d.id: d for d in self.checklists if d.kind == "phase"},
            org=handbook.organization.model if handbook.organization else None,
        )
        self._abbreviations = self.abbreviations()

    def count(self, key: str, n: int) -> str:
        """A counted label, `{n} items`, with the `_one` form for exactly one."""
        form = f"{key}_one" if n == 1 and f"{key}_one" in self.msg.table else key
        return self.msg(form).replace("{n}", str(n))

    # -- derived data --------------------------------------------------------
    def backlinks(self) -> dict[str, dict[str, list[str]]]:
        """Links in both directions: which steps mention a script, which scripts a step, and so on."""
        back: dict[str, dict[str, set[str]]] = {}

        def add(kind: str, item: str, other_kind: str, other: str) -> None:
            back.setdefault(f"{kind}/{item}", {}).setdefault(other_kind, set()).add(other)

        for sid, step in self.hb.steps.items():
            for x in step.scripts:
                add("scripts", x, "steps", sid)
                add("steps", sid, "scripts", x)
            for x in step.pitfalls:
                add("pitfalls", x, "steps", sid)
                add("steps", sid, "pitfalls", x)
        for xid, script in self.hb.scripts.items():
            for s in script.steps:
                add("steps", s, "scripts", xid)
                add("scripts", xid, "steps", s)
        for pid, pit in self.hb.pitfalls.items():
            for s in pit.steps:
                add("steps", s, "pitfalls", pid)
                add("pitfalls", pid, "steps", s)
            for x in pit.scripts:
                add("scripts", x, "pitfalls", pid)
                add("pitfalls", pid, "scripts", x)
        for sid, session in self.hb.sessions.items():  # the session page lists its own; link back to it
            for x in session.scripts:
                add("scripts", x, "sessions", sid)
            for s in session.steps:
                add("steps", s, "sessions", sid)
        order = {kind: list(items) for kind, items in self.hb.items.items()}
        return {key: {k: sorted(v, key=lambda i, k=k: order[k].index(i)) for k, v in kinds.items()}
                for key, kinds in back.items()}

    def abbreviations(self) -> str:
        """pymdownx/abbr definitions so glossary terms show their definition on hover."""
        if self.hb.glossary is None:
            return ""
        lines = []
        for entry in self.hb.glossary.entries:
            definition = plain_text(entry.definition).replace("\n", " ")
            for word in [entry.term, *entry.aliases]:
                lines.append(f"*[{word}]: {definition}")
        return "\n" + "\n".join(lines) + "\n" if lines else ""

    # -- pages ---------------------------------------------------------------
    def page(self, template: str, path: str, title: str, source: Path | None, **context: Any) -> Page:
        tpl = self.env.get_template(template)
        content = tpl.render(page_path=path, title=title,
                             link=lambda target, _p=path: relative_link(_p, target), **context)
        if not path.startswith("glossary"):
            content = content.rstrip("\n") + "\n" + self._abbreviations
        return Page(path, content, source, title)

    def pages(self) -> list[Page]:
        hb = self.hb
        program_src = hb.program_doc.path
        msg = self.msg
        out = [
            self.page("home.md.j2", "index.md", hb.program.name, program_src),
            self.page("overview.md.j2", "overview.md", msg("overview"), program_src),
            self.page("steps_index.md.j2", "steps/index.md", msg("steps"), None),
        ]
        for sid, item in hb.items["steps"].items():
            out.append(self.page("step.md.j2", f"steps/{sid}.md", item.model.title, item.path, id=sid, step=item.model))
        out += self.session_pages()
        out.append(self.page("roles_index.md.j2", "roles/index.md", msg("roles"), program_src))
        for role in hb.program.roles:
            out.append(self.page("role.md.j2", f"roles/{role.id}.md", role.name, program_src, role=role))
        out += self.checklist_pages()
        out.append(self.page("scripts_index.md.j2", "scripts/index.md", msg("scripts"), None))
        for xid, item in hb.items["scripts"].items():
            out.append(self.page("script.md.j2", f"scripts/{xid}.md", item.model.title, item.path, id=xid,
                                 script=item.model))
        out.append(self.page("pitfalls_index.md.j2", "pitfalls/index.md", msg("pitfalls"), None))
        for pid, item in hb.items["pitfalls"].items():
            out.append(self.page("pitfall.md.j2", f"pitfalls/{pid}.md", item.model.title, item.path, id=pid,
                                 pitfall=item.model))
        out.append(self.page("faq_index.md.j2", "faq/index.md", msg("faq_title"), None))
        for tid, item in hb.items["faqs"].items():
            out.append(self.page("faq.md.j2", f"faq/{tid}.md", item.model.title, item.path, id=tid, topic=item.model))
        if hb.glossary is not None:
            out.append(self.page("glossary.md.j2", "glossary.md", msg("glossary"), hb.glossary_doc.path if hb.glossary_doc else None))
        return out

    def session_pages(self) -> list[Page]:
        """The session plan (with the calendar form and its data) and one page per session; none
        when the content has no sessions/ folder."""
        from .sessionplan import WEEKDAYS, calendar_data, json_for_script

        sessions = self.hb.items.get("sessions", {})
        if not sessions:
            return []
        # Markup: the JSON is already safe inside its script element (no `<`, `>` or `&`); it must reach
        # the page byte for byte, never HTML-escaped like prose
        data = Markup(json_for_script(calendar_data(self.hb, self.msg.language)))
        out = [self.page("sessions_index.md.j2", "sessions/index.md", self.msg("sessions"), None,
                         calendar_json=data, weekdays=WEEKDAYS)]
        for sid, item in sessions.items():
            out.append(self.page("session.md.j2", f"sessions/{sid}.md", item.model.title, item.path, id=sid,
                                 session=item.model))
        return out

    def checklist_pages(self) -> list[Page]:
        """The checklists index, then a page per role checklist, facilitator pack and phase checklist."""
        program_src = self.hb.program_doc.path
        out = [self.page("checklists_index.md.j2", "checklists/index.md", self.msg("checklists"), program_src)]
        for doc in self.checklists:
            out.append(self.page(f"checklist_{doc.kind}.md.j2", doc.path, doc.title, program_src, doc=doc))
        return out


def render_pages(handbook: Handbook, template_dirs: Iterable[Path] = (),
                 language: str = DEFAULT_LANGUAGE, printing: PrintSettings | None = None) -> list[Page]:
    """Every generated page of the handbook, in navigation order."""
    return Renderer(handbook, template_dirs, language, printing).pages()


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

    step_paths = [p for p in titles if p.startswith("steps/") and p != "steps/index.md"]
    steps_section: list = ["steps/index.md"]
    if len(step_paths) <= max_section_items:
        # grouped by phase: the nav reads like the program's timeline
        for phase in handbook.program.phases:
            group = [{titles[f"steps/{sid}.md"]: f"steps/{sid}.md"}
                     for sid, step in handbook.steps.items() if step.phase == phase.id]
            if group:
                steps_section.append({phase.title: group})
    nav: list = [{msg("home"): "index.md"}, {msg("overview"): "overview.md"},
                 {msg("steps"): steps_section},
                 *([section(msg("sessions"), "sessions/index.md", "sessions/")] if "sessions/index.md" in titles else []),
                 section(msg("roles"), "roles/index.md", "roles/"),
                 {msg("checklists"): "checklists/index.md"},
                 {msg("scripts"): "scripts/index.md"},
                 {msg("pitfalls"): "pitfalls/index.md"},
                 section(msg("faq"), "faq/index.md", "faq/")]
    if "glossary.md" in titles:
        nav.append({msg("glossary"): "glossary.md"})
    return nav
