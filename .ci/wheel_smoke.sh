#!/usr/bin/env bash
# The packages as a user gets them: build the wheel and the sdist, check what
# they hold, install the wheel into a clean virtual environment in a temporary
# folder (outside the repository, so nothing is imported from the clone) and run
# `new`, `check`, `build` and a short `serve` there.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
export NO_MKDOCS_2_WARNING=1 PIP_DISABLE_PIP_VERSION_CHECK=1
tmp=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  local t=$SECONDS; rm -rf "$tmp"; echo "wheel smoke: cleanup took $((SECONDS - t)) s"
}
trap cleanup EXIT
started=$SECONDS
step() { echo "wheel smoke: $* ($((SECONDS - started)) s)"; }

step "building the wheel and the sdist"
python3 -m venv "$tmp/tools"
quietly() { "$@" >"$tmp/pip.log" 2>&1 || { cat "$tmp/pip.log"; exit 1; }; }  # pip talks on stderr even with -q
quietly "$tmp/tools/bin/pip" install -q build
# a copy without the clone's caches and virtual environment: what git tracks, or in an
# unpacked sdist everything but the folders a run leaves behind
mkdir -p "$tmp/src"
if git -C "$repo" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git -C "$repo" ls-files -z | (cd "$repo" && xargs -0 tar -cf - --no-recursion) | tar -xf - -C "$tmp/src"
else
  tar -C "$repo" -cf - --exclude=./.venv --exclude=./.cache --exclude=./site --exclude=./build \
    --exclude=./test-artifacts --exclude='*.egg-info' --exclude=__pycache__ . | tar -xf - -C "$tmp/src"
fi
"$tmp/tools/bin/python" -m build -q --outdir "$tmp/dist" "$tmp/src" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; exit 1; }
wheel=$(echo "$tmp"/dist/rmhandbook-*.whl)
sdist=$(echo "$tmp"/dist/rmhandbook-*.tar.gz)

step "checking what the wheel and the sdist hold"
"$tmp/tools/bin/python" - "$repo" "$wheel" "$sdist" <<'PY'
import re, sys, tarfile, zipfile
from pathlib import Path

repo, wheel, sdist = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
in_wheel = set(zipfile.ZipFile(wheel).namelist())
# every data file of the package (templates, assets, theme, scaffold) must ship in the wheel
data = {p.relative_to(repo).as_posix() for p in (repo / "rmhandbook").rglob("*")
        if p.is_file() and p.suffix not in {".py", ".pyc"} and "__pycache__" not in p.parts}
missing = sorted(data - in_wheel)
meta = next(n for n in in_wheel if n.endswith(".dist-info/METADATA"))
metadata = zipfile.ZipFile(wheel).read(meta).decode()
problems = [f"wheel lacks {m}" for m in missing]
if not any(n.endswith(".dist-info/licenses/LICENSE") for n in in_wheel):
    problems.append("wheel lacks LICENSE")
for field in ("License-Expression: MIT", "Author: rmhandbook contributors", "Classifier: Framework :: MkDocs"):
    if field not in metadata:
        problems.append(f"METADATA lacks `{field}`")
# a package index shows the description without the repository: every link must be absolute
description = metadata.split("\n\n", 1)[1]
relative = re.findall(r"\]\((?!https?://)([^)]*)\)", description)
if relative:
    problems.append(f"the package description links paths inside the repository: {relative}")
with tarfile.open(sdist) as tar:
    names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
for needed in ("LICENSE", "README.md", "mkdocs.yml", "tests/conftest.py", "tests/harness.py", "tests/run.sh",
               "scripts/venv.sh", "content/program.yml", "docs/mkdocs.yml"):
    if needed not in names:
        problems.append(f"sdist lacks {needed}")
for folder in ("tests/corpus/", "tests/golden/", "content/steps/", "docs/src/"):
    if not any(n.startswith(folder) for n in names):
        problems.append(f"sdist lacks {folder}")
if any(n.startswith((".venv/", ".cache/", "site/")) or "__pycache__" in n for n in names):
    problems.append("sdist holds caches or a virtual environment")
print("\n".join(problems) or f"{len(data)} data files in the wheel; sdist has {len(names)} files")
sys.exit(1 if problems else 0)
PY

step "installing the wheel into a clean environment"
python3 -m venv "$tmp/env"
quietly "$tmp/env/bin/pip" install -q "$wheel"
rmh="$tmp/env/bin/rmhandbook"
mkdir "$tmp/work" && cd "$tmp/work"
where=$("$tmp/env/bin/python" -c 'import rmhandbook; print(rmhandbook.__file__)')
case "$where" in "$tmp/env/"*) ;; *) echo "rmhandbook imported from $where, not the clean environment" >&2; exit 1;; esac

step "rmhandbook new, check and build"
"$rmh" new x
cd x
"$rmh" check
"$rmh" build --strict
[ -f site/index.html ] && [ -f site/steps/first-meeting/index.html ] || { echo "build wrote no site" >&2; exit 1; }

step "rmhandbook serve"
port=$("$tmp/env/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$rmh" serve -a "127.0.0.1:$port" >"$tmp/serve.log" 2>&1 &
server=$!
"$tmp/env/bin/python" - "$port" <<'PY' || { cat "$tmp/serve.log"; exit 1; }
import sys, time, urllib.request

url = f"http://127.0.0.1:{sys.argv[1]}/"
deadline = time.monotonic() + 120
while True:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            body = answer.read().decode()
            if answer.status == 200 and "first-meeting" in body:
                print(f"serve: {url} answered 200")
                break
    except OSError as exc:
        if time.monotonic() > deadline:
            sys.exit(f"serve: {url} did not answer 200 within 120 s: {exc}")
    time.sleep(0.5)
PY
kill "$server"; wait "$server" 2>/dev/null || true; server=""
step "done"
