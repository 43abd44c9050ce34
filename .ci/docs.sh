#!/usr/bin/env bash
# The documentation site (docs/mkdocs.yml), built with --strict into a temporary
# folder: a broken link, a missing nav page or an unlisted page fails CI.
set -euo pipefail
cd "$(dirname "$0")/.."
export NO_MKDOCS_2_WARNING=1
[ -x .venv/bin/mkdocs ] || bash scripts/venv.sh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# not -q: MkDocs counts warnings for --strict only when it logs them
if ! .venv/bin/mkdocs build --strict -f docs/mkdocs.yml -d "$out" 2>&1 | { grep -v "^INFO" || true; }; then
  echo "docs: the strict build failed" >&2; exit 1
fi
# the pages must work on an intranet: no stylesheet, script or image from another host
if grep -rEo '<(link|script|img)[^>]+(href|src)="(https?:)?//[^"]*"' "$out" --include='*.html' | head -5 | grep .; then
  echo "docs: the pages above load something from another host" >&2; exit 1
fi
echo "docs: built $(find "$out" -name '*.html' | wc -l) pages with --strict"
