"""Write the generated pages as plain Markdown files, for any Markdown site generator.

`export_pages` writes the pages. `plain_mkdocs_config` turns a site's own
mkdocs.yml settings into a configuration for plain MkDocs (no rmhandbook
plugin) that builds the exported pages exactly as the plugin would: the same
theme, navigation, Markdown extensions, glossary hovers and assets. That lets
a site move off the plugin, and it is how the benchmark measures the plugin's
own cost (the same pages, built with and without it).
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

from rmhandbook.render.pages import Page
from rmhandbook.render.printing import DEFAULT_LOGO  # also the header logo and favicon of a site that sets none
from rmhandbook.render.resources import ASSETS

# Markdown extensions the generated pages are written for: all of Python-Markdown or pymdown-extensions,
# so an exported project builds where rmhandbook is not installed (its prose is clean already).
PAGE_EXTENSIONS = ("abbr", "admonition", "attr_list", "def_list", "md_in_html", "tables", "toc",
                   "pymdownx.details", "pymdownx.superfences", "pymdownx.tasklist")
# The MkDocs plugin's: the same, so the plugin and the export cannot drift apart, and last a second
# wall on every page of the site, its own pages too (handlers, styles, theme ids, unsafe links, remote sources).
REQUIRED_EXTENSIONS = (*PAGE_EXTENSIONS,
                       "rmhandbook.render.headings",  # glossary hovers in running text, not in headings
                       "rmhandbook.render.safety")


# Scripts the others call at load time, so they are linked before them (after messages.js).
FIRST_SCRIPTS = ("onpage.js",)


def asset_files() -> tuple[str, ...]:
    """The stylesheets and scripts every page links, in link order (besides the generated ones).

    `FIRST_SCRIPTS` first, then by name; the plugin and `export --mkdocs-config` link them in this order.
    """
    names = sorted(p.name for p in ASSETS.iterdir() if p.suffix in (".css", ".js"))
    return tuple(sorted(names, key=lambda name: name not in FIRST_SCRIPTS))


def asset_support_files() -> tuple[str, ...]:
    """Files the stylesheets use (the web font and its licence, the default logo), by path under the assets folder."""
    return tuple(sorted(p.relative_to(ASSETS).as_posix() for p in ASSETS.glob("*/*") if p.is_file()))




def own_type_and_logo(theme: Any) -> None:
    """Material's settings (a theme object or a dict): our own web font instead of Google Fonts (nothing
    loads from another host), and our logo and favicon where the site has none (an organization's
    replace them)."""
    theme["font"] = False
    icon = theme.get("icon") or {}
    if not theme.get("logo") and not (isinstance(icon, dict) and icon.get("logo")):
        theme["logo"] = DEFAULT_LOGO
    if theme.get("favicon") in (None, "", "assets/images/favicon.png"):  # Material's default
        theme["favicon"] = DEFAULT_LOGO


def export_pages(pages: list[Page], out_dir: Path) -> list[Path]:
    written = []
    for page in pages:
        target = out_dir / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        # prose in the pages is already clean (core/prose.py): they need no extension of ours to be safe
        target.write_text(page.content, encoding="utf-8")
        written.append(target)
    return written


GENERATED_ASSETS = ("messages.js", "page.css")  # made per site, in the order the plugin links them


def _nav_paths(nav: list) -> list[str]:
    out: list[str] = []
    for entry in nav:
        if isinstance(entry, str):
            out.append(entry)
        elif isinstance(entry, dict):
            for value in entry.values():
                out += _nav_paths(value if isinstance(value, list) else [value])
    return out


def _not_in_nav(pages: list[Page], nav: list) -> str:
    """gitignore-style patterns for the pages the nav leaves to their catalog page (one per folder)."""
    listed = set(_nav_paths(nav))
    folders = sorted({posixpath.dirname(p.path) for p in pages if p.path not in listed and "/" in p.path})
    lines = [f"/{p.path}" for p in pages if "/" not in p.path and p.path not in listed]
    for folder in folders:
        lines.append(f"/{folder}/*.md")
        lines += [f"!/{p}" for p in sorted(listed) if posixpath.dirname(p) == folder]
    return "\n".join(lines) + ("\n" if lines else "")


def _with_search_settings(entry: Any, search: dict[str, Any]) -> Any:
    """A `search` plugin entry with the handbook's separator and pipeline where the site sets none.

    The `keywords` field stays out: without the plugin, a page's search words stay in its text.
    """
    name = next(iter(entry)) if isinstance(entry, dict) else entry
    options = dict(entry[name] or {}) if isinstance(entry, dict) else {}
    for key in ("separator", "pipeline"):
        options.setdefault(key, search[key])
    return {name: options}


def plain_mkdocs_config(site: dict[str, Any], *, docs_dir: str, nav: list, pages: list[Page],
                        abbreviations: dict[str, str], custom_dir: str | None,
                        search: dict[str, Any] | None = None) -> dict[str, Any]:
    """A mkdocs.yml (as data) that builds the exported pages without the plugin.

    `site` is the site's own mkdocs.yml as loaded; its theme, extensions and
    other settings are kept. The rmhandbook plugin is dropped, and what it
    would add is written out: the nav (unless the site has its own), the
    Markdown extensions (not the plugin's safety wall: the pages are clean), the
    glossary as the abbr extension's glossary, the asset links, and the search
    settings (`search`, core/search.py) on the search plugin. Paths are
    relative to where the new file is written.
    """
    config = {k: v for k, v in site.items() if k not in ("docs_dir", "site_dir", "plugins", "nav")}
    config["docs_dir"] = docs_dir
    plugins = []
    for entry in site.get("plugins") or []:
        name = entry if isinstance(entry, str) else next(iter(entry), None)
        if name in ("search", "material/search") and search:
            plugins.append(_with_search_settings(entry, search))
        elif name != "rmhandbook":
            plugins.append(entry)
    config["plugins"] = plugins
    config["nav"] = site["nav"] if site.get("nav") else nav
    # the generated pages a nav leaves out (the generated nav's item pages, or those a nav of the site's own
    # does not list) are reached through their catalog pages: saying so keeps --strict quiet about them
    patterns = _not_in_nav(pages, config["nav"])
    if patterns and not site.get("not_in_nav"):
        config["not_in_nav"] = patterns
    theme = site.get("theme")
    if isinstance(theme, dict):
        theme = dict(theme)
        if custom_dir is None:
            theme.pop("custom_dir", None)
        else:
            theme["custom_dir"] = custom_dir
        config["theme"] = theme
    extensions: list = list(site.get("markdown_extensions") or [])
    names = {e if isinstance(e, str) else next(iter(e)) for e in extensions}
    for ext in PAGE_EXTENSIONS:
        if ext not in names:
            extensions.append(ext)
    if abbreviations:
        for i, ext in enumerate(extensions):
            if ext == "abbr" or (isinstance(ext, dict) and "abbr" in ext):
                options = dict(ext["abbr"] or {}) if isinstance(ext, dict) else {}
                options["glossary"] = {**abbreviations, **(options.get("glossary") or {})}
                extensions[i] = {"abbr": options}
    config["markdown_extensions"] = extensions
    for key, suffix in (("extra_css", ".css"), ("extra_javascript", ".js")):
        links = list(site.get(key) or [])
        for name in GENERATED_ASSETS + asset_files():
            uri = f"assets/rmhandbook/{name}"
            if name.endswith(suffix) and uri not in links:
                links.append(uri)
        config[key] = links
    return config
