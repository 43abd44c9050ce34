"""The MkDocs adapter: each hook guards, calls the floors below, and converts the result.

The handbook (pages, assets, nav, print settings) comes from core/ and render/;
split builds and live reload have modules of their own (split.py, live_reload.py),
and every use of a MkDocs or Material internal is in internals.py.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from markupsafe import Markup
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from rmhandbook.core.diagnostics import Diagnostics, did_you_mean
from rmhandbook.core.languages import LANGUAGES
from rmhandbook.core.search import search_settings
from rmhandbook.mkdocs import internals, live_reload, split
from rmhandbook.mkdocs.settings import environment_settings
from rmhandbook.mkdocs.site_parts import SiteParts, error_parts, load_parts
from rmhandbook.outputs.linkcheck import SiteChecker, served_path
from rmhandbook.outputs.linkcheck import report as link_report
from rmhandbook.render.printing import PAPERS
from rmhandbook.render.searchmeta import keyword_sections, unmarked

log = logging.getLogger("mkdocs.plugins.rmhandbook")


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
    language = c.Optional(c.Choice(LANGUAGES))
    """Language of the default handbook: its labels, its prose from `<content_dir>/i18n/<language>/` and Material's
    interface and search (default: the source's, en). An organization's `language` wins."""
    paper = c.Optional(c.Choice(PAPERS))
    """Paper the site prints on: `a4` or `letter` (default: the organization's `paper`, else a4)."""
    checklist_pdfs = c.Type(bool, default=False)
    """Print a PDF per facilitator pack and per phase checklist into the site (needs Chromium)."""

    def validate(self):
        failed, warnings = super().validate()
        known = option_names()
        unknown = sorted(set(self.keys()) - set(known))
        warnings = [w for w in warnings if not (isinstance(w, tuple) and w[0] in unknown)]
        for key in unknown:
            failed.append((key, f"rmhandbook has no option `{key}`.{did_you_mean(key, known)} "
                                f"Its options are: {', '.join(known)}."))
        return failed, warnings


def option_names() -> list[str]:
    return [name for name, value in vars(RmHandbookConfig).items() if isinstance(value, c.BaseConfigOption)]


class RmHandbookPlugin(BasePlugin[RmHandbookConfig]):
    def __init__(self) -> None:
        self.live_reload: live_reload.LiveReload | None = None
        self.serving = False
        self._parts: SiteParts | None = None

    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"
        # `rmhandbook serve` (and `mkdocs serve --dirty`): MkDocs builds with dirty=True, and the
        # plugin tells it which pages are really unchanged. This object lives as long as the process.
        if command == "serve" and dirty:
            self.live_reload = live_reload.LiveReload()
            internals.quiet_dirty_notice()

    # Before the search plugin's on_config: it reads theme.language, which an organization sets.
    @event_priority(100)
    def on_config(self, config):
        settings, self.share = environment_settings(self.config, option_names())
        try:
            self._parts = load_parts(config, settings, log, split_share=self.share)
        except PluginError as exc:
            if not self.serving:
                raise
            # a live preview shows the problems in the browser, and reloads when they are fixed
            log.error(str(exc))
            self._parts = error_parts(config, settings, str(exc), self._parts)
        self.page_sources: dict[str, Path] = {}  # built page -> the YAML file it comes from (for messages)
        self.generated_pages: set[str] = set()  # src_uri of every page we generated (not the user's)
        self._rebuild: live_reload.Rebuild | None = None
        self._keywords: dict[str, dict[str | None, str]] = {}  # page URL -> its search words by section
        if self._parts.handbook is not None:
            internals.configure_search(config, search_settings(self._parts.handbook.language))
        return config

    @property
    def parts(self) -> SiteParts:
        """What this build adds to the site (set in on_config, which MkDocs runs first)."""
        assert self._parts is not None, "on_config has not run"
        return self._parts

    # Our front matter's titles are HTML already (render.front_matter: Material prints them unescaped).
    # With a nav of the site's own, a page's title comes from there, and the one place Material
    # escapes it, the footer's "Next:"/"Previous:" aria-label, made `Q&amp;amp;A`: Markup stops `|e`.
    def on_page_markdown(self, markdown, page, config, files):
        if page.file.src_uri in self.generated_pages and isinstance(page.meta.get("title"), str):
            page.meta["title"] = Markup(page.meta["title"])
        return markdown

    # Run after other plugins have added their files, so a user's own page of
    # the same name (e.g. their own index.md) is seen and wins.
    @event_priority(-50)
    def on_files(self, files: Files, config) -> Files:
        parts = self.parts
        for f in [f for f in files if f.abs_src_path and parts.is_content_data(f.abs_src_path)]:
            files.remove(f)
        self._add_pages(files, config)
        for uri, source in parts.static_files():
            files.append(File.generated(config, uri, abs_src_path=str(source)))
        if self.share is not None:
            split.take_share(files, parts.pages, self.share)
        for uri, content in parts.generated_files(config):
            files.append(File.generated(config, uri, content=content))
        return files

    def _add_pages(self, files: Files, config) -> None:
        docs_dir = Path(config.docs_dir).resolve()
        for page in self.parts.pages:
            if files.get_file_from_path(page.path) is not None:
                log.info(f"rmhandbook: {page.path} in the docs folder replaces the generated page")
                continue
            # item pages reached through their catalog page are deliberately not in the nav;
            # saying so keeps `validation: omitted_files: warn` (and --strict) quiet about them
            nav_paths = self.parts.nav_paths
            inclusion = (InclusionLevel.NOT_IN_NAV if nav_paths is not None and page.path not in nav_paths
                         else InclusionLevel.UNDEFINED)
            f = File.generated(config, page.path, content=page.content, inclusion=inclusion)
            if page.source is not None:
                f.edit_uri = Path(os.path.relpath(page.source, docs_dir)).as_posix()
                self.page_sources[f.dest_uri] = page.source
            files.append(f)
            self.generated_pages.add(f.src_uri)

    def on_nav(self, nav, config, files):
        if self.share is not None or self.live_reload is not None:
            split.give_titles(nav, self.parts.pages)
        if self.live_reload is not None and self.share is None:
            generated = {p.path: p.content for p in self.parts.pages if p.path in self.generated_pages}
            self._rebuild = self.live_reload.start(nav, config, files, generated, self.parts.theme_dir)
        return nav

    # Compiled theme templates are kept for the life of the process: `mkdocs serve`
    # makes a new theme environment for every rebuild and would compile them all again.
    # The link check starts here, just before the pages are written: it reads each page
    # as MkDocs writes it (a large site's in a worker process on another core).
    def on_env(self, env, config, files):
        from rmhandbook.render.cache import BYTECODE

        env.bytecode_cache = BYTECODE
        pages = self._doc_files = files.documentation_pages()
        if self._rebuild is not None:
            self._links = SiteChecker(worker=False, known=self._rebuild.previous.scans,
                                      site_path=served_path(config.site_url))
        else:
            self._links = SiteChecker(len(pages), worker=False if self.share else None,
                                      site_path=served_path(config.site_url))
        # the build order, as the search index writes page locations (a split build joins the indexes by it)
        self.page_urls = [f.page.url if f.page is not None else f.url for f in pages]
        return env

    # The page's hidden search words are kept out of its text (render/searchmeta.py) ...
    def on_page_content(self, html, page, config, files):
        html, self._keywords[page.url] = keyword_sections(html)  # MkDocs renders every page before it builds any
        return html

    # ... and given to the entries the search plugin made for it; in a live reload, those entries are noted.
    @event_priority(-50)
    def on_page_context(self, context, page, config, nav):
        internals.lift_search_keywords(config, page.url, self._keywords.pop(page.url, {}))
        page.content = unmarked(page.content)
        if self._rebuild is not None:
            live_reload.note_search_entries(self._rebuild, config, page.url)
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

    # Run last, when every plugin has written its files. Under `rmhandbook build` the site is
    # still in its staging folder here, so a broken link fails the build before the swap and
    # the previous site stays published. The PDFs come first: the checklist pages link to them.
    @event_priority(-100)
    def on_post_build(self, config) -> None:
        if self.share is not None:  # sites.py puts the shares together, then checks the links
            self._links.save(self.share.links_file)
            return
        self.parts.write_pdfs(config, log)
        broken = self._links.finish(Path(config.site_dir))
        if self._rebuild is not None:
            self._finish_rebuild(config, broken)
        if broken:
            raise PluginError("rmhandbook: the built site has broken internal links:\n"
                              + link_report(broken, self.source_names()))

    def _finish_rebuild(self, config, broken: Any) -> None:
        rebuild = self._rebuild
        assert rebuild is not None
        if broken:
            rebuild.previous.forget()
            return
        rebuilt = {url for f, url in zip(self._doc_files, self.page_urls, strict=True)
                   if f.src_uri not in rebuild.unchanged}
        live_reload.finish(rebuild, config, rebuilt, self.page_urls, self._links.scans)
        log.info(f"rmhandbook: live reload: wrote {len(rebuilt)} of {len(self.page_urls)} pages, "
                 f"{len(rebuild.unchanged)} unchanged")

    def source_names(self) -> dict[str, str]:
        """Built page -> the YAML file it comes from, as messages name files (only worked out for a message)."""
        diags = Diagnostics(Path.cwd())
        return {page: diags.display_path(source) for page, source in self.page_sources.items()}

    def on_serve(self, server, config, builder):
        docs_dir = Path(config.docs_dir).resolve()
        content_dir = self.parts.content_dir
        if docs_dir != content_dir and docs_dir not in content_dir.parents:
            server.watch(str(content_dir))
        internals.poll_faster(server, [docs_dir, content_dir])
        return server
