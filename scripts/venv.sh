#!/usr/bin/env bash
# Creates .venv in the repository (if it is not there yet) and installs the
# package into it, editable, with the extras given as arguments (e.g. `test`).
# Debian's Python refuses `pip install` outside a virtual environment, and a
# bare Debian lacks the venv module: it is installed with apt-get when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c '' 2>/dev/null; then
  rm -rf .venv
  # without python3-venv, Debian's venv module fails (no ensurepip) and leaves a half-made .venv
  if ! python3 -m venv .venv >/dev/null 2>&1; then
    rm -rf .venv
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
    python3 -m venv .venv
  fi
fi

spec="."
if [ $# -gt 0 ]; then spec=".[$(IFS=,; echo "$*")]"; fi
.venv/bin/python -m pip install -q -e "$spec"
