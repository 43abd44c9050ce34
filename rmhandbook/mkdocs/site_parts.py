"""What the plugin adds to a MkDocs site, worked out once per build in `on_config`.

The handbook is loaded and rendered by the core (core/, render/); this module
turns it into MkDocs terms: Markdown extensions and assets on the config, an
organization's name, logo, colours and footer, the generated nav, and the
files to add (pages, assets, generated CSS and manifests, PDFs).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from markupsafe import Markup
from mkdocs.exceptions import PluginError

from rmhandbook.core.diagnostics import ContentError, Diagnostics
from rmhandbook.core.handbook import Handbook, shared_builder
from rmhandbook.core.languages import DEFAULT_LANGUAGE
from rmhandbook.core.model import KINDS
from rmhandbook.core.org import OrgProfile
from rmhandbook.mkdocs import coexistence
from rmhandbook.mkdocs.layout import SiteLanguages
from rmhandbook.mkdocs.settings import Settings, Share
from rmhandbook.outputs.bundle import custom_palette
from rmhandbook.outputs.export import REQUIRED_EXTENSIONS, asset_files, asset_support_files, own_type_and_logo
from rmhandbook.render.cache import PageCache, shared_page_cache
from rmhandbook.render.cards import PocketCard
from rmhandbook.render.errors import error_page
from rmhandbook.render.messages import Messages, messages_script
from rmhandbook.render.organization import footer_contact_html, web_manifest
from rmhandbook.render.pages import Page, Renderer, glossary_abbreviations, nav_for
from rmhandbook.render.printing import DEFAULT_LOGO, ChecklistDoc, PrintSettings, page_css, pdf_documents
from rmhandbook.render.resources import ASSETS, THEME_DIR
from rmhandbook.render.site_index import site_manifest
from rmhandbook.render.theming import palette_css, palette_for

ASSET_FILES = asset_files()  # one list for the plugin and for `export --mkdocs-config`
ORG_CSS = "assets/rmhandbook/org/colors.css"
# What the multi-site index (`build --all-orgs`) reads about each organization's site.
ORG_MANIFEST = "assets/rmhandbook/org/site.json"
WEB_MANIFEST = "assets/rmhandbook/org/manifest.webmanifest"  # linked from theme/main.html


@dataclasses.dataclass
class SiteParts:
    content_dir: Path
    handbook: Handbook | None  # None while the content has errors (a live preview's error page)
    printing: PrintSettings
    pages: list[Page]
    checklist_docs: list[ChecklistDoc | PocketCard]  # in the checklists index's order, pocket cards included
    pdf_docs: list
    nav_paths: set[str] | None  # pages the nav lists (ours or the site's own); None: MkDocs makes the nav
    org_css: str = ""
    theme_dir: Path = THEME_DIR
    language: str = DEFAULT_LANGUAGE  # of an error page, which has no handbook
    site_root: str = ""  # from this language's root to its site's, in a site of several languages (`../`)

    @property
    def org(self) -> OrgProfile | None:
        return self.handbook.organization if self.handbook is not None else None

    @property
    def paper(self) -> str:
        return self.printing.paper

    def is_content_data(self, path: str) -> bool:
        """YAML, schema files and organization folders in the content folder are data, not site files."""
        prefix = str(self.content_dir) + os.sep
        if not path.startswith(prefix):  # MkDocs' paths are absolute; a link or `..` needs resolving
            try:
                path = str(Path(path).resolve().relative_to(self.content_dir))
            except ValueError:
                return False
        else:
            path = path[len(prefix):]
        first = path.split(os.sep, 1)[0]
        return path.endswith((".yml", ".yaml", ".json")) or first in ("orgs", "schema")

    def static_files(self) -> Iterator[tuple[str, Path]]:
        for name in ASSET_FILES + asset_support_files():
            yield f"assets/rmhandbook/{name}", ASSETS / name
        if self.org is not None:
            yield logo_uri(self.org), self.org.logo
            yield favicon_uri(self.org), self.org.favicon or self.org.logo

    def generated_files(self, config: Any) -> Iterator[tuple[str, str | bytes]]:
        language = self.handbook.language if self.handbook is not None else self.language
        name = self.handbook.program.name if self.handbook is not None else ""
        # ticks and filled-in forms are kept per site: a site's languages share them (checklists.js, forms.js)
        root = f"window.RMH_SITE_ROOT = {json.dumps(self.site_root)};\n" if self.site_root else ""
        yield "assets/rmhandbook/messages.js", messages_script(language) + root
        # the program's name is plain text here; page_css writes it as an escaped CSS string
        yield "assets/rmhandbook/page.css", page_css(self.printing, name, Messages(language))
        # The PDFs are printed from the built pages in on_post_build; listing them now lets
        # MkDocs check the checklist pages' links to them (the empty file is overwritten).
        for doc in self.pdf_docs:
            yield doc.pdf, b""
        org = self.org
        if org is not None:
            yield ORG_CSS, self.org_css
            yield ORG_MANIFEST, site_manifest(org, logo_uri(org))
            yield WEB_MANIFEST, web_manifest(org, Path(logo_uri(org)).name, WEB_MANIFEST.count("/"))

    def write_pdfs(self, config: Any, log: logging.Logger) -> None:
        if not self.pdf_docs:
            return
        from rmhandbook.outputs.pdf import PdfError, pdf_jobs, write_pdfs

        try:
            written = write_pdfs(pdf_jobs(Path(config.site_dir), self.pdf_docs, config.use_directory_urls), self.paper)
        except PdfError as exc:
            raise PluginError(f"rmhandbook: checklist_pdfs: {exc}") from None
        log.info(f"rmhandbook: printed {len(written)} checklist PDF(s) on {self.paper} paper")


def logo_uri(org: OrgProfile) -> str:
    return f"assets/rmhandbook/org/logo{org.logo.suffix.lower()}"


def favicon_uri(org: OrgProfile) -> str:
    return f"assets/rmhandbook/org/favicon{(org.favicon or org.logo).suffix.lower()}"


def load_parts(config: Any, settings: Settings, log: logging.Logger, split_share: Share | None = None,
               layout: SiteLanguages | None = None) -> SiteParts:
    """Load and render the handbook for this site, and set up the MkDocs config for it.

    `layout`: this build is one language of a site's several (`rmhandbook build` sets it).
    """
    config_dir = Path(config.config_file_path or ".").resolve().parent
    content_dir = (config_dir / settings["content_dir"]).resolve()
    _add_extensions_and_assets(config)
    handbook = _load(content_dir, settings["organization"], _language(settings, layout, log), log)
    if handbook.organization is None and handbook.translated_into:
        config.theme["language"] = handbook.language  # Material's interface and search language
    org_css = _apply_organization(config, handbook, log) if handbook.organization is not None else ""
    if layout is not None:
        _apply_languages(config, layout, log)
    printing = _print_settings(settings, handbook.organization, config)  # after a language's own site_url
    cache = shared_page_cache(content_dir)
    renderer = Renderer(handbook, _template_dirs(settings, config, config_dir), handbook.language, printing,
                        inline_abbreviations=False, cache=cache,
                        detail_max_items=settings["nav_max_section_items"],
                        share=(split_share.index, split_share.count) if split_share else None)
    pages = _render(renderer, cache, log, split_share is not None)
    # the glossary's hover definitions go to the abbr extension once, not into every page
    abbr = config.mdx_configs.setdefault("abbr", {})
    abbr["glossary"] = {**glossary_abbreviations(handbook), **(abbr.get("glossary") or {})}
    pdf_docs = pdf_documents(renderer.documents) if printing.pdfs else []  # checklists and pocket cards
    if pdf_docs:  # fail before building, not after
        from rmhandbook.outputs.pdf import PdfError, check_pdf_engine
        try:
            check_pdf_engine()
        except PdfError as exc:
            raise PluginError(f"rmhandbook: checklist_pdfs: {exc}") from None
    nav_paths = _generate_nav(config, settings, pages, handbook)
    return SiteParts(content_dir, handbook, printing, pages, renderer.documents, pdf_docs, nav_paths, org_css,
                     site_root=layout.to_site_root() if layout is not None else "")


def _language(settings: Settings, layout: SiteLanguages | None, log: logging.Logger) -> str | None:
    """The language to build in: the plugin's for the default handbook (`language`, else the first of
    `languages`); an organization's own, unless this build is one of its site's languages."""
    if settings["organization"] is None:
        several = settings["languages"] or []
        if len(several) > 1 and layout is None:
            log.info(f"rmhandbook: `languages: [{', '.join(several)}]`: this build writes the handbook in "
                     f"`{settings['language'] or several[0]}` only; `rmhandbook build` publishes every language "
                     "with a language switcher.")
        return settings["language"] or (several[0] if several else None)
    if layout is not None:
        return layout.current
    return None  # the organization's `language` (`languages`' first) wins over the plugin's


def _apply_languages(config: Any, layout: SiteLanguages, log: logging.Logger) -> None:
    """Material's language switcher (its links are set per page by the theme's partials/alternate.html), and the
    address of a language in a folder of the site."""
    if config.extra.get("alternate"):
        log.info("rmhandbook: `extra.alternate` in mkdocs.yml is replaced by the site's languages "
                 f"({', '.join(layout.languages)})")
    config.extra["alternate"] = layout.alternates()
    if str(THEME_DIR) not in config.theme.dirs:
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_DIR))
    if config.site_url and layout.folder(layout.current):
        config.site_url = config.site_url.rstrip("/") + "/" + layout.folder(layout.current)


def error_parts(config: Any, settings: Settings, report: str, previous: SiteParts | None) -> SiteParts:
    """A site whose every page (those of the last good build, and the home page) lists the content's problems."""
    config_dir = Path(config.config_file_path or ".").resolve().parent
    content_dir = (config_dir / settings["content_dir"]).resolve()
    language = previous.handbook.language if previous is not None and previous.handbook is not None else "en"
    text = error_page(report, language)
    paths = ["index.md"] + [p.path for p in (previous.pages if previous is not None else []) if p.path != "index.md"]
    pages = [Page(path, text, None, "") for path in paths]
    if config.nav is None:
        config.nav = [{Messages(language)("content_errors_title"): "index.md"}]
    return SiteParts(content_dir, None, PrintSettings(), pages, [], [], {"index.md"}, language=language)


def _add_extensions_and_assets(config: Any) -> None:
    for ext in REQUIRED_EXTENSIONS:
        if ext not in config.markdown_extensions:
            config.markdown_extensions.append(ext)
    for name in ("messages.js", "page.css") + ASSET_FILES:
        target = config.extra_javascript if name.endswith(".js") else config.extra_css
        uri = f"assets/rmhandbook/{name}"
        if uri not in [str(x) for x in target]:
            target.append(uri)
    _own_type_and_logo(config.theme)


def _own_type_and_logo(theme: Any) -> None:
    if theme.name == "material":
        own_type_and_logo(theme)


def _load(content_dir: Path, organization: str | None, language: str | None, log: logging.Logger) -> Handbook:
    builder = shared_builder(content_dir)
    before = dict(builder.stats)
    try:
        handbook = builder.build(content_dir, Diagnostics(Path.cwd()), organization, language)
    except ContentError as exc:
        raise PluginError("rmhandbook: the content has errors:\n" + exc.diagnostics.report()) from None
    for w in handbook.warnings:
        log.warning(w.format())
    stats = {k: builder.stats[k] - before[k] for k in ("parsed", "validated", "reused")}
    if stats["parsed"] or stats["validated"]:
        log.info(f"rmhandbook: {content_dir.name}: {stats['parsed']} file(s) parsed, {stats['validated']} validated, "
                 f"{stats['reused']} unchanged and reused")
    else:  # `rmhandbook build` has just checked the same files
        log.info(f"rmhandbook: {content_dir.name}: {stats['reused']} file(s), as checked a moment ago")
    return handbook


def _print_settings(settings: Settings, org: OrgProfile | None, config: Any) -> PrintSettings:
    # a paper the environment asks for (`checklists --paper`) wins; then the organization's;
    # then mkdocs.yml's; then A4
    paper = settings["paper"]
    if org is not None and "paper" not in settings.from_environment:
        paper = org.model.paper
    brand: dict[str, str] = {}
    if org is not None:  # the cover: the organization's logo on its primary colour
        palette = palette_for(org.model.colors.primary, org.model.colors.accent)
        brand = {"logo": logo_uri(org), "brand_color": palette.primary.hex, "brand_text": palette.primary_text.hex}
    else:  # the site's own logo when it is a file of the site, else rmhandbook's
        own = str(config.theme["logo"]) if "logo" in config.theme and config.theme["logo"] else ""
        local = own and ":" not in own and not own.startswith(("/", "\\")) and (Path(config.docs_dir) / own).is_file()
        brand = {"logo": own if local else DEFAULT_LOGO}
    return PrintSettings(paper=paper or "a4", pdfs=settings["checklist_pdfs"],
                         organization=org.model.name if org is not None else None,
                         site_url=config.site_url or None, directory_urls=bool(config.use_directory_urls), **brand)


def _render(renderer: Renderer, cache: PageCache, log: logging.Logger, split: bool) -> list[Page]:
    before = dict(cache.stats)
    try:
        pages = renderer.pages()
    except ContentError as exc:  # an error in the site's own templates
        raise PluginError("rmhandbook: a template has errors:\n" + exc.diagnostics.report()) from None
    share = f" (this process's share of {len(pages)})" if split else ""
    log.info(f"rmhandbook: pages: {cache.stats['rendered'] - before['rendered']} rendered{share}, "
             f"{cache.stats['reused'] - before['reused']} unchanged and reused")
    return pages


def _apply_organization(config: Any, handbook: Handbook, log: logging.Logger) -> str:
    """Name, logo, colours, language and footer contact from the profile (all checked by the core);
    returns the organization's colour stylesheet."""
    org = handbook.organization
    assert org is not None
    model = org.model
    palette = palette_for(model.colors.primary, model.colors.accent)
    for line in palette.report():
        log.info(f"rmhandbook: {org.slug}: colours: {line}")
    # MkDocs and Material print site_name into HTML unescaped in some places and with `|e` in
    # others: Markup is escaped once here and left alone by `|e`.
    config.site_name = Markup.escape(model.name)
    config.theme["language"] = handbook.language  # (one of its `languages`, in a site of several)
    config.theme["logo"] = logo_uri(org)
    config.theme["favicon"] = favicon_uri(org)
    config.theme["palette"] = custom_palette(config.theme.get("palette"), Messages(handbook.language))
    if str(THEME_DIR) not in config.theme.dirs:
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_DIR))
    if ORG_CSS not in [str(x) for x in config.extra_css]:
        config.extra_css.append(ORG_CSS)
    # the footer shows config.copyright as HTML: the contact line goes first
    contact = footer_contact_html(org, handbook.terms, handbook.language)
    config.copyright = contact + (f"<br>{config.copyright}" if config.copyright else "")
    config.extra["rmhandbook_org"] = {"manifest": WEB_MANIFEST, "theme_color": palette.primary.hex}  # main.html
    return palette_css(palette)


def _template_dirs(settings: Settings, config: Any, config_dir: Path) -> list[Path]:
    if settings["templates_dir"]:
        return [config_dir / settings["templates_dir"]]
    custom = config.theme.custom_dir
    return [Path(custom) / "rmhandbook"] if custom else []


def _generate_nav(config: Any, settings: Settings, pages: list[Page], handbook: Handbook) -> set[str] | None:
    if config.nav is not None:  # the site's own nav: the generated pages it leaves out are not in the nav
        return coexistence.nav_paths(config.nav)
    if not settings["generate_nav"]:
        return None
    nav = nav_for(pages, handbook, settings["nav_max_section_items"], handbook.language)
    config.nav = nav + _user_pages(config, pages)
    return set(_nav_paths(nav))


def _nav_paths(nav: list) -> Iterator[str]:
    for entry in nav:
        if isinstance(entry, str):
            yield entry
        elif isinstance(entry, dict):
            for value in entry.values():
                yield from _nav_paths(value if isinstance(value, list) else [value])


def _user_pages(config: Any, pages: list[Page]) -> list[str]:
    """Markdown pages the user keeps in the docs folder, appended after the generated nav."""
    docs_dir = Path(config.docs_dir)
    generated_roots = {p.path.split("/", 1)[0] for p in pages} | set(KINDS) | {"orgs", "schema"}
    translations = coexistence.other_language_folders(config)  # mkdocs-static-i18n's other languages
    out = []
    for p in sorted(docs_dir.rglob("*.md")):
        rel = p.relative_to(docs_dir)
        if rel.parts[0] in generated_roots or rel.parts[0].startswith("."):
            continue
        if translations and coexistence.is_translation(rel.as_posix(), translations):
            continue
        out.append(rel.as_posix())
    return out
