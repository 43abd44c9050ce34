"""One site in several languages: one MkDocs build per language, published together.

An organization's `languages: [de, en]` (or the plugin option for the default handbook)
publishes the whole handbook in each language: the first at the site's root, each other
one in a folder of its code (`en/`). `rmhandbook build` runs one MkDocs build per
language into the same staging folder (the root's first: MkDocs empties its site folder),
each with its own search index in its own language, then checks every link of the whole
site, and `sites.mkdocs_build` publishes it in one swap.

Each build knows the site's languages and its own (`SiteLanguages`, passed to the plugin
in the environment, as the split build's share is), and gives every page a language
switcher whose links lead to the same page in the other languages (the theme's
`partials/alternate.html`; Material's own links lead to each language's home page).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rmhandbook.core.languages import NAMES

LANGUAGES_VARIABLE = "RMHANDBOOK_BUILD_LANGUAGES"  # `de,en/en`: the site's languages, then the one built


@dataclasses.dataclass(frozen=True)
class SiteLanguages:
    """The languages of one site and the one a build writes: the first is at the root, the others in `<code>/`."""

    languages: tuple[str, ...]
    current: str

    @property
    def root(self) -> str:
        return self.languages[0]

    def folder(self, language: str) -> str:
        """Where `language`'s handbook is, relative to the site's root: `` or `en/`."""
        return "" if language == self.root else f"{language}/"

    def to_site_root(self) -> str:
        """From this language's root to the whole site's root."""
        return "" if self.current == self.root else "../"

    def alternates(self) -> list[dict[str, str]]:
        """Material's `extra.alternate`: each language's home, relative to this language's root."""
        up = self.to_site_root()
        return [{"name": NAMES.get(lang, lang), "lang": lang, "link": f"{up}{self.folder(lang)}" or "./"}
                for lang in self.languages]

    def page_alternates(self, page_url: str) -> list[dict[str, str]]:
        """The switcher's links on the page at `page_url` (MkDocs' URL, relative to this language's root):
        the same page in every language, as links relative to the page."""
        depth = page_url.count("/")  # `steps/x/` is two folders down, `steps/x.html` one, `` none
        up = "../" * depth + self.to_site_root()
        return [{"name": NAMES.get(lang, lang), "lang": lang, "href": f"{up}{self.folder(lang)}{page_url}" or "./"}
                for lang in self.languages]

    def elsewhere(self) -> tuple[str, ...]:
        """Paths, relative to this language's root, that belong to the other languages' builds: the link check
        of this build leaves links into them to the check of the whole site."""
        if self.current != self.root:
            return ("../",)
        return tuple(self.folder(lang) for lang in self.languages[1:])

    def served_path(self, site_url: str | None) -> str:
        """Where this language's pages are served, for the link check: its `site_url`'s path (the plugin puts the
        folder into a site_url), else the folder under the host's root, where MkDocs' 404 page assumes the site."""
        from rmhandbook.outputs.linkcheck import served_path

        return served_path(site_url) if site_url else "/" + self.folder(self.current)

    def encode(self) -> str:
        return f"{','.join(self.languages)}/{self.current}"


def from_environment() -> SiteLanguages | None:
    """The site's languages when this build is one language of several (set by `build_languages`)."""
    raw = os.environ.get(LANGUAGES_VARIABLE)
    if not raw:
        return None
    languages, _, current = raw.partition("/")
    return SiteLanguages(tuple(languages.split(",")), current)


def site_languages(cfg: Any, overrides: dict) -> tuple[str, ...]:
    """The languages a site is published in: the organization's `languages`, else the plugin's; () when one.

    Read before the build (with the overrides in the environment); content errors are left to the build,
    which reports them all.
    """
    from rmhandbook.core.diagnostics import Diagnostics
    from rmhandbook.core.handbook import shared_builder
    from rmhandbook.core.org import load_profile
    from rmhandbook.mkdocs.plugin import option_names
    from rmhandbook.mkdocs.settings import environment_settings, plugin_settings

    plugin = cfg.plugins.get("rmhandbook")
    if plugin is None:
        return ()
    with plugin_settings(overrides):
        settings, _ = environment_settings(plugin.config, option_names())
    if settings["organization"]:
        config_dir = Path(cfg.config_file_path or "mkdocs.yml").resolve().parent
        content = (config_dir / settings["content_dir"]).resolve()
        profile = load_profile(shared_builder(content), content, settings["organization"], Diagnostics(Path.cwd()))
        languages = profile.model.languages if profile is not None else None
    else:
        languages = settings["languages"]
    return tuple(languages) if languages and len(languages) > 1 else ()


def build_languages(config_file: str, target: Path, staging: Path, overrides: dict, strict: bool, jobs: int,
                    languages: Sequence[str]) -> None:
    """Build the handbook in each language into `staging` (the first at its root), then check the whole site.

    Raises MkDocs' Abort or PluginError (as a build does) when a language fails or a link is broken.
    """
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, PluginError

    from rmhandbook.mkdocs import split
    from rmhandbook.mkdocs.settings import plugin_settings
    from rmhandbook.mkdocs.sites import run_build
    from rmhandbook.outputs.linkcheck import check_site_links, served_path
    from rmhandbook.outputs.linkcheck import report as link_report

    site_url = None
    for language in languages:
        layout = SiteLanguages(tuple(languages), language)
        folder = staging / layout.folder(language)
        if language != layout.root and folder.exists():
            raise Abort(f"the site in `{layout.root}` has a folder `{language}/` of its own (a page of the docs "
                        f"folder?), where the handbook in `{language}` goes; rename that folder.")
        values = {**overrides, "language": language}
        with plugin_settings(values), _layout(layout):
            cfg = load_config(config_file, strict=strict or None)
            site_url = site_url or cfg.site_url
            cfg.site_dir = str(folder)
            shares = split.shares_for(cfg, values, jobs)
            if shares > 1:
                split.parallel_build(cfg, config_file, target, folder, values, strict, shares)
            else:
                run_build(cfg)
    broken = check_site_links(staging, site_path=served_path(site_url))
    if broken:
        raise PluginError("rmhandbook: the built site has broken links between its languages:\n"
                          + link_report(broken))


class _layout:
    """The environment variable that tells each build (and its split processes) the site's languages."""

    def __init__(self, layout: SiteLanguages) -> None:
        self.value = layout.encode()

    def __enter__(self) -> None:
        self.saved = os.environ.get(LANGUAGES_VARIABLE)
        os.environ[LANGUAGES_VARIABLE] = self.value

    def __exit__(self, *exc: object) -> None:
        if self.saved is None:
            os.environ.pop(LANGUAGES_VARIABLE, None)
        else:
            os.environ[LANGUAGES_VARIABLE] = self.saved
