"""The CPD record a self-paced professional keeps: what they did, for how long, and what they made of it.

Everything here is plain Python built from the learner's own progress, so it can be checked without Jupyter;
``course.views.cpd_pdf`` turns a record into a PDF. The counting
that module 07's learning record shows lives here too, so the table on screen and the PDF always agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from course import keys
from course.content import Record
from course.models.cpd_text import duration_text, estimate_text, hours_text, when
from course.models.standards import standards_served
from course.progress import Attempt, Progress, Reflection

__all__ = ["ACCOUNT_MODULE", "CODE_THEMES", "COURSE_TITLE", "ESTIMATE_METHOD", "NMC_LOG_FIELDS", "CpdLogEntry",
           "CpdRecord", "ModuleRecord", "ParticipatorySession", "ReflectiveAccount", "build_cpd_record",
           "code_sections", "estimate_minutes", "estimate_text", "first_tries", "knowledge_check_scores",
           "module_records", "when"]

COURSE_TITLE = "Secure Attachment: an open course on infant secure attachment"
ACCOUNT_MODULE = "07"
LONGEST_GAP = timedelta(minutes=20)
CODE_THEMES = {"prioritise-people": "Prioritise people",
               "practise-effectively": "Practise effectively",
               "preserve-safety": "Preserve safety",
               "promote-professionalism": "Promote professionalism and trust"}
ESTIMATE_METHOD = ("The estimate is made from the times of the learner's answers and saved reflections: on each "
                   "day, the time between one event and the next is counted when it is 20 minutes or less; longer "
                   "breaks, and reading before the first answer of a sitting, are not counted.")


@dataclass(frozen=True)
class ModuleRecord:
    """What the learner has done in one module."""

    module: str
    title: str
    activities: int
    items: int
    right_first_time: int
    reflections: int
    last_active: str | None

    @property
    def percent_right(self) -> int | None:
        return round(100 * self.right_first_time / self.items) if self.items else None

    @property
    def worked_on(self) -> bool:
        return bool(self.activities or self.reflections)


def first_tries(attempts: Sequence[Attempt]) -> dict[tuple[str, str], bool]:
    """Whether each item was right at its first try, keyed by (activity, item)."""
    first: dict[tuple[str, str], bool] = {}
    for attempt in attempts:
        first.setdefault((attempt.activity, attempt.item), attempt.correct)
    return first


def module_records(progress: Progress, modules: Sequence[Record]) -> list[ModuleRecord]:
    """One row per module in course order, counted from the learner's attempts and reflections."""
    attempts, reflections = progress.attempts(), progress.reflections()
    rows = []
    for module in modules:
        mine = [a for a in attempts if a.module == module.id]
        notes = [r for r in reflections if r.module == module.id]
        tries = first_tries(mine)
        times = [a.at for a in mine] + [r.updated for r in notes]
        rows.append(ModuleRecord(module.id, module.title, len({a.activity for a in mine}), len(tries),
                                 sum(tries.values()), len(notes), max(times) if times else None))
    return rows


def knowledge_check_scores(progress: Progress) -> dict[str, tuple[int, int]]:
    """Right first time and questions tried in the before- and after-course knowledge checks (those begun)."""
    scores = {}
    for stage, activity in keys.KNOWLEDGE_CHECK.items():
        tries = first_tries(progress.attempts(activity=activity))
        if tries:
            scores[stage] = (sum(tries.values()), len(tries))
    return scores


def estimate_minutes(stamps: Iterable[str]) -> float:
    """Minutes of study, counting per day only the gaps of at most 20 minutes between consecutive events."""
    by_day: dict[str, list[datetime]] = defaultdict(list)
    for stamp in stamps:
        moment = datetime.fromisoformat(stamp).astimezone(UTC)
        by_day[moment.date().isoformat()].append(moment)
    total = timedelta()
    for moments in by_day.values():
        moments.sort()
        total += sum((b - a for a, b in zip(moments, moments[1:], strict=False) if b - a <= LONGEST_GAP),
                     timedelta())
    return total.total_seconds() / 60


# The NMC's CPD record fields, by the NMC's own names (nmc.org.uk/revalidation/requirements/cpd/).
NMC_LOG_FIELDS = {
    "method": "CPD method",
    "topic": "Description of the topic and how it related to your practice",
    "dates": "Dates on which the activity was undertaken",
    "hours": "Number of hours (including participatory hours)",
    "participatory_hours": "Number of participatory hours",
    "code_part": "The part of the Code most relevant to the activity",
    "evidence": "Evidence that you undertook the CPD activity",
}
SOLO_METHOD = "Self-directed online learning (e-learning), working alone: not participatory"
GROUP_METHOD = "Facilitated group discussion of the course's cases with other professionals (participatory learning)"


@dataclass(frozen=True)
class ParticipatorySession:
    """A group discussion with other professionals that the learner took part in, as they enter it.

    Solo e-learning never counts as participatory for the NMC; a session led by a facilitator (see
    docs/facilitation.md) does, and the facilitator named here is who can confirm it.
    """

    day: str
    hours: float
    facilitator: str
    module: str

    def __post_init__(self):
        try:
            date.fromisoformat(self.day)
        except (TypeError, ValueError):
            raise ValueError(f"Group session: the date should be a day such as 2026-11-27, not {self.day!r}") from None
        if isinstance(self.hours, bool) or not isinstance(self.hours, int | float) or not 0 < self.hours <= 12:
            raise ValueError(f"Group session on {self.day}: hours should be more than 0 and at most 12, "
                             f"not {self.hours!r}")
        if not str(self.facilitator).strip():
            raise ValueError(f"Group session on {self.day}: give the facilitator's name, so they can confirm it")

    def to_document(self) -> dict:
        return {"day": self.day, "hours": self.hours, "facilitator": self.facilitator, "module": self.module}


@dataclass(frozen=True)
class CpdLogEntry:
    """One entry of the NMC CPD log, field by field as the NMC names them (``NMC_LOG_FIELDS``)."""

    method: str
    topic: str
    dates: str
    hours: float
    participatory_hours: float
    code_part: str
    evidence: str

    def rows(self) -> list[tuple[str, str]]:
        """(NMC field name, what this record says), in the NMC's order."""
        values = {**self.__dict__, "hours": hours_text(self.hours),
                  "participatory_hours": hours_text(self.participatory_hours)}
        return [(label, values[name]) for name, label in NMC_LOG_FIELDS.items()]


@dataclass(frozen=True)
class ReflectiveAccount:
    """What the learner writes for their CPD record: who they are, the hours they declare, and the account.

    The four parts follow the NMC revalidation reflective account form's headings; ``themes`` are ids of
    ``CODE_THEMES``. ``declared_hours`` is None when the learner keeps the estimate.
    """

    name: str = ""
    declared_hours: float | None = None
    nature: str = ""
    learned: str = ""
    practice: str = ""
    themes: tuple[str, ...] = ()
    relevance: str = ""
    saved: str | None = None
    practice_setting: str = ""
    code_section: str = ""
    sessions: tuple[ParticipatorySession, ...] = ()

    def __post_init__(self):
        unknown = [t for t in self.themes if t not in CODE_THEMES]
        if unknown:
            raise ValueError(f"Reflective account: unknown Code theme(s) {unknown}; expected some of "
                             f"{list(CODE_THEMES)}")
        if self.declared_hours is not None and not 0 <= self.declared_hours <= 1000:
            raise ValueError(f"Reflective account: declared hours must be between 0 and 1000, "
                             f"not {self.declared_hours!r}")

    @property
    def is_empty(self) -> bool:
        """True when none of the account's own parts (the four headings) has been filled in."""
        return not (self.themes or any(t.strip() for t in (self.nature, self.learned, self.practice,
                                                            self.relevance)))

    @classmethod
    def from_document(cls, document: Mapping | None) -> ReflectiveAccount:
        """A saved account; a theme the course no longer offers is dropped rather than failing to open."""
        if not document:
            return cls()
        hours = document.get("declared_hours")
        if hours is not None and (isinstance(hours, bool) or not isinstance(hours, int | float)):
            raise ValueError(f"Saved reflective account ({keys.REFLECTIVE_ACCOUNT}): declared_hours should be a "
                             f"number of hours or null, not {hours!r}")
        try:
            sessions = tuple(ParticipatorySession(**s) for s in document.get("sessions", []))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"Saved reflective account ({keys.REFLECTIVE_ACCOUNT}): a group session could not be "
                             f"read: {exc}") from exc
        return cls(name=document.get("name", ""), declared_hours=None if hours is None else float(hours),
                   nature=document.get("nature", ""), learned=document.get("learned", ""),
                   practice=document.get("practice", ""),
                   themes=tuple(t for t in document.get("themes", []) if t in CODE_THEMES),
                   relevance=document.get("relevance", ""), saved=document.get("saved"),
                   practice_setting=document.get("practice_setting", ""),
                   code_section=document.get("code_section", ""), sessions=sessions)

    def to_document(self) -> dict:
        return {"name": self.name, "declared_hours": self.declared_hours, "nature": self.nature,
                "learned": self.learned, "practice": self.practice, "themes": list(self.themes),
                "relevance": self.relevance, "saved": self.saved, "practice_setting": self.practice_setting,
                "code_section": self.code_section, "sessions": [s.to_document() for s in self.sessions]}

    @property
    def participatory_hours(self) -> float:
        return sum(s.hours for s in self.sessions)


@dataclass(frozen=True)
class CpdRecord:
    """Everything the PDF says, in the order it says it."""

    course_title: str
    made: str
    first_activity: str | None
    last_activity: str | None
    modules: tuple[ModuleRecord, ...]
    activities: Mapping[str, tuple[str, ...]]
    knowledge_check: Mapping[str, tuple[int, int]]
    reflections: tuple[Reflection, ...]
    self_care_plan: tuple[tuple[str, tuple[str, ...]], ...]
    account: ReflectiveAccount = field(default_factory=ReflectiveAccount)
    estimated_minutes: float = 0.0
    skipped_reflections: tuple[Reflection, ...] = ()
    planned_minutes: int = 0
    code_sections: Mapping[str, str] = field(default_factory=dict)
    standards: tuple[tuple[str, str], ...] = ()

    @property
    def planned_text(self) -> str:
        """What the course plans for the modules worked on (modules.yaml, derived from their content)."""
        if not self.planned_minutes:
            return ""
        return (f"For comparison, the course plans about {duration_text(self.planned_minutes)} for the modules "
                "worked on (worked out from their content: reading time plus a stated time per activity).")

    @property
    def is_empty(self) -> bool:
        """Nothing done in the course yet: no answers, no reflections and no self-care plan."""
        return not (self.modules or self.reflections or self.self_care_plan)

    @property
    def items(self) -> int:
        return sum(m.items for m in self.modules)

    @property
    def right_first_time(self) -> int:
        return sum(m.right_first_time for m in self.modules)

    @property
    def percent_right(self) -> int | None:
        return round(100 * self.right_first_time / self.items) if self.items else None

    @property
    def estimated_hours(self) -> float:
        """The estimate to the nearest quarter of an hour, as offered in the hours field."""
        return round(self.estimated_minutes / 15) / 4

    @property
    def hours(self) -> float:
        """The hours this record claims: the learner's own figure if they gave one, else the estimate."""
        declared = self.account.declared_hours
        return self.estimated_hours if declared is None else declared

    @property
    def participatory_hours(self) -> float:
        return self.account.participatory_hours

    @property
    def log(self) -> CpdLogEntry:
        """The record as one NMC CPD-log entry: the course fills what it knows, the learner what only they know."""
        account = self.account
        method = SOLO_METHOD + (f"; and {GROUP_METHOD}" if account.sessions else "")
        covered = "; ".join(f"{m.module} {m.title}" for m in self.modules) or "no module worked on yet"
        practice = account.practice_setting.strip() or "not written yet (add it in the CPD record form)"
        dates = (f"{when(self.first_activity)} to {when(self.last_activity)} (course activity)"
                 if self.first_activity else "no course activity yet")
        if account.sessions:
            dates += "; group sessions on " + ", ".join(when(s.day) for s in account.sessions)
        evidence = ("This record: the course modules and activities done, with scores, the knowledge check before "
                    "and after, and the learner's reflections")
        for session in account.sessions:
            evidence += (f"; a group discussion of module {session.module} on {when(session.day)}, facilitated by "
                         f"{session.facilitator.strip()}, who can confirm it")
        return CpdLogEntry(
            method=method,
            topic=f"Infant secure attachment (Secure Attachment course): {covered}. Related to practice: {practice}",
            dates=dates, hours=self.hours + account.participatory_hours,
            participatory_hours=account.participatory_hours,
            code_part=self.code_sections.get(account.code_section, "not chosen yet (choose it in the CPD record form)"),
            evidence=evidence + ".")

    @property
    def time_text(self) -> str:
        estimate = f"Estimated time spent: {estimate_text(self.estimated_minutes)} (an estimate)."
        declared = self.account.declared_hours
        if declared is None:
            return estimate
        return f"Hours declared by the learner: {hours_text(declared)}. {estimate}"


def _self_care_lines(document: Mapping | None, areas: Sequence[Record]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The saved self-care plan as (area title, lines), keeping only areas with something in them."""
    if not document:
        return ()
    saved = document.get("areas", {})
    result = []
    for area in areas:
        entry = saved.get(area.id, {})
        lines = [c.get("text", "") for c in entry.get("chosen", [])]
        lines += [line.strip() for line in entry.get("own", "").splitlines()]
        lines = [line for line in lines if line.strip()]
        if lines:
            result.append((area.title, tuple(lines)))
    return tuple(result)


def build_cpd_record(progress: Progress, content: Mapping, *, account: ReflectiveAccount | None = None,
                     now: datetime | None = None) -> CpdRecord:
    """The learner's CPD record from their progress; ``account`` replaces the saved one (e.g. unsaved edits)."""
    attempts, reflections = progress.attempts(), progress.reflections()
    plan = progress.document(keys.SELF_CARE_PLAN)
    stamps = [a.at for a in attempts] + [r.updated for r in reflections]
    dates = stamps + ([plan["saved"]] if plan and plan.get("saved") else [])
    activities: dict[str, list[str]] = defaultdict(list)
    for attempt in attempts:
        if attempt.activity not in activities[attempt.module]:
            activities[attempt.module].append(attempt.activity)
    worked = {m.module for m in module_records(progress, content["modules"]) if m.worked_on}
    return CpdRecord(
        course_title=COURSE_TITLE,
        made=(now or datetime.now(UTC)).isoformat(timespec="seconds"),
        first_activity=min(dates) if dates else None,
        last_activity=max(dates) if dates else None,
        modules=tuple(m for m in module_records(progress, content["modules"]) if m.module in worked),
        activities={module: tuple(names) for module, names in activities.items()},
        knowledge_check=knowledge_check_scores(progress),
        reflections=tuple(reflections),
        self_care_plan=_self_care_lines(plan, content["self_care"]),
        account=account if account is not None else ReflectiveAccount.from_document(
            progress.document(keys.REFLECTIVE_ACCOUNT)),
        estimated_minutes=estimate_minutes(stamps),
        skipped_reflections=tuple(progress.skipped_reflections()),
        planned_minutes=sum(m.minutes for m in content["modules"] if m.id in worked),
        code_sections=code_sections(content),
        standards=completed_standards(progress, content))


def completed_standards(progress: Progress, content: Mapping) -> tuple[tuple[str, str], ...]:
    """For each module completed (its closing reflection saved, or skipped by choice), the NMC standards its
    learning outcomes serve, as (module, standards) in course order."""
    closed = {r.module for r in progress.reflections() + progress.skipped_reflections()}
    return tuple((f"{m.id} {m.title}", "; ".join(s.label for s in standards_served(m.id, content)))
                 for m in content["modules"] if m.id in closed)


def code_sections(content: Mapping) -> dict[str, str]:
    """Each Code section's id and how the record names it: "17. Raise concerns immediately … (Preserve safety)"."""
    return {s.id: f"{s.number}. {s.title} ({CODE_THEMES[s.theme]})" for s in content["nmc_code"]}
