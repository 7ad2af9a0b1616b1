"""How long a module takes, derived from what is in it, so the times learners plan by and the CPD record shows
are honest.

A module's time is its prose read at ``READING_WORDS_PER_MINUTE`` plus a stated time for each thing it asks the
learner to do, counted from the content its notebook actually loads (``cue_scenarios()`` in module 02 counts
module 02's scenarios and their questions). Every figure below is stated once, here, and ``describe`` says them
in words for the docs.

Reading speed: adults read English non-fiction silently at about 238 words a minute, most between 175 and
300, and readers of English as an additional language read more slowly (Brysbaert 2019). Many of our learners
read in an additional language, and they read to learn rather than to skim, so we use 180 words a minute: the
slow end of the usual range, inside the 150-200 often assumed for such readers.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from course.content import Content, Record, learner_contacts, load_content

__all__ = ["READING_WORDS_PER_MINUTE", "TOLERANCE", "ActivityTime", "ModuleTime", "UnknownActivity", "describe",
           "module_time", "notebooks_directory", "words"]

READING_WORDS_PER_MINUTE = 180
# How far a module's stated minutes (modules.yaml) may be from the derived time before they count as wrong.
TOLERANCE = 0.25
# Minutes for each thing a learner does, on top of reading any situation it describes at the same speed.
QUESTION = 1.0          # read the question and its options, choose, check, read the feedback
TICK_ALL = 2.0          # a tick-all-that-apply question: every option is its own decision
SORT_ITEM = 0.5         # place one cue, then read why it belongs where it does
REFLECTION = 5.0        # write a few sentences
PLAN_AREA = 2.0         # choose and write ideas for one area of a plan
EXPLORE = 4.0           # try the settings of a figure or simulation and read what it shows
REVIEW = 3.0            # look over one's own record of learning
ACCOUNT = 10.0          # fill in the four parts of the CPD reflective account (drafted in the reflection before)
LOOKUP = 0.0            # optional: reference lists and the glossary are there to dip into

_WORD = re.compile(r"[A-Za-z0-9À-ÿ’'–-]*[A-Za-z0-9À-ÿ]")


def notebooks_directory() -> Path:
    """The modules' notebooks in a checkout of the course (they are not part of the installed package)."""
    return Path(__file__).resolve().parents[2] / "notebooks"


def words(text: str) -> int:
    """Words a reader reads: HTML tags, markdown link targets, URLs, code and table rules are left out."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"https?://\S+|`[^`]*`", " ", text)
    return len(_WORD.findall(text))


def reading(text: str) -> float:
    return words(text) / READING_WORDS_PER_MINUTE


class UnknownActivity(LookupError):
    """A notebook calls an activity this estimate has no stated time for."""


@dataclass(frozen=True)
class ActivityTime:
    """One call in a notebook: what it asks of the learner and the minutes that take."""

    call: str
    minutes: float
    what: str


@dataclass(frozen=True)
class ModuleTime:
    """A module's derived time: prose reading plus each activity."""

    module: str
    prose_words: int
    activities: tuple[ActivityTime, ...] = field(default=())

    @property
    def reading_minutes(self) -> float:
        return self.prose_words / READING_WORDS_PER_MINUTE

    @property
    def minutes(self) -> float:
        return self.reading_minutes + sum(a.minutes for a in self.activities)

    def gap(self, stated: int) -> float:
        """How far ``stated`` minutes are from the derived time, as a fraction of it (+0.1: 10% over)."""
        return (stated - self.minutes) / self.minutes

    @property
    def rounded(self) -> int:
        """The time to tell learners: to the nearest 5 minutes, never less than 5."""
        return max(5, 5 * round(self.minutes / 5))

    def breakdown(self) -> str:
        parts = [f"{self.prose_words} words of prose ({self.reading_minutes:.1f} min)"]
        parts += [f"{a.call}: {a.what} ({a.minutes:.1f} min)" for a in self.activities if a.minutes]
        return f"module {self.module}: {self.minutes:.1f} min = " + " + ".join(parts)


# --- what each activity asks, counted from the content it loads ------------------------------------------------

def _question_minutes(question: Mapping) -> float:
    return TICK_ALL if isinstance(question.get("correct"), tuple | list) else QUESTION


def _questions(questions) -> tuple[int, float]:
    return len(questions), sum(_question_minutes(q) for q in questions)


def _scenarios(collection: str) -> Callable[..., ActivityTime]:
    def count(content: Content, module: str, topic: str | None = None, **_) -> ActivityTime:
        chosen = [s for s in content[collection] if s.module == module and topic in (None, s.get("topic"))]
        situation = sum(reading(f"{s.age} {s.context} {s.baby_does}") for s in chosen)
        asked, minutes = _questions([q for s in chosen for q in s.questions])
        return ActivityTime(collection, situation + minutes,
                            f"{len(chosen)} scenarios, {asked} questions")
    return count


def _vignettes(content: Content, module: str, **_) -> ActivityTime:
    chosen = [v for v in content["vignettes"] if v.module == module]
    minutes = sum(reading(v.case) + _question_minutes(v.factors) + _question_minutes(v.next_step) for v in chosen)
    return ActivityTime("risk_vignettes", minutes, f"{len(chosen)} case vignettes, {2 * len(chosen)} questions")


def _records_with_question(collection: str, module_filter: bool = True, text: str | None = None):
    def count(content: Content, module: str, *args, **_) -> ActivityTime:
        chosen = list(content[collection])
        if module_filter:
            wanted = args[0] if args else module
            chosen = [r for r in chosen if r.module == wanted]
        minutes = sum((reading(r[text]) if text else 0) + _question_minutes(r.get("question", r)) for r in chosen)
        return ActivityTime(collection, minutes, f"{len(chosen)} questions")
    return count


def _claims(content: Content, module: str, *args, **_) -> ActivityTime:
    chosen = [c for c in content["claims"] if c.module == (args[0] if args else module)]
    minutes = sum(reading(f"{c.claim} {c.where_from} " + " ".join(e.text for e in c.evidence))
                  + QUESTION * (len(c.evidence) + 1) for c in chosen)
    asked = sum(len(c.evidence) + 1 for c in chosen)
    return ActivityTime("claims", minutes, f"{len(chosen)} claims, {asked} questions")


def _per_record(collection: str, each: float, noun: str):
    def count(content: Content, module: str, *_, **__) -> ActivityTime:
        n = len(content[collection])
        return ActivityTime(collection, n * each, f"{n} {noun}")
    return count


def _contacts(collection: str):
    def count(content: Content, module: str, urgency: str | None = None, topic: str | None = None,
              **__) -> ActivityTime:
        records = learner_contacts(content) if collection == "learner_support" else content[collection]
        shown = [c for c in records if urgency in (None, c.get("urgency"))
                 and (topic is None or topic in c.get("topics", ()))]
        text = " ".join(f"{c.name} {c.how} {c.when}" for c in shown)
        return ActivityTime(collection, reading(text), f"{len(shown)} contacts to read")
    return count


def _stated(minutes: float, what: str):
    def count(content: Content, module: str, *_, **__) -> ActivityTime:
        return ActivityTime("", minutes, what)
    return count


def _patterns(content: Content, module: str, *_, **__) -> ActivityTime:
    text = " ".join(p.get("explanation", "") for p in content["attachment_patterns"])
    return ActivityTime("attachment_patterns", EXPLORE + reading(text), "a figure to explore and its notes")


def _course_map(content: Content, module: str, *_, **__) -> ActivityTime:
    text = " ".join(f"{m.title} {m.summary}" for m in content["modules"])
    return ActivityTime("course_map", reading(text), "the table of modules")


ACTIVITIES: dict[str, Callable[..., ActivityTime]] = {
    "cue_scenarios": _scenarios("scenarios"),
    "stress_scenarios": _scenarios("stress_scenarios"),
    "partner_scenarios": _scenarios("partner_scenarios"),
    "risk_vignettes": _vignettes,
    "myth_or_fact": _records_with_question("myths", text="statement"),
    "understanding_check": _records_with_question("checks"),
    "knowledge_check": _records_with_question("knowledge_check", module_filter=False),
    "claim_check": _claims,
    "cue_sort": _per_record("cue_sort", SORT_ITEM, "cues to sort"),
    "self_care_plan": _per_record("self_care", PLAN_AREA, "areas of a self-care plan"),
    "signposting": _contacts("signposting"),
    "learner_support": _contacts("learner_support"),
    "reflection": _stated(REFLECTION, "a reflection to write (or skip)"),
    "attachment_patterns": _patterns,
    "repair_simulator": _stated(EXPLORE, "a simulation to explore"),
    "course_map": _course_map,
    "learning_record": _stated(REVIEW, "your learning record to look over"),
    "learning_record_store": _stated(LOOKUP, "learning records for an employer's store (optional)"),
    "cpd_record": _stated(ACCOUNT, "the CPD reflective account to fill in"),
    "reference_list": _stated(LOOKUP, "references (optional)"),
    "glossary": _stated(LOOKUP, "the glossary (optional)"),
    "standards_mapping": _stated(LOOKUP, "the professional standards the module serves (optional)"),
}


def _calls(source: str) -> list[tuple[str, list[Any], dict[str, Any]]]:
    """The top-level calls a code cell makes, with their literal arguments."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            args = [a.value for a in node.args if isinstance(a, ast.Constant)]
            kwargs = {k.arg: k.value.value for k in node.keywords if isinstance(k.value, ast.Constant)}
            found.append((node.func.id, args, kwargs))
    return found


def module_time(module: Record | str, content: Content | None = None,
                notebooks: Path | None = None) -> ModuleTime:
    """The derived time of one module (a ``modules.yaml`` record or its id), from its notebook and content.

    Raises ``UnknownActivity`` naming the call when the notebook uses an activity with no stated time.
    """
    content = content or load_content()
    if isinstance(module, str):
        module = content.record("modules", module)
    notebook = nbformat.read((notebooks or notebooks_directory()) / module.notebook, as_version=4)
    prose = sum(words(c.source) for c in notebook.cells if c.cell_type == "markdown")
    activities = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for name, args, kwargs in _calls(cell.source):
            if name not in ACTIVITIES:
                raise UnknownActivity(f"{module.notebook} calls {name}(), which has no stated time in "
                                      "course.models.study_time.ACTIVITIES: add one saying what it asks of a learner")
            timed = ACTIVITIES[name](content, module.id, *args, **kwargs)
            activities.append(ActivityTime(name, timed.minutes, timed.what))
    return ModuleTime(module.id, prose, tuple(activities))


def describe() -> str:
    """The method in words, for the docs and the CPD record."""
    return (f"Each module's time is its text read at {READING_WORDS_PER_MINUTE} words a minute (a careful pace for "
            f"readers of English as an additional language), plus {QUESTION:g} minute for each question "
            f"({TICK_ALL:g} for a tick-all-that-apply question) after reading its situation, {SORT_ITEM:g} minute for "
            f"each cue to sort, {REFLECTION:g} minutes for each reflection, {PLAN_AREA:g} minutes for each area of a "
            f"plan, {EXPLORE:g} minutes for each figure or simulation to explore, and {ACCOUNT:g} minutes to fill in "
            "the CPD reflective account, rounded to the nearest 5 minutes.")
