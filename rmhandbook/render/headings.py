"""A Markdown extension: glossary hovers (`<abbr>`) belong in running text, not in headings.

The abbr extension marks a glossary term wherever it appears, page titles included
("Facilitator pack: Mentor" with a dotted underline and a hover). This runs after it and
before the table of contents and turns every `<abbr>` inside h1-h6 back into its text.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

import markdown
from markdown.treeprocessors import Treeprocessor

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def unwrap_abbreviations(root: etree.Element) -> int:
    """Replace each `<abbr>` inside a heading with its text; returns how many."""
    count = 0
    for heading in [el for el in root.iter() if el.tag in HEADINGS]:
        for parent in list(heading.iter()):
            for child in list(parent):
                if child.tag != "abbr":
                    continue
                index = list(parent).index(child)
                text = "".join(child.itertext()) + (child.tail or "")
                if index == 0:
                    parent.text = (parent.text or "") + text
                else:
                    previous = parent[index - 1]
                    previous.tail = (previous.tail or "") + text
                parent.remove(child)
                count += 1
    return count


class _HeadingTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        unwrap_abbreviations(root)


class PlainHeadingsExtension(markdown.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        # after the abbr extension (7), before the table of contents (5)
        md.treeprocessors.register(_HeadingTreeprocessor(md), "rmhandbook_plain_headings", 6)


def makeExtension(**kwargs) -> PlainHeadingsExtension:  # noqa: N802 - Python-Markdown's entry point
    return PlainHeadingsExtension(**kwargs)
