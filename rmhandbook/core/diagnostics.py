"""Located problems in content, collected rather than raised one at a time.

The core never prints or exits: every stage appends `Diagnostic`s to a
`Diagnostics` collection, and the adapters (MkDocs plugin, CLI) decide how
to show them. Each message teaches: where, what was expected, what was
found, and a valid example.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclasses.dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int  # 1-based
    column: int  # 1-based
    severity: Severity
    message: str

    def format(self) -> str:
        if self.line == 0:  # about a folder, which has no lines
            return f"{self.path}: {self.severity}: {self.message}"
        return f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message}"


class Diagnostics:
    """An ordered, de-duplicated collection of problems found in one run."""

    def __init__(self, root: Path | None = None) -> None:
        self._items: list[Diagnostic] = []
        self._seen: set[Diagnostic] = set()
        self.root = root

    def display_path(self, path: Path | str) -> str:
        p = Path(path)
        if self.root is not None:
            try:
                # the folder is resolved, the name is not: a symlinked file is named as the author sees it
                return printable(_resolved_parent(p).relative_to(self.root.resolve()).as_posix())
            except (ValueError, OSError):
                pass
        return printable(p.as_posix())

    def add(self, path: Path | str, line: int, column: int, message: str, severity: Severity = "error") -> None:
        # line 0 (with column 0) places a problem on a folder as a whole; any other position is at least 1:1
        at = (0, 0) if (line, column) == (0, 0) else (max(1, line), max(1, column))
        d = Diagnostic(self.display_path(path), *at, severity, message)
        if d not in self._seen:
            self._seen.add(d)
            self._items.append(d)

    def error(self, path: Path | str, line: int, column: int, message: str) -> None:
        self.add(path, line, column, message, "error")

    def warning(self, path: Path | str, line: int, column: int, message: str) -> None:
        self.add(path, line, column, message, "warning")

    def extend(self, other: Iterable[Diagnostic]) -> None:
        for d in other:
            if d not in self._seen:
                self._seen.add(d)
                self._items.append(d)

    def since(self, count: int) -> list[Diagnostic]:
        """The problems added after the first `count`, in the order they came."""
        return self._items[count:]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self._items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self._items if d.severity == "warning"]

    def sorted(self) -> list[Diagnostic]:
        return sorted(self._items)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def report(self) -> str:
        """All problems, one per line, followed by a one-line count."""
        lines = [d.format() for d in self.sorted()]
        ne, nw = len(self.errors), len(self.warnings)
        lines.append(f"{ne} error{'s' if ne != 1 else ''}, {nw} warning{'s' if nw != 1 else ''}")
        return "\n".join(lines)


class ContentError(Exception):
    """Raised by the core entry points when the content has errors.

    Carries every diagnostic of the run, not only the first.
    """

    def __init__(self, diagnostics: Diagnostics) -> None:
        self.diagnostics = diagnostics
        super().__init__(diagnostics.report())


def _resolved_parent(p: Path) -> Path:
    return p.parent.resolve() / p.name if p.name not in ("", ".", "..") else p.resolve()


def printable(text: str) -> str:
    """`text` with line breaks and other control characters escaped (`\\n`, `\\x1b`), so that a file
    name cannot start a line of its own and pass for another diagnostic."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] if c != "'" else c for c in text)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' Did you mean `x`?' when a close match exists, else ''."""
    match = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f" Did you mean `{match[0]}`?" if match else ""


@contextlib.contextmanager
def working_on(path: Path | str | None) -> Iterator[None]:
    """Name the input file on any unexpected exception raised while it is processed.

    Content problems are diagnostics; an exception here is a bug in rmhandbook, and
    the bug report (`rmhandbook` exits with status 3) should say which file caused it.
    The innermost file wins.
    """
    try:
        yield
    except Exception as exc:
        if path is not None and failing_input(exc) is None:
            try:
                exc.rmhandbook_input = str(path)  # type: ignore[attr-defined]
            except AttributeError:  # pragma: no cover - exception types with __slots__
                pass
        raise


def failing_input(exc: BaseException) -> Any:
    """The input file named by `working_on` for this exception, if any."""
    return getattr(exc, "rmhandbook_input", None)
