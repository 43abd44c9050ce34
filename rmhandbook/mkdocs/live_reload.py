"""Live reload (`rmhandbook serve`): write again only the pages an edit changed.

The framework-free part (what the last build was made of, the search index
joined in page order) is `incremental.py`; this module turns it into MkDocs
terms: which file objects MkDocs may skip in its dirty build, and what a
page's HTML depends on besides its own Markdown. Any internal it needs comes
from `internals.py`; when one is missing, every page is written again.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from rmhandbook.mkdocs import internals
from rmhandbook.mkdocs.incremental import Previous, Rebuild, fingerprint, folder_fingerprint, update_search_index


class LiveReload:
    """What each site's last build in this `serve` process was made of.

    It lives on the plugin object, which MkDocs keeps for the whole process once it has
    `on_startup` (a site edited in another terminal is another site folder).
    """

    def __init__(self) -> None:
        self.previous: dict[str, Previous] = {}

    def start(self, nav: Any, config: Any, files: Any, generated: dict[str, str], theme_dir: Path) -> Rebuild:
        """Mark the generated pages whose Markdown and site are unchanged as not modified."""
        previous = self.previous.setdefault(str(Path(config.site_dir).resolve()), Previous())
        docs = files.documentation_pages()
        own = [f for f in docs if f.src_uri not in generated]  # the docs folder's pages: always rebuilt
        site = site_fingerprint(config, nav, files, own, theme_dir)
        unchanged = {path for path in previous.unchanged(site, generated)
                     if os.path.isfile(files.get_file_from_path(path).abs_dest_path)}
        if internals.searched_but_unreadable(config) or not all(internals.can_mark_files(f) for f in docs):
            unchanged = set()
        if not unchanged:  # everything is written again: start from an empty folder, as a full build does
            empty_folder(Path(config.site_dir))
        for f in docs:
            if f.src_uri in unchanged:
                internals.mark_unmodified(f)
            elif f.src_uri not in generated:
                internals.mark_modified(f)  # MkDocs' own test compares file times
        return Rebuild(previous, site, generated, unchanged)


def site_fingerprint(config: Any, nav: Any, files: Any, own_pages: list, theme_dir: Path) -> str:
    """Everything a generated page's HTML depends on besides its own Markdown."""
    # the theme folders a site edits (its custom_dir, ours); the installed theme does not change
    theme_dirs = [d for d in config.theme.dirs if d == config.theme.custom_dir or Path(d) == theme_dir]
    return fingerprint(
        Path(config.config_file_path).read_bytes() if config.config_file_path else b"",
        config.site_name, config.site_url, config.copyright, config.repo_url, config.edit_uri,
        config.use_directory_urls, sorted((k, repr(v)) for k, v in config.theme.items()), config.extra,
        [str(x) for x in config.extra_css], [str(x) for x in config.extra_javascript],
        config.markdown_extensions, config.mdx_configs, nav_signature(nav.items),
        folder_fingerprint(theme_dirs),
        [(f.src_uri, f.abs_src_path and os.stat(f.abs_src_path).st_mtime_ns) for f in own_pages],
        # which other files there are: a removed image or download must leave the served folder,
        # and a dirty build deletes nothing
        sorted(f.src_uri for f in files if not f.is_documentation_page()))


def nav_signature(items: Any) -> list:
    """The nav as every page prints it: sections, links and pages with their titles and URLs."""
    out = []
    for item in items:
        children = getattr(item, "children", None)
        out.append((type(item).__name__, str(item.title), getattr(item, "url", None),
                    nav_signature(children) if children else None))
    return out


def note_search_entries(rebuild: Rebuild, config: Any, url: str) -> None:
    """After the search plugin indexed page `url`: remember the entries it made for it."""
    entries = internals.search_entries(config)
    if entries is not None:
        rebuild.note_search_entries(url, entries)


def finish(rebuild: Rebuild, config: Any, rebuilt: set[str], page_urls: list[str], scans: dict) -> None:
    """A live reload that succeeded: the search index joined, and what it was made of remembered."""
    index = Path(config.site_dir) / "search" / "search_index.json"
    if index.is_file() and internals.search_entries(config) is not None:
        update_search_index(index, rebuild.previous, rebuild.search_pages, rebuilt, page_urls)
    rebuild.succeeded(scans)


def empty_folder(folder: Path) -> None:
    """Remove what is in the site folder, as a full build starts with (hidden files stay, as MkDocs keeps them)."""
    if not folder.is_dir():
        return
    for entry in os.scandir(folder):
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            os.unlink(entry.path)
