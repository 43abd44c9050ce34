"""Building the handbook with another engine: the exported project, run through ProperDocs or Zensical.

`rmhandbook build --engine properdocs|zensical` writes the project `rmhandbook export` writes
(outputs/bundle.py) into a scratch folder beside the target, runs the engine's own `build`
command on it, moves the site into the staging folder of `publish.atomic_directory`, checks
its links as a normal build does, and only then swaps it in: a failed build or a broken link
keeps the previous site. The engine runs as a command (found on PATH), never imported: it may
live in an environment of its own, and Zensical runs no MkDocs plugin anyway.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from rmhandbook.mkdocs.sites import BuildFailed, count_pages

DEFAULT = "mkdocs"  # MkDocs with the rmhandbook plugin, in this process (sites.py)


@dataclasses.dataclass(frozen=True)
class Engine:
    name: str
    command: str  # looked up on PATH
    install: str  # what `pip install` needs for it to build the project


ENGINES = {
    DEFAULT: Engine(DEFAULT, "mkdocs", "mkdocs mkdocs-material"),
    "properdocs": Engine("properdocs", "properdocs", "properdocs mkdocs-material"),
    "zensical": Engine("zensical", "zensical", "zensical"),
}


class EngineMissing(Exception):
    """The engine's command is not installed (an environment fault: the message names what to install)."""


def engine_command(name: str) -> str:
    """The path of the engine's command; raises EngineMissing naming the package to install."""
    engine = ENGINES[name]
    found = shutil.which(engine.command)
    if found is None:
        raise EngineMissing(f"--engine {name} needs the `{engine.command}` command, which is not on PATH; install "
                            f"it with `pip install {engine.install}` (in this environment or another one whose "
                            "bin folder is on PATH) and run the command again.")
    return found


def _run(argv: list[str], cwd: Path) -> None:
    """The engine's own command, its messages passed on to stderr; BuildFailed if it fails."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.stdout:
        sys.stderr.write(proc.stdout)
    if proc.returncode != 0:
        raise BuildFailed(f"`{Path(argv[0]).name} {argv[1]}` stopped with exit status {proc.returncode}")


def engine_build(name: str, write_project: Callable[[Path], None], target: Path, mark, guard: Callable[[], None],
                 strict: bool, site_url: str | None) -> int:
    """Build the project `write_project(folder)` writes with engine `name`, and publish it at `target`
    (atomically, links checked); returns the number of pages. Raises EngineMissing before anything
    is written, TargetError from `guard`, BuildFailed when the engine or the link check fails."""
    from rmhandbook.outputs.linkcheck import check_site_links, report, served_path
    from rmhandbook.outputs.publish import atomic_directory, scratch_folder

    command = engine_command(name)
    engine = ENGINES[name]
    with atomic_directory(target, mark, guard) as staging, scratch_folder(target) as work:
        write_project(work)
        _run([command, "build", "-f", "mkdocs.yml", *(["--strict"] if strict else [])], work)
        built = work / "site"
        if not (built / "index.html").is_file():
            raise BuildFailed(f"`{engine.command} build` wrote no site into {built}")
        for entry in built.iterdir():
            shutil.move(str(entry), str(staging / entry.name))
        broken = check_site_links(staging, site_path=served_path(site_url))
        if broken:
            raise BuildFailed("the built site has broken internal links:\n" + report(broken))
        return count_pages(staging)


def engine_serve(name: str, write_project: Callable[[Path], None], scratch: Path, dev_addr: str | None) -> int:
    """`<engine> serve` on the exported project in `scratch`; returns its exit status when it stops.

    The project is a snapshot: the engine reloads on edits to it, not to the content.
    """
    command = engine_command(name)
    write_project(scratch)
    argv = [command, "serve", "-f", "mkdocs.yml", *(["-a", dev_addr] if dev_addr else [])]
    try:
        return subprocess.run(argv, cwd=scratch, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}).returncode
    except KeyboardInterrupt:
        return 0
