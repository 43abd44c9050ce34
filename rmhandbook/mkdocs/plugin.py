"""The MkDocs adapter: each hook guards, calls one core function, and converts the result.

Everything it does is in the framework-free core (handbook, render); this
file is the one a port to another site generator would rewrite.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, ClassVar

from markupsafe import Markup
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from rmhandbook.core.diagnostics import ContentError, Diagnostics
from rmhandbook.outputs.export import REQUIRED_EXTENSIONS, asset_files
from rmhandbook.core.handbook import Handbook, shared_builder
from rmhandbook.outputs.linkcheck import SiteChecker
from rmhandbook.outputs.linkcheck import report as link_report
from rmhandbook.render.messages import Messages, messages_script
from rmhandbook.core.org import OrgProfile, footer_contact, web_manifest
from rmhandbook.render.printing import PAPERS, PrintSettings, page_css, pdf_documents
from rmhandbook.render.pages import Page, Renderer, glossary_abbreviations, nav_for
from rmhandbook.render.cache import BYTECODE, shared_page_cache
from rmhandbook.render.safety import html_attribute
from rmhandbook.mkdocs.incremental import Previous, Rebuild, fingerprint, folder_fingerprint, update_search_index
from rmhandbook.mkdocs.sites import DirtyNotice, Share, site_manifest
from rmhandbook.render.theming import palette_css, palette_for

log = logging.getLogger("mkdocs.plugins.rmhandbook")

ASSETS = Path(__file__).resolve().parent.parent / "render" / "assets"
# Every file in assets/ is shipped; stylesheets and scripts are linked from every page.
# Features keep their own files here (print.css, checklists.js, ...) rather than growing one.
ASSET_FILES = asset_files()  # one list for the plugin and for `export --mkdocs-config`
# Theme templates an organization build adds after the site's own custom_dir (the footer contact).
THEME_DIR = Path(__file__).resolve().parent.parent / "render" / "theme"
ORG_CSS = "assets/rmhandbook/org/colors.css"
# What the multi-site index (`build --all-orgs`) reads about each organization's site.
ORG_MANIFEST = "assets/rmhandbook/org/site.json"
WEB_MANIFEST = "assets/rmhandbook/org/manifest.webmanifest"  # linked from theme/main.html



class RmHandbookConfig(base.Config):
    content_dir = c.Type(str, default="content")
    """Folder with program.yml, steps/, scripts/, pitfalls/, faqs/ (relative to mkdocs.yml)."""
    organization = c.Optional(c.Type(str))
    """Slug of an organization profile under `<content_dir>/orgs/` to build instead of the default."""
    templates_dir = c.Optional(c.Type(str))
    """Folder of page templates that replace the shipped ones (default: `<theme.custom_dir>/rmhandbook`)."""
    generate_nav = c.Type(bool, default=True)
    """Generate the navigation when mkdocs.yml has no `nav:` of its own."""
    nav_max_section_items = c.Type(int, default=40)
    """A nav section lists its pages only up to this many; beyond it, only its catalog page."""
    paper = c.Choice(PAPERS, default="a4")
    """Paper the site prints on (the print stylesheet's page size): `a4` or `letter`."""
    checklist_pdfs = c.Type(bool, default=False)
    """Print a PDF per facilitator pack and per phase checklist into the site (needs Chromium)."""


class RmHandbookPlugin(BasePlugin[RmHandbookConfig]):
    # Values the `rmhandbook` CLI sets for this process (e.g. `--content`), applied over mkdocs.yml.
    overrides: ClassVar[dict[str, Any]] = {}
    # Set by a parallel build (sites.py) in each of its processes: this process's share of the pages.
    share: ClassVar[Share | None] = None

    # Before the search plugin's on_config: it reads theme.language, which an organization sets.
    @event_priority(100)
    def on_config(self, config):
        for key, value in self.overrides.items():
            self.config[key] = value
        config_dir = Path(config.config_file_path or ".").resolve().parent
        self.content_dir = (config_dir / self.config.content_dir).resolve()
        self.page_sources: dict[str, Path] = {}  # built page -> the YAML file it comes from (for messages)
        self.generated_pages: set[str] = set()  # src_uri of every page we generated (not the user's)
        # MkDocs keeps a plugin object between the rebuilds of `serve` when its config is unchanged
        self._rebuild: Rebuild | None = None  # set by on_nav in a live reload that may skip unchanged pages
        self._add_extensions_and_assets(config)
        self.handbook: Handbook = self._load()
        self.org: OrgProfile | None = self.handbook.organization
        self.language = self.handbook.language
        self.printing = self._print_settings()
        if self.org is not None:
            self._apply_organization(config, self.org)
        self._render_pages(config, config_dir)
        self._check_pdf_engine()
        self._generate_nav(config)
        return config

    def _add_extensions_and_assets(self, config) -> None:
        for ext in REQUIRED_EXTENSIONS:
            if ext not in config.markdown_extensions:
                config.markdown_extensions.append(ext)
        for name in ("messages.js", "page.css") + ASSET_FILES:
            target = config.extra_javascript if name.endswith(".js") else config.extra_css
            uri = f"assets/rmhandbook/{name}"
            if uri not in [str(x) for x in target]:
                target.append(uri)

    def _print_settings(self) -> PrintSettings:
        # the one place the paper is read: a paper the CLI asks for (`checklists --paper`), else the
        # organization's, else the plugin option
        explicit = self.overrides.get("paper")
        self.paper = explicit or (self.org.model.paper if self.org is not None else self.config.paper)
        return PrintSettings(paper=self.paper, pdfs=self.config.checklist_pdfs,
                             organization=self.org.model.name if self.org is not None else None)

    def _render_pages(self, config, config_dir: Path) -> None:
        renderer = self._render(config, config_dir)
        try:
            self.pages: list[Page] = renderer.pages()
        except ContentError as exc:  # an error in the site's own templates
            raise PluginError("rmhandbook: a template has errors:\n" + exc.diagnostics.report()) from None
        self.checklist_docs = renderer.checklists
        self._log_rendered()
        # the glossary's hover definitions go to the abbr extension once, not into every page
        abbr = config.mdx_configs.setdefault("abbr", {})
        abbr["glossary"] = {**glossary_abbreviations(self.handbook), **(abbr.get("glossary") or {})}
        self.pdf_docs = pdf_documents(renderer.checklists) if self.printing.pdfs else []

    def _check_pdf_engine(self) -> None:
        if self.pdf_docs:  # fail before building, not after
            from rmhandbook.outputs.pdf import PdfError, check_pdf_engine
            try:
                check_pdf_engine()
            except PdfError as exc:
                raise PluginError(f"rmhandbook: checklist_pdfs: {exc}") from None

    def _generate_nav(self, config) -> None:
        self.nav_paths: set[str] | None = None  # pages our generated nav lists; None: the user's nav rules
        if self.config.generate_nav and config.nav is None:
            nav = nav_for(self.pages, self.handbook, self.config.nav_max_section_items, self.language)
            self.nav_paths = set(_nav_paths(nav))
            config.nav = nav + _user_pages(config)

    def _load(self) -> Handbook:
        builder = shared_builder(self.content_dir)
        before = dict(builder.stats)
        diags = Diagnostics(Path.cwd())
        try:
            handbook = builder.build(self.content_dir, diags, self.config.organization)
        except ContentError as exc:
            raise PluginError("rmhandbook: the content has errors:\n" + exc.diagnostics.report()) from None
        for w in handbook.warnings:
            log.warning(w.format())
        parsed = builder.stats["parsed"] - before["parsed"]
        validated = builder.stats["validated"] - before["validated"]
        log.info(f"rmhandbook: {self.content_dir.name}: {parsed} file(s) parsed, {validated} validated, "
                 f"{builder.stats['reused'] - before['reused']} unchanged and reused")
        return handbook

    def _render(self, config, config_dir: Path) -> Renderer:
        """A renderer whose pages come from the page cache when their inputs did not change."""
        self._cache = shared_page_cache(self.content_dir)
        self._cache_before = dict(self._cache.stats)
        return Renderer(self.handbook, self._template_dirs(config, config_dir), self.language, self.printing,
                        inline_abbreviations=False, cache=self._cache,
                        detail_max_items=self.config.nav_max_section_items,
                        share=(self.share.index, self.share.count) if self.share else None)

    def _log_rendered(self) -> None:
        rendered = self._cache.stats["rendered"] - self._cache_before["rendered"]
        reused = self._cache.stats["reused"] - self._cache_before["reused"]
        share = f" (this process's share of {len(self.pages)})" if self.share else ""
        log.info(f"rmhandbook: pages: {rendered} rendered{share}, {reused} unchanged and reused")

    # Our front matter's titles are HTML already (render.front_matter: Material prints them unescaped).
    # With a nav of the site's own, a page's title comes from there, and the one place Material
    # escapes it, the footer's "Next:"/"Previous:" aria-label, made `Q&amp;amp;A`: Markup stops `|e`.
    def on_page_markdown(self, markdown, page, config, files):
        if page.file.src_uri in self.generated_pages and isinstance(page.meta.get("title"), str):
            page.meta["title"] = Markup(page.meta["title"])
        return markdown

    # Compiled theme templates are kept for the life of the process: `mkdocs serve`
    # makes a new theme environment for every rebuild and would compile them all again.
    # The link check starts here, just before the pages are written: it reads each page
    # as MkDocs writes it (a large site's in a worker process on another core; in a
    # parallel build each process reads its own pages and sites.py checks the whole site;
    # in a live reload the pages not written again are known from the last build).
    def on_env(self, env, config, files):
        env.bytecode_cache = BYTECODE
        pages = self._doc_files = files.documentation_pages()
        if self._rebuild is not None:
            self._links = SiteChecker(worker=False, known=self._rebuild.previous.scans)
        else:
            self._links = SiteChecker(len(pages), worker=False if self.share else None)
        # the build order, as the search index writes page locations (a parallel build joins the indexes by it)
        self.page_urls = [f.page.url if f.page is not None else f.url for f in pages]
        return env

    # After the search plugin indexed the page: in a live reload, the entries it made for this page
    # (the index it writes is joined from these and the unchanged pages' entries of earlier builds).
    @event_priority(-50)
    def on_page_context(self, context, page, config, nav):
        if self._rebuild is not None:
            entries = _search_entries(config)
            if entries is not None:
                self._rebuild.note_search_entries(page.url, entries)
        return context

    # Last, so the page is read as it is written, after every other plugin changed it.
    @event_priority(-100)
    def on_post_page(self, output, page, config):
        self._links.add_page(page.file.dest_uri, output)
        return output

    def on_build_error(self, error):
        links = getattr(self, "_links", None)
        if links is not None:
            links.close()
        rebuild = getattr(self, "_rebuild", None)
        if rebuild is not None:  # what is on disk is unknown now: the next build writes everything
            rebuild.previous.forget()

    def _apply_organization(self, config, org: OrgProfile) -> None:
        """Name, logo, colours, language and footer contact from the profile (all checked by the core)."""
        model = org.model
        palette = palette_for(model.colors.primary, model.colors.accent)
        for line in palette.report():
            log.info(f"rmhandbook: {org.slug}: colours: {line}")
        # MkDocs and Material print site_name into HTML unescaped in some places and with `|e` in
        # others: Markup is escaped once here and left alone by `|e`.
        config.site_name = Markup.escape(model.name)
        config.theme["language"] = model.language
        config.theme["logo"] = f"assets/rmhandbook/org/logo{org.logo.suffix.lower()}"
        favicon = org.favicon or org.logo
        config.theme["favicon"] = f"assets/rmhandbook/org/favicon{favicon.suffix.lower()}"
        config.theme["palette"] = _custom_palette(config.theme.get("palette"), Messages(model.language))
        if str(THEME_DIR) not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_DIR))
        if ORG_CSS not in [str(x) for x in config.extra_css]:
            config.extra_css.append(ORG_CSS)
        config.extra["rmhandbook_contact"] = footer_contact(org, self.handbook.terms)  # theme/partials/copyright.html
        config.extra["rmhandbook_org"] = {"manifest": WEB_MANIFEST, "theme_color": palette.primary.hex}  # main.html
        self.org_css = palette_css(palette)

    def _template_dirs(self, config, config_dir: Path) -> list[Path]:
        if self.config.templates_dir:
            return [config_dir / self.config.templates_dir]
        custom = config.theme.custom_dir
        return [Path(custom) / "rmhandbook"] if custom else []

    # Run after other plugins have added their files, so a user's own page of
    # the same name (e.g. their own index.md) is seen and wins.
    @event_priority(-50)
    def on_files(self, files: Files, config) -> Files:
        docs_dir = Path(config.docs_dir).resolve()
        for f in [f for f in files if f.abs_src_path and _is_content_data(f.abs_src_path, self.content_dir)]:
            files.remove(f)
        for page in self.pages:
            if files.get_file_from_path(page.path) is not None:
                log.info(f"rmhandbook: {page.path} in the docs folder replaces the generated page")
                continue
            # item pages reached through their catalog page are deliberately not in the nav;
            # saying so keeps `validation: omitted_files: warn` (and --strict) quiet about them
            inclusion = (InclusionLevel.NOT_IN_NAV if self.nav_paths is not None and page.path not in self.nav_paths
                         else InclusionLevel.UNDEFINED)
            f = File.generated(config, page.path, content=page.content, inclusion=inclusion)
            if page.source is not None:
                f.edit_uri = Path(os.path.relpath(page.source, docs_dir)).as_posix()
                self.page_sources[f.dest_uri] = page.source
            files.append(f)
            self.generated_pages.add(f.src_uri)
        for name in ASSET_FILES:
            files.append(File.generated(config, f"assets/rmhandbook/{name}", abs_src_path=str(ASSETS / name)))
        if self.share is not None:
            self._take_share(files)
        files.append(File.generated(config, "assets/rmhandbook/messages.js", content=messages_script(self.language)))
        # the program's name is plain text here; page_css writes it as an escaped CSS string
        files.append(File.generated(config, "assets/rmhandbook/page.css",
                                    content=page_css(self.printing, self.handbook.program.name, Messages(self.language))))
        # The PDFs are printed from the built pages in on_post_build; listing them now lets
        # MkDocs check the checklist pages' links to them (the empty file is overwritten).
        for doc in self.pdf_docs:
            files.append(File.generated(config, doc.pdf, content=b""))
        if self.org is not None:
            files.append(File.generated(config, ORG_CSS, content=self.org_css))
            files.append(File.generated(config, ORG_MANIFEST, content=site_manifest(self.org, config.theme["logo"])))
            files.append(File.generated(config, WEB_MANIFEST, content=web_manifest(
                self.org, Path(config.theme["logo"]).name, WEB_MANIFEST.count("/"))))
            files.append(File.generated(config, config.theme["logo"], abs_src_path=str(self.org.logo)))
            files.append(File.generated(config, config.theme["favicon"],
                                        abs_src_path=str(self.org.favicon or self.org.logo)))
        return files

    def _take_share(self, files: Files) -> None:
        """In one process of a parallel build: build only this process's pages (the k-th of every n;
        the generated ones as the renderer split them, the docs folder's own pages likewise), and
        let only the first process copy the static files. MkDocs skips a file whose `is_modified()`
        is false when it builds with `dirty=True`, which is how sites.py runs each process."""
        share = self.share
        generated = {p.path: i for i, p in enumerate(self.pages)}
        own_pages = [f for f in files.documentation_pages() if f.src_uri not in generated]
        mine = {f.src_uri for i, f in enumerate(own_pages) if i % share.count == share.index}
        mine |= {path for path, i in generated.items() if i % share.count == share.index}
        for f in files:
            if f.is_documentation_page():
                take = f.src_uri in mine
            else:
                take = share.index == 0
            if not take:
                f.is_modified = _false

    # The pages another process builds are never read here, so MkDocs does not know the titles
    # it takes from their front matter; the nav (and the footer's previous/next links) print them
    # on every page. A title the nav gives (`{Home: index.md}`) is already set on the page:
    # MkDocs' `title` is a non-data descriptor, so a set title lives in the page's __dict__.
    # (Markup, as on_page_markdown makes the titles of the pages that are read.)
    def on_nav(self, nav, config, files):
        if self.share is not None or _INCREMENTAL:
            titles = {p.path: Markup(html_attribute(p.title)) for p in self.pages}
            for page in nav.pages:
                if "title" not in vars(page) and page.file.src_uri in titles:
                    page.title = titles[page.file.src_uri]
        if _INCREMENTAL and self.share is None:
            self._skip_unchanged(nav, config, files)
        return nav

    # --- live reload: write only the pages that changed (see incremental.py) -------------------

    def on_startup(self, *, command, dirty):
        global _INCREMENTAL
        # `rmhandbook serve` (and `mkdocs serve --dirty`): MkDocs builds with dirty=True, and the
        # plugin tells it which pages are really unchanged
        _INCREMENTAL = command == "serve" and dirty
        if _INCREMENTAL:
            logging.getLogger("mkdocs.commands.build").addFilter(_DIRTY_NOTICE)

    def _skip_unchanged(self, nav, config, files: Files) -> None:
        previous = _PREVIOUS.setdefault(str(Path(config.site_dir).resolve()), Previous())
        docs = files.documentation_pages()
        generated = {p.path: p.content for p in self.pages if p.path in self.generated_pages}
        own = [f for f in docs if f.src_uri not in generated]  # the docs folder's pages: always rebuilt
        # the theme folders a site edits (its custom_dir, ours); the installed theme does not change
        theme_dirs = [d for d in config.theme.dirs if d == config.theme.custom_dir or Path(d) == THEME_DIR]
        site = fingerprint(
            Path(config.config_file_path).read_bytes() if config.config_file_path else b"",
            config.site_name, config.site_url, config.copyright, config.repo_url, config.edit_uri,
            config.use_directory_urls, sorted((k, repr(v)) for k, v in config.theme.items()), config.extra,
            [str(x) for x in config.extra_css], [str(x) for x in config.extra_javascript],
            config.markdown_extensions, config.mdx_configs, _nav_signature(nav.items),
            folder_fingerprint(theme_dirs),
            [(f.src_uri, f.abs_src_path and os.stat(f.abs_src_path).st_mtime_ns) for f in own],
            # which other files there are: a removed image or download must leave the served folder,
            # and a dirty build deletes nothing
            sorted(f.src_uri for f in files if not f.is_documentation_page()))
        unchanged = {path for path in previous.unchanged(site, generated)
                     if os.path.isfile(files.get_file_from_path(path).abs_dest_path)}
        if "search" in config.plugins or "material/search" in config.plugins:
            if _search_entries(config) is None:
                unchanged = set()  # a search plugin whose entries cannot be read: rebuild its whole index
        if not unchanged:  # everything is written again: start from an empty folder, as a full build does
            from mkdocs.utils import clean_directory
            clean_directory(config.site_dir)
        for f in docs:
            if f.src_uri in unchanged:
                f.is_modified = _false
            elif f.src_uri not in generated:
                f.is_modified = _true  # (MkDocs' own test compares file times)
        self._rebuild = Rebuild(previous, site, generated, unchanged)

    def _finish_rebuild(self, config) -> None:
        """A live reload that succeeded: the search index joined, and what it was made of remembered."""
        rebuild = self._rebuild
        unchanged = rebuild.unchanged
        rebuilt = {url for f, url in zip(self._doc_files, self.page_urls) if f.src_uri not in unchanged}
        index = Path(config.site_dir) / "search" / "search_index.json"
        if index.is_file() and _search_entries(config) is not None:
            update_search_index(index, rebuild.previous, rebuild.search_pages, rebuilt, self.page_urls)
        rebuild.succeeded(self._links.scans)
        log.info(f"rmhandbook: live reload: wrote {len(rebuilt)} of {len(self.page_urls)} pages, "
                 f"{len(unchanged)} unchanged")

    # Run last, when every plugin has written its files. Under `rmhandbook build` the site is
    # still in its staging folder here, so a broken link fails the build before the swap and
    # the previous site stays published. The PDFs come first: the checklist pages link to them.
    @event_priority(-100)
    def on_post_build(self, config) -> None:
        if self.share is not None:  # sites.py puts the shares together, then checks the links
            self._links.save(self.share.links_file)
            return
        if self.pdf_docs:
            self._write_pdfs(config)
        broken = self._links.finish(Path(config.site_dir))
        if self._rebuild is not None:
            if broken:
                self._rebuild.previous.forget()
            else:
                self._finish_rebuild(config)
        if broken:
            raise PluginError("rmhandbook: the built site has broken internal links:\n"
                              + link_report(broken, self.source_names()))

    def source_names(self) -> dict[str, str]:
        """Built page -> the YAML file it comes from, as messages name files (only worked out for a message)."""
        diags = Diagnostics(Path.cwd())
        return {page: diags.display_path(source) for page, source in self.page_sources.items()}

    def _write_pdfs(self, config) -> None:
        from rmhandbook.outputs.pdf import PdfError, pdf_jobs, write_pdfs

        site_dir = Path(config.site_dir)
        try:
            written = write_pdfs(pdf_jobs(site_dir, self.pdf_docs, config.use_directory_urls), self.paper)
        except PdfError as exc:
            raise PluginError(f"rmhandbook: checklist_pdfs: {exc}") from None
        log.info(f"rmhandbook: printed {len(written)} checklist PDF(s) on {self.paper} paper")

    def on_serve(self, server, config, builder):
        docs_dir = Path(config.docs_dir).resolve()
        if docs_dir != self.content_dir and docs_dir not in self.content_dir.parents:
            server.watch(str(self.content_dir))
        poll_faster(server, [docs_dir, self.content_dir])
        return server


# MkDocs polls what it watches every 0.5 s: on average a quarter of a second between
# a save and the rebuild starting, a quarter of a 1-second reload budget. Polling a
# folder of a few hundred files takes well under a millisecond, so small handbooks are
# polled every 0.1 s; larger ones keep MkDocs' interval. watchdog has no public way to
# change the interval of a running observer: the attributes are checked, and without
# them nothing changes.
FAST_POLL_SECONDS = 0.1
FAST_POLL_MAX_FILES = 500


def poll_faster(server, folders: list[Path]) -> int:
    """Poll the handbook's folders (not the theme or other watched paths) every FAST_POLL_SECONDS
    if they are small; returns how many watches it changed."""
    folders = sorted({f.resolve() for f in folders})
    files = 0
    for folder in folders:
        for _ in folder.rglob("*"):
            files += 1
            if files > FAST_POLL_MAX_FILES:
                return 0
    changed = 0
    for emitter in list(getattr(getattr(server, "observer", None), "_emitters", None) or ()):
        path = getattr(getattr(emitter, "watch", None), "path", None)
        if path is None or not hasattr(emitter, "_timeout"):
            continue
        path = Path(path).resolve()
        if path in folders or any(f in path.parents for f in folders) or path.suffix in (".yml", ".yaml"):
            emitter._timeout = FAST_POLL_SECONDS
            changed += 1
    return changed


def _false() -> bool:
    return False


def _true() -> bool:
    return True


# Live reload: whether this process serves with dirty builds, and what each site's last build
# was made of (MkDocs keeps a plugin object between rebuilds, or makes a new one when mkdocs.yml
# changed, so this lives in the module).
_INCREMENTAL = False
_PREVIOUS: dict[str, Previous] = {}
_DIRTY_NOTICE = DirtyNotice()


def _search_entries(config) -> list | None:
    """The entries the search plugin has made so far in this build (Material's `SearchIndex.entries`)."""
    search = config.plugins.get("material/search") or config.plugins.get("search")
    entries = getattr(getattr(search, "search_index", None), "entries", None)
    return entries if isinstance(entries, list) else None


def _nav_signature(items) -> list:
    """The nav as every page prints it: sections, links and pages with their titles and URLs."""
    out = []
    for item in items:
        children = getattr(item, "children", None)
        out.append((type(item).__name__, str(item.title), getattr(item, "url", None),
                    _nav_signature(children) if children else None))
    return out


def _is_content_data(path: str, content_dir: Path) -> bool:
    """YAML, schema files and organization folders in the content folder are data, not site files."""
    prefix = str(content_dir) + os.sep
    if not path.startswith(prefix):  # MkDocs' paths are absolute; a link or `..` needs resolving
        try:
            path = str(Path(path).resolve().relative_to(content_dir))
        except ValueError:
            return False
    else:
        path = path[len(prefix):]
    first = path.split(os.sep, 1)[0]
    return path.endswith((".yml", ".yaml", ".json")) or first in ("orgs", "schema")


def _custom_palette(palette, msg: Messages) -> list | dict:
    """The site's palette (one scheme or several with toggles) with the organization's colours,
    and the toggles' labels in the organization's language."""
    if isinstance(palette, list) and palette:
        out = []
        for entry in palette:
            entry = {**entry, "primary": "custom", "accent": "custom"}
            if isinstance(entry.get("toggle"), dict):  # a toggle on the slate scheme leads back to the light one
                to = "palette_to_light" if entry.get("scheme") == "slate" else "palette_to_dark"
                entry["toggle"] = {**entry["toggle"], "name": msg(to)}
            out.append(entry)
        return out
    if isinstance(palette, dict) and palette:
        return {**palette, "primary": "custom", "accent": "custom"}
    return {"primary": "custom", "accent": "custom"}


def _nav_paths(nav: list):
    for entry in nav:
        if isinstance(entry, str):
            yield entry
        elif isinstance(entry, dict):
            for value in entry.values():
                yield from _nav_paths(value if isinstance(value, list) else [value])


def _user_pages(config) -> list:
    """Markdown pages the user keeps in the docs folder, appended after the generated nav."""
    docs_dir = Path(config.docs_dir)
    generated_roots = {"index.md", "overview.md", "glossary.md", "steps", "sessions", "roles", "checklists",
                       "scripts", "pitfalls", "faq"}
    out = []
    for p in sorted(docs_dir.rglob("*.md")):
        rel = p.relative_to(docs_dir)
        if rel.parts[0] in generated_roots or rel.parts[0] in ("orgs", "schema") or rel.parts[0].startswith("."):
            continue
        out.append(rel.as_posix())
    return out
