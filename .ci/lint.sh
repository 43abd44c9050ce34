#!/usr/bin/env bash
# Lint and types: ruff and mypy, configured in pyproject.toml, on the package.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || bash scripts/venv.sh
.venv/bin/python -m pip install -q "ruff>=0.6" "mypy>=1.10"
.venv/bin/ruff check rmhandbook
.venv/bin/mypy
echo "lint: ruff and mypy clean"
