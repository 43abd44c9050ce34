"""Keep content from turning the handbook against its readers.

The decision (documented in the README): raw HTML in content prose is
**escaped**, not cleaned to an allow-list. Content is Markdown written by
people editing YAML; Markdown already covers everything a handbook needs
(emphasis, lists, links, tables), so any `<` an author types is shown as
text. That is simpler to reason about than an allow-list (nothing to keep
up to date, no parser differentials between a cleaner and the browser) and
nothing an author writes is silently dropped: it is shown.

Three layers, all in the core:

* `escape_prose` replaces every `<` in a content value by a placeholder
  that Markdown and HTML give no meaning to (autolinks such as
  `<https://example.org>` are kept). The renderer applies it to every value
  a template prints, so no template can forget it; the Markdown extension
  shows the placeholder as a `<` in text, code and attributes.
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
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "cite", "background", "data", "xlink:href")

# `<` in prose becomes this private-use character, which no Markdown or HTML parser gives a
# meaning to; the Markdown extension below turns it back into a `<` shown as text
# (`&lt;`). Unlike `&lt;`, it reads right inside code spans and fenced code too, and unlike
# context-aware escaping it cannot be undone by how values sit next to each other on a page
# (a backtick in one value pairing with a backtick in the next).
LESS_THAN = "\ue000"
_AUTOLINK = re.compile(r"<(?:(?:https?|ftp)://[^\s<>\"'`]+|mailto:[^\s<>\"'`]+|[^\s<>\"'`@]+@[^\s<>\"'`]+\.[^\s<>\"'`]+)>")


def escape_prose(text: str) -> str:
    """Markdown prose in which no `<` can start raw HTML (autolinks such as `<https://...>` are kept)."""
    if "<" not in text:
        return text
    out = []
    pos = 0
    for m in _AUTOLINK.finditer(text):
        out.append(text[pos:m.start()].replace("<", LESS_THAN))
        out.append(m.group(0))
        pos = m.end()
    out.append(text[pos:].replace("<", LESS_THAN))
    return "".join(out)


def unescape_prose_for_export(markdown_text: str) -> str:
    """Plain Markdown for other site generators: the placeholder as the entity `&lt;`."""
    return markdown_text.replace(LESS_THAN, "&lt;")


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


class _LessThanTreeprocessor(Treeprocessor):
    """The placeholder becomes a text `<` (the serializer writes `&lt;`), in text, code and attributes."""

    def run(self, root: etree.Element) -> None:
        for el in root.iter():
            if el.text and LESS_THAN in el.text:
                el.text = _same_kind(el.text, el.text.replace(LESS_THAN, "<"))
            if el.tail and LESS_THAN in el.tail:
                el.tail = _same_kind(el.tail, el.tail.replace(LESS_THAN, "<"))
            for name, value in el.attrib.items():
                if LESS_THAN in value:
                    el.attrib[name] = value.replace(LESS_THAN, "<")


def _same_kind(old: str, new: str) -> str:
    return AtomicString(new) if isinstance(old, AtomicString) else new


class _LessThanPostprocessor(Postprocessor):
    """What the tree never held (code blocks stashed as HTML by superfences) gets `&lt;`."""

    def run(self, text: str) -> str:
        return text.replace(LESS_THAN, "&lt;")


class SafeMarkupExtension(markdown.Extension):
    """Show escaped `<` as text; strip `on*=` attributes and non-http(s)/mailto/relative links."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # 15: after inline patterns (20) made the text nodes, before toc (5) copies headings
        md.treeprocessors.register(_LessThanTreeprocessor(md), "rmhandbook_less_than", 15)
        # 1: after attr_list (8) and toc (5) have set every attribute they will set
        md.treeprocessors.register(_SafeMarkupTreeprocessor(md), "rmhandbook_safe_markup", 1)
        # last, after the raw HTML stash is put back
        md.postprocessors.register(_LessThanPostprocessor(md), "rmhandbook_less_than", 0)


def makeExtension(**kwargs) -> SafeMarkupExtension:  # the name Python-Markdown looks up
    return SafeMarkupExtension(**kwargs)
