"""The YAML loader: no implicit typing surprises, located refusals, positions kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from rmhandbook.core.diagnostics import Diagnostics
from rmhandbook.core.loader import Mark, load_document


def load(tmp_path: Path, text: str | bytes):
    p = tmp_path / "item.yml"
    p.write_bytes(text if isinstance(text, bytes) else text.encode())
    diags = Diagnostics(tmp_path)
    return load_document(p, diags), [d.format() for d in diags]


@pytest.mark.parametrize("raw, expected", [
    ("no", "no"), ("yes", "yes"), ("on", "on"), ("off", "off"), ("NO", "NO"),
    ("12:30", "12:30"), ("0755", "0755"), ("2024-01-01", "2024-01-01"), ("1_000", "1_000"),
    ("0x1F", "0x1F"), (".inf", ".inf"),
    ("true", True), ("false", False), ("10", 10), ("-3", -3), ("2.5", 2.5), ("~", None), ("null", None),
    ('"true"', "true"), ("'10'", "10"),
])
def test_only_plain_true_false_and_decimal_numbers_are_typed(tmp_path, raw, expected):
    doc, problems = load(tmp_path, f"value: {raw}\n")
    assert problems == []
    assert doc.data["value"] == expected
    assert type(doc.data["value"]) is type(expected)


def test_positions_of_keys_and_values_are_kept(tmp_path):
    doc, _ = load(tmp_path, "title: One\nlist:\n  - a\n  - b: c\n")
    assert doc.values[("title",)] == Mark(1, 8)
    assert doc.keys[("list",)] == Mark(2, 1)
    assert doc.values[("list", 1)] == Mark(4, 5)
    assert doc.keys[("list", 1, "b")] == Mark(4, 5)
    assert doc.mark(("list", 1, "missing")) == Mark(4, 5)


def test_position_inside_a_literal_block(tmp_path):
    doc, _ = load(tmp_path, "text: |\n  first line\n  second [[x]]\n")
    offset = doc.data["text"].index("[[x]]")
    assert doc.text_mark(("text",), offset) == Mark(3, 10)


def test_position_inside_quoted_scalar(tmp_path):
    doc, _ = load(tmp_path, 'text: "ab [[x]]"\n')
    assert doc.text_mark(("text",), 3) == Mark(1, 11)


def test_duplicate_keys_are_errors_with_both_lines(tmp_path):
    doc, problems = load(tmp_path, "title: A\nsummary: B\ntitle: C\n")
    assert problems == ["item.yml:3:1: error: duplicate key `title` (first defined on line 1); "
                        "each key may appear once in a mapping. Remove or rename one of them."]


def test_aliases_are_refused(tmp_path):
    doc, problems = load(tmp_path, "a: &x [1, 2]\nb: *x\n")
    assert doc is None
    assert problems[0].startswith("item.yml:2:4: error: YAML aliases (`*name`")  # where the alias is used


def test_alias_bomb_is_refused_quickly(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8))
    doc, problems = load(tmp_path, bomb)
    assert doc is None and "aliases" in problems[0]


def test_explicit_tags_are_refused(tmp_path):
    doc, problems = load(tmp_path, "a: !!python/object:os.system ls\n")
    assert doc is None
    assert "explicit YAML tags" in problems[0]


def test_several_documents_are_refused(tmp_path):
    doc, problems = load(tmp_path, "a: 1\n---\nb: 2\n")
    assert doc is None
    assert problems == ["item.yml:2:1: error: file holds more than one YAML document (a second `---`); "
                        "expected exactly one. Put each item in a file of its own."]


def test_tab_indentation_names_the_tab(tmp_path):
    doc, problems = load(tmp_path, "a:\n\t- b\n")
    assert doc is None
    assert problems[0].startswith("item.yml:2:1: error: a tab character is used for indentation")


@pytest.mark.parametrize("data, fragment, where", [
    (b"\xff\xfea\x00:\x00", "UTF-16", "1:1"),
    (b"title: caf\xe9\n", "byte 0xe9 is not valid UTF-8", "1:11"),
    (b"title: a\x00b\n", "NUL byte", "1:9"),
    (b"", "file is empty", "1:1"),
    (b"# only a comment\n", "file is empty", "1:1"),
])
def test_bad_bytes_are_located(tmp_path, data, fragment, where):
    doc, problems = load(tmp_path, data)
    assert doc is None
    assert problems[0].startswith(f"item.yml:{where}: error:")
    assert fragment in problems[0]


def test_utf8_bom_is_accepted(tmp_path):
    doc, problems = load(tmp_path, b"\xef\xbb\xbftitle: caf\xc3\xa9\n")
    assert problems == [] and doc.data == {"title": "café"}


def test_deep_nesting_is_an_error_not_a_crash(tmp_path):
    doc, problems = load(tmp_path, "a: " + "[" * 1000 + "]" * 1000 + "\n")
    assert doc is None
    assert "nesting is too deep" in problems[0]


def test_oversized_file_is_refused_before_parsing(tmp_path):
    doc, problems = load(tmp_path, "a: " + "x" * (1024 * 1024 + 10) + "\n")
    assert doc is None
    assert "limited to 1,048,576 bytes" in problems[0]


def test_hash_cutting_a_value_short_warns(tmp_path):
    doc, problems = load(tmp_path, "title: Step #1\n")
    assert doc.data["title"] == "Step"
    assert problems == ["item.yml:1:13: warning: ` #` starts a YAML comment, so this value ends at `Step` and "
                        "`#1` is dropped. Quote the whole value if the `#` belongs to it, for example "
                        "`title: \"Step #1\"`."]


def test_hash_after_space_is_an_ordinary_comment(tmp_path):
    doc, problems = load(tmp_path, "title: Step  # a comment\n")
    assert problems == [] and doc.data["title"] == "Step"
