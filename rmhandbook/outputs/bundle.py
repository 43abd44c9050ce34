"""A self-contained site project: the handbook that any MkDocs-compatible engine builds without rmhandbook.

`rmhandbook export --out DIR` writes `DIR/mkdocs.yml`, `DIR/docs/` (the generated pages, the
site's own pages, the stylesheets and scripts, an organization's logo, favicon and colours) and,
when the theme needs a template of ours or the site has its own, `DIR/overrides/`. The pages are
already safe (prose went through core/prose.py and nh3), so the project needs only
mkdocs-material and pymdown-extensions: plain MkDocs 1.6, ProperDocs and Zensical build it.
What the rmhandbook plugin adds to a build is written out here as settings: the nav in the
handbook's order, the glossary as the abbr extension's glossary, the asset links, an
organization's name, palette, logo, favicon and footer.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from markupsafe import Markup

from rmhandbook.core.handbook import Handbook
from rmhandbook.core.model import KINDS
from rmhandbook.core.org import OrgProfile
from rmhandbook.core.search import search_settings
from rmhandbook.outputs.export import (
    asset_files,
    asset_support_files,
    export_pages,
    own_type_and_logo,
    plain_mkdocs_config,
)
from rmhandbook.render.messages import Messages, messages_script
from rmhandbook.render.organization import footer_contact_html, web_manifest
from rmhandbook.render.pages import Page, glossary_abbreviations, nav_for, render_pages
from rmhandbook.render.printing import DEFAULT_LOGO, PrintSettings, page_css
from rmhandbook.render.resources import ASSETS, THEME_DIR
from rmhandbook.render.site_index import site_manifest
from rmhandbook.render.theming import palette_css, palette_for

CONFIG_HEADER = "# Written by `rmhandbook export`"
DOCS, OVERRIDES, SITE = "docs", "overrides", "site"
ORG_FOLDER = "assets/rmhandbook/org"
ORG_CSS = f"{ORG_FOLDER}/colors.css"
ORG_MANIFEST = f"{ORG_FOLDER}/site.json"  # what the multi-site index reads about an organization's site
WEB_MANIFEST = f"{ORG_FOLDER}/manifest.webmanifest"  # linked from render/theme/main.html


@dataclasses.dataclass(frozen=True)
class SiteSource:
    """What the export carries over from the site's own project (read from its mkdocs.yml by the caller)."""

    config: dict[str, Any]  # mkdocs.yml as data
    content_dir: Path
    docs_dir: Path | None = None  # its own pages there go into the project too
    custom_dir: Path | None = None  # theme overrides: copied into the project
    templates: tuple[Path, ...] = ()  # page templates that replace the shipped ones
    max_items: int = 40  # the plugin's nav_max_section_items
    paper: str | None = None  # the plugin's paper


def default_site_config(program_name: str) -> dict[str, Any]:
    """The settings of a project without a mkdocs.yml: Material without outside fonts, links checked."""
    return {"site_name": program_name, "theme": {"name": "material", "font": False},
            "plugins": ["search"],
            "validation": {key: "warn" for key in ("omitted_files", "absolute_links", "unrecognized_links",
                                                   "anchors")}}


@dataclasses.dataclass
class Bundle:
    pages: list[Page]
    docs: dict[str, bytes | Path]  # docs-relative path -> its bytes, or the file to copy
    overrides: dict[str, Path]  # custom_dir-relative path -> the file to copy
    config: dict[str, Any]  # mkdocs.yml as data, without docs_dir, site_dir and custom_dir


def make_bundle(handbook: Handbook, source: SiteSource) -> Bundle:
    """The project's parts for `handbook` (an organization's when it has one). Raises ContentError
    for an error in the site's own templates."""
    org = handbook.organization
    printing = PrintSettings(paper=(org.model.paper if org is not None else None) or source.paper or "a4",
                             organization=org.model.name if org is not None else None, **_cover_brand(org, source))
    language = handbook.language
    every_page = render_pages(handbook, source.templates, language, printing=printing, inline_abbreviations=False,
                              detail_max_items=source.max_items)
    docs: dict[str, bytes | Path] = {f"assets/rmhandbook/{name}": ASSETS / name
                                     for name in asset_files() + asset_support_files()}
    docs["assets/rmhandbook/messages.js"] = messages_script(language).encode()
    docs["assets/rmhandbook/page.css"] = page_css(printing, handbook.program.name, Messages(language)).encode()
    own = dict(_own_files(source))
    docs.update(own)
    nav = nav_for(every_page, handbook, source.max_items, language)
    site = dict(source.config)
    if not site.get("nav"):
        site.pop("nav", None)
    config = plain_mkdocs_config(site, docs_dir=DOCS, nav=nav + _own_pages(own, every_page), pages=every_page,
                                 abbreviations=glossary_abbreviations(handbook), custom_dir=None,
                                 search=search_settings(language))
    del config["docs_dir"]  # where the docs go is the writer's choice
    overrides = dict(_tree(source.custom_dir)) if source.custom_dir is not None else {}
    theme = site.get("theme") or "material"
    theme = config["theme"] = dict(config.get("theme") or {"name": theme if isinstance(theme, str) else "material"})
    if theme.get("name") == "material":
        own_type_and_logo(theme)
    pages = [p for p in every_page if p.path not in own]  # a page of the site's own replaces the generated one
    if org is None and handbook.translated_into:
        theme["language"] = language  # Material's interface and search language
    if org is not None:
        docs.update(_organization(config, handbook, org))
        overrides.setdefault("main.html", THEME_DIR / "main.html")  # the site's own main.html still wins
    return Bundle(pages, docs, overrides, config)


def _cover_brand(org: OrgProfile | None, source: SiteSource) -> dict[str, Any]:
    """The printed covers' logo, colours and QR code address, as the plugin gives them (site_parts)."""
    site = source.config
    brand: dict[str, Any] = {"site_url": site.get("site_url") or None,
                             "directory_urls": bool(site.get("use_directory_urls", True))}
    if org is not None:
        palette = palette_for(org.model.colors.primary, org.model.colors.accent)
        return {**brand, "logo": f"{ORG_FOLDER}/logo{org.logo.suffix.lower()}", "brand_color": palette.primary.hex,
                "brand_text": palette.primary_text.hex}
    theme = site.get("theme")
    own = str(theme.get("logo") or "") if isinstance(theme, dict) else ""
    local = own and ":" not in own and not own.startswith(("/", "\\"))
    return {**brand, "logo": own if local else DEFAULT_LOGO}


def _organization(config: dict[str, Any], handbook: Handbook, org: OrgProfile) -> dict[str, bytes | Path]:
    """Name, language, logo, favicon, palette and footer contact into `config`; returns the files they need."""
    model = org.model
    palette = palette_for(model.colors.primary, model.colors.accent)
    logo = f"{ORG_FOLDER}/logo{org.logo.suffix.lower()}"
    favicon_file = org.favicon or org.logo
    favicon = f"{ORG_FOLDER}/favicon{favicon_file.suffix.lower()}"
    # MkDocs and Material print site_name unescaped in places: the name goes in escaped (as the plugin does)
    config["site_name"] = str(Markup.escape(model.name))
    theme = config["theme"]
    theme.update(language=model.language, logo=logo, favicon=favicon,
                 palette=custom_palette(theme.get("palette"), Messages(model.language)))
    config["extra_css"] = [*config.get("extra_css", []), ORG_CSS]
    contact = footer_contact_html(org, handbook.terms)
    config["copyright"] = contact + (f"<br>{config['copyright']}" if config.get("copyright") else "")
    config["extra"] = {**(config.get("extra") or {}),
                       "rmhandbook_org": {"manifest": WEB_MANIFEST, "theme_color": palette.primary.hex}}
    return {logo: org.logo, favicon: favicon_file, ORG_CSS: palette_css(palette).encode(),
            ORG_MANIFEST: site_manifest(org, logo).encode(),
            WEB_MANIFEST: web_manifest(org, Path(logo).name, WEB_MANIFEST.count("/")).encode()}


def custom_palette(palette: Any, msg: Messages) -> list | dict:
    """The site's palette (one scheme or several with toggles) with an organization's colours,
    and the toggles' labels in its language."""
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


def _tree(folder: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted(Path(folder).rglob("*")):
        rel = path.relative_to(folder)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            yield rel.as_posix(), path


def _is_content_data(rel: str) -> bool:
    """The content's YAML, schema files and organizations' folders are data, not pages (as the plugin sees them)."""
    return rel.endswith((".yml", ".yaml", ".json")) or rel.split("/", 1)[0] in ("orgs", "schema", "i18n")


def _own_files(source: SiteSource) -> Iterator[tuple[str, Path]]:
    """The files of the site's docs folder that a build publishes (not the content's data)."""
    if source.docs_dir is None or not source.docs_dir.is_dir():
        return
    docs, content = source.docs_dir.resolve(), source.content_dir.resolve()
    for rel, path in _tree(docs):
        resolved = path.resolve()
        if (resolved == content or content in resolved.parents) and \
                _is_content_data(resolved.relative_to(content).as_posix()):
            continue
        yield rel, path


def _own_pages(own: dict[str, Any], pages: list[Page]) -> list[str]:
    """The site's own Markdown pages, after the generated nav (as the plugin lists them)."""
    roots = {p.path.split("/", 1)[0] for p in pages} | set(KINDS)
    return [rel for rel in sorted(own) if rel.endswith(".md") and rel.split("/", 1)[0] not in roots]


# --- writing ---------------------------------------------------------------------------------

def config_text(config: dict[str, Any], header: str) -> str:
    """mkdocs.yml as plain YAML: Markup is a string; several lines (not_in_nav) a readable block.

    The full Dumper keeps the `!!python/name:` values a site's own mkdocs.yml may hold
    (Material's emoji options); everything rmhandbook adds loads with `yaml.safe_load`.
    """
    class Dumper(yaml.Dumper):
        pass

    def text(dumper: yaml.Dumper, value: str) -> yaml.Node:
        return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style="|" if "\n" in value else None)

    Dumper.add_representer(str, text)
    Dumper.add_representer(Markup, text)
    return f"{header}\n" + yaml.dump(config, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=120)


def write_docs(bundle: Bundle, docs: Path) -> None:
    export_pages(bundle.pages, docs)
    _write_files(bundle.docs, docs)


def _write_files(files: dict[str, bytes | Path] | dict[str, Path], folder: Path) -> None:
    for rel, data in files.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.read_bytes() if isinstance(data, Path) else data)


def write_project(bundle: Bundle, out: Path) -> None:
    """The whole project into `out` (a fresh folder; the caller publishes it atomically)."""
    write_docs(bundle, out / DOCS)
    config = {"docs_dir": DOCS, "site_dir": SITE, **bundle.config}
    if bundle.overrides:
        _write_files(bundle.overrides, out / OVERRIDES)
        config["theme"] = {**config["theme"], "custom_dir": OVERRIDES}
    header = f"{CONFIG_HEADER}: build it with `mkdocs build`, `properdocs build` or `zensical build`."
    (out / "mkdocs.yml").write_text(config_text(config, header), encoding="utf-8")


def docs_and_config(bundle: Bundle, staging: Path, out: Path, config_file: Path, header: str) -> str:
    """`export --out DIR --mkdocs-config FILE`: the docs folder into `staging` (published as `out`);
    returns the text of FILE. Theme overrides go to `<out>/.overrides` (MkDocs leaves dot folders
    out of the site)."""
    write_docs(bundle, staging)
    here = config_file.resolve().parent
    config = {"docs_dir": os.path.relpath(out.resolve(), here), **bundle.config}
    if bundle.overrides:
        _write_files(bundle.overrides, staging / ".overrides")
        config["theme"] = {**config["theme"], "custom_dir": os.path.relpath(out.resolve() / ".overrides", here)}
    return config_text(config, header)
