"""The command line: exit codes, output, and the commands that do not need a browser."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from rmhandbook.cli import main
from rmhandbook.outputs.schema import schema_documents

REPO = Path(__file__).resolve().parents[1]
SCAFFOLD = REPO / "rmhandbook" / "outputs" / "scaffold" / "content"


def test_check_clean_content(capsys):
    assert main(["check", "--content", str(REPO / "content")]) == 0
    assert ": ok (" in capsys.readouterr().out


def test_check_reports_every_problem_and_exits_1(tmp_path, capsys):
    content = Path(shutil.copytree(SCAFFOLD, tmp_path / "content"))
    (content / "steps" / "first-meeting.yml").write_text("title: [unclosed\n")
    (content / "pitfalls" / "tick-box.yml").write_text("title: x\ntitle: y\n")
    assert main(["check", "--content", str(content)]) == 1
    out = [line.split("/content/", 1)[-1] for line in capsys.readouterr().out.splitlines()]
    assert out == [
        "pitfalls/tick-box.yml:1:1: error: missing required fields in this pitfall: `severity`, `signs`, `cause`, "
        "`impact`, `workaround`; for example `severity: low`.",
        "pitfalls/tick-box.yml:2:1: error: duplicate key `title` (first defined on line 1); each key may appear once "
        "in a mapping. Remove or rename one of them.",
        "steps/first-meeting.yml:1:8: error: not valid YAML: this `[` list is never closed with `]` (the parser gave "
        "up at line 2, column 1). For example `title: [first, second]`; quote an item that contains a comma.",
        "3 errors, 0 warnings",
    ]
    assert "Traceback" not in "\n".join(out)


def test_usage_errors_exit_2(capsys):
    assert main(["check", "--no-such-option"]) == 2
    assert main(["frobnicate"]) == 2
    assert main([]) == 2
    assert main(["export"]) == 2  # --out is required
    err = capsys.readouterr().err
    assert "Traceback" not in err and "usage" in err.lower() or "--out" in err


def test_missing_content_folder_is_a_content_error(tmp_path, capsys):
    assert main(["check", "--content", str(tmp_path / "nope")]) == 1
    assert "does not exist" in capsys.readouterr().out


def test_internal_errors_exit_3_and_name_the_input(monkeypatch, capsys):
    import rmhandbook.cli as cli

    def boom(*a, **k):
        raise RuntimeError("kaput")

    monkeypatch.setitem(cli.COMMANDS, "check", boom)
    assert main(["check", "--content", "somewhere"]) == 3
    err = capsys.readouterr().err
    assert "internal error (RuntimeError: kaput)" in err and "somewhere" in err and "Traceback" not in err


def test_export_writes_plain_markdown(tmp_path):
    assert main(["export", "--content", str(SCAFFOLD), "--out", str(tmp_path / "out")]) == 0
    page = (tmp_path / "out" / "steps" / "first-meeting.md").read_text()
    assert page.startswith("---\ntitle: \"Hold the first meeting\"")
    assert (tmp_path / "out" / "index.md").is_file()


def test_schema_files_in_content_are_current():
    """content/schema/ is what editors read; it must match the models (run `rmhandbook schema` after a change)."""
    docs = schema_documents()
    on_disk = {p.name: p.read_text() for p in (REPO / "content" / "schema").glob("*.json")}
    assert on_disk == docs


def test_every_content_file_points_at_an_existing_schema():
    for path in sorted((REPO / "content").rglob("*.yml")):
        first = path.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("=", 1)[1]).resolve()
        assert target.is_file(), f"{path}: {target} does not exist"
        json.loads(target.read_text())


def test_schema_rejects_what_the_model_rejects():
    import jsonschema  # the validator editors' YAML language servers behave like

    step = json.loads(schema_documents()["step.schema.json"])
    ok = {"title": "T", "phase": "p", "order": 1, "summary": "s", "why": "w", "timing": "t",
          "actions": {"mentor": "x"}, "checklist": [{"id": "a", "role": "mentor", "text": "x"}]}
    jsonschema.validate(ok, step)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**ok, "titel": "x"}, step)


def test_new_scaffolds_a_project_that_checks_and_builds(tmp_path, monkeypatch):
    target = tmp_path / "hb"
    assert main(["new", str(target)]) == 0
    assert main(["new", str(target)]) == 2  # not empty any more
    monkeypatch.chdir(target)
    assert main(["check"]) == 0  # content dir from the plugin's setting in mkdocs.yml
    assert main(["build", "--strict", "-q"]) == 0
    assert (target / "site" / "steps" / "first-meeting" / "index.html").is_file()


def test_build_with_content_override_and_site_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    other = Path(shutil.copytree(SCAFFOLD, tmp_path / "other"))
    assert main(["build", "--content", str(other), "--site-dir", str(tmp_path / "site"), "-q"]) == 0
    assert (tmp_path / "site" / "steps" / "set-objectives" / "index.html").is_file()
    assert not (tmp_path / "site" / "steps" / "celebrate").exists()  # default content's step is not there


def test_failed_build_keeps_the_previous_site(tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    content = Path(shutil.copytree(SCAFFOLD, tmp_path / "content"))
    site = tmp_path / "site"
    assert main(["build", "--content", str(content), "--site-dir", str(site), "-q"]) == 0
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    (content / "steps" / "first-meeting.yml").write_text("title: x\n")
    assert main(["build", "--content", str(content), "--site-dir", str(site), "-q"]) == 1
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert oct(site.stat().st_mode & 0o777) == "0o755"
