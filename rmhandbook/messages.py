"""The handbook's own words: section names, button labels, counts.

One table per language; templates call `msg("key")` and scripts read the
table from the page. Organizations pick the language in their profile.
Role names and program words come from the terms mapping, not from here.
Add a key to every language at once: a test checks the tables agree.
"""

from __future__ import annotations

from typing import Mapping

DEFAULT_LANGUAGE = "en"

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        # home
        "what_it_is": "What reverse mentoring is",
        "who_for": "Who this handbook is for",
        "where_to_start": "Where to start",
        "start_with": "Start with",
        "find_your_way": "Find your way",
        "nav_overview_hint": "the phases and steps at a glance.",
        "nav_steps_hint": "what to do, when, and who does it.",
        "nav_scripts_hint": "what to say, ready to read aloud.",
        "nav_pitfalls_hint": "what goes wrong, and what to do about it.",
        "nav_faq_hint": "answers to what people ask most.",
        # section and page names
        "home": "Home",
        "overview": "Program overview",
        "steps": "Steps",
        "roles": "Roles",
        "scripts": "Framing scripts",
        "pitfalls": "Pitfalls",
        "faq": "FAQ",
        "faq_title": "Frequently asked questions",
        "glossary": "Glossary",
        # overview
        "timeline": "Timeline",
        "phases": "Phases",
        "typical_duration": "Typical duration",
        "steps_in_phase": "Steps in this phase",
        "meeting_rhythm": "Meeting rhythm",
        "minutes": "minutes",
        "comparison": "Traditional and reverse mentoring compared",
        "traditional": "Traditional mentoring",
        "reverse": "Reverse mentoring",
        "origin": "Where it comes from",
        "examples": "Organizations that use it",
        # steps
        "steps_intro": "Every step, in order. Each step says why it matters, what each role does, and what to tick off.",
        "step": "Step",
        "when": "When",
        "in_short": "In short",
        "phase": "Phase",
        "why_it_matters": "Why it matters",
        "who_does_what": "Who does what",
        "checklist": "Checklist",
        "tips": "Tips",
        "scripts_for_step": "Scripts for this step",
        "pitfalls_for_step": "Pitfalls to watch for",
        "severity_suffix": "severity",
        # roles
        "commitments": "What you commit to",
        "everything_you_do": "Everything you do, in program order",
        # scripts
        "scripts_intro": "What to say, and when. Each script is written to be read aloud or copied as it is; adapt the details to your pair.",
        "script": "Script",
        "when_to_use": "When to use it",
        "who_says_it": "Who says it",
        "said_to": "To",
        "the_script": "The script",
        "variations": "Variations",
        "do_and_dont": "Do and don't",
        "do": "Do",
        "dont": "Don't",
        "used_in_steps": "Used in these steps",
        "helps_with": "Helps with these pitfalls",
        "copy": "Copy",
        "copied": "Copied",
        "copy_label": "Copy the script text",
        # pitfalls
        "pitfalls_intro": "What tends to go wrong, the signs to look for, and what to do. Grouped by how much harm they do when ignored.",
        "pitfall": "Pitfall",
        "first_sign": "First sign",
        "prevent_in": "Prevent or fix it in",
        "severity": "Severity",
        "severity_high": "High",
        "severity_medium": "Medium",
        "severity_low": "Low",
        "signs": "Signs you will notice",
        "cause": "Why it happens",
        "impact": "What it costs",
        "workaround": "What to do",
        "prevent_steps": "Steps that prevent or fix it",
        "scripts_that_help": "Scripts that help",
        # faq and glossary
        "for": "For",
        "see_also": "See also",
        "glossary_intro": "Terms used in this handbook. Where a term appears on another page, hold the pointer over it to see its definition.",
        "also": "Also",
        # organizations (issue 5): contact on the home page and in the footer
        "contact": "Questions? Ask",
        "contact_email": "Email",
        "contact_chat": "Chat",
        "contact_page": "Program page",
    },
    "de": {
        "what_it_is": "Was Reverse Mentoring ist",
        "who_for": "Für wen dieses Handbuch ist",
        "where_to_start": "Wo Sie anfangen",
        "start_with": "Beginnen Sie mit",
        "find_your_way": "Orientierung",
        "nav_overview_hint": "Phasen und Schritte auf einen Blick.",
        "nav_steps_hint": "was zu tun ist, wann und von wem.",
        "nav_scripts_hint": "was Sie sagen können, bereit zum Vorlesen.",
        "nav_pitfalls_hint": "was schiefgeht und was dann hilft.",
        "nav_faq_hint": "Antworten auf die häufigsten Fragen.",
        "home": "Start",
        "overview": "Programmüberblick",
        "steps": "Schritte",
        "roles": "Rollen",
        "scripts": "Gesprächsleitfäden",
        "pitfalls": "Stolpersteine",
        "faq": "FAQ",
        "faq_title": "Häufige Fragen",
        "glossary": "Glossar",
        "timeline": "Zeitleiste",
        "phases": "Phasen",
        "typical_duration": "Typische Dauer",
        "steps_in_phase": "Schritte in dieser Phase",
        "meeting_rhythm": "Treffen",
        "minutes": "Minuten",
        "comparison": "Klassisches und Reverse Mentoring im Vergleich",
        "traditional": "Klassisches Mentoring",
        "reverse": "Reverse Mentoring",
        "origin": "Woher es kommt",
        "examples": "Organisationen, die es nutzen",
        "steps_intro": "Alle Schritte in ihrer Reihenfolge: warum sie zählen, was jede Rolle tut und was abzuhaken ist.",
        "step": "Schritt",
        "when": "Wann",
        "in_short": "Kurz gesagt",
        "phase": "Phase",
        "why_it_matters": "Warum es wichtig ist",
        "who_does_what": "Wer was tut",
        "checklist": "Checkliste",
        "tips": "Tipps",
        "scripts_for_step": "Leitfäden für diesen Schritt",
        "pitfalls_for_step": "Stolpersteine",
        "severity_suffix": "Schwere",
        "commitments": "Ihre Zusagen",
        "everything_you_do": "Alles, was Sie tun, in Programmreihenfolge",
        "scripts_intro": "Was Sie wann sagen können. Jeder Leitfaden lässt sich so vorlesen oder kopieren; passen Sie die Einzelheiten an.",
        "script": "Leitfaden",
        "when_to_use": "Wann er passt",
        "who_says_it": "Wer spricht",
        "said_to": "Zu",
        "the_script": "Der Leitfaden",
        "variations": "Varianten",
        "do_and_dont": "Tun und lassen",
        "do": "Tun",
        "dont": "Lassen",
        "used_in_steps": "Verwendet in diesen Schritten",
        "helps_with": "Hilft bei diesen Stolpersteinen",
        "copy": "Kopieren",
        "copied": "Kopiert",
        "copy_label": "Leitfadentext kopieren",
        "pitfalls_intro": "Was oft schiefgeht, woran Sie es erkennen und was hilft, geordnet nach dem Schaden, den es anrichtet.",
        "pitfall": "Stolperstein",
        "first_sign": "Erstes Anzeichen",
        "prevent_in": "Vorbeugen oder beheben in",
        "severity": "Schwere",
        "severity_high": "Hoch",
        "severity_medium": "Mittel",
        "severity_low": "Niedrig",
        "signs": "Woran Sie es merken",
        "cause": "Warum es passiert",
        "impact": "Was es kostet",
        "workaround": "Was hilft",
        "prevent_steps": "Schritte, die vorbeugen oder helfen",
        "scripts_that_help": "Leitfäden, die helfen",
        "for": "Für",
        "see_also": "Siehe auch",
        "glossary_intro": "Begriffe aus diesem Handbuch. Steht ein Begriff auf einer anderen Seite, zeigt der Mauszeiger darüber seine Bedeutung.",
        "also": "Auch",
        # organizations (issue 5): contact on the home page and in the footer
        "contact": "Fragen? Wenden Sie sich an",
        "contact_email": "E-Mail",
        "contact_chat": "Chat",
        "contact_page": "Programmseite",
    },
}

LANGUAGES = tuple(MESSAGES)


class Messages:
    """Looks up labels in one language; an unknown key is a bug and raises KeyError."""

    def __init__(self, language: str = DEFAULT_LANGUAGE) -> None:
        if language not in MESSAGES:
            raise ValueError(f"unsupported language `{language}`; supported: {', '.join(LANGUAGES)}")
        self.language = language
        self.table: Mapping[str, str] = MESSAGES[language]

    def __call__(self, key: str) -> str:
        return self.table[key]


def messages_script(language: str = DEFAULT_LANGUAGE) -> str:
    """`assets/rmhandbook/messages.js`: the table for the site's language, for the page scripts."""
    import json

    table = json.dumps(MESSAGES[language], ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    return f"window.RMH_MESSAGES = {table};\n"
