"""`rmhandbook new DIR`: a new handbook project that builds and passes `check` at once."""

from __future__ import annotations

import shutil
from pathlib import Path

from rmhandbook.outputs.schema import write_schemas

SCAFFOLD = Path(__file__).parent / "scaffold"

MKDOCS_YML = """\
site_name: {name}
docs_dir: content
theme:
  name: material
  font: false  # no fonts from other hosts: the site works on an intranet
  features:
    - navigation.sections
    - navigation.prune
    - navigation.top
    - search.highlight
    - content.action.edit  # "edit this page" opens the YAML the page comes from (needs repo_url)
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      primary: indigo
      toggle:
        icon: material/weather-night
        name: Switch to dark mode
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      primary: indigo
      toggle:
        icon: material/weather-sunny
        name: Switch to light mode
plugins:
  - search:
      # Material weighs a tag match a million times a word match, so a one-letter prefix
      # such as "a" (matching the tag "announcement") outranked the question being asked.
      fields:
        tags:
          boost: 10
  - rmhandbook:
      content_dir: content
validation:  # report every link MkDocs cannot follow, so `--strict` fails on it
  omitted_files: warn
  absolute_links: warn
  unrecognized_links: warn
  anchors: warn
"""


def scaffold(target: Path) -> list[Path]:
    """Create a project in `target` (which must not exist or be empty)."""
    target.mkdir(parents=True, exist_ok=True)
    content = target / "content"
    shutil.copytree(SCAFFOLD / "content", content)
    write_schemas(content / "schema")
    (target / "mkdocs.yml").write_text(MKDOCS_YML.format(name="Reverse Mentoring Handbook"), encoding="utf-8")
    return sorted(p for p in target.rglob("*") if p.is_file())
