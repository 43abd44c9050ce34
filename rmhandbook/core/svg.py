"""An SVG logo is a plain picture: an allowlist of elements, attributes and CSS.

A logo is published on the site's own host, so opened on its own it runs with
the site's rights. A blocklist of what runs was bypassed by every new
spelling (`image-set()`, CSS escapes, `fill="url(https://...)"`,
`html:img`, `html:meta http-equiv=refresh`, `html:form action=...`), so the
rule is the other way round: the SVG namespace's drawing elements and their
presentation attributes, CSS without at-rules, escapes or functions beyond
colours and transforms, links only inside the picture (`#id`), and inline
PNG/JPEG/GIF/WebP data. Anything else is refused with its line and column:
the file is published as written only when nothing needed cleaning, so what
a person reviewed is what the site serves.
"""

from __future__ import annotations

import re
from xml.parsers import expat

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
# Editors' bookkeeping (Inkscape, Sodipodi, RDF licence metadata): browsers give these elements no behaviour.
INERT_NAMESPACES = frozenset({"http://www.inkscape.org/namespaces/inkscape",
                              "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
                              "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://creativecommons.org/ns#",
                              "http://purl.org/dc/elements/1.1/"})

ELEMENTS = frozenset("""svg g defs desc title metadata symbol use path rect circle ellipse line polyline polygon
text tspan textPath linearGradient radialGradient stop clipPath mask pattern marker style image filter feBlend
feColorMatrix feComponentTransfer feComposite feFlood feGaussianBlur feMerge feMergeNode feMorphology feOffset
feDropShadow feFuncR feFuncG feFuncB feFuncA""".split())
ATTRIBUTES = frozenset("""id class style transform d points x y x1 y1 x2 y2 cx cy r rx ry fx fy width height viewBox
preserveAspectRatio version baseProfile fill fill-opacity fill-rule stroke stroke-width stroke-opacity
stroke-linecap stroke-linejoin stroke-miterlimit stroke-dasharray stroke-dashoffset opacity clip-path clip-rule
clipPathUnits mask maskUnits maskContentUnits filter filterUnits primitiveUnits color display visibility overflow
offset stop-color stop-opacity gradientUnits gradientTransform spreadMethod patternUnits patternContentUnits
patternTransform markerWidth markerHeight markerUnits refX refY orient font-family font-size font-weight
font-style font-variant text-anchor dominant-baseline alignment-baseline baseline-shift letter-spacing
word-spacing text-decoration dx dy rotate textLength lengthAdjust startOffset href in in2 result mode type values
stdDeviation operator k1 k2 k3 k4 radius flood-color flood-opacity lighting-color color-interpolation
color-interpolation-filters tableValues slope intercept amplitude exponent edgeMode order kernelMatrix
shape-rendering text-rendering image-rendering vector-effect paint-order mix-blend-mode isolation
role aria-label aria-hidden focusable enable-background""".split())
LINK_ELEMENTS = frozenset({"use", "linearGradient", "radialGradient", "pattern", "textPath", "filter", "image"})
CSS_FUNCTIONS = frozenset({"rgb", "rgba", "hsl", "hsla", "url", "translate", "translatex", "translatey", "rotate",
                           "scale", "scalex", "scaley", "matrix", "skewx", "skewy", "calc"})
_SAFE_DATA_URL = re.compile(r"data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*")
_FUNCTION = re.compile(r"([A-Za-z_-][\w-]*)\s*\(")
_URL = re.compile(r"url\(\s*['\"]?\s*([^)'\"]*)", re.IGNORECASE)


def css_problem(css: str) -> str | None:
    """Why this CSS (a `style` attribute, a `<style>` element, a presentation attribute) could load or run."""
    if "\\" in css:
        return "a CSS escape (`\\`), which can spell any function or URL"
    if "@" in css:
        return "a CSS at-rule (`@import`, `@font-face`, ...), which can load from another host"
    for name in _FUNCTION.findall(css):
        if name.lower() not in CSS_FUNCTIONS:
            return f"the CSS function `{name}()`, which is not a colour or transform (it can load an image)"
    for target in _URL.findall(css):
        if not target.strip().startswith("#"):
            return f"`url({target.strip()[:60]})`; only `url(#id)`, a part of the picture itself, is allowed"
    return None


def _element_problem(uri: str, local: str) -> str | None:
    if uri in INERT_NAMESPACES:
        return None
    if uri != SVG:
        where = f"the namespace `{uri}`" if uri else "no namespace"
        return f"the SVG contains `<{local}>` from {where}; only SVG drawing elements are allowed"
    if local not in ELEMENTS:
        return (f"the SVG contains a `<{local}>` element, which can run code, embed another document or load "
                "from another host; a logo uses drawing elements only (`path`, `g`, `rect`, `text`, ...)")
    return None


def _attribute_problem(element: str, name: str, value: str) -> str | None:
    uri, _, local = name.rpartition(" ")
    if uri in INERT_NAMESPACES or (uri == XML and local in ("space", "lang")):
        return None
    if local.lower().startswith("on"):
        return f"the SVG's `<{element}>` has the event handler `{local}`, which runs code"
    if uri not in ("", XLINK) or (uri == XLINK and local != "href") or (not uri and local not in ATTRIBUTES):
        return f"the SVG's `<{element}>` has the attribute `{local}`, which is not a drawing attribute"
    if local == "href":
        inline_picture = element == "image" and _SAFE_DATA_URL.fullmatch(value.strip())
        if element not in LINK_ELEMENTS or not (value.strip().startswith("#") or inline_picture):
            return (f"the SVG's `<{element}>` links to `{value[:60]}`; only links inside the picture (`#id`) and "
                    "inline PNG, JPEG, GIF or WebP data are allowed")
        return None
    problem = css_problem(value)
    return f"the SVG's `<{element}>` has `{local}` with {problem}" if problem else None


class _StopParsing(Exception):
    pass


def svg_problems(data: bytes) -> list[tuple[int, int, str]]:
    """(line, column, problem) for everything in an SVG outside the plain-picture allowlist."""
    problems: list[tuple[int, int, str]] = []
    parser = expat.ParserCreate(namespace_separator=" ")
    stack: list[str] = []
    style_text: list[str] = []  # expat may split text: a `<style>` is judged whole, at its end tag

    def add(problem: str) -> None:
        problems.append((parser.CurrentLineNumber, parser.CurrentColumnNumber + 1, problem + "."))

    def doctype(*_args) -> None:
        add("the SVG has a document type declaration (`<!DOCTYPE`); it can define entities that load files "
            "or expand without limit")
        raise _StopParsing  # before any entity is declared or expanded

    def start(name: str, attrs: dict) -> None:
        uri, _, local = name.rpartition(" ")
        if not stack and (uri, local) != (SVG, "svg"):
            add(f"the SVG's outermost element is `<{local}>`; expected `<svg xmlns=\"{SVG}\">`")
        stack.append(local)
        problem = _element_problem(uri, local)
        if problem:
            add(problem)
        elif uri == SVG:
            for attr, value in attrs.items():
                problem = _attribute_problem(local, attr, value)
                if problem:
                    add(problem)

    def end(_name: str) -> None:
        if stack.pop() == "style":
            problem = css_problem("".join(style_text))
            style_text.clear()
            if problem:
                add(f"the SVG's `<style>` has {problem}")

    def text(value: str) -> None:
        if stack and stack[-1] == "style":
            style_text.append(value)

    def pi(target: str, _data: str) -> None:
        if target.lower() == "xml-stylesheet":
            add("the SVG links a stylesheet (`<?xml-stylesheet`)")

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = lambda name, *_a: add(f"the SVG declares the entity `{name}` (`<!ENTITY`)")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.ProcessingInstructionHandler = pi
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except _StopParsing:
        pass
    except expat.ExpatError as exc:
        problems.append((exc.lineno, exc.offset + 1,
                         f"the SVG is not well-formed XML ({expat.errors.messages[exc.code]})."))
    return problems
