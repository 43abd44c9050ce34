"""Read content YAML into plain Python values that remember where they came from.

YAML is parsed by a private SafeLoader subclass (the C one where available)
whose implicit resolvers are removed, so nothing is typed behind the
author's back: only `true`/`false` are booleans, `null`/`~` is null, plain
decimal numbers are numbers, and everything else (`no`, `on`, `12:30`,
`0755`, `2024-01-01`) stays a string. The node graph is then walked by hand:
duplicate keys, aliases, explicit tags and excessive nesting become
diagnostics, and every key and value keeps its line and column.

Global PyYAML state is never touched.
"""

from __future__ import annotations

import dataclasses
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from rmhandbook.core.diagnostics import Diagnostics

try:  # the C parser is about ten times faster on many small files
    _Base = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _Base = yaml.SafeLoader


class _ContentLoader(_Base):  # type: ignore[misc, valid-type]
    """SafeLoader without implicit typing; we type plain scalars ourselves."""

    yaml_implicit_resolvers: dict = {}


MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 64
MAX_DIGITS = 30

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\Z")

Path_ = tuple  # a path into the data: keys and list indices


@dataclasses.dataclass(frozen=True)
class Mark:
    line: int  # 1-based
    column: int  # 1-based


@dataclasses.dataclass
class Document:
    """One YAML file: its data and where each part of it stands."""

    path: Path
    data: Any
    text: str
    values: dict[Path_, Mark]  # where each value starts
    keys: dict[Path_, Mark]  # where each mapping key starts
    scalar_styles: dict[Path_, str | None] = dataclasses.field(default_factory=dict)
    # where plain values start and end: (start line, start column, end line, end column, text)
    plain_ends: list[tuple[int, int, int, int, str]] = dataclasses.field(default_factory=list)
    # values the loader already reported (a number too long to read): validation says nothing more there
    reported: set[Path_] = dataclasses.field(default_factory=set)

    def mark(self, loc: Path_) -> Mark:
        """The best known position for `loc`: its value, else its key, else its nearest parent."""
        loc = tuple(loc)
        while True:
            if loc in self.values:
                return self.values[loc]
            if loc in self.keys:
                return self.keys[loc]
            if not loc:
                return Mark(1, 1)
            loc = loc[:-1]

    def key_mark(self, loc: Path_) -> Mark:
        loc = tuple(loc)
        return self.keys.get(loc) or self.mark(loc)

    def text_mark(self, loc: Path_, offset: int) -> Mark:
        """Position of character `offset` inside the string value at `loc`.

        Exact for single-line and literal block scalars; for folded or
        multi-line flow scalars it is the best line we can tell.
        """
        start = self.mark(loc)
        value = self.data
        try:
            for k in loc:
                value = value[k]
        except (KeyError, IndexError, TypeError):
            return start
        if not isinstance(value, str):
            return start
        style = self.scalar_styles.get(tuple(loc))
        before = value[:offset]
        nl = before.count("\n")
        if style in ("|", ">"):
            lines = self.text.splitlines()
            first = start.line  # the indicator line; content starts below it
            content_line = first + 1 + nl
            indent = 0
            if first < len(lines):
                src = lines[first] if first < len(lines) else ""
                indent = len(src) - len(src.lstrip(" "))
            if style == ">":
                return Mark(first + 1, indent + 1)
            col = len(before) - (before.rfind("\n") + 1) if nl else len(before)
            return Mark(content_line, indent + col + 1)
        if nl:
            return start
        quote = 1 if style in ("'", '"') else 0
        return Mark(start.line, start.column + quote + len(before))


_MAPPING_EXAMPLES = {
    "steps": "title: Hold the first meeting\n    phase: partnership",
    "scripts": "title: First-meeting opener\n    situation: The first five minutes of the first meeting.",
    "pitfalls": "title: Meetings become a monthly tick-box\n    severity: high",
    "faqs": "title: Basics\n    questions:",
    "program": "name: Reverse Mentoring Program\n    summary: ...",
    "glossary": "entries:\n      - term: Reverse mentoring",
}


def _expected_mapping_example(path: Path) -> str:
    kind = path.stem if path.stem in ("program", "glossary") else path.parent.name
    example = _MAPPING_EXAMPLES.get(kind, "title: Hold the first meeting\n    summary: ...")
    return f"for example:\n    {example}"


def _position(data: bytes | str, offset: int) -> tuple[int, int]:
    """(line, column) of `offset`, counting CR LF, CR and LF as line breaks as YAML does."""
    nl, cr = ("\n", "\r") if isinstance(data, str) else (b"\n", b"\r")
    before = data[:offset].replace(cr + nl, nl).replace(cr, nl)  # type: ignore[operator, arg-type]
    return before.count(nl) + 1, len(before) - (before.rfind(nl) + 1) + 1  # type: ignore[arg-type]


class UnreadableFile(Exception):
    """A content file that cannot be read as it stands; the message says why and what to do."""


def read_bytes(path: Path) -> bytes:
    """The bytes of a content file, reading at most MAX_FILE_BYTES + 1 of them.

    The size is checked before reading, and the open does not block on a FIFO, so neither
    a huge (or sparse) file nor a named pipe can hold the run up. Raises UnreadableFile.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise UnreadableFile(f"cannot read file: {exc.strerror or exc}.") from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise UnreadableFile("this is not a regular file (a folder, a device or a named pipe); "
                                 "content files are plain YAML text files. Remove it or rename it.")
        if st.st_size > MAX_FILE_BYTES:
            raise UnreadableFile(_too_big(st.st_size))
        try:
            raw = fh.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise UnreadableFile(f"cannot read file: {exc.strerror or exc}.") from None
    if len(raw) > MAX_FILE_BYTES:  # it grew after the size was checked
        raise UnreadableFile(_too_big(len(raw), at_least=True))
    return raw


def _too_big(size: int, at_least: bool = False) -> str:
    return (f"file is {'more than ' if at_least else ''}{size:,} bytes; content files are limited to "
            f"{MAX_FILE_BYTES:,} bytes. Split it into several files (one step, script or pitfall per file).")


def read_text(path: Path, diags: Diagnostics, raw: bytes | None = None) -> str | None:
    """Bytes to text: UTF-8 only (a BOM is accepted), with located errors."""
    if raw is None:
        try:
            raw = read_bytes(path)
        except UnreadableFile as exc:
            diags.error(path, 1, 1, str(exc))
            return None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        diags.error(path, 1, 1, "file is encoded as UTF-16; expected UTF-8. "
                    "Save it as UTF-8 (in most editors: File > Save with Encoding > UTF-8).")
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    nul = raw.find(b"\x00")
    head = raw[:200]
    if nul >= 0 and len(head) >= 4 and (head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4):
        # ASCII text saved as UTF-16 without a byte order mark: every other byte is NUL
        diags.error(path, 1, 1, "file is encoded as UTF-16 (without a byte order mark); expected UTF-8. "
                    "Save it as UTF-8 (in most editors: File > Save with Encoding > UTF-8).")
        return None
    if nul >= 0:
        line, col = _position(raw, nul)
        diags.error(path, line, col, "file contains a NUL byte; expected UTF-8 text. "
                    "Is this a binary file saved with a .yml name?")
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _position(raw, exc.start)
        diags.error(path, line, col, f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; expected UTF-8 text. "
                    "Save the file as UTF-8 (accented letters such as é must be stored as UTF-8).")
        return None


def load_document(path: Path, diags: Diagnostics, raw: bytes | None = None) -> Document | None:
    """Parse one YAML file (or its bytes, already read). Returns None (with diagnostics) when it cannot be used."""
    text = read_text(path, diags, raw)
    if text is None:
        return None
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        diags.error(path, 1, 1, "file is empty; expected a mapping of fields, " + _expected_mapping_example(path))
        return None
    loader = _ContentLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.composer.ComposerError as exc:  # several documents in one file
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        diags.error(path, line, col, "file holds more than one YAML document (a second `---`); "
                    "expected exactly one. Put each item in a file of its own.")
        return None
    except yaml.MarkedYAMLError as exc:
        # newer libyaml refuses deep nesting itself, with its own words and position:
        # report it exactly as the walker below does, wherever the limit was met
        deep = _too_deep(text) if "nesting depth" in str(exc.problem or "") else None
        if deep is not None:
            diags.error(path, deep.line, deep.column, _TOO_DEEP)
        else:
            _syntax_error(path, text, exc, diags)
        return None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, located by offset
        pos = exc.position if isinstance(exc.position, int) else 0
        line, col = _position(text, pos)
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
        diags.error(path, line, col, f"the character U+{code:04X} (a control character) is not allowed in YAML; "
                    "delete it. Such characters often come with text copied from a PDF or a word processor.")
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - every YAMLError PyYAML raises has a mark or a position
        diags.error(path, 1, 1, f"not valid YAML: {exc}")
        return None
    except RecursionError:
        diags.error(path, 1, 1, _TOO_DEEP)
        return None
    finally:
        loader.dispose()
    strict = _pure_parser_refusal(text)
    if strict is not None:
        _syntax_error(path, text, strict, diags)
        return None
    if node is None or (isinstance(node, yaml.ScalarNode) and node.value == "" and not node.style):
        # nothing at all, or only `---` / `~`: an empty document
        diags.error(path, 1, 1, "file is empty; expected a mapping of fields, " + _expected_mapping_example(path))
        return None
    tagged = _first_explicit_tag(text) if "!" in text else None
    if tagged is not None:  # even `!!str`, which would change nothing: the rule is no tags at all
        diags.error(path, tagged[0], tagged[1], _tag_message(tagged[2]))
        return None
    doc = Document(path=path, data=None, text=text, values={}, keys={})
    walker = _Walker(doc, diags)
    try:
        doc.data = walker.build(node, (), 0)
    except _Abort:
        return None
    _warn_cut_comments(doc, diags)
    return doc


def _pure_parser_refusal(text: str) -> yaml.MarkedYAMLError | None:
    """The error PyYAML's pure-Python parser gives for a text libyaml accepted, if any.

    The two parsers disagree inside flow collections: libyaml reads `{label: Is it ok?, kind: text}`
    as a mapping, the pure-Python parser ends the plain scalar at `?` and refuses it. A content
    folder must read the same on every machine, so what either parser refuses is refused.
    Only texts with a flow collection and a `?` are read twice.
    """
    if _Base is yaml.SafeLoader or "?" not in text or ("{" not in text and "[" not in text):
        return None
    loader = yaml.SafeLoader(text)
    try:
        while loader.check_event():
            loader.get_event()
    except yaml.MarkedYAMLError as exc:
        return exc
    except yaml.YAMLError:  # pragma: no cover - libyaml read the text, so only marked errors are left
        return None
    finally:
        loader.dispose()
    return None


_TOO_DEEP = f"nesting is too deep; content files nest at most {MAX_DEPTH} levels."


def _too_deep(text: str) -> Mark | None:
    """Where the first collection nested deeper than MAX_DEPTH starts (the node the walker would name).

    Read with the pure-Python parser: libyaml's scanner looks ahead across a whole flow
    collection and meets its own depth limit before it hands out the first event; the
    Python parser produces events without recursion, so deep input is no problem here.
    """
    loader = yaml.SafeLoader(text)
    depth = 0  # collections open around the next event
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if depth > MAX_DEPTH:
                    return Mark(event.start_mark.line + 1, event.start_mark.column + 1)
                depth += 1
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    return None


def _syntax_error(path: Path, text: str, exc: yaml.MarkedYAMLError, diags: Diagnostics) -> None:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = (exc.problem or "").strip()
    lines = text.splitlines()
    src = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in problem or "tab" in problem or ("\t" in src[: max(col, 1)] and "\t" in src):
        tab_col = src.find("\t") + 1 if "\t" in src else col
        diags.error(path, line, tab_col, "a tab character is used for indentation; YAML expects spaces. "
                    "Replace the tab with spaces, for example `  - item` (two spaces).")
        return
    cm = exc.context_mark
    opened = f"line {cm.line + 1}, column {cm.column + 1}" if cm is not None else None
    context = (exc.context or "").strip()
    if "found unexpected end of stream" in problem and "quoted scalar" in context and cm is not None:
        # the place to fix is the opening quote, not the end of the file where the parser gave up
        diags.error(path, cm.line + 1, cm.column + 1, "not valid YAML: this quote is never closed, so the rest of the "
                    "file was read as part of the value. Close it at the end of the value, for example "
                    "`title: \"Hold the first meeting\"`.")
        return
    if "but got '?'" in problem and cm is not None:
        diags.error(path, line, col, "not valid YAML: a `?` inside a `{ }` mapping or a `[ ]` list ends the value "
                    "for some YAML parsers, so this file would not read the same everywhere. Put the value in "
                    "quotes, for example `{label: \"Is it clear?\", kind: text}`.")
        return
    if "flow sequence" in context and "expected ',' or ']'" in problem and cm is not None:
        opener = lines[cm.line] if cm.line < len(lines) else ""
        key = re.match(r"\s*(?:-\s+)?([\w-]+):", opener)
        diags.error(path, cm.line + 1, cm.column + 1, "not valid YAML: this `[` list is never closed with `]` "
                    f"(the parser gave up at line {line}, column {col}). For example "
                    f"`{key.group(1) if key else 'tags'}: [first, second]`; quote an item that contains a comma.")
        return
    if "flow mapping" in context and "expected ',' or '}'" in problem and cm is not None:
        diags.error(path, cm.line + 1, cm.column + 1, "not valid YAML: this `{` mapping is never closed with `}` "
                    f"(the parser gave up at line {line}, column {col}). For example `actions: {{mentor: Listen.}}`.")
        return
    if problem.startswith("mapping values are not allowed"):
        diags.error(path, line, col, "not valid YAML: found `: ` where a value was expected. If the value itself "
                    "contains `: `, put it in quotes, for example `title: \"Step one: meet\"`; otherwise this line is "
                    "indented more than the keys around it.")
        return
    if "found unknown escape character" in problem:
        diags.error(path, line, col, "not valid YAML: inside double quotes a backslash starts an escape such as "
                    "`\\n`, and this one is unknown. Use single quotes, which take backslashes as they are "
                    "(for example `title: 'C:\\Users'`), or write the backslash twice.")
        return
    if "did not find expected '-' indicator" in problem:
        diags.error(path, line, col, "not valid YAML: this line does not line up with the list above it "
                    f"(the list started at {opened}). Every item starts with `- ` (a dash and a space) at the same "
                    "indentation, for example `  - id: book-slots`.")
        return
    if "did not find expected key" in problem or "could not find expected ':'" in problem:
        diags.error(path, line, col, "not valid YAML: this line does not line up with the keys above it"
                    f"{f' (the mapping started at {opened})' if opened else ''}. Keys of one mapping start at the same "
                    "column and are followed by `: `, for example `title: Hold the first meeting`; a value that runs "
                    "over several lines needs `|` or quotes.")
        return
    context = f" {context}," if context else ""
    started = (f" (it started at {opened})"
               if cm is not None and mark is not None and (cm.line, cm.column) != (mark.line, mark.column) else "")
    diags.error(path, line, col, f"not valid YAML:{context} {problem}{started}. "
                "Check the indentation and quoting around this place; a value containing `: ` "
                "or starting with a special character needs quotes, for example `title: \"Step: one\"`.")


class _Abort(Exception):
    pass


def _first_alias(text: str) -> tuple[int, int] | None:
    """(line, column) of the first `*alias` in a document that is known to parse."""
    try:
        for event in yaml.parse(text, Loader=_ContentLoader):
            if isinstance(event, yaml.AliasEvent):
                return event.start_mark.line + 1, event.start_mark.column + 1
    except yaml.YAMLError:  # pragma: no cover - the text was composed once already
        return None
    return None


def _first_explicit_tag(text: str) -> tuple[int, int, str] | None:
    """(line, column, tag) of the first tag written in a document that is known to parse.

    The composed nodes cannot tell `!!str x` from `x`: only the events still carry the tag as written.
    """
    try:
        for event in yaml.parse(text, Loader=_ContentLoader):
            tag = getattr(event, "tag", None)
            if tag is not None:
                return event.start_mark.line + 1, event.start_mark.column + 1, tag
    except yaml.YAMLError:  # pragma: no cover - the text was composed once already
        return None
    return None


def _tag_message(tag: str) -> str:
    if tag.startswith("tag:yaml.org,2002:"):
        tag = "!!" + tag[len("tag:yaml.org,2002:"):]  # as the author wrote it
    return (f"explicit YAML tags such as `{tag}` are not supported; "
            "remove the tag, and quote the value if it must stay text.")


class _Walker:
    def __init__(self, doc: Document, diags: Diagnostics) -> None:
        self.doc = doc
        self.diags = diags
        self.active: set[int] = set()
        self.seen: set[int] = set()

    def error(self, node: yaml.Node, message: str) -> None:
        self.diags.error(self.doc.path, node.start_mark.line + 1, node.start_mark.column + 1, message)

    def build(self, node: yaml.Node, loc: Path_, depth: int) -> Any:
        if depth > MAX_DEPTH:
            self.error(node, _TOO_DEEP)
            raise _Abort
        if id(node) in self.seen:
            # the composer hands back the very same node for an alias; its marks are the
            # anchor's, so find where the first alias is written
            line, col = _first_alias(self.doc.text) or (node.start_mark.line + 1, node.start_mark.column + 1)
            self.diags.error(self.doc.path, line, col, "YAML aliases (`*name`, repeating an `&name` anchor) are not "
                             "supported; write the value out in full where it is needed.")
            raise _Abort
        self.seen.add(id(node))
        self.doc.values[loc] = Mark(node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, loc)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self.bad_tag(node)
            return [self.build(item, loc + (i,), depth + 1) for i, item in enumerate(node.value)]
        if node.tag != _MAP:
            self.bad_tag(node)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                self.error(key_node, "keys must be plain words, for example `title:`; "
                           "found a list, mapping or tagged value used as a key.")
                continue
            key = key_node.value
            if key == "<<":
                self.error(key_node, "merge keys (`<<:`) are not supported; write the fields out in full.")
                raise _Abort  # the fields it would merge are unknown: checking the rest would only guess
            key_mark = Mark(key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in out:
                first = self.doc.keys[loc + (key,)]
                self.diags.error(self.doc.path, key_mark.line, key_mark.column,
                                 f"duplicate key `{key}` (first defined on line {first.line}); "
                                 "each key may appear once in a mapping. Remove or rename one of them.")
                continue
            self.doc.keys[loc + (key,)] = key_mark
            out[key] = self.build(value_node, loc + (key,), depth + 1)
        return out

    def bad_tag(self, node: yaml.Node) -> None:
        self.error(node, _tag_message(node.tag))
        raise _Abort

    def scalar(self, node: yaml.ScalarNode, loc: Path_) -> Any:
        if node.tag != _STR:
            self.bad_tag(node)
        style = node.style or None  # the C parser says '' for plain scalars, the Python one None
        self.doc.scalar_styles[loc] = style
        value = node.value
        if style is not None:  # quoted or block scalar: always text
            return value
        if value:  # where a plain value ends, to tell whether a ` #` cut it short
            self.doc.plain_ends.append((node.start_mark.line + 1, node.start_mark.column + 1,
                                        node.end_mark.line + 1, node.end_mark.column + 1, value))
        if value in ("true", "True", "TRUE"):
            return True
        if value in ("false", "False", "FALSE"):
            return False
        if value in ("", "~", "null", "Null", "NULL"):
            return None
        if _INT.match(value):
            digits = len(value.lstrip("+-"))
            if digits > MAX_DIGITS:  # int() refuses very long numbers, and none is meant here
                shown = value if len(value) <= 20 else value[:12] + "..."
                self.error(node, f"the number `{shown}` has {digits:,} digits; numbers in content are small "
                           f"(at most {MAX_DIGITS} digits), for example `order: 10`. If it is meant as text, "
                           f"put it in quotes.")
                self.doc.reported.add(loc)
                return value
            return int(value)
        if _FLOAT.match(value):
            return float(value)
        return value


_AFTER_VALUE = re.compile(r"\s+#(\S.*)$")


def _warn_cut_comments(doc: Document, diags: Diagnostics) -> None:
    """Warn where ` #` silently cut a plain value short (`title: Step #1` is `Step`).

    Only plain (unquoted, non-block) values can be cut, and only a `#` glued to what follows
    (`#1`, `#hashtag`) looks like part of the value; `value  # a note` is an ordinary comment.
    """
    lines = doc.text.splitlines()
    for start_line, start_col, line, col, value in doc.plain_ends:
        rest = lines[line - 1][col - 1:] if 0 < line <= len(lines) else ""
        m = _AFTER_VALUE.match(rest)
        if not m:
            continue
        hash_col = col + rest.index("#")
        shown = value.split("\n")[-1].strip()
        quoted = f"\"{value.strip()} #{m.group(1)}\"" if start_line == line else f"\"... {shown} #{m.group(1)}\""
        before = lines[start_line - 1][:start_col - 1].strip() if start_line == line else ""
        diags.warning(doc.path, line, hash_col, f"` #` starts a YAML comment, so this value ends at `{shown}` "
                      f"and `#{m.group(1)}` is dropped. Quote the whole value if the `#` belongs to it, "
                      f"for example `{(before + ' ') if before else ''}{quoted}`.")
