"""Every use of a MkDocs, Material or watchdog internal, in one module.

The plugin relies on a few things these packages do not promise: replacing
`File.is_modified` on a file object, the search plugin's list of entries, the
titles MkDocs keeps on a page object, the text of one MkDocs warning,
watchdog's poll interval, and mkdocs-static-i18n's language of the build and
page attributes. Each function here checks that what it uses is
there; when it is not, it does nothing and says so, and the caller falls back
to the public path (a full build, MkDocs' own poll interval). The tests take
each internal away and check the fallback.

Tested with the versions in TESTED_WITH; a new release of any of them is a
reason to run `tests/test_live_reload.py` and `tests/test_parallel_build.py` (for
mkdocs-static-i18n: `tests/test_coexistence.py`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

TESTED_WITH = {"mkdocs": ">=1.6,<1.7", "mkdocs-material": ">=9.5,<10", "watchdog": ">=2,<8",
               "mkdocs-static-i18n": ">=1.3,<1.4"}


# --- files MkDocs may skip in a dirty build ---------------------------------------------------
#
# `mkdocs build --dirty` (and our split and live-reload builds) skips a file whose
# `is_modified()` returns False. MkDocs compares file times; we know better which pages
# are unchanged, so we answer for the file object.

def can_mark_files(file: Any) -> bool:
    """Whether MkDocs asks this file object `is_modified()` (so that marking it has an effect)."""
    return callable(getattr(file, "is_modified", None))


def mark_unmodified(file: Any) -> bool:
    """Tell MkDocs' dirty build to skip this file; False when that cannot be done (build it)."""
    if not can_mark_files(file):
        return False
    file.is_modified = _false
    return True


def mark_modified(file: Any) -> bool:
    """Tell MkDocs' dirty build to build this file although its time is older than the output's."""
    if not can_mark_files(file):
        return False
    file.is_modified = _true
    return True


def _false() -> bool:
    return False


def _true() -> bool:
    return True


# --- the search plugin's entries -----------------------------------------------------------------

def search_plugin(config: Any) -> Any:
    plugins = getattr(config, "plugins", None) or {}
    return plugins.get("material/search") or plugins.get("search")


def search_entries(config: Any) -> list | None:
    """The entries the search plugin has made so far in this build (`search_index.entries` of
    MkDocs' and Material's search plugins); None when there is no such list."""
    entries = getattr(getattr(search_plugin(config), "search_index", None), "entries", None)
    return entries if isinstance(entries, list) else None


def searched_but_unreadable(config: Any) -> bool:
    """A search plugin is on, but its entries cannot be read: its index must be built whole."""
    return search_plugin(config) is not None and search_entries(config) is None


# --- titles of pages not read in this build ----------------------------------------------------------
#
# MkDocs takes a page's title from its Markdown, which a split or live-reload build does not
# read for the pages it skips; the nav and the footer print those titles on every page.
# A title the nav itself gives (`{Home: index.md}`) is stored on the page object, and
# MkDocs' `title` is a non-data descriptor, so such a title lives in the page's __dict__.

def has_given_title(page: Any) -> bool:
    try:
        return "title" in vars(page)
    except TypeError:
        return True  # no __dict__: leave the title to MkDocs


def give_title(page: Any, title: str) -> None:
    if not has_given_title(page):
        page.title = title


# --- the warning of a dirty build -------------------------------------------------------------

DIRTY_NOTICE_START = "A 'dirty' build is being performed"


class DirtyNotice(logging.Filter):
    """MkDocs warns that a `dirty` build may leave stale navigation. It does not apply to our
    dirty builds (a share of a split build writes into a fresh folder with the whole nav; a
    live reload rebuilds every page when anything but a page's own text changed), and as a
    warning it would fail `--strict`."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(DIRTY_NOTICE_START)


BUILD_LOGGER = "mkdocs.commands.build"
_NOTICE = DirtyNotice()


def quiet_dirty_notice(on: bool = True) -> None:
    logger = logging.getLogger(BUILD_LOGGER)
    (logger.addFilter if on else logger.removeFilter)(_NOTICE)


# --- watchdog's poll interval ---------------------------------------------------------------------
#
# MkDocs polls what it watches every 0.5 s. A small handbook is polled every 0.1 s; watchdog
# has no public way to change the interval of a running observer, so its emitters' fields
# are checked, and without them nothing changes.

FAST_POLL_SECONDS = 0.1
FAST_POLL_MAX_FILES = 500


def poll_faster(server: Any, folders: list[Path]) -> int:
    """Poll the handbook's folders (not the theme or other watched paths) every FAST_POLL_SECONDS
    if they are small; returns how many watches it changed (0 when it cannot)."""
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


# --- the plugin objects MkDocs keeps for a process ------------------------------------------------

def plugin_cache() -> dict | None:
    """MkDocs keeps plugin objects that have `on_startup` for the whole process (as `serve`
    needs); tests that play `serve` and then build afresh clear it. None if it is not there."""
    try:
        from mkdocs.config.defaults import MkDocsConfig

        cache = dict(MkDocsConfig._schema)["plugins"].plugin_cache  # type: ignore[attr-defined]
    except (ImportError, AttributeError, KeyError):
        return None
    return cache if isinstance(cache, dict) else None


# --- mkdocs-static-i18n's language of the build -----------------------------------------------------
#
# mkdocs-static-i18n builds the site once per language; each non-default language's pages go into a
# folder of its name (`fr/`). Which build is running is the plugin's `current_language` and
# `default_language` (attributes of its plugin object, not a promised interface; tested with 1.3).

I18N_MODULE = "mkdocs_static_i18n"


def i18n_plugin(config: Any) -> Any:
    """The mkdocs-static-i18n plugin object of this site, or None."""
    for plugin in (getattr(config, "plugins", None) or {}).values():
        if type(plugin).__module__.split(".", 1)[0] == I18N_MODULE:
            return plugin
    return None


def i18n_language_folder(plugin: Any) -> str | None:
    """The folder of the language being built (`fr`), "" for the default language, None when the
    plugin's attributes are not there (the caller then treats the build as the default language's)."""
    current = getattr(plugin, "current_language", None)
    try:
        default = getattr(plugin, "default_language", None)
    except Exception:  # a property over the plugin's config, which may have changed shape
        default = None
    if not isinstance(current, str) or not isinstance(default, str):
        return None
    return "" if current == default else current


def i18n_locales(plugin: Any) -> tuple[str, list[str]] | None:
    """(default language, the other languages) from the plugin's `languages:` option; None if unreadable."""
    try:
        languages = [(lang.locale, bool(lang.default)) for lang in plugin.config.languages]
    except (AttributeError, TypeError):
        return None
    default = next((locale for locale, is_default in languages if is_default), None)
    if not isinstance(default, str) or not all(isinstance(locale, str) for locale, _ in languages):
        return None
    return default, [locale for locale, _ in languages if locale != default]


class I18nAlternate:
    """Another language's version of a page, as mkdocs-static-i18n's language switcher and sitemap read it."""

    page = None

    def __init__(self, url: str) -> None:
        self.url = url


def i18n_adopt(plugin: Any, pages: list, alternates: list[dict[str, Any]]) -> bool:
    """Make generated pages what mkdocs-static-i18n makes a default-language page without translation:
    the attributes its language switcher reads (`locale`, `alternates`, ...) and an entry in its
    list of pages for the sitemap. False (and nothing changed) when its objects are not as expected."""
    per_language = getattr(plugin, "i18n_files_per_language", None)
    current = getattr(plugin, "current_language", None)
    locales = i18n_locales(plugin)
    if not isinstance(per_language, dict) or not isinstance(current, str) or locales is None:
        return False
    listed = per_language.get(current)
    if not isinstance(listed, list):
        return False
    for f, others in zip(pages, alternates, strict=True):
        f.locale = locales[0]
        f.localization = None
        f.locale_alternate_of = current
        f.norm_src_uri = f.src_uri
        f.alternates = {**others, current: f}
    listed.extend(pages)
    return True
