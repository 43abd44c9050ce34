"""Content prose to safe HTML: Python-Markdown without raw HTML, then nh3 (ammonia) with an allowlist.

Every prose value of the content (a step's summary, a role's name, a
glossary definition, an organization's overlay text) is rendered here on
its own, not as part of a page:

1. Python-Markdown with raw HTML switched off (the `html_block`
   preprocessor and the `html` inline pattern are removed), so a `<` an
   author types is shown as text, and `<details/open/ontoggle=...//@x.yz>`
   can at most become a `mailto:` link. No attr_list: prose sets no
   attribute, id, class or style.
2. nh3 cleans the result with `PROSE_TAGS` / `PROSE_ATTRIBUTES` /
   `URL_SCHEMES`: nothing outside the allowlist survives, whatever step 1
   produced.
3. `rmhandbook.render.prose` writes the clean HTML into the pages' Markdown.

`remote_images` finds images that would load from another host, for a
located error at load time (`check_prose`).
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import markdown
import nh3

# What Markdown makes of prose, minus what a handbook never needs (forms, media, frames, styles).
PROSE_TAGS = frozenset({"p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li",
                        "a", "img", "h1", "h2", "h3", "h4", "h5", "h6",
                        "table", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd"})
# No `title` (Material's tooltips read it as HTML; ammonia's default allows it everywhere, so "*" is
# emptied), no lang, no id/class/style (theme ids such as `__config`).
PROSE_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Whose content goes with the tag, not only the tag (nh3's default keeps the text of unknown tags).
DROP_WITH_CONTENT = frozenset({"script", "style", "template", "iframe", "object", "noscript", "textarea", "title"})


def is_relative_url(url: str) -> bool:
    """A path on the same site: no scheme, no host (`//host/x`, `\\\\host`), nothing a browser could read as one."""
    squeezed = re.sub(r"[\x00-\x20\x7f]+", "", url)
    if squeezed.startswith(("//", "\\", "/\\")):
        return False
    try:
        parts = urlsplit(squeezed)
    except ValueError:
        return False
    return not parts.scheme and not parts.netloc and ":" not in squeezed.split("/", 1)[0].split("?", 1)[0]


def _attribute_filter(tag: str, name: str, value: str) -> str | None:
    if tag == "img" and name == "src" and not is_relative_url(value):
        return None  # never a load from another host (check_prose reports it with its place first)
    if tag == "ol" and name == "start" and not value.isdigit():
        return None
    return value


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["tables", "fenced_code"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


_MD = _markdown()


@functools.lru_cache(maxsize=65536)
def prose_html(text: str) -> str:
    """The prose as clean HTML (nh3 with the prose allowlist)."""
    _MD.reset()
    raw = _MD.convert(text)
    return nh3.clean(raw, tags=set(PROSE_TAGS), clean_content_tags=set(DROP_WITH_CONTENT),
                     attributes={"*": set(), **{k: set(v) for k, v in PROSE_ATTRIBUTES.items()}},
                     attribute_filter=_attribute_filter, url_schemes=set(URL_SCHEMES), link_rel=None,
                     strip_comments=True)


def remote_images(text: str) -> list[str]:
    """Sources of the images this prose would load from anywhere but the site itself."""
    if "!" not in text:
        return []
    _MD.reset()
    found = [html.unescape(src) for src in re.findall(r'<img[^>]*?\ssrc="([^"]*)"', _MD.convert(text))]
    return [src for src in found if _names_a_host(src)]


def _names_a_host(url: str) -> bool:
    # `javascript:` or `data:` as an image source loads nothing from anywhere; nh3 drops them quietly
    squeezed = re.sub(r"[\x00-\x20\x7f]+", "", url)
    try:
        parts = urlsplit(squeezed)
    except ValueError:
        return True
    return bool(parts.netloc) or squeezed.startswith(("//", "\\", "/\\")) or \
        parts.scheme.lower() in ("http", "https", "ftp")


# --- writing clean HTML into a Markdown page ------------------------------------------

def _strings(data, loc: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, loc + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _strings(value, loc + (i,))
    elif isinstance(data, str):
        yield loc, data


def check_prose(docs, diags) -> None:
    """A located error for every image in prose that would load from another host.

    The site promises to load nothing from other hosts (an intranet may log, or lack, the
    outside world); the renderer drops such a source anyway, this tells the author first.
    """
    for doc in docs:
        if doc is None:
            continue
        for loc, value in _strings(doc.data):
            for src in remote_images(value):
                m = doc.text_mark(loc, max(value.find(src), 0))
                diags.error(doc.path, m.line, m.column,
                            f"an image from another host (`{src[:80]}`); the handbook loads nothing from other "
                            "hosts. Put the picture into the site (for example `![Timeline](../img/timeline.png)` "
                            "with the file in docs_dir) or link to it instead: `[Timeline](https://example.org/t.png)`.")
