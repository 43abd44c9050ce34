"""Where the files that ship with the renderer are: page templates, stylesheets and scripts, theme overrides."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"  # Jinja page templates; a site's own folder is searched first
ASSETS = HERE / "assets"  # every stylesheet and script here is linked from every page
THEME_DIR = HERE / "theme"  # theme templates an organization's site adds after the site's own custom_dir
