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
    page = (tmp_path / "out" / "docs" / "steps" / "first-meeting.md").read_text()
    assert page.startswith("---\ntitle: \"Hold the first meeting\"")
    assert (tmp_path / "out" / "docs" / "index.md").is_file()
    assert (tmp_path / "out" / "mkdocs.yml").is_file()  # a whole project (tests/test_export.py builds it)


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


# --- faults of the environment: one line, exit 2, the old site untouched ---------------------------

def _project(tmp_path: Path) -> Path:
    from rmhandbook.outputs.scaffold import MKDOCS_YML
    from rmhandbook.outputs.targets import SITE, Mark, write_mark

    shutil.copytree(SCAFFOLD, tmp_path / "content")
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML.format(name="Faults"), encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>the previous site</p>", encoding="utf-8")
    write_mark(site, Mark(SITE))  # a site rmhandbook wrote: a build may replace it
    return site


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("rmhandbook")]
    assert len(lines) == 1 and "Traceback" not in err and "internal error" not in err, err
    return lines[0]


def test_a_named_pipe_among_the_static_files_is_an_environment_fault(tmp_path, monkeypatch, capsys):
    import os

    from sitecompare import snapshot

    site = _project(tmp_path)
    before = snapshot(site)
    (tmp_path / "content" / "img").mkdir()
    os.mkfifo(tmp_path / "content" / "img" / "pipe.png")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--site-dir", "site", "--quiet"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert line == (f"rmhandbook build: `{tmp_path / 'content' / 'img' / 'pipe.png'}` is a named pipe; the files of a "
                    "site must be regular files or folders. Remove it, or replace it with a file.")
    assert snapshot(site) == before


@pytest.mark.parametrize("code, cause", [
    ("ENOSPC", "the disk is full; free some space and run the command again"),
    ("EROFS", "the file system is read-only; write somewhere else (for example with --site-dir or --out)"),
    ("EACCES", "permission denied; check the permissions of this file or folder (and of the folders above it)"),
])
def test_a_write_that_fails_is_an_environment_fault(code, cause, tmp_path, monkeypatch, capsys):
    import errno
    import shutil as shutil_module

    from sitecompare import snapshot

    site = _project(tmp_path)
    before = snapshot(site)
    real = shutil_module.copyfile

    def failing(src, dst, *args, **kwargs):  # as root, a full or read-only disk can only be pretended
        if str(dst).endswith(".css"):
            raise OSError(getattr(errno, code), os.strerror(getattr(errno, code)), str(dst))
        return real(src, dst, *args, **kwargs)

    import os
    monkeypatch.setattr(shutil_module, "copyfile", failing)
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--site-dir", "site", "--quiet"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert line.startswith("rmhandbook build: cannot use `") and line.endswith(f".css`: {cause}.")
    assert snapshot(site) == before


def test_an_out_folder_under_a_file_is_an_environment_fault(tmp_path, monkeypatch, capsys):
    _project(tmp_path)
    (tmp_path / "a-file").write_text("x")
    monkeypatch.chdir(tmp_path)
    assert main(["export", "--out", "a-file/out"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "a-file" in line


def test_an_os_error_about_our_own_files_is_still_a_bug(tmp_path, monkeypatch, capsys):
    import rmhandbook.cli as cli

    missing = Path(cli.__file__).parent / "render" / "templates" / "gone.md.j2"

    def broken(args):
        raise FileNotFoundError(2, "No such file or directory", str(missing))

    monkeypatch.setitem(cli.COMMANDS, "check", broken)
    assert main(["check"]) == 3
    assert "This is a bug in rmhandbook" in capsys.readouterr().err


def test_an_unreadable_folder_is_a_located_content_error(tmp_path, monkeypatch, capsys):
    content = Path(shutil.copytree(SCAFFOLD, tmp_path / "content"))
    real = Path.iterdir

    def denied(self):  # as root, chmod 000 does not stop reading: deny it here
        if self == content / "steps":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "iterdir", denied)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--content", "content"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        "content/steps: error: cannot read folder: Permission denied. Check its permissions (the folder must be "
        "readable and searchable, for example `chmod 755`).")


def test_a_closed_pipe_ends_quietly(tmp_path):
    import subprocess
    import sys

    content = shutil.copytree(SCAFFOLD, tmp_path / "content")
    proc = subprocess.Popen([sys.executable, "-m", "rmhandbook", "check", "--content", str(content)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    proc.stdout.close()  # like `rmhandbook check | head -0`: the reader is gone before the first line
    err = proc.stderr.read().decode()
    assert proc.wait() == 2
    assert err == ""


def test_a_missing_content_folder_is_not_given_a_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--content", "nowhere"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        f"nowhere: error: content folder `{tmp_path / 'nowhere'}` does not exist; expected a folder with program.yml "
        "and steps/, scripts/, pitfalls/, faqs/ (`rmhandbook new DIR` makes one).")


def test_a_misspelt_time_zone_gets_a_suggestion(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["calendar", "--start", "2026-03-02", "--time", "09:00", "--out", "x.ics", "--tz", "Europe/Berln"]) == 2
    assert capsys.readouterr().err.splitlines()[0] == (
        "rmhandbook calendar: --tz `Europe/Berln` is not a known time zone; use an IANA name such as Europe/Berlin, "
        "America/New_York or UTC. Did you mean `Europe/Berlin`?")
    assert main(["calendar", "--start", "2026-03-02", "--time", "09:00", "--out", "x.ics", "--tz", "Mars/Olympus"]) == 2
    assert capsys.readouterr().err.splitlines()[0].endswith("such as Europe/Berlin, America/New_York or UTC.")


def test_check_counts_agree_with_their_numbers(tmp_path, capsys):
    content = shutil.copytree(SCAFFOLD, tmp_path / "content")
    assert main(["check", "--content", str(content)]) == 0
    assert capsys.readouterr().out.strip().endswith(": ok (2 steps, 1 script, 1 pitfall, 1 FAQ topic)")
