"""Building sites: one handbook, one organization's, or every organization's in parallel.

Every site is built beside its target and swapped in only when the build
succeeded (`publish.atomic_directory`), so a failing organization leaves its
previous site as it was and never hides the others' results. MkDocs is
imported only inside the functions that build.
"""

from __future__ import annotations

import concurrent.futures
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

from .diagnostics import ContentError, Diagnostics
from .handbook import shared_builder
from .org import OrgProfile


def count_pages(site_dir: Path) -> int:
    """HTML pages in a built site (the 404 page is not a page of the handbook)."""
    return sum(1 for p in Path(site_dir).rglob("*.html") if p.name != "404.html")


def mkdocs_build(config_file: str | Path, target: Path, overrides: dict, strict: bool) -> int:
    """Build with MkDocs and this plugin into `target` (atomically); returns the number of pages.

    Raises MkDocsException (PluginError, Abort, ...) when the build fails; `target` is then unchanged.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from .plugin import RmHandbookPlugin
    from .publish import atomic_directory

    RmHandbookPlugin.overrides = dict(overrides)
    try:
        cfg = load_config(str(config_file), **({"strict": True} if strict else {}))
        # MkDocs cleans its site folder first and leaves a partial site on failure:
        # build beside the target and swap it in only when the build succeeded
        with atomic_directory(target) as staging:
            cfg.site_dir = str(staging)
            cfg.plugins.on_startup(command="build", dirty=False)
            try:
                build(cfg)
            finally:
                cfg.plugins.on_shutdown()
            pages = count_pages(staging)
    finally:
        RmHandbookPlugin.overrides = {}
    return pages


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


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.levelname.lower()}: {record.getMessage()}")


def build_org_site(config_file: str, content_dir: str, slug: str, base_dir: str, strict: bool) -> SiteResult:
    """Build one organization's site into `<base_dir>/<slug>/` (runs in a worker process)."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.exceptions import MkDocsException

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
            pages = mkdocs_build(config_file, Path(base_dir) / slug, overrides, strict)
        except MkDocsException as exc:
            return SiteResult(slug, False, 0, time.perf_counter() - start,
                              collect.lines + [f"build failed, the previous site is unchanged: {exc}"])
        return SiteResult(slug, True, pages, time.perf_counter() - start, collect.lines)
    finally:
        logger.removeHandler(collect)


def build_org_sites(config_file: str, content_dir: str, slugs: Sequence[str], base_dir: str, strict: bool,
                    jobs: int, on_done: Callable[[SiteResult, int, int], None] = lambda r, i, n: None
                    ) -> list[SiteResult]:
    """Build several organizations' sites in `jobs` processes; results in the order of `slugs`.

    `on_done(result, finished, total)` is called as each site finishes (for a progress display).
    A crash in one worker becomes that organization's failed result, not the end of the run.
    """
    results: dict[str, SiteResult] = {}
    # spawn, not fork: each build starts from a clean interpreter (MkDocs keeps global state)
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=context) as pool:
        futures = {pool.submit(build_org_site, config_file, content_dir, slug, base_dir, strict): slug
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
    fd, tmp = tempfile.mkstemp(prefix=".index-", suffix=".html", dir=base_dir)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(site_index_html(entries))
    os.chmod(tmp, 0o644)
    os.replace(tmp, base_dir / "index.html")
    return [e["slug"] for e in entries]
