"""Plugin settings for one run: mkdocs.yml's options, with `RMHANDBOOK_<OPTION>` from the environment over them.

The `rmhandbook` command sets what its flags say (`--content`, `--org`, `--paper`) this way,
because `mkdocs serve` reads mkdocs.yml itself on every rebuild; worker processes inherit
it. A user may do the same, e.g. `RMHANDBOOK_ORGANIZATION=northwind mkdocs build`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

PREFIX = "RMHANDBOOK_"
SHARE_VARIABLE = "RMHANDBOOK_BUILD_SHARE"  # `index/count/links file` of one process of a split build
_BOOLEANS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


@dataclasses.dataclass(frozen=True)
class Share:
    """One process's part of a split build: every `count`-th page, from the `index`-th."""

    index: int
    count: int
    links_file: Path  # where the process saves what it read of its pages, for the link check


@dataclasses.dataclass(frozen=True)
class Settings:
    values: Mapping[str, Any]
    from_environment: frozenset[str]  # options the environment set: they win over an organization's

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


def variable(name: str) -> str:
    return PREFIX + name.upper()


def environment_settings(config: Any, names: Iterable[str]) -> tuple[Settings, Share | None]:
    """The plugin's options with the environment's values over them, checked like mkdocs.yml's."""
    values = dict(config)
    explicit = set()
    for name in names:
        raw = os.environ.get(variable(name))
        if raw is not None:
            values[name] = _parse(name, raw, config.get(name))
            explicit.add(name)
    if explicit:
        checked = type(config)(config_file_path=config.config_file_path)
        checked.load_dict(values)
        failed, _ = checked.validate()
        if failed:
            raise PluginError("rmhandbook: " + "; ".join(f"{variable(k)}: {msg}" for k, msg in failed))
        values = dict(checked)
    return Settings(values, frozenset(explicit)), _share()


def _parse(name: str, raw: str, current: Any) -> Any:
    if isinstance(current, bool):
        if raw.lower() not in _BOOLEANS:
            raise PluginError(f"rmhandbook: {variable(name)} must be true or false; found `{raw}`")
        return _BOOLEANS[raw.lower()]
    if isinstance(current, int):
        try:
            return int(raw)
        except ValueError:
            raise PluginError(f"rmhandbook: {variable(name)} must be a whole number; found `{raw}`") from None
    return raw


def _share() -> Share | None:
    raw = os.environ.get(SHARE_VARIABLE)
    if not raw:
        return None
    index, count, links_file = raw.split("/", 2)
    return Share(int(index), int(count), Path(links_file))


@contextlib.contextmanager
def plugin_settings(values: Mapping[str, Any], share: Share | None = None) -> Iterator[None]:
    """Set the plugin's options (and a split build's share) for the builds run inside, then restore."""
    wanted = {variable(k): _text(v) for k, v in values.items() if v is not None}
    if share is not None:
        wanted[SHARE_VARIABLE] = f"{share.index}/{share.count}/{share.links_file}"
    saved = {k: os.environ.get(k) for k in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
