"""Site generators without rmhandbook, each in a virtual environment of its own under `.cache/engines/`.

The exported project must build on plain MkDocs, on ProperDocs and on Zensical with nothing of
rmhandbook installed. The test run creates each environment the first time it is needed
(pip, from the configured package index) and reuses it afterwards. An engine that cannot be
installed fails the tests that need it, with pip's reason: it is never skipped.

To try a newer Zensical, change `ZENSICAL` (0.0.74 and later need `zensical-ui`, which this
machine's index lacks: see docs/src/moving-to-zensical.md).
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import os
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ENGINES_DIR = REPO / ".cache" / "engines"

ZENSICAL = "0.0.73"
PROPERDOCS = "1.6.7"
MKDOCS = "1.6.1"
# the Material and pymdown-extensions this environment builds with, so the engines' sites compare with ours
MATERIAL = version("mkdocs-material")
PYMDOWNX = version("pymdown-extensions")


@dataclasses.dataclass(frozen=True)
class Engine:
    name: str  # as `rmhandbook build --engine` names it
    version: str
    packages: tuple[str, ...]

    @property
    def env(self) -> Path:
        return ENGINES_DIR / f"{self.name}-{self.version}"

    @property
    def bin(self) -> Path:
        return self.env / "bin"


ENGINES = {
    "mkdocs": Engine("mkdocs", MKDOCS, (f"mkdocs=={MKDOCS}", f"mkdocs-material=={MATERIAL}",
                                        f"pymdown-extensions=={PYMDOWNX}")),
    "properdocs": Engine("properdocs", PROPERDOCS, (f"properdocs=={PROPERDOCS}", f"mkdocs-material=={MATERIAL}",
                                                    f"pymdown-extensions=={PYMDOWNX}")),
    "zensical": Engine("zensical", ZENSICAL, (f"zensical=={ZENSICAL}",)),
}

_DONE = ".installed"  # written last: an environment without it is half-made and made again


class EngineUnavailable(Exception):
    pass


def ensure(engine: Engine) -> Path:
    """The engine's environment (its `bin/` holds the command), created when missing; raises EngineUnavailable."""
    ENGINES_DIR.mkdir(parents=True, exist_ok=True)
    with open(ENGINES_DIR / f".{engine.name}-{engine.version}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # parallel test processes wait for one installation
        if (engine.env / _DONE).is_file():
            return engine.bin
        shutil.rmtree(engine.env, ignore_errors=True)
        _install(engine)
        (engine.env / _DONE).write_text(" ".join(engine.packages) + "\n")
    return engine.bin


def _install(engine: Engine) -> None:
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    # without its own pip (ensurepip is slow): this environment's pip installs into it
    steps = ([sys.executable, "-m", "venv", "--without-pip", str(engine.env)],
             [sys.executable, "-m", "pip", "--python", str(engine.bin / "python"), "install", "-q", *engine.packages])
    for argv in steps:
        proc = subprocess.run(argv, capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            shutil.rmtree(engine.env, ignore_errors=True)
            tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-6:])
            raise EngineUnavailable(f"{engine.name} {engine.version} cannot be installed into {engine.env} "
                                    f"(`{' '.join(argv[-len(engine.packages):]) if 'pip' in argv else 'venv'}`):"
                                    f"\n{tail}")
    # nothing of rmhandbook may be in there: the point is a build without it
    leaked = subprocess.run([str(engine.bin / "python"), "-c", "import rmhandbook"], capture_output=True,
                            cwd=engine.env, env={k: v for k, v in env.items() if k != "PYTHONPATH"})
    if leaked.returncode == 0:
        raise EngineUnavailable(f"{engine.env} can import rmhandbook; it must be an environment without it")


@contextlib.contextmanager
def on_path(engine: Engine):
    """PATH with the engine's environment first (how `rmhandbook build --engine` finds the command)."""
    old = os.environ.get("PATH", "")
    os.environ["PATH"] = f"{engine.bin}{os.pathsep}{old}"
    try:
        yield
    finally:
        os.environ["PATH"] = old


if __name__ == "__main__":  # `python tests/engines.py [NAME...]`: make the environments ahead of a run
    for name in sys.argv[1:] or list(ENGINES):
        print(name, ensure(ENGINES[name]))
