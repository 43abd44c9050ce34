"""What the command line needs to know of mkdocs.yml before (or instead of) a build.

Read with MkDocs' own YAML reader (it understands `!ENV` and `INHERIT`-free files as
MkDocs does); the plugin's defaults come from its config class, not from a copy.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

PLUGIN = "rmhandbook"


@dataclasses.dataclass(frozen=True)
class SiteConfig:
    file: Path
    data: dict[str, Any]  # mkdocs.yml as data
    plugin: dict[str, Any] | None  # the rmhandbook plugin's options; None when mkdocs.yml does not enable it

    def option(self, name: str) -> Any:
        """A plugin option as mkdocs.yml sets it, else the plugin's default."""
        from rmhandbook.mkdocs.plugin import RmHandbookConfig

        if self.plugin is not None and name in self.plugin:
            return self.plugin[name]
        return vars(RmHandbookConfig)[name].default

    @property
    def content_dir(self) -> Path | None:
        if self.plugin is None:
            return None
        return (self.file.parent / str(self.option("content_dir"))).resolve()

    @property
    def docs_dir(self) -> Path:
        return self.file.parent / str(self.data.get("docs_dir") or "docs")

    @property
    def site_url(self) -> str | None:
        url = self.data.get("site_url")
        return str(url) if url else None

    @property
    def use_directory_urls(self) -> bool:
        return self.data.get("use_directory_urls") is not False

    @property
    def theme(self) -> dict[str, Any]:
        theme = self.data.get("theme")
        return theme if isinstance(theme, dict) else {}


def read_site_config(config_file: Path) -> SiteConfig | None:
    """mkdocs.yml as data; None if it is absent or cannot be read as YAML."""
    if not config_file.is_file():
        return None
    from mkdocs.utils import yaml as mkdocs_yaml

    try:
        with config_file.open(encoding="utf-8") as fh:
            data = mkdocs_yaml.yaml_load(fh) or {}
    except Exception:  # noqa: BLE001 - the caller says the file cannot be read
        return None
    if not isinstance(data, dict):
        return None
    plugin = None
    for entry in data.get("plugins") or []:
        if entry == PLUGIN:
            plugin = {}
        elif isinstance(entry, dict) and PLUGIN in entry:
            plugin = dict(entry[PLUGIN] or {})
    if isinstance(data.get("plugins"), dict) and PLUGIN in data["plugins"]:
        plugin = dict(data["plugins"][PLUGIN] or {})
    return SiteConfig(config_file.resolve(), data, plugin)
