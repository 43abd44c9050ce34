"""Write the index of a folder of organizations' sites."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from rmhandbook.render.site_index import MANIFEST, site_index_html


def write_site_index(base_dir: Path) -> list[str]:
    """Write `<base_dir>/index.html` listing every organization's site in that folder; returns their slugs.

    It reads what each site says about itself, so an organization whose latest build failed is still
    listed while its previous site is there.
    """
    from rmhandbook.outputs.targets import ORGANIZATIONS, Mark, read_mark, write_mark

    base_dir = Path(base_dir)
    entries = []
    for manifest in sorted(base_dir.glob(f"*/{MANIFEST.as_posix()}")):
        site = manifest.parents[len(MANIFEST.parts) - 1]
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not (site / "index.html").is_file() or data.get("slug") != site.name:
            continue
        entries.append({"slug": site.name, "name": str(data.get("name", site.name)),
                        "program": str(data.get("program", "")), "logo": f"{site.name}/{data.get('logo', '')}"})
    base_dir.mkdir(parents=True, exist_ok=True)
    if read_mark(base_dir) != Mark(ORGANIZATIONS):  # `site_guard` has checked that it is a folder of sites
        write_mark(base_dir, Mark(ORGANIZATIONS))
    fd, tmp = tempfile.mkstemp(prefix=".index-", suffix=".html", dir=base_dir)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(site_index_html(entries))
    os.chmod(tmp, 0o644)
    os.replace(tmp, base_dir / "index.html")
    return [e["slug"] for e in entries]
