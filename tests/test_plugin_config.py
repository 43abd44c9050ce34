"""The plugin's options: typed, unknown ones refused with a suggestion, and set for one run from the environment."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCAFFOLD = REPO / "rmhandbook" / "outputs" / "scaffold" / "content"


def _project(tmp_path: Path, plugin_lines: str) -> Path:
    shutil.copytree(SCAFFOLD, tmp_path / "content")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\ndocs_dir: content\ntheme:\n  name: material\n  font: false\nplugins:\n  - search\n  - rmhandbook:\n"
        + plugin_lines)
    return tmp_path


def _build(project: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-m", "rmhandbook", "build", *args], cwd=project, capture_output=True,
                          text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})


def test_a_misspelt_option_is_an_error_with_a_suggestion(tmp_path):
    project = _project(tmp_path, "      content_dri: content\n")
    result = _build(project)
    assert result.returncode == 1
    assert ("option 'content_dri': rmhandbook has no option `content_dri`. Did you mean `content_dir`?"
            in result.stderr + result.stdout)
    assert not (project / "site").exists()


def test_an_option_of_the_wrong_type_is_an_error(tmp_path):
    project = _project(tmp_path, "      paper: a5\n")
    result = _build(project)
    assert result.returncode == 1 and "option 'paper'" in result.stderr + result.stdout


def test_the_environment_sets_an_option_for_one_run(tmp_path):
    project = _project(tmp_path, "      content_dir: content\n")
    result = _build(project, env={"RMHANDBOOK_PAPER": "letter"})
    assert result.returncode == 0, result.stderr
    assert "size: letter;" in (project / "site" / "assets" / "rmhandbook" / "page.css").read_text()
    result = _build(project)
    assert "size: A4;" in (project / "site" / "assets" / "rmhandbook" / "page.css").read_text()


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("RMHANDBOOK_PAPER", "a5", "RMHANDBOOK_PAPER"),
    ("RMHANDBOOK_GENERATE_NAV", "maybe", "RMHANDBOOK_GENERATE_NAV must be true or false; found `maybe`"),
    ("RMHANDBOOK_NAV_MAX_SECTION_ITEMS", "many", "must be a whole number; found `many`"),
])
def test_a_bad_value_in_the_environment_is_an_error_naming_the_variable(tmp_path, variable, value, message):
    project = _project(tmp_path, "      content_dir: content\n")
    result = _build(project, env={variable: value})
    assert result.returncode == 1
    assert message in result.stderr + result.stdout
