"""The languages a handbook can be built in; render/messages.py holds a table of labels for each."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

DEFAULT_LANGUAGE = "en"
LANGUAGES = ("en", "de")
# Each language's name in itself, as a language switcher shows it (the same on every language's pages)
NAMES = {"en": "English", "de": "Deutsch"}
I18N_FOLDER = "i18n"  # content/i18n/<language>/: the translations (core/translations.py)


def language_list_problems(languages: Sequence[object], content_dir: Path,
                           display: Callable[[Path], str] = str) -> list[tuple[int, str]]:
    """(index, message) for each entry of a site's `languages` that cannot be built.

    An unknown code, a language given twice, and a language other than the source's without a
    translation folder: each language of a site gets the whole handbook, so each needs its prose.
    """
    problems: list[tuple[int, str]] = []
    example = "for example `languages: [de, en]` (the first is the language at the site's root)"
    seen: dict[object, int] = {}
    for index, code in enumerate(languages):
        if code not in LANGUAGES:
            problems.append((index, f"`{code}` is not a language rmhandbook can build; the languages are "
                             f"{', '.join(LANGUAGES)}, {example}. A new language is added as in "
                             "docs/src/translations.md, `Adding a language`."))
        elif code in seen:
            problems.append((index, f"`{code}` is listed twice (also as entry {seen[code] + 1}); each language "
                             f"is listed once, {example}."))
        elif code != DEFAULT_LANGUAGE and not (Path(content_dir) / I18N_FOLDER / str(code)).is_dir():
            folder = Path(content_dir) / I18N_FOLDER / str(code)
            problems.append((index, f"`{code}` has no translation: there is no folder {display(folder)}/. "
                             "Every language of the site gets the whole handbook in it; add the translation there "
                             f"(`rmhandbook translations --lang {code}` lists the files to write), or leave `{code}` "
                             f"out, for example `languages: [{DEFAULT_LANGUAGE}]`."))
        seen.setdefault(code, index)
    return problems
