"""Keep content from turning the handbook against its readers.

The first wall is in the core (`rmhandbook/core/prose.py`): every prose value
is rendered to HTML on its own, without raw HTML, cleaned by nh3 with an
allowlist, and written into the page so that the page's Markdown cannot read
it again. Generated pages are safe without anything in this module.

This module is the second wall, for every page of the site (including the
site's own Markdown pages), and the values MkDocs prints unescaped:

* `html_attribute` escapes values that MkDocs/Material print into HTML
  unescaped (front matter `title` and `description`).
* `SafeMarkupExtension`, a Markdown extension, walks the element tree last:
  it removes `on*` and `style` attributes, ids that belong to the theme
  (`__config`, `__search`, ...), and every link or source whose scheme is
  not http(s), mailto or tel and not relative (`javascript:`, `data:`, ...);
  an image, video or frame that would load from another host loses its
  source. Raw HTML blocks of a site's own pages are not in the tree and
  are not cleaned here (docs/src/security.md says so).
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from urllib.parse import urlsplit

import markdown
from markdown.treeprocessors import Treeprocessor

from rmhandbook.core.prose import is_relative_url

SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "cite", "background", "data", "xlink:href")

def html_attribute(text: str) -> str:
    """A value for a place MkDocs or Material prints into HTML without escaping it."""
    return html.escape(text, quote=True)


def is_safe_url(url: str) -> bool:
    """True for relative links (pages, anchors, paths) and http(s), mailto and tel links."""
    # browsers ignore ASCII whitespace and control characters inside a scheme (`java\tscript:`)
    squeezed = re.sub(r"[\x00-\x20\x7f]+", "", html.unescape(url))
    if squeezed.startswith(("//", "\\\\", "/\\", "\\/")):
        return False  # a protocol-relative link leaves the intranet host
    try:
        scheme = urlsplit(squeezed).scheme
    except ValueError:
        return False
    if not scheme:
        return ":" not in squeezed.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return scheme.lower() in SAFE_SCHEMES


# Attributes whose URL the browser fetches as the page loads (a link's href waits for a click).
LOAD_ATTRIBUTES = frozenset({"src", "poster", "data", "background", "srcset", "xlink:href"})
# Material's own classes that a page of the site may use on purpose (`{ .md-button }`).
THEME_CLASSES_ALLOWED = frozenset({"md-button", "md-button--primary"})


def is_theme_id(value: str) -> bool:
    """Ids Material looks up (`__config`, `__search`, `__drawer`, ...); content tabs number their own."""
    return value.startswith(("__", "md-")) and not value.startswith("__tabbed_")


def _loads_elsewhere(name: str, value: str) -> bool:
    urls = [part.strip().split(" ")[0] for part in value.split(",")] if name == "srcset" else [value]
    return any(u and not is_relative_url(html.unescape(u)) for u in urls)


def _bad_attribute(el: etree.Element, name: str) -> bool:
    lowered, value = name.lower(), el.attrib[name]
    if lowered.startswith(("on", "data-md-")) or lowered in ("style", "srcdoc", "formaction", "action"):
        return True
    if lowered in URL_ATTRIBUTES and not is_safe_url(value):
        return True
    if lowered in LOAD_ATTRIBUTES and _loads_elsewhere(lowered, value):
        return True
    if lowered in ("id", "for") and is_theme_id(value):
        return True
    return False


def clean_element_tree(root: etree.Element) -> int:
    """Remove handlers, styles, theme ids, unsafe URLs and loads from other hosts; returns how many."""
    removed = 0
    for el in root.iter():
        main = {"a": "href", "img": "src"}.get(el.tag)
        if main and main in el.attrib and (not is_safe_url(el.attrib[main]) or
                                           (el.tag == "img" and _loads_elsewhere("src", el.attrib["src"]))):
            # MkDocs expects every <a> to have an href and every <img> a src: the element becomes
            # a <span> that keeps the link text (or the image's alt text) for the reader
            alt = el.attrib.get("alt", "") if el.tag == "img" else ""
            el.tag = "span"
            el.attrib.clear()
            if alt:
                el.text = alt
            removed += 1
            continue
        for name in list(el.attrib):
            if _bad_attribute(el, name):
                del el.attrib[name]
                removed += 1
        classes = el.attrib.get("class", "").split()
        kept = [c for c in classes if not c.startswith(("md-", "__")) or c in THEME_CLASSES_ALLOWED]
        if kept != classes:
            removed += len(classes) - len(kept)
            if kept:
                el.attrib["class"] = " ".join(kept)
            else:
                del el.attrib["class"]
    return removed


class _SafeMarkupTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        clean_element_tree(root)


class SafeMarkupExtension(markdown.Extension):
    """Strip `on*=` and `style` attributes, theme ids, unsafe links and sources from another host."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # 1: after attr_list (8) and toc (5) have set every attribute they will set
        md.treeprocessors.register(_SafeMarkupTreeprocessor(md), "rmhandbook_safe_markup", 1)


def makeExtension(**kwargs) -> SafeMarkupExtension:  # the name Python-Markdown looks up
    return SafeMarkupExtension(**kwargs)
