"""Keep content from turning the handbook against its readers.

The decision (documented in the README): raw HTML in content prose is
**escaped**, not cleaned to an allow-list. Content is Markdown written by
people editing YAML; Markdown already covers everything a handbook needs
(emphasis, lists, links, tables), so any `<` an author types is shown as
text. That is simpler to reason about than an allow-list (nothing to keep
up to date, no parser differentials between a cleaner and the browser) and
nothing an author writes is silently dropped: it is shown.

Three layers, all in the core:

* `escape_prose` turns every `<` in a content value into `&lt;` (outside
  code spans and fenced code, which Markdown escapes itself; autolinks such
  as `<https://example.org>` are kept). The renderer applies it to every
  value a template prints, so no template can forget it.
* `html_attribute` escapes values that MkDocs/Material print into HTML
  unescaped (front matter `title` and `description`).
* `SafeMarkupExtension`, a Markdown extension, walks the element tree last:
  it removes `on*` attributes (Markdown's attr_list lets prose set any
  attribute) and every link or source whose scheme is not http(s), mailto
  or tel, or that is not relative (`javascript:`, `data:`, `vbscript:`, ...).
  It runs on every page of the site, including the user's own Markdown.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from urllib.parse import urlsplit

import markdown
from markdown.treeprocessors import Treeprocessor

SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "cite", "background", "data", "xlink:href")

# code spans (any run of backticks, closed by the same run) and fenced blocks stay as they are:
# Markdown escapes `<` inside them itself
_CODE = re.compile(r"(?P<fence>^[ \t]*(?P<f>`{3,}|~{3,})[^\n]*\n.*?(?:^[ \t]*(?P=f)[ \t]*$|\Z))"
                   r"|(?P<span>(?P<ticks>`+).+?(?<!`)(?P=ticks)(?!`))",
                   re.MULTILINE | re.DOTALL)
_AUTOLINK = re.compile(r"<(?:(?:https?|ftp)://[^\s<>\"'`]+|mailto:[^\s<>\"'`]+|[^\s<>\"'`@]+@[^\s<>\"'`]+\.[^\s<>\"'`]+)>")


def _escape_outside_code(text: str) -> str:
    out = []
    pos = 0
    for m in _AUTOLINK.finditer(text):
        out.append(text[pos:m.start()].replace("<", "&lt;"))
        out.append(m.group(0))
        pos = m.end()
    out.append(text[pos:].replace("<", "&lt;"))
    return "".join(out)


def escape_prose(text: str) -> str:
    """Markdown prose with every raw-HTML `<` shown as text (code and autolinks kept)."""
    if "<" not in text:
        return text
    out = []
    pos = 0
    for m in _CODE.finditer(text):
        out.append(_escape_outside_code(text[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_escape_outside_code(text[pos:]))
    return "".join(out)


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


def clean_element_tree(root: etree.Element) -> int:
    """Remove event-handler attributes and unsafe URLs from an element tree; returns how many."""
    removed = 0
    for el in root.iter():
        main = {"a": "href", "img": "src"}.get(el.tag)
        if main and main in el.attrib and not is_safe_url(el.attrib[main]):
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
            lowered = name.lower()
            if lowered.startswith("on") or lowered == "srcdoc":
                del el.attrib[name]
                removed += 1
            elif lowered in URL_ATTRIBUTES and not is_safe_url(el.attrib[name]):
                del el.attrib[name]
                removed += 1
            elif lowered == "srcset" and not all(is_safe_url(part.strip().split(" ")[0])
                                                  for part in el.attrib[name].split(",") if part.strip()):
                del el.attrib[name]
                removed += 1
    return removed


class _SafeMarkupTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        clean_element_tree(root)


class SafeMarkupExtension(markdown.Extension):
    """Strip `on*=` attributes and non-http(s)/mailto/relative links from rendered Markdown."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # priority 1: after attr_list (8) and toc (5) have set every attribute they will set,
        # before the tree is serialized
        md.treeprocessors.register(_SafeMarkupTreeprocessor(md), "rmhandbook_safe_markup", 1)


def makeExtension(**kwargs) -> SafeMarkupExtension:  # the name Python-Markdown looks up
    return SafeMarkupExtension(**kwargs)
