"""Clean prose HTML written into a page's Markdown, so that it shows exactly as cleaned.

`embeddable` takes what `rmhandbook.core.prose.prose_html` made of a prose value
(Markdown without raw HTML, then nh3) and writes it so that it can sit anywhere
in a Markdown page (a heading, a table cell, a list item) without the page's
Markdown reading it again: Markdown punctuation in text is written as character
references, links and images become Markdown links again (so MkDocs still checks
and rewrites `.md` links), paragraphs and lists stay Markdown (so headings reach
the table of contents and glossary terms get their hover), and other blocks are
one line of HTML.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from html.parser import HTMLParser

from rmhandbook.core.prose import PROSE_ATTRIBUTES, prose_html

BLOCK_TAGS = frozenset({"p", "hr", "pre", "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
                        "table", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd"})
VOID_TAGS = frozenset({"br", "hr", "img"})


class _Node:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag, self.attrs = tag, attrs
        self.children: list = []


class _Tree(HTMLParser):
    """nh3's output (well-formed, allowlisted) as a small tree; text as `str` children."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID_TAGS:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        self.stack[-1].children.append(data)


# Markdown (and common extensions: tables, attr_list, keys, mark, critic, arithmatex) give these a meaning.
_ACTIVE = re.compile(r"[\\`*_\[\]{}|~^$#<>&]")
_LINE_START = re.compile(r"(\s*)(\d+)([.)])|(\s*)([-+*=:>#])")


_NAMED = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def _reference(m: re.Match) -> str:
    return _NAMED.get(m.group(0)) or f"&#{ord(m.group(0))};"


def _text(text: str) -> str:
    """Text that Markdown shows as it is: HTML-special and Markdown punctuation as character references."""
    return _ACTIVE.sub(_reference, re.sub(r"\s+", " ", text))


def _attr(value: str) -> str:
    return _ACTIVE.sub(_reference, value.replace("\n", " ")).replace('"', "&quot;")


def _url(value: str) -> str:
    # a Markdown link destination: no space, parenthesis, angle bracket or pipe (table cells)
    return re.sub(r"[\s()<>|\"'\\`]", lambda m: f"%{ord(m.group(0)):02X}", value)


def _inline(nodes: list) -> str:
    out = []
    for node in nodes:
        if isinstance(node, str):
            out.append(_text(node))
        elif node.tag == "a":
            out.append(f"[{_inline(node.children)}]({_url(node.attrs.get('href', ''))})"
                       if node.attrs.get("href") else _inline(node.children))
        elif node.tag == "img":
            src, alt = node.attrs.get("src"), _text(node.attrs.get("alt", ""))
            out.append(f"![{alt}]({_url(src)})" if src else alt)
        elif node.tag == "br":
            out.append("<br>")
        elif node.tag in ("em", "strong", "code"):
            out.append(f"<{node.tag}>{_inline(node.children)}</{node.tag}>")
        else:
            out.append(_inline(node.children))
    return "".join(out).strip()


def _guarded(line: str) -> str:
    """A line that does not start a list, heading, quote or definition where it lands."""
    return _LINE_START.sub(lambda m: (m.group(1) + m.group(2) + f"&#{ord(m.group(3))};") if m.group(2)
                           else m.group(4) + f"&#{ord(m.group(5))};", line, count=1) \
        if _LINE_START.match(line) else line


def _raw(node, in_pre: bool = False) -> str:
    """One line of HTML (a table, a code block): Markdown leaves a block of HTML as it is."""
    if isinstance(node, str):
        if in_pre:
            return _ACTIVE.sub(_reference, node).replace("\n", "&#10;")
        return _text(node) if node.strip() else ""
    attrs = "".join(f' {k}="{_attr(v)}"' for k, v in node.attrs.items() if k in PROSE_ATTRIBUTES.get(node.tag, ()))
    if node.tag in VOID_TAGS:
        return f"<{node.tag}{attrs}>"
    inner = "".join(_raw(c, in_pre or node.tag == "pre") for c in node.children)
    return f"<{node.tag}{attrs}>{inner}</{node.tag}>"


def _blocks(nodes: list, indent: str = "") -> Iterator[str]:
    """Markdown blocks, each a string of lines, for the children of a block-level element."""
    run: list = []
    for node in nodes + [None]:
        if node is None or (not isinstance(node, str) and node.tag in BLOCK_TAGS):
            line = _inline(run)
            if line:
                yield indent + _guarded(line)
            run = []
            if node is None:
                break
            if node.tag == "p":
                line = _inline(node.children)
                if line:
                    yield indent + _guarded(line)
            elif node.tag in ("ul", "ol"):
                yield _list(node, indent)
            elif node.tag[0] == "h" and node.tag[1:].isdigit():
                yield f"{indent}{'#' * int(node.tag[1])} {_inline(node.children)}"
            else:
                yield indent + _raw(node)
        elif isinstance(node, str) and not node.strip() and not run:
            continue
        else:
            run.append(node)


def _list(node: _Node, indent: str) -> str:
    """A Markdown list again (nested lists indented by four spaces), so the page's Markdown makes it."""
    start = int(node.attrs.get("start") or 1)
    items = [c for c in node.children if not isinstance(c, str) and c.tag == "li"]
    loose = any(not isinstance(c, str) and c.tag == "p" for item in items for c in item.children)
    inner = indent + "    "
    lines = []
    for i, item in enumerate(items):
        marker = f"{start + i}. " if node.tag == "ol" else "- "
        parts = list(_blocks(item.children, inner))
        nested = bool(parts) and re.match(r"(-|\d+\.) ", parts[0][len(inner):]) is not None
        first = parts[0][len(inner):] if parts and not nested else "&#8203;"
        rest = parts if nested else parts[1:]
        lines.append(f"{indent}{marker}{first}")
        if rest:
            lines.append(("\n\n" if loose else "\n").join(rest))
    return ("\n\n" if loose else "\n").join(lines)


@functools.lru_cache(maxsize=65536)
def embeddable(text: str) -> str:
    """Prose as Markdown that shows exactly the clean HTML wherever a template puts it.

    One paragraph is one line of inline Markdown (the common case: titles, names, list items);
    several blocks are separated by blank lines.
    """
    if _PLAIN.fullmatch(text):
        return _guarded(_text(text))
    tree = _Tree()
    tree.feed(prose_html(text))
    tree.close()
    return "\n\n".join(_blocks(tree.root.children))


# Words and simple sentences need no Markdown parser: the same result, much faster.
_PLAIN = re.compile(r"[^\W\d_][\w ,.;'’?/()-]*")


def plain_title(text: str) -> str:
    """Text for a `title` attribute: Material's tooltips put a title into the page as HTML, so no `<`."""
    return " ".join(text.replace("<", "\u2039").split())
