"""The documentation in docs/ describes the tool as it is: every command, option and
plugin setting is on its page, and every link in the README leads to a file."""

from __future__ import annotations

import argparse
import re

from harness import REPO

from rmhandbook.cli import build_parser
from rmhandbook.mkdocs.plugin import RmHandbookPlugin

DOCS = REPO / "docs" / "src"


def test_every_command_and_long_option_is_in_the_command_line_page():
    page = (DOCS / "command-line.md").read_text()
    # argparse has no public way to list subcommands and their options
    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
    missing = [f"rmhandbook {name}" for name in commands if f"`rmhandbook {name}" not in page]
    missing += [f"rmhandbook {name} {option}" for name, parser in commands.items() for action in parser._actions
                for option in action.option_strings if option.startswith("--") and option != "--help"
                and option not in page]
    assert missing == []


def test_every_plugin_option_is_in_the_plugin_page():
    page = (DOCS / "plugin.md").read_text()
    config = RmHandbookPlugin.config_class()
    config.load_dict({})
    config.validate()
    options = list(config)
    assert options and [name for name in options if f"\n      {name}:" not in page] == []


def test_the_readme_links_only_to_files_that_exist():
    readme = (REPO / "README.md").read_text()
    targets = [t for t in re.findall(r"\]\(([^)#\s]+)\)", readme) if not t.startswith("https://")]
    assert "docs/src/getting-started.md" in targets
    assert [t for t in targets if not (REPO / t).is_file()] == []
    assert len(readme.splitlines()) <= 200
