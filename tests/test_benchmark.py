"""The benchmark's generated handbooks are valid content and build (the timings live in benchmarks/build.py)."""

from __future__ import annotations

import subprocess
import sys

from harness import REPO, build_site

sys.path.insert(0, str(REPO / "benchmarks"))

from generate import generate, split_items  # noqa: E402


def test_generated_handbook_passes_check_and_builds(tmp_path):
    counts = generate(tmp_path, 60)
    assert counts == split_items(60) | {"glossary": counts["glossary"]}
    assert sum(counts[k] for k in ("steps", "scripts", "pitfalls", "faqs")) == 60
    check = subprocess.run([sys.executable, "-m", "rmhandbook", "check", "--content", str(tmp_path / "content")],
                           cwd=REPO, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "ok (24 steps, 15 scripts, 12 pitfalls, 9 faqs)" in check.stdout
    site = build_site(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert len(list((site / "steps").glob("step-*/index.html"))) == 24
    # the same N gives the same files: runs of the benchmark measure the same handbook
    first = (tmp_path / "content" / "steps" / "step-00001.yml").read_text()
    generate(tmp_path, 60)
    assert (tmp_path / "content" / "steps" / "step-00001.yml").read_text() == first
