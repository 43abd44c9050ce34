"""One handbook built by several processes: the part each process plays inside MkDocs.

`rmhandbook build --jobs N` runs N processes (sites.py); each works out the whole site
(content, nav, theme) but writes only every N-th page. MkDocs' own dirty mode skips a
file that says it is not modified, and this module says so for the other processes'
pages; the first process alone copies the static files. If a file object cannot be
marked, the process writes it as well: slower, never wrong, since sites.py keeps one
copy of each file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from markupsafe import Markup

from rmhandbook.mkdocs import internals
from rmhandbook.mkdocs import layout as site_layout
from rmhandbook.mkdocs.settings import Share, plugin_settings
from rmhandbook.mkdocs.workers import LogCollector, worker_pool
from rmhandbook.render.pages import Page
from rmhandbook.render.safety import html_attribute


def take_share(files: Any, pages: Sequence[Page], share: Share) -> None:
    """Leave every page of the other processes (and the static files, but in the first) to them."""
    generated = {p.path: i for i, p in enumerate(pages)}
    own_pages = [f for f in files.documentation_pages() if f.src_uri not in generated]
    mine = {f.src_uri for i, f in enumerate(own_pages) if i % share.count == share.index}
    mine |= {path for path, i in generated.items() if i % share.count == share.index}
    for f in files:
        take = f.src_uri in mine if f.is_documentation_page() else share.index == 0
        if not take:
            internals.mark_unmodified(f)


def give_titles(nav: Any, pages: Sequence[Page]) -> None:
    """The titles of pages this build does not read, for the nav and the footer of every page.

    (Markup, as the plugin's on_page_markdown makes the titles of the pages that are read.)
    """
    titles = {p.path: Markup(html_attribute(p.title)) for p in pages}
    for page in nav.pages:
        if page.file.src_uri in titles:
            internals.give_title(page, titles[page.file.src_uri])


# --- one handbook, several processes ---------------------------------------------------------
#
# MkDocs builds pages one after another, and a large handbook spends nearly all its time
# there (Markdown, the theme's templates, the search index), one page at a time. With
# `--jobs N`, N processes each build the whole site's structure (content, nav, theme) but
# write only every N-th page: MkDocs' own `dirty` mode skips a page whose file says it is
# not modified, and the plugin says so for the others' pages (take_share, below).
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

    keep = LogCollector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(keep)
    logger.setLevel(logging.INFO)
    try:
        with plugin_settings(overrides):
            cfg = load_config(config_file, strict=strict or None)
            cfg.site_dir = site_dir
            result = _build_share(cfg, share)
    except Exception as exc:  # noqa: BLE001 - reported by the first process as this share's failure
        keep.records.append((logging.ERROR, f"{type(exc).__name__}: {exc}"))
        result = ShareResult(False, [], [], {}, f"internal error: {type(exc).__name__}: {exc}")
    finally:
        logger.removeHandler(keep)
    result.messages = keep.records
    return result


def parallel_build(cfg, config_file: str, target: Path, staging: Path, overrides: dict, strict: bool,
                    count: int) -> None:
    from mkdocs.exceptions import Abort, PluginError

    from rmhandbook.outputs.linkcheck import check_site_links, load_scans, served_path
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
        layout = site_layout.from_environment()  # one language of several: the others are checked with the whole site
        broken = check_site_links(staging, load_scans(links),
                                  site_path=layout.served_path(cfg.site_url) if layout else served_path(cfg.site_url),
                                  elsewhere=layout.elsewhere() if layout is not None else ())
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
