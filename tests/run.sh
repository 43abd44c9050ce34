#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine: system packages for the
# browser and PDF tests, the package with its test extras in .venv (created
# by scripts/venv.sh), then pytest from that environment.
set -euo pipefail
cd "$(dirname "$0")/.."
export NO_MKDOCS_2_WARNING=1 PIP_DISABLE_PIP_VERSION_CHECK=1

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

bash scripts/venv.sh test plugins-compat  # plugins-compat: tests/test_coexistence.py

# axe-core for the accessibility tests (tests/test_accessibility.py), from npm into a cache folder
if [ ! -f .cache/npm/node_modules/axe-core/axe.min.js ]; then
  command -v npm >/dev/null 2>&1 || { SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"; $SUDO apt-get update -qq; \
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm >/dev/null; }
  npm install --silent --no-audit --no-fund --prefix .cache/npm axe-core@4 >/dev/null
fi
export PATH="$PWD/.venv/bin:$PATH"  # subprocesses that look for python or rmhandbook find the environment's
exec .venv/bin/python -m pytest "$@"
