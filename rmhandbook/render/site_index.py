"""The page that lists organizations' sites, and what each site says about itself for it."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path

from rmhandbook.core.org import OrgProfile

_INDEX_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1f2328; background: #fff; }
main { max-width: 46rem; margin: 0 auto; padding: 2rem 1.25rem; }
h1 { font-size: 1.6rem; margin: 0 0 0.25rem; }
p.lead { color: #4b5563; margin: 0 0 1.5rem; }
ul { list-style: none; padding: 0; margin: 0; display: grid; gap: 0.75rem; }
a.org { display: flex; align-items: center; gap: 1rem; padding: 0.9rem 1rem; border: 1px solid #d0d7de; border-radius: 0.5rem;
        color: inherit; text-decoration: none; }
a.org:hover, a.org:focus-visible { border-color: #0b57d0; outline: 2px solid #0b57d0; outline-offset: 1px; }
a.org img { width: 3rem; height: 3rem; object-fit: contain; flex: none; }
.org-name { font-weight: 600; display: block; }
.org-program { color: #4b5563; font-size: 0.9rem; }
""".strip()


def site_index_html(entries: Sequence[dict]) -> str:
    """A standalone page listing the organizations' sites: inline style, no script, nothing from other hosts."""
    items = []
    for e in entries:
        slug = html.escape(e["slug"])
        logo = html.escape(e["logo"])
        items.append(
            f'<li><a class="org" href="{slug}/"><img src="{logo}" alt="">'
            f'<span><span class="org-name">{html.escape(e["name"])}</span>'
            f'<span class="org-program">{html.escape(e["program"])}</span></span></a></li>')
    return ("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<title>Handbooks</title>\n<style>\n" + _INDEX_STYLE + "\n</style>\n</head>\n<body>\n<main>\n"
            "<h1>Handbooks</h1>\n"
            f"<p class=\"lead\">{len(entries)} organization{'s' if len(entries) != 1 else ''}.</p>\n"
            "<ul>\n" + "\n".join(items) + "\n</ul>\n</main>\n</body>\n</html>\n")


MANIFEST = Path("assets") / "rmhandbook" / "org" / "site.json"


def site_manifest(profile: OrgProfile, logo_uri: str) -> str:
    """`<site>/assets/rmhandbook/org/site.json`: what the site index shows about this organization's site."""
    model = profile.model
    return json.dumps({"slug": profile.slug, "name": model.name, "program": model.program_name or "",
                       "logo": logo_uri}, ensure_ascii=False, sort_keys=True) + "\n"
