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
import html
import json
import logging
import multiprocessing
import os
import tempfile
import time
from pathlib import Path
from typing import Callable, Sequence

from rmhandbook.core.diagnostics import ContentError, Diagnostics
from rmhandbook.core.handbook import shared_builder
from rmhandbook.core.org import OrgProfile
from rmhandbook.mkdocs.settings import plugin_settings
from rmhandbook.mkdocs.split import Share


def count_pages(site_dir: Path) -> int:
    """HTML pages in a built site (the 404 page is not a page of the handbook)."""
    return sum(1 for p in Path(site_dir).rglob("*.html") if p.name != "404.html")


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
    share of the pages (see `_parallel_build`). Raises MkDocsException (PluginError,
    Abort, ...) when the build fails; `target` is then unchanged.
    """
    from mkdocs.config import load_config

    from rmhandbook.outputs.publish import atomic_directory
    from rmhandbook.outputs.targets import SITE, Mark

    with plugin_settings(overrides):
        cfg = load_config(str(config_file), **({"strict": True} if strict else {}))
        if callable(target):
            target = target(Path(cfg.site_dir))
        organization = overrides.get("organization")
        guard = site_guard(Path(target), project_of(cfg, overrides), organization, force)
        shares = shares_for(cfg, overrides, jobs)
        # MkDocs cleans its site folder first and leaves a partial site on failure:
        # build beside the target and swap it in only when the build succeeded
        with atomic_directory(target, Mark(SITE, organization), guard) as staging:
            cfg.site_dir = str(staging)
            if shares > 1:
                _parallel_build(cfg, str(config_file), target, staging, overrides, strict, shares)
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
    from rmhandbook.outputs.targets import (ORGANIZATIONS, SITE, Mark, TargetError, check_folder, check_location,
                                            holds, read_mark, write_mark)

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


# --- one handbook, several processes ---------------------------------------------------------
#
# MkDocs builds pages one after another, and a large handbook spends nearly all its time
# there (Markdown, the theme's templates, the search index), one page at a time. With
# `--jobs N`, N processes each build the whole site's structure (content, nav, theme) but
# write only every N-th page: MkDocs' own `dirty` mode skips a page whose file says it is
# not modified, and the plugin says so for the others' pages (`RmHandbookPlugin.share`).
# This process builds the first share itself; the others run in fresh processes (spawn:
# MkDocs keeps global state). Then the shares' pages are moved into one folder, their
# search indexes joined in page order, and every link of the whole site is checked.
# The result is the same site, byte for byte, as a build in one process (a test holds it).

PARALLEL_MIN_ITEMS = 600  # below this, another process's start-up costs more than its share saves


@dataclasses.dataclass
class ShareResult:
    ok: bool
    messages: list[tuple[int, str]]  # (logging level, message) of its warnings and errors, in order
    page_urls: list[str]  # every page of the site in build order (the same in every share)
    page_sources: dict[str, str]  # built page -> the YAML file it comes from (for link messages)
    error: str = ""  # why it failed (MkDocs' exception, e.g. "Aborted with 2 warnings in strict mode!")


def shares_for(cfg, overrides: dict, jobs: int) -> int:
    """How many processes to build this site with: 1 unless `jobs` > 1 and the handbook is large.

    Also 1 when the site prints PDFs (they are printed from the whole built site) or keeps a
    nav of its own (the shares give MkDocs the titles of the pages in the generated nav).
    """
    from rmhandbook.core.handbook import KINDS

    plugin = cfg.plugins.get("rmhandbook")
    if jobs <= 1 or plugin is None or cfg.nav is not None or not plugin.config.generate_nav:
        return 1
    if plugin.config.checklist_pdfs:
        return 1
    config_dir = Path(cfg.config_file_path or ".").resolve().parent
    content = config_dir / overrides.get("content_dir", plugin.config.content_dir)
    items = sum(1 for kind in KINDS for p in (content / kind).glob("*.y*ml"))
    return min(jobs, max(1, items // (PARALLEL_MIN_ITEMS // 2))) if items >= PARALLEL_MIN_ITEMS else 1


class _Collect(logging.Handler):
    """The warnings and errors of a build in a worker process, to report in the first one."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[int, str]] = []  # (logging level, message)

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelno, record.getMessage()))

    @property
    def lines(self) -> list[str]:
        return [f"{logging.getLevelName(level).lower()}: {message}" for level, message in self.records]


def _build_share(cfg, share: Share) -> ShareResult:
    """Build one share of the pages with `cfg` (its site_dir is the share's folder)."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    from rmhandbook.mkdocs import internals

    internals.quiet_dirty_notice()
    error = ""
    try:
        with plugin_settings({}, share):
            cfg.plugins.on_startup(command="build", dirty=False)
            try:
                build(cfg, dirty=True)
            except MkDocsException as exc:
                error = str(exc) or type(exc).__name__  # the details are logged
            finally:
                cfg.plugins.on_shutdown()
    finally:
        internals.quiet_dirty_notice(False)
    plugin = cfg.plugins["rmhandbook"]
    # (a build that failed early may not have reached on_env, which lists the pages)
    return ShareResult(not error, [], list(getattr(plugin, "page_urls", [])), plugin.source_names(), error)


def _build_share_process(config_file: str, site_dir: str, overrides: dict, strict: bool,
                         share: Share) -> ShareResult:
    """A share in a worker process: its warnings and errors go back to the first process."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.config import load_config

    keep = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(keep)
    logger.setLevel(logging.INFO)
    try:
        with plugin_settings(overrides):
            cfg = load_config(config_file, **({"strict": True} if strict else {}))
            cfg.site_dir = site_dir
            result = _build_share(cfg, share)
    except Exception as exc:  # noqa: BLE001 - reported by the first process as this share's failure
        keep.records.append((logging.ERROR, f"{type(exc).__name__}: {exc}"))
        result = ShareResult(False, [], [], {}, f"internal error: {type(exc).__name__}: {exc}")
    finally:
        logger.removeHandler(keep)
    result.messages = keep.records
    return result


def _parallel_build(cfg, config_file: str, target: Path, staging: Path, overrides: dict, strict: bool,
                    count: int) -> None:
    from mkdocs.exceptions import Abort, PluginError

    from rmhandbook.outputs.linkcheck import check_site_links, load_scans
    from rmhandbook.outputs.linkcheck import report as link_report
    from rmhandbook.outputs.publish import scratch_folder

    log = logging.getLogger("mkdocs.plugins.rmhandbook")
    log.info(f"rmhandbook: building the pages in {count} processes")
    with contextlib.ExitStack() as scratch:
        # the other shares' sites, and one folder for what each share read of its pages
        folders = [staging] + [scratch.enter_context(scratch_folder(target)) for _ in range(count - 1)]
        notes = scratch.enter_context(scratch_folder(target))
        links = [notes / f"share-{i}.links" for i in range(count)]
        with worker_pool(count - 1) as pool:
            futures = [pool.submit(_build_share_process, config_file, str(folders[i]), overrides, strict,
                                   Share(i, count, links[i])) for i in range(1, count)]
            first = _build_share(cfg, Share(0, count, links[0]))
            results = [first] + [f.result() for f in futures]
        for result in results[1:]:
            for level, message in result.messages:
                log.log(level, message)
        failed = [r for r in results if not r.ok]
        if failed:  # one share's reason stands for all (each checked the same content and config)
            raise Abort(failed[0].error)
        _join_shares(staging, folders[1:], first.page_urls)
        broken = check_site_links(staging, load_scans(links))
        if broken:
            sources = {k: v for r in results for k, v in r.page_sources.items()}
            raise PluginError("rmhandbook: the built site has broken internal links:\n" + link_report(broken, sources))


SEARCH_INDEX = "search/search_index.json"


def _join_shares(site: Path, others: list[Path], page_urls: list[str]) -> None:
    """Move the other shares' pages into `site` and join the search indexes in page order.

    Files every share writes alike (the 404 page, the sitemap) are kept from the first.
    """
    indexes = [site / SEARCH_INDEX] if (site / SEARCH_INDEX).is_file() else []
    for other in others:
        for dirpath, _dirnames, filenames in os.walk(other):
            for name in filenames:
                source = Path(dirpath) / name
                rel = source.relative_to(other).as_posix()
                if rel == SEARCH_INDEX:
                    indexes.append(source)
                    continue
                dest = site / rel
                if dest.exists():
                    continue
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, dest)
    if len(indexes) > 1:
        _join_search_indexes(indexes, page_urls, site / SEARCH_INDEX)


def _join_search_indexes(paths: list[Path], page_urls: list[str], out: Path) -> None:
    """One search index from the shares', with each page's entries where a one-process build puts them."""
    from rmhandbook.mkdocs.incremental import entries_by_page, search_index_json

    config = None
    by_page: dict[str, list] = {}
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        config = config if config is not None else data.get("config")
        for url, entries in entries_by_page(data).items():
            by_page.setdefault(url, []).extend(entries)
    out.write_text(search_index_json(config, by_page, page_urls), encoding="utf-8")


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
    from mkdocs.exceptions import MkDocsException

    from rmhandbook.outputs.targets import TargetError

    start = time.perf_counter()
    collect = _Collect()
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
        except MkDocsException as exc:
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


# --- worker processes ------------------------------------------------------------------------
#
# A worker must not outlive the process that started it: killed outright (SIGKILL, as the OOM
# killer sends), the parent cannot stop its workers, and each would build on for as long as
# its site takes. On Linux the kernel kills a worker when its parent dies (PR_SET_PDEATHSIG);
# elsewhere, and as a second line, a thread in the worker watches for the parent to change.

_PR_SET_PDEATHSIG = 1
_PARENT_POLL_SECONDS = 0.25


def _kernel_kills_orphan() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; False where that is not available."""
    import ctypes
    import ctypes.util
    import signal
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_PARENT_POLL_SECONDS)
    os._exit(1)


def die_with_parent(parent: int, use_kernel: bool = True) -> None:
    """Worker initializer: end this process as soon as process `parent` is gone.

    The parent may have died before the kernel was asked (then the signal never comes), so the
    parent is checked once right after; the watching thread covers systems without prctl.
    """
    import threading

    if use_kernel:
        _kernel_kills_orphan()
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="rmhandbook-parent-watch", daemon=True).start()


def worker_pool(workers: int, use_kernel: bool | None = None) -> concurrent.futures.ProcessPoolExecutor:
    """A pool of fresh worker processes that end when this process ends, however it ends.

    Spawn, not fork: each build starts from a clean interpreter (MkDocs keeps global state).
    Linux sends the death signal when the *thread* that started a worker ends, so the kernel
    is asked only when the pool is made (and so, here, its workers started) by the main thread.
    """
    import threading

    if use_kernel is None:
        use_kernel = threading.current_thread() is threading.main_thread()
    return concurrent.futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
        initializer=die_with_parent, initargs=(os.getpid(), use_kernel))


# --- the site index -----------------------------------------------------------

_INDEX_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1f2328; background: #fff; }
main { max-width: 46rem; margin: 0 auto; padding: 2rem 1.25rem; }
h1 { font-size: 1.6rem; margin: 0 0 0.25rem; }
p.lead { color: #4b5563; margin: 0 0 1.5rem; }
ul { list-style: none; padding: 0; margin: 0; display: grid; gap: 0.75rem; }
a.org { display: flex; align-items: center; gap: 1rem; padding: 0.9rem 1rem; border: 1px solid #d0d7de; border-radius: 0.5rem;
        color: inherit; text-decoration: none; }
a.org:hover, a.org:focus-visible { border-color: #0b57d0; outline: 2px solid #0b57d0; outline-offset: 1px; }
a.org img { width: 3rem; height: 3rem; object-fit: contain; flex: none; }
.org-name { font-weight: 600; display: block; }
.org-program { color: #4b5563; font-size: 0.9rem; }
""".strip()


def site_index_html(entries: Sequence[dict]) -> str:
    """A standalone page listing the organizations' sites: inline style, no script, nothing from other hosts."""
    items = []
    for e in entries:
        slug = html.escape(e["slug"])
        logo = html.escape(e["logo"])
        items.append(
            f'<li><a class="org" href="{slug}/"><img src="{logo}" alt="">'
            f'<span><span class="org-name">{html.escape(e["name"])}</span>'
            f'<span class="org-program">{html.escape(e["program"])}</span></span></a></li>')
    return ("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<title>Handbooks</title>\n<style>\n" + _INDEX_STYLE + "\n</style>\n</head>\n<body>\n<main>\n"
            "<h1>Handbooks</h1>\n"
            f"<p class=\"lead\">{len(entries)} organization{'s' if len(entries) != 1 else ''}.</p>\n"
            "<ul>\n" + "\n".join(items) + "\n</ul>\n</main>\n</body>\n</html>\n")


MANIFEST = Path("assets") / "rmhandbook" / "org" / "site.json"


def site_manifest(profile: OrgProfile, logo_uri: str) -> str:
    """`<site>/assets/rmhandbook/org/site.json`: what the site index shows about this organization's site."""
    model = profile.model
    return json.dumps({"slug": profile.slug, "name": model.name, "program": model.program_name or "",
                       "logo": logo_uri}, ensure_ascii=False, sort_keys=True) + "\n"


def write_site_index(base_dir: Path) -> list[str]:
    """Write `<base_dir>/index.html` listing every organization's site in that folder; returns their slugs.

    It reads what each site says about itself, so an organization whose latest build failed is still
    listed while its previous site is there.
    """
    from rmhandbook.outputs.targets import ORGANIZATIONS, Mark, read_mark, write_mark

    base_dir = Path(base_dir)
    entries = []
    for manifest in sorted(base_dir.glob(f"*/{MANIFEST.as_posix()}")):
        site = manifest.parents[len(MANIFEST.parts) - 1]
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not (site / "index.html").is_file() or data.get("slug") != site.name:
            continue
        entries.append({"slug": site.name, "name": str(data.get("name", site.name)),
                        "program": str(data.get("program", "")), "logo": f"{site.name}/{data.get('logo', '')}"})
    base_dir.mkdir(parents=True, exist_ok=True)
    if read_mark(base_dir) != Mark(ORGANIZATIONS):  # `site_guard` has checked that it is a folder of sites
        write_mark(base_dir, Mark(ORGANIZATIONS))
    fd, tmp = tempfile.mkstemp(prefix=".index-", suffix=".html", dir=base_dir)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(site_index_html(entries))
    os.chmod(tmp, 0o644)
    os.replace(tmp, base_dir / "index.html")
    return [e["slug"] for e in entries]
