"""Which languages a site has and which one a build writes (see languages.py), as the plugin and a split build read it.

Kept apart from the orchestration in languages.py, so that the plugin and split.py can read it without importing
the code that runs builds.
"""

from __future__ import annotations

import dataclasses
import os

from rmhandbook.core.languages import NAMES

LANGUAGES_VARIABLE = "RMHANDBOOK_BUILD_LANGUAGES"  # `de,en/en`: the site's languages, then the one built


@dataclasses.dataclass(frozen=True)
class SiteLanguages:
    """The languages of one site and the one a build writes: the first is at the root, the others in `<code>/`."""

    languages: tuple[str, ...]
    current: str

    @property
    def root(self) -> str:
        return self.languages[0]

    def folder(self, language: str) -> str:
        """Where `language`'s handbook is, relative to the site's root: `` or `en/`."""
        return "" if language == self.root else f"{language}/"

    def to_site_root(self) -> str:
        """From this language's root to the whole site's root."""
        return "" if self.current == self.root else "../"

    def alternates(self) -> list[dict[str, str]]:
        """Material's `extra.alternate`: each language's home, relative to this language's root."""
        up = self.to_site_root()
        return [{"name": NAMES.get(lang, lang), "lang": lang, "link": f"{up}{self.folder(lang)}" or "./"}
                for lang in self.languages]

    def page_alternates(self, page_url: str) -> list[dict[str, str]]:
        """The switcher's links on the page at `page_url` (MkDocs' URL, relative to this language's root):
        the same page in every language, as links relative to the page."""
        depth = page_url.count("/")  # `steps/x/` is two folders down, `steps/x.html` one, `` none
        up = "../" * depth + self.to_site_root()
        return [{"name": NAMES.get(lang, lang), "lang": lang, "href": f"{up}{self.folder(lang)}{page_url}" or "./"}
                for lang in self.languages]

    def elsewhere(self) -> tuple[str, ...]:
        """Paths, relative to this language's root, that belong to the other languages' builds: the link check
        of this build leaves links into them to the check of the whole site."""
        if self.current != self.root:
            return ("../",)
        return tuple(self.folder(lang) for lang in self.languages[1:])

    def served_path(self, site_url: str | None) -> str:
        """Where this language's pages are served, for the link check: its `site_url`'s path (the plugin puts the
        folder into a site_url), else the folder under the host's root, where MkDocs' 404 page assumes the site."""
        from rmhandbook.outputs.linkcheck import served_path

        return served_path(site_url) if site_url else "/" + self.folder(self.current)

    def encode(self) -> str:
        return f"{','.join(self.languages)}/{self.current}"


def from_environment() -> SiteLanguages | None:
    """The site's languages when this build is one language of several (set by `build_languages`)."""
    raw = os.environ.get(LANGUAGES_VARIABLE)
    if not raw:
        return None
    languages, _, current = raw.partition("/")
    return SiteLanguages(tuple(languages.split(",")), current)


class site_languages_variable:
    """The environment variable that tells each build (and its split processes) the site's languages."""

    def __init__(self, layout: SiteLanguages) -> None:
        self.value = layout.encode()

    def __enter__(self) -> None:
        self.saved = os.environ.get(LANGUAGES_VARIABLE)
        os.environ[LANGUAGES_VARIABLE] = self.value

    def __exit__(self, *exc: object) -> None:
        if self.saved is None:
            os.environ.pop(LANGUAGES_VARIABLE, None)
        else:
            os.environ[LANGUAGES_VARIABLE] = self.saved
