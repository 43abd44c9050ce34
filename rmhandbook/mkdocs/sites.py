"""Building sites: one handbook, one organization's, or every organization's in parallel.

Every site is built beside its target and swapped in only when the build
succeeded (`publish.atomic_directory`), so a failing organization leaves its
previous site as it was and never hides the others' results. MkDocs is
imported only inside the functions that build.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from rmhandbook.core.diagnostics import ContentError, Diagnostics
from rmhandbook.core.handbook import shared_builder
from rmhandbook.mkdocs import languages, split
from rmhandbook.mkdocs.settings import plugin_settings
from rmhandbook.mkdocs.workers import LogCollector, worker_pool


def count_pages(site_dir: Path) -> int:
    """HTML pages in a built site (the 404 page is not a page of the handbook)."""
    return sum(1 for p in Path(site_dir).rglob("*.html") if p.name != "404.html")


class BuildFailed(Exception):
    """MkDocs or the plugin stopped a build (the message says why; the details were logged)."""


@contextlib.contextmanager
def mkdocs_errors() -> Iterator[None]:
    """MkDocs' exceptions as BuildFailed, so callers above this package need not import MkDocs."""
    from mkdocs.exceptions import MkDocsException

    try:
        yield
    except MkDocsException as exc:
        raise BuildFailed(str(exc) or type(exc).__name__) from exc


def serve_site(config_file: str | Path, overrides: dict, dev_addr: str | None) -> None:
    """`mkdocs serve` with live reload; returns when interrupted. MkDocs reads mkdocs.yml on every rebuild,
    so the settings travel in the environment."""
    from mkdocs.commands.serve import serve

    options: dict[str, Any] = {"dev_addr": dev_addr} if dev_addr else {}
    with plugin_settings(overrides), mkdocs_errors():
        try:
            # dirty: after an edit MkDocs writes only the pages the plugin finds changed (live_reload.py)
            serve(config_file=str(config_file), livereload=True, build_type="dirty", **options)
        except KeyboardInterrupt:
            pass


@contextlib.contextmanager
def built_for_printing(config_file: str | Path, overrides: dict) -> Iterator[tuple[Path, Any, bool]]:
    """The site built in a temporary folder: (its folder, the plugin's SiteParts, use_directory_urls)."""
    from mkdocs.config import load_config

    with tempfile.TemporaryDirectory(prefix="rmhandbook-print-") as tmp, plugin_settings(overrides), \
            mkdocs_errors():
        cfg = load_config(str(config_file), site_dir=str(Path(tmp) / "site"))
        run_build(cfg)
        yield Path(cfg.site_dir), cfg.plugins["rmhandbook"].parts, cfg.use_directory_urls  # type: ignore[attr-defined]


def run_build(cfg, dirty: bool = False) -> None:
    """One MkDocs build with the plugins' start-up and shut-down around it, as `mkdocs build` runs it."""
    from mkdocs.commands.build import build

    cfg.plugins.on_startup(command="build", dirty=dirty)
    try:
        build(cfg, dirty=dirty)
    finally:
        cfg.plugins.on_shutdown()


def mkdocs_build(config_file: str | Path, target: Path | Callable[[Path], Path], overrides: dict, strict: bool,
                 jobs: int = 1, force: bool = False) -> int:
    """Build with MkDocs and this plugin into `target` (atomically); returns the number of pages.

    `target` may be a function of the config's `site_dir` (the config is read once). An
    organization's site (`overrides["organization"]`) goes into a folder of organizations'
    sites: `target`'s parent. Raises TargetError, before building, when `target` may not be
    replaced (see `site_guard`).

    With `jobs` > 1 a large handbook is built by that many processes, each writing its
    share of the pages (see `_parallel_build`). Raises BuildFailed when the build fails;
    `target` is then unchanged.
    """
    from mkdocs.config import load_config

    from rmhandbook.outputs.publish import atomic_directory
    from rmhandbook.outputs.targets import SITE, Mark

    with plugin_settings(overrides), mkdocs_errors():
        cfg = load_config(str(config_file), strict=strict or None)
        if callable(target):
            target = target(Path(cfg.site_dir))
        organization = overrides.get("organization")
        guard = site_guard(Path(target), project_of(cfg, overrides), organization, force)
        shares = split.shares_for(cfg, overrides, jobs)
        several = languages.site_languages(cfg, overrides)  # `languages: [de, en]`: one build per language
        # MkDocs cleans its site folder first and leaves a partial site on failure:
        # build beside the target and swap it in only when the build succeeded
        with atomic_directory(target, Mark(SITE, organization), guard) as staging:
            cfg.site_dir = str(staging)
            if several:
                languages.build_languages(str(config_file), target, staging, overrides, strict, jobs, several,
                                          run_build)
            elif shares > 1:
                split.parallel_build(cfg, str(config_file), target, staging, overrides, strict, shares)
            else:
                run_build(cfg)
            pages = count_pages(staging)
    return pages


# --- where sites may go ----------------------------------------------------------------------
#
# The default handbook's site is a folder of its own (`site/`); the organizations' sites go
# into another folder (`site-orgs/` beside it by default), each in `<slug>/`, with the site
# index `index.html`. So an organization's slug can never name a path of the default site
# (`assets`, `search`, a page), and building one site never replaces or mixes into another.

def org_sites_dir(site_dir: Path) -> Path:
    """The default folder of the organizations' sites: `<site_dir>-orgs` beside the default site."""
    site_dir = Path(site_dir).resolve()
    return site_dir.with_name(f"{site_dir.name}-orgs")


def project_of(cfg, overrides: dict):
    """The places of this project that no build may write over (see `targets.check_location`)."""
    from rmhandbook.outputs.targets import Project

    config_dir = Path(cfg.config_file_path or "mkdocs.yml").resolve().parent
    plugin = cfg.plugins.get("rmhandbook")
    content = overrides.get("content_dir") or (plugin.config.content_dir if plugin is not None else "content")
    return Project(config_dir, config_dir / content, Path(cfg.docs_dir))


def site_guard(target: Path, project, organization: str | None, force: bool) -> Callable[[], None]:
    """The check `atomic_directory` runs for a site: raises TargetError if `target` may not be replaced.

    An organization's site must sit in a folder of organizations' sites; that folder is
    marked as one (and made) as soon as it passes, so a failed first build leaves it marked.
    """
    from rmhandbook.outputs.targets import (
        ORGANIZATIONS,
        SITE,
        Mark,
        TargetError,
        check_folder,
        check_location,
        holds,
        read_mark,
        write_mark,
    )

    def guard() -> None:
        check_location(target, project, "the site folder")
        if organization is None:
            check_folder(target, Mark(SITE), label="the site folder", force=force)
            return
        base = target.parent
        check_location(base, project, "the organizations' folder")
        inside = holds(base)
        if inside is not None and inside.kind == SITE:  # even with force: sites never mix
            raise TargetError(f"the organizations' folder `{base}` holds {inside.describe()}, and an "
                              "organization's site never goes inside another site. Build organizations into a "
                              "folder of their own: leave out --site-dir (they go to `<site_dir>-orgs`), or "
                              "name a new folder.")
        check_folder(base, Mark(ORGANIZATIONS), label="the organizations' folder", force=force)
        check_folder(target, Mark(SITE, organization), label="the site folder", force=force)
        base.mkdir(parents=True, exist_ok=True)
        if read_mark(base) != Mark(ORGANIZATIONS):
            write_mark(base, Mark(ORGANIZATIONS))

    return guard


def check_org_targets(config_file: str | Path, content_dir: Path, slugs: Sequence[str], base_dir: Path,
                      force: bool) -> None:
    """Raise TargetError if any organization's site in `base_dir` may not be (re)placed, before any build starts."""
    from mkdocs.config import load_config

    cfg = load_config(str(config_file))
    project = project_of(cfg, {"content_dir": str(content_dir)})
    for slug in slugs:
        site_guard(Path(base_dir) / slug, project, slug, force)()


def default_site_dir(config_file: str | Path) -> Path:
    from mkdocs.config import load_config

    return Path(load_config(str(config_file)).site_dir)


@dataclasses.dataclass
class SiteResult:
    slug: str
    ok: bool
    pages: int
    seconds: float
    messages: list[str]  # warnings and errors, in the order they came


def build_org_site(config_file: str, content_dir: str, slug: str, base_dir: str, strict: bool,
                   force: bool = False) -> SiteResult:
    """Build one organization's site into `<base_dir>/<slug>/` (runs in a worker process)."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from rmhandbook.outputs.targets import TargetError

    start = time.perf_counter()
    collect = LogCollector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collect)
    logger.setLevel(logging.INFO)
    try:
        try:  # content errors first, with every problem listed, before MkDocs starts
            shared_builder(Path(content_dir)).build(Path(content_dir), Diagnostics(Path.cwd()), slug)
        except ContentError as exc:
            return SiteResult(slug, False, 0, time.perf_counter() - start, exc.diagnostics.report().splitlines())
        overrides = {"content_dir": content_dir, "organization": slug}
        try:
            pages = mkdocs_build(config_file, Path(base_dir) / slug, overrides, strict, force=force)
        except TargetError as exc:
            return SiteResult(slug, False, 0, time.perf_counter() - start, [str(exc)])
        except BuildFailed as exc:
            return SiteResult(slug, False, 0, time.perf_counter() - start,
                              collect.lines + [f"build failed, the previous site is unchanged: {exc}"])
        return SiteResult(slug, True, pages, time.perf_counter() - start, collect.lines)
    finally:
        logger.removeHandler(collect)


def build_org_sites(config_file: str, content_dir: str, slugs: Sequence[str], base_dir: str, strict: bool,
                    jobs: int, on_done: Callable[[SiteResult, int, int], None] = lambda r, i, n: None,
                    force: bool = False) -> list[SiteResult]:
    """Build several organizations' sites in `jobs` processes; results in the order of `slugs`.

    `on_done(result, finished, total)` is called as each site finishes (for a progress display).
    A crash in one worker becomes that organization's failed result, not the end of the run.
    """
    results: dict[str, SiteResult] = {}
    with worker_pool(max(1, jobs)) as pool:
        futures = {pool.submit(build_org_site, config_file, content_dir, slug, base_dir, strict, force): slug
                   for slug in slugs}
        for future in concurrent.futures.as_completed(futures):
            slug = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - a worker that died must not hide the other sites
                result = SiteResult(slug, False, 0, 0.0, [f"internal error: {type(exc).__name__}: {exc}"])
            results[slug] = result
            on_done(result, len(results), len(slugs))
    return [results[s] for s in slugs]
