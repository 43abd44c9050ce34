"""The `rmhandbook` command line: the same core as the MkDocs plugin.

Exit status: 0 success, 1 content (or build) errors, 2 usage errors and faults of
the environment (disk full, permissions, a closed pipe), 3 an internal error (a bug:
please report it with the input named).
MkDocs is imported only by the commands that build a site.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from rmhandbook import __version__
from rmhandbook.core.diagnostics import ContentError, Diagnostics, failing_input
from rmhandbook.core.handbook import Handbook, shared_builder

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3
DEFAULT_REMINDER = 15


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would print and exit; we return an exit code instead
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="rmhandbook", description="Reverse-mentoring handbooks from YAML content.")
    parser.add_argument("--version", action="version", version=f"rmhandbook {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        return p

    def force_option(p: argparse.ArgumentParser, what: str) -> None:
        p.add_argument("--force", action="store_true", help=f"replace {what} even if rmhandbook did not write it "
                       "(never the content, docs_dir, .git or the project's folder)")

    def with_content(p: argparse.ArgumentParser, config: bool = True) -> None:
        p.add_argument("--content", metavar="DIR", help="content folder (default: the plugin's content_dir "
                       "in mkdocs.yml, else content/)")
        if config:
            p.add_argument("-f", "--config-file", metavar="FILE", default="mkdocs.yml",
                           help="MkDocs configuration (default: mkdocs.yml)")

    p = command("check", "Validate the content and print every problem.")
    with_content(p)
    p.add_argument("--org", metavar="SLUG", help="check only organization SLUG (default: the default handbook "
                   "and every organization in <content>/orgs/)")

    p = command("build", "Build the handbook site with MkDocs.")
    with_content(p)
    p.add_argument("-d", "--site-dir", metavar="DIR", help="where to write the site (default: mkdocs.yml's site_dir)")
    p.add_argument("-s", "--strict", action="store_true", help="fail on warnings")
    p.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--org", metavar="SLUG", help="build organization SLUG (content/orgs/SLUG/) into "
                       "<orgs>/SLUG/, where <orgs> is --site-dir, else <site_dir>-orgs beside the default site")
    which.add_argument("--all-orgs", action="store_true", help="build every organization, each into <orgs>/SLUG/")
    force_option(p, "the site folder")
    engine_option(p, "build the site with", "with the rmhandbook plugin, in this process")
    p.add_argument("-j", "--jobs", type=int, metavar="N",
                   help="processes to use (default: the CPUs this process may use). "
                   "With --all-orgs, one organization per process; otherwise a large handbook (600 items or "
                   "more) is split between them, a smaller one is built in one")

    _output_commands(command, with_content, force_option)
    return parser


ENGINES = ("mkdocs", "properdocs", "zensical")  # as rmhandbook/mkdocs/engines.py names them


def engine_option(p: argparse.ArgumentParser, what: str, default: str) -> None:
    p.add_argument("--engine", choices=ENGINES, default="mkdocs",
                   help=f"{what}: mkdocs (the default: MkDocs {default}), or properdocs or zensical: the project "
                   "`rmhandbook export` writes, run through that engine's own command (install it first)")


def _output_commands(command: Callable, with_content: Callable, force_option: Callable) -> None:
    """The commands after `build`: serve, export, checklists, schema, calendar, new."""
    p = command("serve", "Serve the handbook with live reload.")
    with_content(p)
    p.add_argument("-a", "--dev-addr", metavar="IP:PORT", default=None,
                   help="address to serve on (default 127.0.0.1:8000)")
    p.add_argument("--org", metavar="SLUG", help="serve organization SLUG's handbook")
    engine_option(p, "serve the site with", "with the rmhandbook plugin and live reload of the content")

    p = command("export", "Write the generated pages as plain Markdown files.")
    with_content(p)
    p.add_argument("--org", metavar="SLUG", help="export organization SLUG's handbook")
    p.add_argument("--out", metavar="DIR", required=True, help="folder to write the pages into")
    p.add_argument("--mkdocs-config", metavar="FILE", help="also write a mkdocs.yml for plain MkDocs (no rmhandbook "
                   "plugin) that builds the pages with the site's theme, nav, extensions and assets")
    force_option(p, "the --out folder and the --mkdocs-config file")

    p = command("checklists", "List the printable checklists, or print them to PDF with Chromium.")
    with_content(p)
    p.add_argument("--pdf", action="store_true",
                   help="write a PDF per facilitator pack, pocket card and phase checklist")
    p.add_argument("--out", metavar="DIR", help="folder for the PDFs (required with --pdf)")
    p.add_argument("--paper", choices=("a4", "letter"), help="paper size (default: the organization's `paper`, "
                   "else the plugin's `paper` in mkdocs.yml, else a4)")
    p.add_argument("--org", metavar="SLUG", help="organization SLUG's checklists (its words, items and paper)")
    force_option(p, "the --out folder")

    p = command("schema", "Write the JSON Schema files that content files point at.")
    with_content(p)
    p.add_argument("--out", metavar="DIR", help="folder for the schema files (default: <content>/schema)")
    force_option(p, "schema files of the same names")

    p = command("calendar", "Write the session plan as an .ics calendar file (one event per meeting).")
    with_content(p)
    p.add_argument("--start", metavar="YYYY-MM-DD", required=True, help="date of the first meeting (week 1)")
    p.add_argument("--time", metavar="HH:MM", required=True, help="local start time of every meeting, 24-hour clock")
    p.add_argument("--tz", metavar="ZONE", required=True, help="IANA time zone of that time, e.g. Europe/Berlin")
    p.add_argument("--weekday", metavar="DAY", help="weekday of the meetings from week 2 on: mon, tue, ... sun "
                   "(default: the weekday of --start)")
    p.add_argument("--minutes", metavar="N", help="length of every meeting in minutes "
                   "(default: each session's planned length)")
    p.add_argument("--reminder", metavar="N", default=str(DEFAULT_REMINDER), help="reminder N minutes before each "
                   f"meeting; 0 for none (default {DEFAULT_REMINDER})")
    p.add_argument("--url", metavar="BASE", help="the handbook's address, e.g. https://intranet.example/handbook/; "
                   "each event then links to its session page (default: site_url in mkdocs.yml, if set, but not "
                   "with --org); in a site of several languages, the language's folder is added (BASE/en/...)")
    p.add_argument("--org", metavar="SLUG", help="organization SLUG's sessions, in its language and words")
    p.add_argument("--lang", metavar="LANG", help="the language of the events, e.g. en (default: the "
                   "organization's language, else the plugin's `language` in mkdocs.yml, else en)")
    p.add_argument("--track", metavar="ID", help="the pair's session track, an id from `tracks` in program.yml "
                   "(default: the first track; meetings without a track are always included)")
    p.add_argument("--out", metavar="FILE", required=True, help="the .ics file to write")
    force_option(p, "the --out file")

    p = command("translations", "Report how much of the handbook is translated, and what is missing or stale.")
    with_content(p)
    p.add_argument("--lang", metavar="LANG", help="the language to report on, e.g. de (default: the organization's "
                   "language; without --org, every language in <content>/i18n/)")
    p.add_argument("--org", metavar="SLUG", help="organization SLUG's handbook: its own items and hidden items count")
    p.add_argument("--complete", action="store_true", help="exit 1 unless every field is translated and "
                   "no translation is stale")

    p = command("new", "Create a new handbook project.")
    p.add_argument("dir", metavar="DIR", help="folder to create (must not exist, or be empty)")


# --- helpers -----------------------------------------------------------------

def _site_config(config_file: Path):
    """mkdocs.yml as data (see `rmhandbook.mkdocs.site_config`); None if absent or unreadable."""
    from rmhandbook.mkdocs.site_config import read_site_config

    return read_site_config(Path(config_file))


def usable_cpus() -> int:
    """The CPUs this process may run on (a container or `taskset` may allow fewer than the machine has)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def content_dir_for(args: argparse.Namespace) -> Path:
    if getattr(args, "content", None):
        return Path(args.content).resolve()
    site = _site_config(Path(getattr(args, "config_file", "mkdocs.yml")))
    return (site.content_dir if site is not None else None) or Path("content").resolve()


def _load(content: Path, out: Callable[[str], None], organization: str | None = None,
          language: str | None = None) -> Handbook | None:
    try:
        handbook = shared_builder(content).build(content, Diagnostics(Path.cwd()), organization, language)
    except ContentError as exc:
        out(exc.diagnostics.report())
        return None
    for w in handbook.warnings:
        out(w.format())
    return handbook


@contextlib.contextmanager
def _mkdocs_logging(quiet: bool) -> Iterator[None]:
    logger = logging.getLogger("mkdocs")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


def _plugin_overrides(args: argparse.Namespace) -> dict:
    overrides = {}
    if getattr(args, "content", None):
        overrides["content_dir"] = str(Path(args.content).resolve())
    if getattr(args, "org", None):
        overrides["organization"] = args.org
    return overrides


def _project(args: argparse.Namespace, content: Path):
    """The places of this project that no command may write over (see `outputs.targets`)."""
    from rmhandbook.outputs.targets import Project

    config_file = Path(getattr(args, "config_file", "mkdocs.yml")).resolve()
    site = _site_config(config_file)
    docs_dir = site.docs_dir if site is not None else config_file.parent / "docs"
    return Project(config_file.parent, content, docs_dir)


def _refusing_unsafe_targets(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """A target that must not be written is a usage error: the message says why and what to do."""
    import functools

    from rmhandbook.outputs.targets import TargetError

    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except TargetError as exc:
            print(f"rmhandbook {args.command}: {exc}", file=sys.stderr)
            return EXIT_USAGE

    return run


# --- commands ----------------------------------------------------------------

def cmd_check(args: argparse.Namespace) -> int:
    """The default handbook and every organization's (or only the one `--org` names)."""
    from rmhandbook.core.model import KINDS
    from rmhandbook.core.org import list_orgs, orgs_dir

    content = content_dir_for(args)
    targets: list[str | None] = [args.org] if args.org else [None, *list_orgs(content)]
    status = EXIT_OK
    for org in targets:
        handbook = _load(content, print, org)
        if handbook is None and org is None and len(targets) > 1:
            print(f"rmhandbook check: the organizations in {orgs_dir(content)} build on this content; "
                  "they are checked once it has no errors.")
            return EXIT_CONTENT
        if handbook is None:
            status = EXIT_CONTENT
            continue
        counts = ", ".join(f"{len(v)} {k if len(v) != 1 else KINDS[k].singular}" for k, v in handbook.items.items()
                           if v or not KINDS[k].optional)  # session plans and forms are optional
        print(f"{orgs_dir(content) / org if org else content}: ok ({counts})")
    return status


def cmd_build(args: argparse.Namespace) -> int:
    if args.jobs is not None and args.jobs < 1:
        print("rmhandbook build: --jobs N needs N of at least 1, for example `rmhandbook build --jobs 2`.",
              file=sys.stderr)
        return EXIT_USAGE
    if args.engine != "mkdocs":
        return _build_with_engine(args)
    if args.all_orgs:
        return _build_all_orgs(args)
    content = content_dir_for(args)
    if _load(content, lambda s: print(s, file=sys.stderr), args.org) is None:
        return EXIT_CONTENT
    from rmhandbook.mkdocs.sites import BuildFailed, mkdocs_build, org_sites_dir
    from rmhandbook.outputs.site_index import write_site_index

    overrides = _plugin_overrides(args)
    chosen: dict[str, Path] = {}

    def publish_to(site_dir: Path) -> Path:
        """--site-dir, else mkdocs.yml's site_dir; an organization's site goes into the organizations'
        folder, never into another site (a function: mkdocs_build reads mkdocs.yml once, for both)."""
        if args.site_dir:
            base = Path(args.site_dir).resolve()
        else:
            base = org_sites_dir(site_dir) if args.org else site_dir.resolve()
        chosen["base"] = base
        chosen["target"] = base / args.org if args.org else base
        return chosen["target"]

    with _mkdocs_logging(args.quiet):
        try:
            mkdocs_build(args.config_file, publish_to, overrides, args.strict, args.jobs or usable_cpus(),
                         force=args.force)
        except BuildFailed as exc:
            print(f"rmhandbook: build failed, the previous site is unchanged: {exc}", file=sys.stderr)
            return EXIT_CONTENT
    if args.org:
        write_site_index(chosen["base"])
    print(f"rmhandbook: site written to {chosen['target']}", file=sys.stderr)
    return EXIT_OK


def _build_all_orgs(args: argparse.Namespace) -> int:
    import time

    from rmhandbook.core.org import list_orgs, orgs_dir
    from rmhandbook.mkdocs.sites import build_org_sites, check_org_targets, default_site_dir, org_sites_dir
    from rmhandbook.outputs.site_index import write_site_index

    content = content_dir_for(args)
    slugs = list_orgs(content)
    if not slugs:
        print(f"rmhandbook: no organizations in {orgs_dir(content)}; each one is a folder there with an org.yml "
              "(see README: organizations).", file=sys.stderr)
        return EXIT_CONTENT
    base = Path(args.site_dir).resolve() if args.site_dir else org_sites_dir(default_site_dir(args.config_file))
    check_org_targets(args.config_file, content, slugs, base, args.force)  # refused before anything is built
    jobs = args.jobs or min(len(slugs), usable_cpus())
    print(f"rmhandbook: building {len(slugs)} organization(s) into {base}/ with {jobs} process(es): "
          f"{', '.join(slugs)}", file=sys.stderr)

    def progress(result, done: int, total: int) -> None:
        state = f"ok, {result.pages} pages" if result.ok else "FAILED"
        print(f"[{done}/{total}] {result.slug}: {state} in {result.seconds:.1f} s", file=sys.stderr)
        for line in result.messages if (not result.ok or not args.quiet) else []:
            print(f"    {line}", file=sys.stderr)

    start = time.perf_counter()
    results = build_org_sites(str(args.config_file), str(content), slugs, str(base), args.strict, jobs, progress,
                              force=args.force)
    elapsed = time.perf_counter() - start
    listed = write_site_index(base)
    ok = [r for r in results if r.ok]
    failed = [r for r in results if not r.ok]
    times = ", ".join(f"{r.slug} {r.seconds:.1f} s" for r in results)
    print(f"rmhandbook: {len(ok)} site(s), {sum(r.pages for r in ok)} pages in {elapsed:.1f} s ({times}); "
          f"{len(failed)} failed{': ' + ', '.join(r.slug for r in failed) if failed else ''}. "
          f"Site index: {base / 'index.html'} ({len(listed)} organization(s)).", file=sys.stderr)
    return EXIT_CONTENT if failed else EXIT_OK


def _build_with_engine(args: argparse.Namespace) -> int:
    """`build --engine properdocs|zensical`: the exported project, built by that engine, published atomically."""
    import functools

    from rmhandbook.core.org import list_orgs
    from rmhandbook.mkdocs.engines import EngineMissing, engine_build, engine_command
    from rmhandbook.mkdocs.sites import BuildFailed, org_sites_dir, site_guard
    from rmhandbook.outputs.bundle import make_bundle, write_project
    from rmhandbook.outputs.site_index import write_site_index
    from rmhandbook.outputs.targets import SITE, Mark

    try:
        engine_command(args.engine)  # before any work
    except EngineMissing as exc:
        print(f"rmhandbook build: {exc}", file=sys.stderr)
        return EXIT_USAGE
    content = content_dir_for(args)
    site = _site_config(Path(args.config_file))
    site_dir = (site.file.parent / str(site.data.get("site_dir") or "site")) if site else Path("site")
    orgs = bool(args.org or args.all_orgs)
    base = Path(args.site_dir).resolve() if args.site_dir else (org_sites_dir(site_dir) if orgs else site_dir.resolve())
    slugs: list[str | None] = [*list_orgs(content)] if args.all_orgs else [args.org]
    status = EXIT_OK
    for slug in slugs:
        handbook = _load(content, lambda s: print(s, file=sys.stderr), slug, _site_language(args))
        if handbook is None:
            status = EXIT_CONTENT
            continue
        try:
            bundle = make_bundle(handbook, site_source(args, content, handbook.program.name))
            target = base / slug if slug else base
            guard = site_guard(target, _project(args, content), slug, args.force)
            pages = engine_build(args.engine, functools.partial(write_project, bundle), target,
                                 Mark(SITE, slug), guard, args.strict, site.site_url if site else None)
        except ContentError as exc:  # an error in the site's own templates
            print(exc.diagnostics.report(), file=sys.stderr)
            status = EXIT_CONTENT
        except BuildFailed as exc:
            print(f"rmhandbook: {args.engine} build failed, the previous site is unchanged: {exc}", file=sys.stderr)
            status = EXIT_CONTENT
        else:
            print(f"rmhandbook: {pages} pages built by {args.engine}, site written to {target}", file=sys.stderr)
    if orgs:
        write_site_index(base)
    return status


def cmd_serve(args: argparse.Namespace) -> int:  # pragma: no cover - runs until interrupted
    from rmhandbook.mkdocs.sites import BuildFailed, serve_site

    if args.engine != "mkdocs":
        return _serve_with_engine(args)
    with _mkdocs_logging(False):
        try:
            serve_site(args.config_file, _plugin_overrides(args), args.dev_addr)
        except BuildFailed as exc:
            print(f"rmhandbook: serve failed: {exc}", file=sys.stderr)
            return EXIT_CONTENT
        except KeyboardInterrupt:
            pass
    return EXIT_OK


def _serve_with_engine(args: argparse.Namespace) -> int:  # pragma: no cover - runs until interrupted
    """`serve --engine properdocs|zensical`: the engine's own server on a snapshot of the exported project."""
    import tempfile

    from rmhandbook.mkdocs.engines import EngineMissing, engine_serve
    from rmhandbook.outputs.bundle import make_bundle, write_project

    content = content_dir_for(args)
    handbook = _load(content, lambda s: print(s, file=sys.stderr), args.org, _site_language(args))
    if handbook is None:
        return EXIT_CONTENT
    bundle = make_bundle(handbook, site_source(args, content, handbook.program.name))
    print(f"rmhandbook serve: {args.engine} serves the exported project; it does not follow edits to the content "
          "(run the command again after one, or serve with --engine mkdocs for live reload)", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="rmhandbook-serve-") as scratch:
        try:
            code = engine_serve(args.engine, lambda work: write_project(bundle, work), Path(scratch), args.dev_addr)
        except EngineMissing as exc:
            print(f"rmhandbook serve: {exc}", file=sys.stderr)
            return EXIT_USAGE
    return EXIT_OK if code == 0 else EXIT_CONTENT


EXPORTED_CONFIG_HEADER = "# Written by `rmhandbook export --mkdocs-config`"


def _export_targets(args: argparse.Namespace, content: Path) -> tuple[Path, Callable[[], None], Path | None]:
    """--out and --mkdocs-config, checked: (the folder, its guard for `atomic_directory`, the config file)."""
    from rmhandbook.outputs.targets import EXPORT, Mark, TargetError, check_file, check_folder, check_location

    project = _project(args, content)
    out = check_location(Path(args.out), project, "--out", example="exported")
    config_target = None
    if args.mkdocs_config:
        config_target = check_location(Path(args.mkdocs_config), project, "--mkdocs-config",
                                       example="exported/mkdocs.yml")
        if config_target == Path(args.config_file).resolve():
            raise TargetError(f"--mkdocs-config `{config_target}` is the site's own configuration, which "
                              "this command reads; write the plain MkDocs configuration to a file of its own, "
                              "for example --mkdocs-config exported/mkdocs.yml.")
        check_file(config_target, lambda head: head.startswith(EXPORTED_CONFIG_HEADER.encode()),
                   "a mkdocs.yml", label="--mkdocs-config", force=args.force)
    return out, lambda: check_folder(out, Mark(EXPORT), label="--out", force=args.force), config_target


def site_source(args: argparse.Namespace, content: Path, program_name: str):
    """What `export` and `build --engine` carry over from the site's own mkdocs.yml (a default without one)."""
    from rmhandbook.outputs.bundle import SiteSource, default_site_config

    site = _site_config(Path(args.config_file))
    if site is None:
        return SiteSource(default_site_config(program_name), content)
    here = site.file.parent
    custom = (here / site.theme["custom_dir"]).resolve() if site.theme.get("custom_dir") else None
    templates = ((here / site.option("templates_dir"),) if site.option("templates_dir")
                 else (custom / "rmhandbook",) if custom else ())
    return SiteSource(site.data, content, site.docs_dir.resolve(), custom, templates,
                      int(site.option("nav_max_section_items")), site.option("paper"))


def _site_language(args: argparse.Namespace) -> str | None:
    """The plugin's `language` in mkdocs.yml (for the default handbook; an organization's own wins)."""
    site = _site_config(Path(args.config_file))
    return None if site is None or getattr(args, "org", None) else site.option("language")


def cmd_export(args: argparse.Namespace) -> int:
    from rmhandbook.outputs.bundle import docs_and_config, make_bundle, write_project
    from rmhandbook.outputs.publish import atomic_directory
    from rmhandbook.outputs.targets import EXPORT, Mark, write_file

    content = content_dir_for(args)
    out, guard, config_target = _export_targets(args, content)  # usage errors first: they need no content
    handbook = _load(content, print, args.org, _site_language(args))
    if handbook is None:
        return EXIT_CONTENT
    try:
        bundle = make_bundle(handbook, site_source(args, content, handbook.program.name))
    except ContentError as exc:  # an error in the site's own templates
        print(exc.diagnostics.report())
        return EXIT_CONTENT
    with atomic_directory(out, Mark(EXPORT), guard) as staging:
        if config_target is None:
            write_project(bundle, staging)
        else:
            text = docs_and_config(bundle, staging, out, config_target,
                                   f"{EXPORTED_CONFIG_HEADER}: builds the exported pages without rmhandbook.")
    if config_target is None:
        print(f"wrote {len(bundle.pages)} pages to {args.out}/docs and {args.out}/mkdocs.yml: build it with "
              "mkdocs, properdocs or zensical (no rmhandbook needed)")
        return EXIT_OK
    write_file(config_target, text.encode())  # after the swap: it may be inside --out
    print(f"wrote {len(bundle.pages)} pages to {args.out} and {args.mkdocs_config} (no rmhandbook needed)")
    return EXIT_OK


def cmd_checklists(args: argparse.Namespace) -> int:
    content = content_dir_for(args)
    handbook = _load(content, lambda s: print(s, file=sys.stderr), args.org)
    if handbook is None:
        return EXIT_CONTENT
    if not args.pdf:
        from rmhandbook.render.pages import Renderer
        from rmhandbook.render.printing import ChecklistDoc

        for doc in Renderer(handbook, language=handbook.language).documents:
            pdf = f"  -> {doc.pdf}" if doc.pdf else ""
            items = f"{len(doc.entries)} items, " if isinstance(doc, ChecklistDoc) else ""
            print(f"{doc.path}  {doc.title}: {items}{doc.pages} printed page(s){pdf}")
        return EXIT_OK
    if not args.out:
        print("rmhandbook checklists: --pdf needs --out DIR, the folder to write the PDFs into.", file=sys.stderr)
        return EXIT_USAGE
    from rmhandbook.outputs.targets import PDFS, Mark, check_folder, check_location

    out = check_location(Path(args.out), _project(args, content), "--out", example="pdf")
    return _checklist_pdfs(args, out, lambda: check_folder(out, Mark(PDFS), label="--out", force=args.force))


def _checklist_pdfs(args: argparse.Namespace, out: Path, guard: Callable[[], None]) -> int:
    """Build the site in a temporary folder with the chosen paper, then print its checklist pages into `out`."""
    from rmhandbook.mkdocs.sites import BuildFailed, built_for_printing
    from rmhandbook.outputs.pdf import PdfError, book_job, check_pdf_engine, pdf_jobs, write_pdfs
    from rmhandbook.outputs.publish import atomic_directory
    from rmhandbook.outputs.targets import PDFS, Mark
    from rmhandbook.render.book import has_book
    from rmhandbook.render.printing import pdf_documents

    try:
        guard()
        check_pdf_engine()
    except PdfError as exc:
        print(f"rmhandbook checklists: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    overrides = _plugin_overrides(args)
    overrides["checklist_pdfs"] = False  # this command prints them itself, into --out
    if args.paper:
        overrides["paper"] = args.paper
    with _mkdocs_logging(True):
        try:
            with built_for_printing(args.config_file, overrides) as (site_dir, parts, directory_urls), \
                    atomic_directory(out, Mark(PDFS), guard) as staging:
                jobs = pdf_jobs(site_dir, pdf_documents(parts.checklist_docs), directory_urls, staging)
                if parts.handbook is not None and has_book(parts.handbook):  # the whole handbook, handbook.pdf
                    jobs.append(book_job(site_dir, staging, directory_urls))
                written = [out / pdf.relative_to(staging) for pdf in write_pdfs(jobs, parts.paper)]
        except BuildFailed as exc:
            print(f"rmhandbook checklists: the site did not build: {exc}", file=sys.stderr)
            return EXIT_CONTENT
        except PdfError as exc:
            print(f"rmhandbook checklists: {exc}", file=sys.stderr)
            return EXIT_CONTENT
    for path in written:
        print(f"wrote {path}")
    print(f"{len(written)} PDF(s) on {parts.paper} paper in {out}")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from rmhandbook.outputs.schema import write_schemas
    from rmhandbook.outputs.targets import TargetError, check_location

    content = content_dir_for(args)
    # the content's own schema folder is where content files point their editors at
    out = check_location(Path(args.out) if args.out else content / "schema", _project(args, content), "--out",
                         allowed_inside=content / "schema", example="schema")
    if out.exists() and not out.is_dir():
        raise TargetError(f"--out `{out}` is a file; the schema files go into a folder. Give a folder's path, "
                          "for example --out schema.")
    for path in write_schemas(out, args.force):
        print(f"wrote {path}")
    return EXIT_OK


def calendar_options(args: argparse.Namespace):
    """Check the calendar command's values; a bad one raises UsageError naming it, with an example."""
    import datetime as dt
    import re
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from rmhandbook.outputs.ics import CalendarOptions
    from rmhandbook.render.sessionplan import WEEKDAYS

    try:
        start = dt.date.fromisoformat(args.start) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", args.start) else None
    except ValueError:
        start = None
    if start is None:
        raise UsageError(f"rmhandbook calendar: --start `{args.start}` is not a date; write it as YYYY-MM-DD, "
                         "for example --start 2026-03-02.")
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", args.time)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise UsageError(f"rmhandbook calendar: --time `{args.time}` is not a time of day; write it as HH:MM on "
                         "the 24-hour clock, for example --time 09:30.")
    time = dt.time(int(match[1]), int(match[2]))
    try:
        if not re.fullmatch(r"[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*", args.tz):
            raise ValueError(args.tz)
        ZoneInfo(args.tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise UsageError(f"rmhandbook calendar: --tz `{args.tz}` is not a known time zone; use an IANA name "
                         f"such as Europe/Berlin, America/New_York or UTC.{_zone_hint(args.tz)}") from None
    weekday = None
    if args.weekday is not None:
        names = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        key = args.weekday.strip().lower()
        if key not in WEEKDAYS and key not in names:
            raise UsageError(f"rmhandbook calendar: --weekday `{args.weekday}` is not a weekday; use one of "
                             f"{', '.join(WEEKDAYS)}, for example --weekday thu.")
        weekday = WEEKDAYS.index(key[:3])
    minutes = _whole_number(args.minutes, "--minutes", 15, 480, "--minutes 60") if args.minutes is not None else None
    reminder = _whole_number(args.reminder, "--reminder", 0, 10080, "--reminder 30")
    if args.url is not None and not re.fullmatch(r"https?://[^\s]+", args.url):
        raise UsageError(f"rmhandbook calendar: --url `{args.url}` is not a web address; give the handbook's "
                         "address, for example --url https://intranet.example/handbook/.")
    site = _site_config(Path(args.config_file))
    site_url, directory_urls = (site.site_url, site.use_directory_urls) if site is not None else (None, True)
    return CalendarOptions(start=start, time=time, zone=args.tz, weekday=weekday, minutes=minutes,
                           url=args.url or site_url, directory_urls=directory_urls, reminder_minutes=reminder,
                           now=_source_date())


def _zone_hint(name: str) -> str:
    import difflib
    from zoneinfo import available_timezones

    from rmhandbook.core.diagnostics import printable

    zones = {z.lower(): z for z in available_timezones()}
    close = difflib.get_close_matches(name.lower(), list(zones), n=1, cutoff=0.8)
    return f" Did you mean `{printable(zones[close[0]])}`?" if close else ""


def _whole_number(value: str, name: str, low: int, high: int, example: str) -> int:
    if not value.strip().isdigit() or not low <= int(value) <= high:
        raise UsageError(f"rmhandbook calendar: {name} `{value}` must be a whole number from {low} to {high}, "
                         f"for example {example}.")
    return int(value)


def _source_date():
    """DTSTAMP from SOURCE_DATE_EPOCH when set, so that a calendar can be rebuilt byte for byte."""
    import datetime as dt

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return None


def _calendar_language(args: argparse.Namespace) -> str | None:
    """--lang, checked; else the plugin's `language` (or first of `languages`) for the default handbook."""
    from rmhandbook.core.languages import LANGUAGES

    if args.lang is not None:
        if args.lang not in LANGUAGES:
            raise UsageError(f"rmhandbook calendar: --lang `{args.lang}` is not a language rmhandbook can write; "
                             f"use one of {', '.join(LANGUAGES)}, for example --lang de.")
        return args.lang
    site = _site_config(Path(args.config_file))
    if args.org or site is None or site.plugin is None:
        return None  # the organization's own
    return site.option("language") or (site.option("languages") or [None])[0]


def _calendar_url(args: argparse.Namespace, options, handbook: Handbook):
    """Session links: --url, else site_url (the default handbook's address, so not an organization's); in a site
    of several languages, a language other than the first is in a folder of its code."""
    import dataclasses

    base = args.url or (None if args.org else options.url)
    if base is None:
        return dataclasses.replace(options, url=None)
    org = handbook.organization
    site = _site_config(Path(args.config_file))
    several = (org.model.languages if org is not None else site.option("languages") if site else None) or []
    if handbook.language in several[1:]:
        base = base.rstrip("/") + f"/{handbook.language}/"
    return dataclasses.replace(options, url=base)


def _calendar_track(args: argparse.Namespace, options, handbook):
    """The options with `--track`, or None (after a message) for a track the handbook does not have."""
    if args.track is None:
        return options
    import dataclasses

    if args.track not in handbook.tracks:
        from rmhandbook.core.diagnostics import did_you_mean, printable

        known = ", ".join(handbook.tracks) or "none (program.yml has no `tracks`)"
        print(f"rmhandbook calendar: --track `{printable(args.track)}` is not a track of this handbook."
              f"{did_you_mean(args.track, set(handbook.tracks))} Tracks: {known}.", file=sys.stderr)
        return None
    return dataclasses.replace(options, track=args.track)


def cmd_calendar(args: argparse.Namespace) -> int:
    from rmhandbook.outputs.ics import write_calendar
    from rmhandbook.outputs.targets import check_file, check_location, write_file

    options = calendar_options(args)  # usage errors first: they need no content
    language = _calendar_language(args)
    content = content_dir_for(args)
    out = check_location(Path(args.out), _project(args, content), "--out", example="meetings.ics")
    check_file(out, lambda head: head.startswith(b"BEGIN:VCALENDAR") and b"PRODID:-//rmhandbook//" in head,
               "an .ics calendar", label="--out", force=args.force)
    handbook = _load(content, lambda s: print(s, file=sys.stderr), args.org, language)
    if handbook is None:
        return EXIT_CONTENT
    options = _calendar_url(args, options, handbook)
    if not handbook.sessions:
        print(f"rmhandbook calendar: {handbook.content_dir} has no session plans (sessions/*.yml), so there is "
              "nothing to put in a calendar. Add for example sessions/kickoff.yml.", file=sys.stderr)
        return EXIT_CONTENT
    options = _calendar_track(args, options, handbook)
    if options is None:
        return EXIT_USAGE
    # the events' texts in the handbook's language: its translated titles and goals, and the labels' language
    data = write_calendar(handbook, options, handbook.language)
    try:
        write_file(out, data)
    except OSError as exc:
        print(f"rmhandbook calendar: cannot write `{out}`: {exc.strerror or exc}.", file=sys.stderr)
        return EXIT_USAGE
    count = data.count(b"BEGIN:VEVENT")
    print(f"wrote {out}: {count} meetings in `{handbook.language}`, from {options.start} at {options.time:%H:%M} "
          f"{options.zone}", file=sys.stderr)
    return EXIT_OK


def cmd_translations(args: argparse.Namespace) -> int:
    from rmhandbook.core.languages import LANGUAGES
    from rmhandbook.core.translations import I18N_FOLDER, SOURCE_LANGUAGE, coverage_report

    content = content_dir_for(args)
    if args.lang is not None and args.lang not in LANGUAGES:
        raise UsageError(f"rmhandbook translations: unsupported language `{args.lang}`; supported: "
                         f"{', '.join(LANGUAGES)} (for example `--lang de`).")
    if args.lang:
        languages = [args.lang]
    elif args.org:
        languages = [None]  # the organization's own
    else:
        folder = content / I18N_FOLDER
        languages = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
        if not languages:
            print(f"rmhandbook translations: {folder} has no translations; add for example "
                  f"{folder / 'de' / 'program.yml'}.", file=sys.stderr)
            return EXIT_CONTENT if args.complete else EXIT_OK
    status = EXIT_OK
    diags = Diagnostics(Path.cwd())
    for language in languages:
        try:
            # missing fields are what the report lists: they do not fail the build behind it
            handbook = shared_builder(content).build(content, diags, args.org, language, "fallback")
        except ContentError as exc:
            print(exc.diagnostics.report(), file=sys.stderr)
            return EXIT_CONTENT
        if handbook.coverage is None:
            print(f"{args.org or content}: written in `{handbook.language}`, the language of the source "
                  f"(`{SOURCE_LANGUAGE}`); nothing to translate.")
            continue
        print(coverage_report(handbook.coverage, diags.display_path))
        if args.complete and not handbook.coverage.complete:
            status = EXIT_CONTENT
    return status


def cmd_new(args: argparse.Namespace) -> int:
    from rmhandbook.outputs.scaffold import scaffold

    target = Path(args.dir)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        print(f"rmhandbook new: `{target}` exists and is not an empty folder; choose a new folder name.",
              file=sys.stderr)
        return EXIT_USAGE
    files = scaffold(target)
    print(f"created {len(files)} files in {target}\nnext: cd {target} && rmhandbook check && rmhandbook serve")
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "check": cmd_check, "build": _refusing_unsafe_targets(cmd_build), "serve": cmd_serve,
    "export": _refusing_unsafe_targets(cmd_export), "schema": _refusing_unsafe_targets(cmd_schema),
    "new": cmd_new, "calendar": _refusing_unsafe_targets(cmd_calendar),
    "checklists": _refusing_unsafe_targets(cmd_checklists), "translations": cmd_translations,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        print(f"{exc}\nRun `rmhandbook --help` for usage.", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0)
    if not args.command:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    try:
        status = COMMANDS[args.command](args)
        sys.stdout.flush()  # a closed pipe is reported here, not at interpreter exit
        return status
    except UsageError as exc:
        print(f"{exc}\nRun `rmhandbook {args.command} --help` for usage.", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (`rmhandbook check | head -1`): stop quietly, as CPython's docs advise
        _silence_stdout()
        return EXIT_USAGE
    except OSError as exc:
        if not _is_our_own_file(exc):
            print(f"rmhandbook {args.command}: {environment_fault(exc)}", file=sys.stderr)
            return EXIT_USAGE
        return _bug_report(exc, args)
    except Exception as exc:  # noqa: BLE001 - the one place that turns a bug into a report
        return _bug_report(exc, args)


def _bug_report(exc: BaseException, args: argparse.Namespace) -> int:
    where = failing_input(exc) or getattr(args, "content", None) or "the content folder"
    print(f"rmhandbook: internal error ({type(exc).__name__}: {exc}) while running `{args.command}` "
          f"on {where}. This is a bug in rmhandbook; please report it with that input. "
          "Set RMHANDBOOK_DEBUG=1 to see the traceback.", file=sys.stderr)
    if os.environ.get("RMHANDBOOK_DEBUG"):
        traceback.print_exc()
    return EXIT_BUG


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the final flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout is not a file (embedded, or under test)
        pass


def _is_our_own_file(exc: OSError) -> bool:
    """An OSError about a file inside the installed package is a bug, not the user's environment."""
    package = Path(__file__).resolve().parent
    for name in (exc.filename, exc.filename2):
        if isinstance(name, (str, os.PathLike)):
            with contextlib.suppress(OSError, ValueError):
                if Path(name).resolve().is_relative_to(package):
                    return True
    return False


_FAULT_HINTS = {
    errno.ENOSPC: "the disk is full; free some space and run the command again",
    errno.EDQUOT: "the disk quota is used up; free some space and run the command again",
    errno.EROFS: "the file system is read-only; write somewhere else (for example with --site-dir or --out)",
    errno.EACCES: "permission denied; check the permissions of this file or folder (and of the folders above it)",
    errno.EPERM: "operation not permitted; check the permissions and ownership of this file or folder",
    errno.ENOENT: "no such file or folder",
    errno.ENOTDIR: "a part of this path is a file, not a folder",
    errno.EISDIR: "this is a folder where a file was expected",
}


def environment_fault(exc: OSError) -> str:
    """One line naming the path and the cause of an OSError from the machine, not from the content."""
    from rmhandbook.core.diagnostics import printable

    paths = [printable(os.fsdecode(n)) for n in (exc.filename, exc.filename2)
             if isinstance(n, (str, bytes, os.PathLike))]
    cause = _FAULT_HINTS.get(exc.errno or -1) or (exc.strerror or printable(str(exc)) or type(exc).__name__)
    where = f"`{paths[0]}`" + (f" (and `{paths[1]}`)" if len(paths) > 1 else "") if paths else "a file"
    if not paths and exc.errno is None:  # shutil's errors carry the path in their text: `/x` is a named pipe
        return (f"{printable(str(exc))}; the files of a site must be regular files or folders. "
                "Remove it, or replace it with a file.")
    return f"cannot use {where}: {cause}."


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
