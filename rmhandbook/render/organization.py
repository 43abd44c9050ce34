"""What an organization's site adds to every page: its web app manifest and its footer contact line."""

from __future__ import annotations

import html
import json
from typing import Any

from rmhandbook.core.org import OrgProfile
from rmhandbook.render.messages import Messages
from rmhandbook.render.theming import Color


def web_manifest(profile: OrgProfile, logo_name: str, manifest_dir_depth: int) -> str:
    """A web app manifest: the organization's name, short name (under a home-screen icon), colour and logo."""
    model = profile.model
    icon_type = {".svg": "image/svg+xml", ".png": "image/png"}[profile.logo.suffix.lower()]
    sizes = "any"
    if icon_type == "image/png":  # width and height from the PNG header (checked to be a PNG)
        header = profile.logo.read_bytes()[16:24]
        sizes = f"{int.from_bytes(header[:4], 'big')}x{int.from_bytes(header[4:], 'big')}"
    return json.dumps({
        "name": model.name, "short_name": model.short_name, "lang": model.language,
        "start_url": "../" * manifest_dir_depth, "display": "browser",
        "theme_color": Color.parse(model.colors.primary).hex, "background_color": "#ffffff",
        "icons": [{"src": logo_name, "sizes": sizes, "type": icon_type}],
    }, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def footer_contact_html(profile: OrgProfile, terms: Any, language: str | None = None) -> str:
    """The program lead's contact line for every page's footer, as HTML with every value escaped.

    It goes where the theme prints the site's copyright notice (Material's `config.copyright`
    is HTML), so no theme template has to be copied to show it. `language`: the page's (default: the profile's).
    """
    contact, msg = profile.model.contact, Messages(language or profile.model.language)
    e = html.escape
    parts = [f"{e(terms.word('program-lead', capital=True))}: {e(contact.name)}",
             f'<a href="mailto:{e(contact.email)}">{e(contact.email)}</a>']
    if contact.chat:
        parts.append(f"{e(msg('contact_chat'))}: {e(contact.chat)}")
    if contact.page:
        parts.append(f'<a href="{e(contact.page)}">{e(msg("contact_page"))}</a>')
    return f'<span class="rmh-footer-contact">{" · ".join(parts)}</span>'
