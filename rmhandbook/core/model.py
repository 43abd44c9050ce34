"""The content model: what each YAML file may contain.

Every model is strict (no silent type coercion: "15" is not 15, "no" is not
false) and forbids unknown keys. The same models produce the JSON Schema
files that editors use (`rmhandbook schema`).

References between items are declared in the type (`Refs("scripts")`), so a
new content kind gets its references checked without new checking code.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID_EXAMPLE = "first-meeting"


@dataclasses.dataclass(frozen=True)
class RefTo:
    """Marks a field whose values are ids of items of `kind`."""

    kind: str  # "steps", "scripts", "pitfalls", "faqs", "roles", "phases", "checklist", ...


Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, min_length=1, max_length=80),
               Field(examples=[ID_EXAMPLE])]
Text = Annotated[str, StringConstraints(min_length=1)]  # one line of plain text (terms allowed)
# A name shown in the header and the browser tab: plain text, no `<` or `>` (issue 6: a name
# with markup in it is refused with a located error rather than shown escaped).
NO_MARKUP_PATTERN = r"^[^<>]+$"
Name = Annotated[str, StringConstraints(min_length=1, pattern=NO_MARKUP_PATTERN)]
Markdown = Annotated[str, StringConstraints(min_length=1)]  # Markdown prose (terms allowed)


# A plausible id for each kind of reference, for schema examples and error messages.
REF_EXAMPLES = {"steps": "first-meeting", "scripts": "first-meeting-opener", "pitfalls": "tick-box",
                "faqs": "basics", "roles": "mentor", "phases": "partnership", "sessions": "kickoff",
                "forms": "goal-sheet", "tracks": "inclusion"}


def Refs(kind: str, description: str = "") -> Any:
    return Annotated[list[Id], RefTo(kind), Field(default_factory=list,
                                                  description=description or f"ids of related {kind}",
                                                  examples=[[REF_EXAMPLES.get(kind, ID_EXAMPLE)]])]


def Ref(kind: str, description: str) -> Any:
    return Annotated[Id, RefTo(kind), Field(description=description, examples=[REF_EXAMPLES.get(kind, ID_EXAMPLE)])]


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


# --- program.yml -----------------------------------------------------------

class TermForms(Strict):
    singular: Text = Field(description="the word in the singular", examples=["digital guide"])
    plural: Text = Field(description="the word in the plural", examples=["digital guides"])


Term = Text | TermForms

REQUIRED_TERMS = ("mentor", "mentee", "program-lead", "sponsor", "program")
REQUIRED_ROLES = ("mentor", "mentee", "program-lead", "sponsor")


class Role(Strict):
    id: Id = Field(description="role id; mentor, mentee, program-lead and sponsor are required", examples=["mentor"])
    name: Text = Field(description="display name; may be a term reference", examples=["[[Mentor]]"])
    description: Markdown = Field(description="what this role is for",
                                  examples=["The junior colleague who shares skills and a fresh view."])
    responsibilities: list[Text] = Field(default_factory=list, description="what this role commits to")
    start_with: Refs("steps", "steps this role should read first") = Field(default_factory=list)  # type: ignore[valid-type]


class Phase(Strict):
    id: Id = Field(examples=["design"])
    title: Text = Field(examples=["Design the program"])
    duration: Text = Field(description="typical duration", examples=["4-6 weeks"])
    summary: Markdown = Field(description="what happens in this phase", examples=["Pairs meet every week."])


class Cadence(Strict):
    frequency: Text = Field(examples=["weekly"])
    minutes: int = Field(ge=15, le=480, description="length of one meeting in minutes", examples=[60])
    summary: Markdown = Field(description="why this rhythm, and what to do when a meeting is missed",
                              examples=["Meet for an hour every week; move a missed meeting, never drop it."])


class Track(Strict):
    id: Id = Field(description="track id; a session names it in `track`", examples=["inclusion"])
    title: Text = Field(examples=["Inclusion-led"])
    summary: Markdown = Field(description="what this track's meetings cover, and which pairs it suits",
                              examples=["Meetings on the differences a pair brings beyond age and technology."])


class Comparison(Strict):
    aspect: Text = Field(examples=["Direction of knowledge"])
    traditional: Text = Field(examples=["Top-down"])
    reverse: Text = Field(examples=["Bottom-up"])


class Example(Strict):
    organization: Text = Field(examples=["Cisco"])
    summary: Markdown


class Program(Strict):
    name: Text = Field(description="the program's name", examples=["Reverse Mentoring Program"])
    summary: Markdown = Field(description="one paragraph: what the program is and why it exists",
                              examples=["A twelve-week program in which newer colleagues teach senior leaders."])
    introduction: Markdown = Field(description="home page: what reverse mentoring is",
                                   examples=["In reverse mentoring the less senior colleague is the [[mentor]]."])
    audience: Markdown = Field(description="home page: who this handbook is for",
                               examples=["This handbook is for [[mentors]], [[mentees]] and the [[program-lead]]."])
    terms: dict[Id, Term] = Field(description="the organization's words; prose refers to them as [[mentor]], "
                                  "[[mentors]], [[Mentor]]; required: " + ", ".join(REQUIRED_TERMS),
                                  examples=[{"mentor": "mentor", "program-lead": {"singular": "program lead",
                                                                                  "plural": "program leads"}}])
    roles: list[Role] = Field(min_length=1)
    phases: list[Phase] = Field(min_length=1, description="in program order")
    cadence: Cadence
    comparison: list[Comparison] = Field(default_factory=list, description="traditional vs reverse mentoring")
    origin: Markdown | None = Field(default=None, description="where reverse mentoring comes from")
    examples: list[Example] = Field(default_factory=list, description="organizations known to run it")
    tracks: list[Track] = Field(default_factory=list,
                                description="session tracks: alternative plans for some weeks of the partnership, "
                                            "a pair follows one. A session without `track` belongs to every track; "
                                            "the first track is the calendar's default")


# --- steps/<id>.yml --------------------------------------------------------

class ChecklistItem(Strict):
    id: Id = Field(description="stable id, unique within the step; ticks in the browser are kept under it",
                   examples=["book-slots"])
    role: Ref("roles", "who ticks this item")  # type: ignore[valid-type]
    text: Text = Field(description="an action a person can tick",
                       examples=["Book a recurring 60-minute slot for the next 12 weeks"])


class Step(Strict):
    title: Text = Field(examples=["Hold the first meeting"])
    phase: Ref("phases", "the phase this step belongs to")  # type: ignore[valid-type]
    order: int = Field(description="position within the phase (lower first)", examples=[10])
    summary: Text = Field(description="one sentence", examples=["Meet, agree goals and how to keep in touch."])
    why: Markdown = Field(description="why this step matters",
                          examples=["The first hour sets the tone for the whole partnership."])
    timing: Text = Field(examples=["week 1", "weeks 2-12"])
    actions: dict[Id, Markdown] = Field(description="what each role does, by role id",
                                        examples=[{"mentor": "Prepare two topics you could teach."}])
    checklist: list[ChecklistItem] = Field(min_length=1)
    tips: list[Markdown] = Field(default_factory=list)
    scripts: Refs("scripts")  # type: ignore[valid-type]
    pitfalls: Refs("pitfalls")  # type: ignore[valid-type]
    tags: list[Text] = Field(default_factory=list)


# --- scripts/<id>.yml ------------------------------------------------------

class Variation(Strict):
    title: Text = Field(examples=["By email"])
    text: Markdown


class Script(Strict):
    title: Text = Field(examples=["First-meeting opener"])
    situation: Markdown = Field(description="when to use it", examples=["The first five minutes of the first meeting."])
    speaker: Ref("roles", "who says it")  # type: ignore[valid-type]
    audience: list[Annotated[Id, RefTo("roles")]] = Field(min_length=1, description="who it is said to (role ids)")
    text: Markdown = Field(description="the script itself, ready to read aloud or copy",
                           examples=["Thanks for taking this on. What would you like to learn first?"])
    variations: list[Variation] = Field(default_factory=list)
    do: list[Markdown] = Field(default_factory=list)
    dont: list[Markdown] = Field(default_factory=list)
    steps: Refs("steps")  # type: ignore[valid-type]
    tags: list[Text] = Field(default_factory=list)


# --- pitfalls/<id>.yml -----------------------------------------------------

class Pitfall(Strict):
    title: Text = Field(examples=["Meetings slip to once a month"])
    severity: Literal["low", "medium", "high"]
    signs: list[Markdown] = Field(min_length=1, description="what you will notice",
                                  examples=[["Meetings are moved or shortened."]])
    cause: Markdown = Field(description="why it happens", examples=["Nobody protected the time."])
    impact: Markdown = Field(description="what it costs", examples=["The pair stops learning."])
    workaround: Markdown = Field(description="what to do about it",
                                 examples=["Book the slots for the whole [[program]] in advance."])
    steps: Refs("steps")  # type: ignore[valid-type]
    scripts: Refs("scripts")  # type: ignore[valid-type]
    tags: list[Text] = Field(default_factory=list)


# --- faqs/<topic>.yml ------------------------------------------------------

class Question(Strict):
    id: Id = Field(description="anchor of the question on its topic page", examples=["how-often"])
    question: Text = Field(examples=["How often should a pair meet?"])
    answer: Markdown = Field(examples=["At least an hour a week."])
    audience: list[Annotated[Id, RefTo("roles")]] = Field(default_factory=list,
                                                          description="roles this answers; empty: everyone")
    steps: Refs("steps")  # type: ignore[valid-type]
    scripts: Refs("scripts")  # type: ignore[valid-type]
    pitfalls: Refs("pitfalls")  # type: ignore[valid-type]


class FaqTopic(Strict):
    title: Text = Field(examples=["Basics"])
    order: int = Field(default=100, description="position among topics (lower first)")
    summary: Markdown | None = None
    questions: list[Question] = Field(min_length=1)


# --- glossary.yml ----------------------------------------------------------

class GlossaryEntry(Strict):
    term: Text = Field(examples=["Reverse mentoring"])
    definition: Markdown = Field(examples=["A junior colleague mentors a senior one."])
    aliases: list[Text] = Field(default_factory=list, description="other spellings that get the same hover definition")


class Glossary(Strict):
    entries: list[GlossaryEntry] = Field(min_length=1)


# --- sessions/<id>.yml -----------------------------------------------------
# One meeting of a pair (or one plan used for a run of weekly meetings). The
# calendar turns every week of every session into one event.

CHECKLIST_REF_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*$"
ChecklistRef = Annotated[str, StringConstraints(pattern=CHECKLIST_REF_PATTERN, min_length=3, max_length=161),
                         RefTo("checklist"), Field(examples=["first-meeting/confirm-series"])]


class AgendaItem(Strict):
    minutes: int = Field(ge=1, le=480, description="how long this part takes", examples=[10])
    title: Text = Field(description="what happens, in a few words", examples=["Check-in"])
    details: Markdown | None = Field(default=None, description="what the pair does in this part (one paragraph: "
                                    "it is printed in a table cell)")


class Reflection(Strict):
    mentor: Text = Field(description="a question the mentor answers after the meeting",
                         examples=["What did I explain well, and what would I explain differently?"])
    mentee: Text = Field(description="a question the mentee answers after the meeting",
                         examples=["What will I try before we meet again?"])


class Session(Strict):
    title: Text = Field(examples=["Kick-off: get to know each other"])
    week: int = Field(ge=1, le=104, description="the partnership week of this meeting (week 1 is the first meeting)",
                      examples=[1])
    until_week: int | None = Field(default=None, ge=1, le=104,
                                   description="last week for a plan used in several weekly meetings "
                                               "(weeks `week` to `until_week`, one meeting each)", examples=[8])
    minutes: int | None = Field(default=None, ge=15, le=480,
                                description="length of the meeting; default: the program cadence's minutes. "
                                            "The agenda's minutes must add up to it", examples=[90])
    goal: Markdown = Field(description="what the pair should have at the end of the meeting")
    preparation: dict[Id, list[Markdown]] = Field(min_length=1, description="what each role prepares, by role id",
                                                  examples=[{"mentor": ["Pick two tools you use every day."]}])
    agenda: list[AgendaItem] = Field(min_length=1, description="the timed agenda, in order")
    scripts: Refs("scripts", "ids of the framing scripts used in this meeting")  # type: ignore[valid-type]
    checklist_items: list[ChecklistRef] = Field(default_factory=list,
                                                description="checklist items this meeting ticks off, "
                                                            "written as `step-id/item-id`")
    steps: Refs("steps", "ids of the steps this meeting belongs to")  # type: ignore[valid-type]
    reflection: Reflection = Field(description="one question for each side to think about afterwards")
    track: Annotated[Id, RefTo("tracks")] | None = Field(
        default=None, description="the id of the track this meeting belongs to (program.yml `tracks`); "
                                  "leave it out for a meeting every pair holds", examples=["inclusion"])
    tags: list[Text] = Field(default_factory=list)

    @property
    def weeks(self) -> range:
        return range(self.week, (self.until_week or self.week) + 1)


# --- forms/<id>.yml --------------------------------------------------------
# A working document (agreement, goal sheet, survey...) that a person fills in, in the
# browser or on paper. The form names the steps, scripts and sessions that use it, so
# adding a form touches no other file, and those pages list it through the backlinks.

FIELD_TYPES = ("short_text", "long_text", "choice", "scale", "date", "signature")


class FormField(Strict):
    id: Id = Field(description="stable id, unique within the form; a value filled in the browser is kept under it",
                   examples=["goal-1"])
    type: Literal["short_text", "long_text", "choice", "scale", "date", "signature"] = Field(
        description="short_text: one line; long_text: several lines; choice: pick from `options`; "
                    "scale: 1 to 5 between `low` and `high`; date; signature: a line to sign on",
        examples=["short_text"])
    label: Text = Field(description="the question or the name of the field", examples=["What do you want to learn?"])
    help: Text | None = Field(default=None, description="a short hint shown under the label",
                              examples=["Write one thing you could show someone."])
    lines: int | None = Field(default=None, ge=2, le=20,
                              description="long_text only: how many lines to write on when printed (default 4)",
                              examples=[4])
    options: list[Text] | None = Field(default=None, min_length=1,
                                       description="choice only: the answers to pick from (at least 2; "
                                                   "one is a box to tick, with `multiple: true`)",
                                       examples=[["In person", "Video call"]])
    multiple: bool | None = Field(default=None, description="choice only: more than one answer may be picked",
                                  examples=[True])
    low: Text | None = Field(default=None, description="scale only: what 1 means", examples=["Not at all"])
    high: Text | None = Field(default=None, description="scale only: what 5 means", examples=["Completely"])


class FormSection(Strict):
    id: Id = Field(description="anchor of the section on the form's page", examples=["goals"])
    title: Text = Field(examples=["Goals"])
    intro: Markdown | None = Field(default=None, description="a short paragraph before the fields")
    fields: list[FormField] = Field(min_length=1)


class Form(Strict):
    title: Text = Field(examples=["Goal sheet"])
    summary: Text = Field(description="one sentence: what the form is for",
                          examples=["Three goals for the partnership, each with evidence you could see."])
    purpose: Markdown | None = Field(default=None, description="when and how to use it")
    filled_by: list[Annotated[Id, RefTo("roles")]] = Field(min_length=1, description="who fills it in (role ids)",
                                                           examples=[["mentor", "mentee"]])
    sections: list[FormSection] = Field(min_length=1, description="groups of fields, in order")
    steps: Refs("steps", "ids of the steps that use this form")  # type: ignore[valid-type]
    scripts: Refs("scripts", "ids of the scripts that use this form")  # type: ignore[valid-type]
    sessions: Refs("sessions", "ids of the session plans that use this form")  # type: ignore[valid-type]
    tags: list[Text] = Field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class Kind:
    """A folder of content items, one item per file, the file name its id.

    Everything that repeats per kind (loading, schema files, pages, nav, caches,
    backlinks) loops over KINDS, so a new kind is a model, an entry here and its templates.
    """

    folder: str
    model: type[Strict]
    singular: str
    schema: str  # name of its JSON Schema file and item template (`<schema>.md.j2`)
    url: str  # folder of its pages in the site; the catalog template is `<url>_index.md.j2`
    variable: str  # the name an item template knows its item by
    title_key: str  # message key of its catalog page's title (and `nav_key` of its nav entry)
    nav_key: str
    nav: str  # "by_phase": grouped under the program's phases; "section": its pages; "catalog": the catalog only
    group: str  # "program": pages before the role pages and checklists; "reference": after them
    order: str  # "phase": by the program's phases, then `order`; "title"; "order"; "week"
    linked: bool = True  # its items link to the items that name them (backlinks)
    optional: bool = False  # no pages at all when the content has none


KINDS: dict[str, Kind] = {
    "steps": Kind("steps", Step, "step", "step", url="steps", variable="step", title_key="steps", nav_key="steps",
                  nav="by_phase", group="program", order="phase"),
    "scripts": Kind("scripts", Script, "script", "script", url="scripts", variable="script", title_key="scripts",
                    nav_key="scripts", nav="catalog", group="reference", order="title"),
    "pitfalls": Kind("pitfalls", Pitfall, "pitfall", "pitfall", url="pitfalls", variable="pitfall",
                     title_key="pitfalls", nav_key="pitfalls", nav="catalog", group="reference", order="title"),
    "faqs": Kind("faqs", FaqTopic, "FAQ topic", "faq", url="faq", variable="topic", title_key="faq_title",
                 nav_key="faq", nav="section", group="reference", order="order", linked=False),
    "sessions": Kind("sessions", Session, "session", "session", url="sessions", variable="session",
                     title_key="sessions", nav_key="sessions", nav="section", group="program", order="week",
                     optional=True),
    "forms": Kind("forms", Form, "form", "form", url="forms", variable="form", title_key="forms",
                  nav_key="forms", nav="catalog", group="reference", order="title", optional=True),
}

SINGLE_FILES: dict[str, type[Strict]] = {
    "program": Program,
    "glossary": Glossary,
}
