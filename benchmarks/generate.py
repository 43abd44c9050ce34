"""A synthetic but realistic handbook of N content items, in the real content format.

The items are spread over the kinds the way a large handbook grows: about 40 %
steps (each with a checklist, actions per role, tips), 25 % framing scripts
(with variations, do and don't), 20 % pitfalls and 15 % FAQ topics (each with
several questions). Items refer to each other (steps to scripts and pitfalls,
scripts and pitfalls back to steps, questions to all three), prose uses the
`[[term]]` references and Markdown a real handbook uses, and a glossary grows
slowly with the handbook. The same N and seed always give the same files.

    python benchmarks/generate.py OUT_DIR --items 1000

writes OUT_DIR/mkdocs.yml (the repository's theme settings) and
OUT_DIR/content/, which `python -m rmhandbook check --content OUT_DIR/content`
accepts.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

PHASES = (
    ("design", "Design the program", "3-4 weeks"),
    ("recruit-and-match", "Recruit and match", "3-4 weeks"),
    ("launch", "Launch", "1-2 weeks"),
    ("partnership", "Partnership", "12 weeks"),
    ("review", "Review", "1-2 weeks"),
    ("close", "Close and celebrate", "2-3 weeks"),
)
ROLES = ("mentor", "mentee", "program-lead", "sponsor")
TERM_REFS = ("[[mentor]]", "[[mentee]]", "[[mentors]]", "[[mentees]]", "[[program]]", "[[program-lead]]",
             "[[sponsor]]")

# A small vocabulary: enough variety that pages differ and the search index is realistic.
VERBS = ("agree", "book", "review", "share", "prepare", "record", "discuss", "plan", "check", "explain",
         "practise", "ask about", "write down", "summarize", "try out", "compare", "present", "reflect on")
OBJECTS = ("the weekly goals", "a new collaboration tool", "the team's video-call habits", "one customer story",
           "the budget cycle", "how decisions get made", "the next meeting's topic", "a short demo",
           "feedback from last week", "the open questions", "a social media post", "the shared notes",
           "an example from your own work", "the progress sheet", "the risks you see", "two small experiments")
PLACES = ("before the meeting", "in the first ten minutes", "at the end of the meeting", "between meetings",
          "by Friday", "in the shared notes", "with your partner", "in writing")
TOPICS = ("digital tools", "hybrid work", "customer habits", "internal communication", "confidence",
          "feedback", "time management", "career paths", "company culture", "presentations", "data literacy",
          "online privacy", "recruiting", "meeting habits", "mobile apps", "team rituals")
ADJECTIVES = ("short", "honest", "practical", "regular", "clear", "small", "concrete", "shared", "written",
              "friendly", "focused", "open")
GLOSSARY_BASE = (
    ("Reverse mentoring", "A partnership in which a less senior colleague acts as [[mentor]] to a more senior one."),
    ("Pair", "One [[mentor]] and one [[mentee]] who meet regularly during the [[program]]."),
    ("Goal sheet", "A one-page note of what each partner wants to learn, reviewed every few weeks."),
    ("Check-in", "A short conversation between the [[program-lead]] and a pair about how it is going."),
    ("Kick-off", "The event that starts the [[program]], usually opened by the [[sponsor]]."),
    ("Rematch", "Ending a pair that does not work and forming a new one, without blame."),
)


def _sentence(rng: random.Random, term: bool = True) -> str:
    s = f"{rng.choice(VERBS).capitalize()} {rng.choice(OBJECTS)} {rng.choice(PLACES)}"
    if term and rng.random() < 0.5:
        s += f", together with your {rng.choice(TERM_REFS)}"
    return s + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    words = [_sentence(rng) for _ in range(sentences)]
    if rng.random() < 0.3:
        words[0] = f"**{words[0][:-1]}**."
    return " ".join(words)


def _block(text: str, indent: int = 2) -> str:
    """A YAML literal block (`|`) holding `text`, wrapped at about 80 columns."""
    pad = " " * indent
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + len(word) > 76:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "|\n" + "\n".join(pad + ln for ln in lines) + "\n"


def _q(text: str) -> str:
    """A YAML double-quoted scalar (safe for any text)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _ids(prefix: str, count: int) -> list[str]:
    return [f"{prefix}-{i:05d}" for i in range(1, count + 1)]


def split_items(n: int) -> dict[str, int]:
    """How N items are spread over the kinds (at least one of each)."""
    steps = max(1, round(n * 0.40))
    scripts = max(1, round(n * 0.25))
    pitfalls = max(1, round(n * 0.20))
    faqs = max(1, n - steps - scripts - pitfalls)
    return {"steps": steps, "scripts": scripts, "pitfalls": pitfalls, "faqs": faqs}


def glossary_size(n: int) -> int:
    """A glossary grows with the handbook, but much more slowly than the items."""
    return len(GLOSSARY_BASE) + n // 50


def program_yml(name: str) -> str:
    phases = "".join(f"  - id: {pid}\n    title: {title}\n    duration: {dur}\n"
                     f"    summary: What happens in the {title.lower()} phase of the [[program]].\n"
                     for pid, title, dur in PHASES)
    roles = "".join(f"  - id: {rid}\n    name: \"[[{rid.capitalize()}]]\"\n"
                    f"    description: What the [[{rid}]] does in the [[program]], and why it matters.\n"
                    f"    responsibilities:\n      - Keep the agreed meetings\n      - Share what you learn\n"
                    for rid in ROLES)
    return f"""\
# yaml-language-server: $schema=schema/program.schema.json
name: {name}
summary: >-
  A synthetic [[program]] used to measure how rmhandbook scales. [[Mentors]]
  teach senior colleagues, and learn how the business runs in return.
introduction: |
  In reverse mentoring the less senior colleague is the [[mentor]] and the
  senior colleague is the [[mentee]]. Both sides learn.

  This handbook was generated for a benchmark: its items are made up, but
  they have the size and shape of real ones.
audience: >-
  [[Mentors]], [[mentees]], the [[program-lead]] and the [[sponsor]].
terms:
  mentor: mentor
  mentee: mentee
  program-lead:
    singular: program lead
    plural: program leads
  sponsor: executive sponsor
  program: program
roles:
{roles}phases:
{phases}cadence:
  frequency: weekly
  minutes: 60
  summary: Pairs meet for an hour every week, at the same time.
comparison:
  - aspect: Direction of knowledge
    traditional: Top-down
    reverse: Bottom-up, with plenty flowing back
"""


def step_yml(rng: random.Random, sid: str, index: int, scripts: list[str], pitfalls: list[str]) -> str:
    phase = PHASES[index * len(PHASES) // max(1, rng.total_steps)][0]  # type: ignore[attr-defined]
    topic = rng.choice(TOPICS)
    actions = "".join(f"  {role}: {_block(_paragraph(rng, 2), 4)}" for role in rng.sample(ROLES, rng.randint(2, 4)))
    checklist = "".join(f"  - id: item-{k + 1}\n    role: {rng.choice(ROLES)}\n    text: {_q(_sentence(rng, False)[:-1])}\n"
                        for k in range(rng.randint(3, 7)))
    tips = "".join(f"  - {_q(_sentence(rng))}\n" for _ in range(rng.randint(0, 3)))
    return (f"# yaml-language-server: $schema=../schema/step.schema.json\n"
            f"title: {_q(f'{rng.choice(VERBS).capitalize()} {topic} ({sid})')}\n"
            f"phase: {phase}\norder: {index * 10}\n"
            f"summary: {_q(_sentence(rng))}\n"
            f"why: {_block(_paragraph(rng, 4))}"
            f"timing: week {index % 12 + 1}\n"
            f"actions:\n{actions}"
            f"checklist:\n{checklist}"
            + (f"tips:\n{tips}" if tips else "")
            + f"scripts: [{', '.join(rng.sample(scripts, min(len(scripts), rng.randint(0, 3))))}]\n"
            f"pitfalls: [{', '.join(rng.sample(pitfalls, min(len(pitfalls), rng.randint(0, 2))))}]\n"
            f"tags: [{topic}]\n")


def script_yml(rng: random.Random, xid: str, steps: list[str]) -> str:
    speaker = rng.choice(ROLES)
    audience = [r for r in ROLES if r != speaker][: rng.randint(1, 2)]
    variations = "".join(f"  - title: {_q(f'Variation {k + 1}')}\n    text: {_block(_paragraph(rng, 2), 6)}"
                         for k in range(rng.randint(0, 2)))
    return (f"# yaml-language-server: $schema=../schema/script.schema.json\n"
            f"title: {_q(f'Talking about {rng.choice(TOPICS)} ({xid})')}\n"
            f"situation: {_q(_sentence(rng))}\n"
            f"speaker: {speaker}\naudience: [{', '.join(audience)}]\n"
            f"text: {_block(_paragraph(rng, 3) + ' ' + _paragraph(rng, 3))}"
            + (f"variations:\n{variations}" if variations else "")
            + f"do:\n  - {_q(_sentence(rng))}\n  - {_q(_sentence(rng))}\n"
            f"dont:\n  - {_q(_sentence(rng))}\n"
            f"steps: [{', '.join(rng.sample(steps, min(len(steps), rng.randint(1, 3))))}]\n")


def pitfall_yml(rng: random.Random, pid: str, steps: list[str], scripts: list[str]) -> str:
    signs = "".join(f"  - {_q(_sentence(rng))}\n" for _ in range(rng.randint(1, 4)))
    return (f"# yaml-language-server: $schema=../schema/pitfall.schema.json\n"
            f"title: {_q(f'The {rng.choice(ADJECTIVES)} {rng.choice(TOPICS)} trap ({pid})')}\n"
            f"severity: {rng.choice(('low', 'medium', 'high'))}\n"
            f"signs:\n{signs}"
            f"cause: {_block(_paragraph(rng, 2))}"
            f"impact: {_block(_paragraph(rng, 2))}"
            f"workaround: {_block(_paragraph(rng, 3))}"
            f"steps: [{', '.join(rng.sample(steps, min(len(steps), rng.randint(1, 2))))}]\n"
            f"scripts: [{', '.join(rng.sample(scripts, min(len(scripts), rng.randint(0, 2))))}]\n")


def faq_yml(rng: random.Random, tid: str, index: int, steps: list[str], scripts: list[str],
            pitfalls: list[str]) -> str:
    questions = []
    for k in range(rng.randint(3, 8)):
        q = (f"  - id: q-{k + 1}\n"
             f"    question: {_q(f'How do we handle {rng.choice(TOPICS)} when {rng.choice(PLACES)}?')}\n"
             f"    answer: {_block(_paragraph(rng, rng.randint(2, 5)), 6)}")
        if rng.random() < 0.4:
            q += f"    audience: [{', '.join(rng.sample(ROLES, 2))}]\n"
        if rng.random() < 0.5:
            q += f"    steps: [{rng.choice(steps)}]\n"
        if rng.random() < 0.3:
            q += f"    scripts: [{rng.choice(scripts)}]\n"
        if rng.random() < 0.3:
            q += f"    pitfalls: [{rng.choice(pitfalls)}]\n"
        questions.append(q)
    return (f"# yaml-language-server: $schema=../schema/faq.schema.json\n"
            f"title: {_q(f'{rng.choice(TOPICS).capitalize()} ({tid})')}\n"
            f"order: {index}\n"
            f"summary: {_q(_sentence(rng))}\n"
            f"questions:\n" + "".join(questions))


def glossary_yml(rng: random.Random, n: int) -> str:
    entries = list(GLOSSARY_BASE)
    for k in range(glossary_size(n) - len(GLOSSARY_BASE)):
        entries.append((f"{rng.choice(ADJECTIVES).capitalize()} {rng.choice(TOPICS)} {k + 1}", _sentence(rng)))
    body = "".join(f"  - term: {_q(term)}\n    definition: {_q(definition)}\n" for term, definition in entries)
    return "# yaml-language-server: $schema=schema/glossary.schema.json\nentries:\n" + body


REPO_MKDOCS_YML = Path(__file__).resolve().parents[1] / "mkdocs.yml"


def mkdocs_yml(name: str) -> str:
    """The repository's own mkdocs.yml (theme, search, validation), with the synthetic handbook's name.

    Read rather than copied into this file, so the benchmark measures the configuration
    the default handbook really uses.
    """
    lines = REPO_MKDOCS_YML.read_text(encoding="utf-8").splitlines()
    out = [f"site_name: {name}" if line.startswith("site_name:") else line for line in lines]
    return "# A synthetic handbook for the benchmark; settings from the repository's mkdocs.yml.\n" + \
        "\n".join(out) + "\n"


def generate(target: Path, n: int, seed: int = 7, name: str = "Synthetic Handbook") -> dict[str, int]:
    """Write `target/mkdocs.yml` and `target/content/` with `n` items; returns the count per kind."""
    target = Path(target)
    content = target / "content"
    if content.exists():
        shutil.rmtree(content)
    rng = random.Random(f"{seed}-{n}")
    counts = split_items(n)
    step_ids, script_ids = _ids("step", counts["steps"]), _ids("script", counts["scripts"])
    pitfall_ids, faq_ids = _ids("pitfall", counts["pitfalls"]), _ids("topic", counts["faqs"])
    rng.total_steps = len(step_ids)  # type: ignore[attr-defined]  # phase assignment in program order
    files: dict[str, str] = {"program.yml": program_yml(name), "glossary.yml": glossary_yml(rng, n)}
    for i, sid in enumerate(step_ids):
        files[f"steps/{sid}.yml"] = step_yml(rng, sid, i, script_ids, pitfall_ids)
    for xid in script_ids:
        files[f"scripts/{xid}.yml"] = script_yml(rng, xid, step_ids)
    for pid in pitfall_ids:
        files[f"pitfalls/{pid}.yml"] = pitfall_yml(rng, pid, step_ids, script_ids)
    for i, tid in enumerate(faq_ids):
        files[f"faqs/{tid}.yml"] = faq_yml(rng, tid, i, step_ids, script_ids, pitfall_ids)
    for rel, text in files.items():
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (target / "mkdocs.yml").write_text(mkdocs_yml(name), encoding="utf-8")
    (target / "overrides").mkdir(exist_ok=True)  # theme.custom_dir in that configuration
    return counts | {"glossary": glossary_size(n)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write mkdocs.yml and content/ into")
    parser.add_argument("--items", "-n", type=int, default=1000, help="number of content items (default 1000)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    counts = generate(args.out, args.items, args.seed)
    print(f"wrote {args.out}/content: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
