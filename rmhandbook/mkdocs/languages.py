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

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rmhandbook.mkdocs.layout import SiteLanguages, site_languages_variable


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
                    languages: Sequence[str], run_build: Callable[[Any], None]) -> None:
    """Build the handbook in each language into `staging` (the first at its root), then check the whole site.

    `run_build(cfg)` runs one MkDocs build (sites.run_build).

    Raises MkDocs' Abort or PluginError (as a build does) when a language fails or a link is broken.
    """
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, PluginError

    from rmhandbook.mkdocs import split
    from rmhandbook.mkdocs.settings import plugin_settings
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
        with plugin_settings(values), site_languages_variable(layout):
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
