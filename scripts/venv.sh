#!/usr/bin/env bash
# Creates .venv in the repository (if it is not there yet) and installs the
# package into it, editable, with the extras given as arguments (e.g. `test`).
# Debian's Python refuses `pip install` outside a virtual environment, and a
# bare Debian lacks the venv module: it is installed with apt-get when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c '' 2>/dev/null; then
  # venv needs ensurepip to put pip into the environment; Debian ships both in python3-venv
  if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
  fi
  rm -rf .venv
  python3 -m venv .venv
fi

spec="."
if [ $# -gt 0 ]; then spec=".[$(IFS=,; echo "$*")]"; fi
.venv/bin/python -m pip install -q -e "$spec"
