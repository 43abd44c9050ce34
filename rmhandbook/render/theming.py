"""An organization's colours as Material CSS variables, readable by everyone.

Material paints the header in `--md-primary-fg-color` with text in
`--md-primary-bg-color`, and colours links with `--md-typeset-a-color`
(hovered ones with `--md-accent-fg-color`). Brand colours are often too
light for links on white, or too dark on the dark scheme, so this module
computes WCAG 2.1 contrast ratios and:

- picks white or black text for the header, whichever meets AA (4.5:1);
- derives a darker (light scheme) or lighter (dark scheme) shade of the
  brand colour for links when the brand colour itself falls short;
- reports every adjustment, so the organization knows what changed.

Colours reach the CSS only as `Color` values formatted here from validated
hex, never as the author's text, so nothing can break out of a declaration.
"""

from __future__ import annotations

import dataclasses
import re

AA = 4.5  # WCAG 2.1 AA for normal text
WHITE_HEX, BLACK_HEX = "#ffffff", "#000000"
# The page backgrounds links sit on: Material's default scheme, and its slate
# scheme (hsla(225deg, 15%, 14%, 1) = #1e2129).
SCHEMES = {"default": "#ffffff", "slate": "#1e2129"}

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


@dataclasses.dataclass(frozen=True)
class Color:
    r: int
    g: int
    b: int

    @classmethod
    def parse(cls, text: str) -> Color:
        """`#rrggbb` or `#rgb`; anything else raises ValueError (the profile model validates first)."""
        if not isinstance(text, str) or not _HEX.match(text):
            raise ValueError(f"not a hex colour: {text!r}; expected for example #0b6e4f")
        digits = text[1:]
        if len(digits) == 3:
            digits = "".join(ch * 2 for ch in digits)
        return cls(int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))

    @property
    def hex(self) -> str:
        return f"#{self.r:02x}{self.g:02x}{self.b:02x}"

    def alpha(self, a: float) -> str:
        """The colour with opacity `a` as `#rrggbbaa`."""
        return f"{self.hex}{round(a * 255):02x}"

    def mix(self, other: Color, t: float) -> Color:
        """`t` of the way from this colour to `other` (0 = this, 1 = other), in sRGB."""
        return Color(*(round(a + (b - a) * t) for a, b in ((self.r, other.r), (self.g, other.g), (self.b, other.b))))


WHITE, BLACK = Color.parse(WHITE_HEX), Color.parse(BLACK_HEX)


def relative_luminance(color: Color) -> float:
    """WCAG 2.1 relative luminance (0 for black, 1 for white)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast_ratio(a: Color, b: Color) -> float:
    """WCAG 2.1 contrast ratio, from 1 (same colour) to 21 (black on white)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def text_color_on(background: Color) -> Color:
    """White text if it meets AA on `background`, else black (one of the two always does)."""
    return WHITE if contrast_ratio(WHITE, background) >= AA else BLACK


def readable_shade(color: Color, background: Color, minimum: float = AA) -> Color:
    """`color` itself if it meets `minimum` on `background`; else the closest shade towards black
    (on a light background) or white (on a dark one) that does."""
    if contrast_ratio(color, background) >= minimum:
        return color
    target = BLACK if relative_luminance(background) > 0.18 else WHITE
    lo, hi = 0.0, 1.0
    for _ in range(30):  # the smallest step towards the target that is readable
        mid = (lo + hi) / 2
        if contrast_ratio(color.mix(target, mid), background) >= minimum:
            hi = mid
        else:
            lo = mid
    shade = color.mix(target, hi)
    while contrast_ratio(shade, background) < minimum:  # rounding to whole channel values may cost a little
        shade = shade.mix(target, 0.02) if shade != shade.mix(target, 0.02) else target
    return shade


@dataclasses.dataclass(frozen=True)
class Adjustment:
    """One place where a brand colour was not used as given, and why."""

    role: str  # what the colour is used for, e.g. "links on the light background"
    original: str
    used: str
    background: str
    ratio_before: float
    ratio_after: float

    def describe(self) -> str:
        return (f"{self.role}: {self.original} has contrast {self.ratio_before:.2f}:1 on {self.background}, "
                f"below WCAG AA 4.5:1; using {self.used} ({self.ratio_after:.2f}:1)")


@dataclasses.dataclass(frozen=True)
class Palette:
    primary: Color
    accent: Color
    primary_text: Color  # text on the primary colour (header, tabs)
    accent_text: Color  # text on the accent colour (buttons)
    links: dict[str, Color]  # scheme -> link colour
    hover: dict[str, Color]  # scheme -> hovered link colour
    adjustments: tuple[Adjustment, ...]
    notes: tuple[str, ...]  # what was chosen that is not an adjustment (e.g. dark header text)

    def report(self) -> list[str]:
        return [a.describe() for a in self.adjustments] + list(self.notes)


def palette_for(primary_hex: str, accent_hex: str) -> Palette:
    primary, accent = Color.parse(primary_hex), Color.parse(accent_hex)
    adjustments: list[Adjustment] = []
    notes: list[str] = []
    primary_text = text_color_on(primary)
    accent_text = text_color_on(accent)
    if primary_text == BLACK:
        notes.append(f"header text: white has contrast {contrast_ratio(WHITE, primary):.2f}:1 on {primary.hex}; "
                     f"using black ({contrast_ratio(BLACK, primary):.2f}:1)")
    links: dict[str, Color] = {}
    hover: dict[str, Color] = {}
    for scheme, bg_hex in SCHEMES.items():
        bg = Color.parse(bg_hex)
        label = "light" if scheme == "default" else "dark"
        for name, base, out in (("links", primary, links), ("hovered links", accent, hover)):
            shade = readable_shade(base, bg)
            out[scheme] = shade
            if shade != base:
                adjustments.append(Adjustment(f"{name} on the {label} background", base.hex, shade.hex, bg.hex,
                                              contrast_ratio(base, bg), contrast_ratio(shade, bg)))
    return Palette(primary, accent, primary_text, accent_text, links, hover, tuple(adjustments), tuple(notes))


def palette_css(palette: Palette) -> str:
    """The stylesheet for `palette: {primary: custom, accent: custom}` (Material's own mechanism).

    Selectors use the same attributes as Material's palette rules and load
    after them, so these values win for both schemes.
    """
    p = palette
    lines = [
        "/* rmhandbook: the organization's colours, generated from org.yml (contrast-checked, WCAG 2.1 AA). */",
        '[data-md-color-primary="custom"] {',
        f"  --md-primary-fg-color: {p.primary.hex};",
        f"  --md-primary-fg-color--light: {p.primary.mix(WHITE, 0.2).hex};",
        f"  --md-primary-fg-color--dark: {p.primary.mix(BLACK, 0.2).hex};",
        f"  --md-primary-bg-color: {p.primary_text.hex};",
        f"  --md-primary-bg-color--light: {p.primary_text.alpha(0.7)};",
        "}",
        '[data-md-color-accent="custom"] {',
        f"  --md-accent-bg-color: {p.accent_text.hex};",
        f"  --md-accent-bg-color--light: {p.accent_text.alpha(0.7)};",
        "}",
    ]
    for scheme in SCHEMES:
        lines += [
            f'[data-md-color-scheme="{scheme}"][data-md-color-primary="custom"] {{',
            f"  --md-typeset-a-color: {p.links[scheme].hex};",
            "}",
            f'[data-md-color-scheme="{scheme}"][data-md-color-accent="custom"] {{',
            f"  --md-accent-fg-color: {p.hover[scheme].hex};",
            f"  --md-accent-fg-color--transparent: {p.hover[scheme].alpha(0.1)};",
            "}",
        ]
    return "\n".join(lines) + "\n"
