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
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from rmhandbook.core.diagnostics import Diagnostics, did_you_mean
from rmhandbook.core.languages import LANGUAGES, language_list_problems
from rmhandbook.core.search import search_settings
from rmhandbook.mkdocs import coexistence, internals, live_reload, split
from rmhandbook.mkdocs.layout import from_environment as site_languages_of_build
from rmhandbook.mkdocs.settings import environment_settings, variable
from rmhandbook.mkdocs.site_parts import SiteParts, error_parts, load_parts
from rmhandbook.outputs.linkcheck import SiteChecker, served_path
from rmhandbook.outputs.linkcheck import report as link_report
from rmhandbook.render.book import no_book_note
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
    languages = c.Optional(c.ListOfItems(c.Type(str)))
    """Languages to publish the default handbook in, in one build: the first at the site's root, each other one in a
    folder of its code (`en/`), with a language switcher on every page (`rmhandbook build` builds them all)."""
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
        if not failed and self.get("languages") is not None:
            failed += self._languages_problems()
        return failed, warnings

    def _languages_problems(self) -> list[tuple[str, str]]:
        languages = self["languages"]
        if not languages:
            return [("languages", "lists no language; list the site's languages, for example `languages: [de, en]`, "
                                  "or leave the option out")]
        root = Path(self.config_file_path or "mkdocs.yml").resolve().parent
        failed = [("languages", f"entry {index + 1}: {message}")
                  for index, message in language_list_problems(languages, root / self["content_dir"])]
        first, given = languages[0], self.get("language")
        if given is not None and given != first and os.environ.get(variable("language")) == given:
            if given not in languages:  # (`rmhandbook build` sets it to each of `languages` in turn)
                failed.append(("language", f"`{given}` is not one of `languages` ({', '.join(languages)})"))
        elif given is not None and given != first:
            failed.append(("language", f"`{given}` is not the first of `languages` ({', '.join(languages)}), the "
                                       "language at the site's root; leave `language` out, or put it first in "
                                       f"`languages`, for example `languages: [{given}, {first}]`"))
        return failed


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
        self.layout = site_languages_of_build()  # set when this build is one language of a site's several
        try:
            self._parts = load_parts(config, settings, log, split_share=self.share, layout=self.layout)
        except PluginError as exc:
            if not self.serving:
                raise
            # a live preview shows the problems in the browser, and reloads when they are fixed
            log.error(str(exc))
            self._parts = error_parts(config, settings, str(exc), self._parts)
        self.page_sources: dict[str, Path] = {}  # built page -> the YAML file it comes from (for messages)
        self.generated_pages: set[str] = set()  # src_uri of every page we generated (not the user's)
        self._rebuild: live_reload.Rebuild | None = None
        self._adding: list[File] = []  # generated files on their way into the site (see on_files)
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
    # Early: before mkdocs-macros (priority 0) reads the page's meta.
    @event_priority(100)
    def on_page_markdown(self, markdown, page, config, files):
        if page.file.src_uri not in self.generated_pages:
            return markdown
        if isinstance(page.meta.get("title"), str):
            page.meta["title"] = Markup(page.meta["title"])
        coexistence.keep_macros_out(page.meta)
        return markdown

    # Run after other plugins have added their files, so a user's own page of the
    # same name (e.g. their own index.md) is seen and wins. mkdocs-static-i18n's on_files (-100)
    # remakes the list and cannot take generated files: with it, they are added after it.
    @event_priority(-50)
    def _add_files(self, files: Files, config) -> Files:
        parts = self.parts
        for f in [f for f in files if f.abs_src_path and parts.is_content_data(f.abs_src_path)]:
            files.remove(f)
        self._adding = self._pages(files, config)
        self._adding += [File.generated(config, uri, abs_src_path=str(source)) for uri, source in parts.static_files()]
        if not coexistence.adds_files_after_i18n(config):
            self._append(files, config)
        return files

    @event_priority(-110)
    def _add_files_after_i18n(self, files: Files, config) -> Files:
        if self._adding:
            folder = coexistence.place_for_language(config, self._adding, log)
            if folder:
                self.page_sources = {f"{folder}/{uri}": source for uri, source in self.page_sources.items()}
            self._append(files, config)
        return files

    on_files = CombinedEvent(_add_files, _add_files_after_i18n)

    def _append(self, files: Files, config) -> None:
        for f in self._adding:
            files.append(f)
        self._adding = []
        if self.share is not None:
            split.take_share(files, self.parts.pages, self.share)
        for uri, content in self.parts.generated_files(config):
            files.append(File.generated(config, uri, content=content))

    def _pages(self, files: Files, config) -> list[File]:
        docs_dir = Path(config.docs_dir).resolve()
        out = []
        if self.parts.handbook is not None and (note := no_book_note(self.parts.handbook)):
            log.info(f"rmhandbook: {note}")
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
            out.append(f)
            self.generated_pages.add(f.src_uri)
        return out

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
        site_path, elsewhere = served_path(config.site_url), ()
        if self.layout is not None:  # one language of several: links into the others are checked with the whole site
            site_path, elsewhere = self.layout.served_path(config.site_url), self.layout.elsewhere()
        if self._rebuild is not None:
            self._links = SiteChecker(worker=False, known=self._rebuild.previous.scans,
                                      site_path=site_path, elsewhere=elsewhere)
        else:
            self._links = SiteChecker(len(pages), worker=False if self.share else None,
                                      site_path=site_path, elsewhere=elsewhere)
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
        if self.layout is not None:  # the language switcher leads to this page in the other languages
            context["rmhandbook_alternates"] = self.layout.page_alternates(page.url)
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
        broken = coexistence.leave_to_later_languages(self._links.finish(Path(config.site_dir)), Path(config.site_dir),
                                                      config)
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
