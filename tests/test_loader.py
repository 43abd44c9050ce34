"""The YAML loader: no implicit typing surprises, located refusals, positions kept."""

from __future__ import annotations

import os
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


def test_a_huge_sparse_file_is_refused_without_reading_it(tmp_path):
    import tracemalloc

    p = tmp_path / "item.yml"
    with open(p, "wb") as fh:
        fh.truncate(3 * 1024 ** 3)  # 3 GiB of holes: no disk used, but reading it would take 3 GiB of memory
    diags = Diagnostics(tmp_path)
    tracemalloc.start()
    try:
        assert load_document(p, diags) is None
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [d.format() for d in diags] == [
        "item.yml:1:1: error: file is 3,221,225,472 bytes; content files are limited to 1,048,576 bytes. "
        "Split it into several files (one step, script or pitfall per file)."]
    assert peak < 4 * 1024 * 1024


def test_a_file_that_grows_past_the_limit_is_read_only_up_to_it(tmp_path, monkeypatch):
    from rmhandbook.core import loader

    p = tmp_path / "item.yml"
    p.write_bytes(b"a: " + b"x" * (loader.MAX_FILE_BYTES + 100) + b"\n")
    real_fstat = os.fstat

    def small_fstat(fd):  # the size seen before reading is stale: the file has grown since
        st = real_fstat(fd)
        return os.stat_result((st.st_mode, *st[1:6], 10, *st[7:]))

    monkeypatch.setattr(loader.os, "fstat", small_fstat)
    with pytest.raises(loader.UnreadableFile, match=r"more than 1,048,577 bytes"):
        loader.read_bytes(p)


def test_a_named_pipe_is_refused_without_blocking(tmp_path):
    from rmhandbook.core.loader import UnreadableFile, read_bytes

    os.mkfifo(tmp_path / "item.yml")
    with pytest.raises(UnreadableFile, match="not a regular file"):
        read_bytes(tmp_path / "item.yml")  # opening a pipe for reading would wait for a writer


def test_an_unreadable_file_is_a_located_error(tmp_path, monkeypatch):
    from rmhandbook.core import loader

    p = tmp_path / "item.yml"
    p.write_text("title: x\n")
    real_open = os.open

    def denied(path, *args, **kwargs):  # as root, chmod 000 does not stop reading: deny it here
        if Path(path) == p:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(loader.os, "open", denied)
    diags = Diagnostics(tmp_path)
    assert load_document(p, diags) is None
    assert [d.format() for d in diags] == ["item.yml:1:1: error: cannot read file: Permission denied."]


@pytest.mark.parametrize("text", ["title: !!str Hold\n", "title: ! Hold\n", "!!map\ntitle: Hold\n",
                                  "tags: !!seq [a]\n", "!!str title: Hold\n"])
def test_every_explicit_tag_is_refused_even_the_harmless_ones(tmp_path, text):
    doc, problems = load(tmp_path, text)
    assert doc is None
    assert len(problems) == 1 and "explicit YAML tags such as `!" in problems[0]


def test_an_exclamation_mark_in_text_is_not_a_tag(tmp_path):
    doc, problems = load(tmp_path, "title: Welcome!\nsummary: '!!str is text here'\n")
    assert problems == [] and doc.data == {"title": "Welcome!", "summary": "!!str is text here"}


@pytest.mark.parametrize("data, where", [
    (b"a: 1\rb: 2\rtitle: caf\xe9\r", "3:11"),         # CR only (classic Mac)
    (b"a: 1\r\nb: 2\r\ntitle: caf\xe9\r\n", "3:11"),   # CR LF counts as one line break
    (b"a: 1\rb: 2\rc: \x00\r", "3:4"),
])
def test_bad_bytes_are_located_whatever_the_line_endings(tmp_path, data, where):
    doc, problems = load(tmp_path, data)
    assert doc is None and problems[0].startswith(f"item.yml:{where}: error:")


def test_a_control_character_is_located_in_a_cr_only_file(tmp_path):
    doc, problems = load(tmp_path, "a: 1\rb: 2\rc: x\x07\r")
    assert doc is None and problems[0].startswith("item.yml:3:5: error: the character U+0007")


@pytest.mark.parametrize("number, digits", [("9" * 5000, "5,000"), ("-" + "1" * 31, "31")])
def test_a_very_long_number_is_a_located_error(tmp_path, number, digits):
    doc, problems = load(tmp_path, f"title: x\norder: {number}\n")
    assert problems == [f"item.yml:2:8: error: the number `{number[:12]}...` has {digits} digits; numbers in content "
                        "are small (at most 30 digits), for example `order: 10`. If it is meant as text, put it in "
                        "quotes."]
    assert doc.data["order"] == number and ("order",) in doc.reported


def test_a_thirty_digit_number_is_still_a_number(tmp_path):
    doc, problems = load(tmp_path, "order: " + "1" * 30 + "\n")
    assert problems == [] and doc.data["order"] == int("1" * 30)


def _loader_without_libyaml(monkeypatch):
    """A separate copy of the loader module, imported as if PyYAML had no libyaml."""
    import importlib.util
    import sys

    import yaml

    import rmhandbook.core.loader as real

    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    spec = importlib.util.spec_from_file_location("loader_without_libyaml", real.__file__)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    assert module._Base is yaml.SafeLoader
    return module


@pytest.mark.parametrize("text", [
    "fields:\n  - {id: ready, label: Are you ready?, kind: text}\n",
    "tags: [why?, how]\n",
])
def test_a_question_mark_in_a_flow_collection_reads_the_same_with_and_without_libyaml(tmp_path, monkeypatch, text):
    path = tmp_path / "form.yml"
    path.write_text(text, encoding="utf-8")
    with_libyaml = Diagnostics(tmp_path)
    assert load_document(path, with_libyaml) is None
    pure = _loader_without_libyaml(monkeypatch)
    without = Diagnostics(tmp_path)
    assert pure.load_document(path, without) is None
    messages = [d.format() for d in with_libyaml]
    assert messages == [d.format() for d in without]
    assert len(messages) == 1 and "Put the value in quotes" in messages[0], messages


def test_a_quoted_question_mark_in_a_flow_mapping_is_accepted(tmp_path):
    path = tmp_path / "form.yml"
    path.write_text('fields:\n  - {id: ready, label: "Are you ready?", kind: text}\n', encoding="utf-8")
    doc = load_document(path, Diagnostics(tmp_path))
    assert doc is not None and doc.data["fields"][0]["label"] == "Are you ready?"
