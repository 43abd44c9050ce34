"""The bad-input corpus: every way a hand-edited content folder goes wrong, with its message pinned.

Each case is a folder under tests/corpus/:

    <case>/README               one line: what is wrong (or why it is accepted)
    <case>/content/...          files laid over the scaffold handbook (rmhandbook/outputs/scaffold/content);
                                `<file>.DELETE` removes `<file>`
    <case>/expected.txt         the exact output of `rmhandbook check --content content`

A case is an error case when its expected output counts errors; it must then
exit with status 1, and `rmhandbook build` must report the same problems and
write nothing (the previous site stays byte for byte). Accepted cases exit 0.
`RMH_UPDATE_CORPUS=1 python -m pytest tests/test_corpus.py` rewrites the
expected files: read every diff before committing it.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from rmhandbook.cli import main
from rmhandbook.core.loader import MAX_FILE_BYTES
from rmhandbook.outputs.scaffold import MKDOCS_YML

from sitecompare import snapshot

CORPUS = Path(__file__).parent / "corpus"
SCAFFOLD = Path(__file__).resolve().parents[1] / "rmhandbook" / "outputs" / "scaffold" / "content"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
UPDATE = bool(os.environ.get("RMH_UPDATE_CORPUS"))


def _too_big(content: Path) -> None:
    # a well-formed file just over the cap: the size alone must be the problem
    path = content / "steps" / "first-meeting.yml"
    text = path.read_text(encoding="utf-8")
    filler = "# " + "x" * 98 + "\n"
    path.write_text(text + filler * (MAX_FILE_BYTES // len(filler) + 1), encoding="utf-8")


def _folder_named_yml(content: Path) -> None:
    (content / "steps" / "x.yml").mkdir()


def _fifo_named_yml(content: Path) -> None:
    os.mkfifo(content / "steps" / "x.yml")


def _dangling_symlink(content: Path) -> None:
    (content / "steps" / "x.yml").symlink_to("no-such-file.yml")


def _symlink_outside(content: Path) -> None:
    # read as YAML, its first line would be quoted back in an error message
    (content / "steps" / "leak.yml").symlink_to("/etc/passwd")


def _symlink_inside(content: Path) -> None:
    (content / "steps" / "first-meeting-again.yml").symlink_to("first-meeting.yml")


def _newline_in_name(content: Path) -> None:
    shutil.copyfile(content / "steps" / "first-meeting.yml",
                    content / "steps" / "x\nprogram.yml:3:5: error: forged.yml")


def _escape_in_name(content: Path) -> None:
    shutil.copyfile(content / "faqs" / "basics.yml", content / "faqs" / "basics\x1b[2J.yml")


# cases too large to keep in the repository, or made of what git cannot hold
GENERATED = {"yaml-file-too-big": _too_big, "discovery-folder-named-yml": _folder_named_yml,
             "discovery-fifo-named-yml": _fifo_named_yml, "discovery-dangling-symlink": _dangling_symlink,
             "discovery-symlink-outside-content": _symlink_outside,
             "discovery-symlink-inside-content": _symlink_inside,
             "discovery-newline-in-file-name": _newline_in_name,
             "discovery-escape-sequence-in-file-name": _escape_in_name}


def make_project(case: str, root: Path) -> Path:
    content = Path(shutil.copytree(SCAFFOLD, root / "content"))
    overlay = CORPUS / case / "content"
    if overlay.is_dir():
        for src in sorted(overlay.rglob("*")):
            if not src.is_file():
                continue
            rel = src.relative_to(overlay)
            if rel.name.endswith(".DELETE"):
                (content / rel.parent / rel.name[: -len(".DELETE")]).unlink()
                continue
            (content / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, content / rel)
    if case in GENERATED:
        GENERATED[case](content)
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(name="Corpus"), encoding="utf-8")
    return content


def expected(case: str) -> str:
    path = CORPUS / case / "expected.txt"
    if UPDATE and not path.exists():
        return ""
    return path.read_text(encoding="utf-8")


def is_error_case(text: str) -> bool:
    m = re.search(r"^(\d+) errors?, \d+ warnings?$", text, re.MULTILINE)
    return bool(m and int(m.group(1)) > 0)


def test_the_corpus_is_complete():
    errors = [c for c in CASES if is_error_case(expected(c))]
    assert len(errors) >= 40, f"only {len(errors)} error cases"
    for case in CASES:
        assert (CORPUS / case / "README").read_text().strip(), f"{case}: say what the case is about"


@pytest.mark.parametrize("case", CASES)
def test_check_output_is_pinned(case, tmp_path, monkeypatch, capsys):
    make_project(case, tmp_path)
    monkeypatch.chdir(tmp_path)
    status = main(["check", "--content", "content"])
    captured = capsys.readouterr()
    out = captured.out.replace(str(tmp_path) + os.sep, "")
    if UPDATE:
        (CORPUS / case / "expected.txt").write_text(out, encoding="utf-8")
    assert out == expected(case)
    assert status == (1 if is_error_case(out) else 0)
    assert "Traceback" not in captured.out + captured.err
    if is_error_case(out):
        body = out.splitlines()[:-1]
        assert body and all(re.match(r"^content/\S.*:\d+:\d+: (error|warning): ", line) or line.startswith("    ")
                            or re.match(r"^content\S*: ok \(", line)  # `check` covers each organization too
                            for line in body), out


@pytest.mark.parametrize("case", [c for c in CASES if is_error_case(expected(c))])
def test_build_reports_the_same_and_writes_nothing(case, tmp_path, monkeypatch, capsys):
    make_project(case, tmp_path)
    monkeypatch.chdir(tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>the previous site</p>", encoding="utf-8")
    before = snapshot(site)
    org = ["--org", "acme"] if case.startswith("org-") else []  # the organization cases' profile is `acme`
    status = main(["build", "--content", "content", "--site-dir", "site", "--strict", *org])
    captured = capsys.readouterr()
    assert status == 1
    diagnostics = "".join(line for line in expected(case).splitlines(keepends=True) if ": ok (" not in line)
    assert captured.err.replace(str(tmp_path) + os.sep, "") == diagnostics
    assert snapshot(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "mkdocs.yml", "site"]


def test_accepted_yaml_1_1_words_stay_as_written(tmp_path):
    from rmhandbook.core.handbook import load_handbook

    hb = load_handbook(make_project("yaml11-words-stay-text", tmp_path))
    step = hb.steps["first-meeting"]
    assert (step.title, step.timing, step.summary) == ("no", "12:30", "0755")
    assert hb.pitfalls["tick-box"].impact == "on"


def test_a_bom_is_accepted_and_not_part_of_the_text(tmp_path):
    from rmhandbook.core.handbook import load_handbook

    hb = load_handbook(make_project("yaml-utf8-bom", tmp_path))
    assert hb.steps["first-meeting"].title == "Hold the first meeting"


def test_a_cut_value_warns_and_strict_build_fails_without_writing(tmp_path, monkeypatch, capsys):
    make_project("yaml-hash-cuts-value", tmp_path)
    monkeypatch.chdir(tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>the previous site</p>", encoding="utf-8")
    (site / ".rmhandbook-site").write_text('{"kind": "site", "organization": null, "written_by": "rmhandbook"}\n')
    before = snapshot(site)  # a site rmhandbook wrote (marked): a build may replace it, but this one fails
    assert main(["build", "--content", "content", "--site-dir", "site", "--strict"]) == 1
    err = capsys.readouterr().err
    assert "content/steps/first-meeting.yml:2:21: warning: ` #` starts a YAML comment" in err
    assert "the previous site is unchanged" in err
    assert snapshot(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "mkdocs.yml", "site"]


@pytest.mark.parametrize("command", ["check", "build"])
def test_an_internal_error_is_a_bug_report_naming_the_input(command, tmp_path, monkeypatch, capsys):
    import rmhandbook.core.handbook as handbook

    make_project("yaml11-words-stay-text", tmp_path)
    monkeypatch.chdir(tmp_path)
    real = handbook.validate_document

    def broken(doc, *args, **kwargs):
        if doc.path.name == "tick-box.yml":
            raise ZeroDivisionError("division by zero")
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(handbook, "validate_document", broken)
    monkeypatch.setattr(handbook, "_SHARED", {})  # no cached results from other tests
    site = tmp_path / "site"
    status = main([command, "--content", "content"] + (["--site-dir", "site"] if command == "build" else []))
    err = capsys.readouterr().err
    assert status == 3
    assert err.startswith("rmhandbook: internal error (ZeroDivisionError: division by zero) while running "
                          f"`{command}` on {tmp_path / 'content' / 'pitfalls' / 'tick-box.yml'}. This is a bug")
    assert "Traceback" not in err
    assert not site.exists()


@pytest.mark.parametrize("template, line, problem", [
    ("{% if %}\n", 1, "Expected an expression, got 'end of statement block'"),
    ("# {{ step.title }}\n\n{{ step.titel }}\n", 3, "'rmhandbook.core.model.Step object' has no attribute 'titel'"),
])
def test_an_error_in_a_sites_own_template_is_located(template, line, problem, tmp_path, monkeypatch, capsys):
    make_project("yaml11-words-stay-text", tmp_path)
    overrides = tmp_path / "overrides" / "rmhandbook"
    overrides.mkdir(parents=True)
    (overrides / "step.md.j2").write_text(template, encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text(config.read_text().replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "site").mkdir()
    assert main(["build", "--content", "content", "--site-dir", "site"]) == 1
    err = capsys.readouterr().err
    assert (f"overrides/rmhandbook/step.md.j2:{line}:1: error: error in your template `step.md.j2` while rendering "
            f"`step.md.j2`: {problem}.") in err
    assert "Traceback" not in err and list((tmp_path / "site").iterdir()) == []
    assert main(["export", "--content", "content", "--out", "out"]) == 1
    assert f"overrides/rmhandbook/step.md.j2:{line}:1: error:" in capsys.readouterr().out


def test_a_hash_in_block_text_or_quotes_is_kept(tmp_path):
    from rmhandbook.core.handbook import load_handbook

    step = load_handbook(make_project("yaml-hash-in-block-text-is-kept", tmp_path)).steps["first-meeting"]
    assert (step.why, step.timing, step.order) == ("Note: this is #1 for the pair.\nKeep it.\n", "week #1", 10)
