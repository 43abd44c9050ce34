"""The package's floors import one way, and only rmhandbook.mkdocs imports MkDocs (pyproject.toml's contracts)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_the_import_contracts_hold():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert lint, "import-linter is a test dependency: pip install -e '.[test]'"
    result = subprocess.run([lint, "--config", str(REPO / "pyproject.toml")], cwd=REPO, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_contract_fails_when_a_lower_floor_imports_mkdocs(tmp_path):
    """The contracts are not vacuous: a copy of the package whose core imports mkdocs breaks them."""
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    copy = tmp_path / "rmhandbook"
    shutil.copytree(REPO / "rmhandbook", copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "core" / "leak.py").write_text("import mkdocs.config\nfrom rmhandbook.render import pages\n")
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    result = subprocess.run([lint, "--config", str(tmp_path / "pyproject.toml")], cwd=tmp_path, capture_output=True,
                            text=True, env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert result.returncode != 0
    assert "Only rmhandbook.mkdocs imports MkDocs or Material BROKEN" in result.stdout
    assert "One-way floors: core <- render <- outputs <- mkdocs <- cli BROKEN" in result.stdout


def test_no_function_is_longer_than_80_lines():
    """Long functions hide several steps; split them by step, or drive them by a table."""
    import ast

    long = []
    for path in sorted((REPO / "rmhandbook").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > 80:
                    long.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name} ({lines} lines)")
    assert long == []
