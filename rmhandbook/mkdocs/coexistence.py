"""Living with the other MkDocs plugins an organization already uses.

- A `nav:` of the site's own: the generated pages it leaves out are marked "not in nav", so
  `validation: omitted_files: warn` (and `--strict`) does not fail on each of them.
- mkdocs-macros-plugin renders every page as a Jinja template; generated pages carry
  `render_macros: false`, so handbook prose with `{{ }}` is shown as written and runs nothing.
- mkdocs-static-i18n rebuilds the list of files in its `on_files` (last, priority -100) and
  fails on files without a source path, as generated files are: with it, the generated
  files are added after it, into each language's build (see `place_for_language`).

The plugins' own objects are read through internals.py.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from rmhandbook.mkdocs import internals

# mkdocs-macros-plugin reads this front matter key: False means "render no macros in this page"
MACROS_OFF = "render_macros"


def nav_paths(nav: Any) -> set[str]:
    """The pages a nav (as written in mkdocs.yml) lists, as docs-relative paths."""
    return {_normal(path) for path in _paths(nav)}


def _paths(nav: Any) -> Iterator[str]:
    if isinstance(nav, str):
        yield nav
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from _paths(value)
    elif isinstance(nav, list):
        for entry in nav:
            yield from _paths(entry)


def _normal(path: str) -> str:
    # MkDocs looks a nav entry up by its docs-relative path; `/x.md` with the default
    # `absolute_links` validation means the same page
    return posixpath.normpath(path.lstrip("/")) if "://" not in path else path


def keep_macros_out(meta: dict) -> None:
    """Generated pages are not templates: mkdocs-macros leaves a page alone whose meta says so.
    (A site's own page template may still say `render_macros: true` in its front matter.)"""
    meta.setdefault(MACROS_OFF, False)


def adds_files_after_i18n(config: Any) -> bool:
    """Whether generated files must wait until mkdocs-static-i18n has made its list of files."""
    return internals.i18n_plugin(config) is not None


def other_language_folders(config: Any) -> list[str]:
    """The folders mkdocs-static-i18n writes the other languages into (`fr`); [] without it."""
    plugin = internals.i18n_plugin(config)
    locales = internals.i18n_locales(plugin) if plugin is not None else None
    return locales[1] if locales is not None else []


def is_translation(path: str, folders: list[str]) -> bool:
    """A page of another language (`about.fr.md`, `fr/about.md`): mkdocs-static-i18n puts it in that
    language's site in place of the default language's page, so the nav lists only the latter."""
    parts = PurePosixPath(path)
    return parts.parts[0] in folders or any(parts.stem.endswith(f".{lang}") for lang in folders)


def leave_to_later_languages(broken: list, site_dir: Path, config: Any) -> list:
    """The broken links to report now: not those into a language folder that is not written yet
    (mkdocs-static-i18n builds the languages one after another; the last build's check reads
    every language's pages, and finds them then if they are still broken)."""
    missing = {lang for lang in other_language_folders(config) if not (site_dir / lang).is_dir()}
    if not missing:
        return broken
    return [b for b in broken if _target(b.page, b.link).split("/", 1)[0] not in missing]


def _target(page: str, link: str) -> str:
    path = urlsplit(link).path
    if path.startswith("/"):
        return posixpath.normpath(path.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) if path else page


def place_for_language(config: Any, files: Iterable[Any], log: Any) -> str:
    """Put generated pages where mkdocs-static-i18n puts the default language's pages in the build
    of another language (`fr/steps/x/`), as its `fallback_to_default` does for a page that has no
    translation, and give them its language switcher's links and sitemap entries. Returns the
    folder ("" in the default language's build). Assets stay at the site's root, where every
    language's pages link them."""
    plugin = internals.i18n_plugin(config)
    folder = internals.i18n_language_folder(plugin) if plugin is not None else ""
    if folder is None:
        log.info("rmhandbook: the language mkdocs-static-i18n is building is unknown (a newer version?); "
                 "the handbook's pages are put at the site's root")
        return ""
    pages = [f for f in files if f.is_documentation_page()]
    if folder:
        for f in pages:
            f.dest_uri = f"{folder}/{f.dest_uri}"
    locales = internals.i18n_locales(plugin)
    if locales is not None and pages:
        default, others = locales
        alternates = [_alternates(f.url[len(folder) + 1:] if folder else f.url, default, others) for f in pages]
        if not internals.i18n_adopt(plugin, pages, alternates):
            log.info("rmhandbook: mkdocs-static-i18n's language switcher and sitemap cannot be given the "
                     "handbook's pages (a newer version?)")
    return folder


def _alternates(url: str, default: str, others: list[str]) -> dict[str, Any]:
    """The page's address in every language's site, from its address in the default language's."""
    url = "" if url in ("./", ".") else url
    out: dict[str, Any] = {default: internals.I18nAlternate(url or "./")}
    for lang in others:
        out[lang] = internals.I18nAlternate(f"{lang}/{url}")
    return out
