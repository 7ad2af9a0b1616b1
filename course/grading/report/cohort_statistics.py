"""The cohort statistics, computed from each student's scores and answers: no gradebook, no files.

``analyse`` gives the score distribution, each item's difficulty and discrimination, the most common answers
of the students who did not earn full marks, flags for items worth a look, and one row per student with the
flags a trainer acts on (not graded, awaiting marks, an answer written as code).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from course.grading.answer_reading import NO_ANSWER, NOT_PLAIN, Marker, short_repr
from course.grading.identity import shown

__all__ = ["CohortReport", "Distribution", "Item", "ItemStats", "ManualItem", "Student", "StudentRow", "analyse",
           "show"]
DEMO_BANNER = "DEMO DATA: made by `course demo`; these students and grades are not real."

GROUP_SHARE = 0.27
EASY, HARD = 0.9, 0.1
LOW_DISCRIMINATION = 0.1
BANDS = ((0.0, 0.2, "0–19%"), (0.2, 0.4, "20–39%"), (0.4, 0.6, "40–59%"), (0.6, 0.8, "60–79%"),
         (0.8, 1.01, "80–100%"))
NOT_ENOUGH_SPREAD = "not enough spread"
DISCRIMINATION_METHOD = "upper–lower index"
DISCRIMINATION_EXPLAINED = (
    "Discrimination is the upper–lower index: the share of the marks earned on the item by the top 27% of the "
    "cohort (by total score) minus the share earned by the bottom 27%; near 0 or below 0 means the item does not "
    "separate students who know the material from those who do not.")
DIFFICULTY_EXPLAINED = ("Difficulty is the share of the item's marks the cohort earned (mean score ÷ points): "
                        "1.00 means everyone earned full marks, 0.00 that nobody earned any.")


@dataclass(frozen=True)
class Item:
    """A grade cell: ``answers`` are the names of the answers it checks (empty for a hand-marked item);
    ``label`` names it in the trainer's words ("Case 4: Kemi – next"), ``explained`` says the mark scheme
    page has an explanation of it."""

    id: str
    points: float
    answers: tuple[str, ...] = ()
    autograded: bool = True
    label: str = ""
    explained: bool = False

    @property
    def name(self) -> str:
        return self.label or self.id


@dataclass(frozen=True)
class Student:
    """One student: ``status`` is graded, ungradeable, missing or not-autograded; ``scores`` by item id
    (None: awaiting a hand mark); ``answers`` by answer name."""

    id: str
    status: str = "graded"
    scores: Mapping[str, float | None] = field(default_factory=dict)
    answers: Mapping[str, object] = field(default_factory=dict)
    reason: str = ""
    name: str = ""


@dataclass(frozen=True)
class ItemStats:
    item: Item
    students: int
    full_marks: int
    difficulty: float | None
    discrimination: float | None
    wrong_answers: list[tuple[str, int]]
    wrongly_included: list[tuple[str, int]]
    wrongly_missing: list[tuple[str, int]]
    flags: list[str]

    @property
    def discrimination_text(self) -> str:
        return NOT_ENOUGH_SPREAD if self.discrimination is None else f"{self.discrimination:+.2f}"

    @property
    def difficulty_text(self) -> str:
        return "no students" if self.difficulty is None else f"{self.difficulty:.2f}"


@dataclass(frozen=True)
class ManualItem:
    item: Item
    marked: int
    awaiting: int
    mean_mark: float | None


@dataclass(frozen=True)
class Distribution:
    totals: dict[str, float]
    max_points: float
    bands: list[tuple[str, int]]

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.totals.values()) if self.totals else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.totals.values()) if self.totals else None

    @property
    def lowest(self) -> float | None:
        return min(self.totals.values(), default=None)

    @property
    def highest(self) -> float | None:
        return max(self.totals.values(), default=None)


@dataclass(frozen=True)
class StudentRow:
    """One line of the per-student table: the total so far and what a trainer should act on."""

    id: str
    name: str
    status: str
    total: float | None
    written: float | None
    awaiting: tuple[str, ...]
    code_answers: tuple[str, ...]

    @property
    def flags(self) -> list[str]:
        flags = {"ungradeable": ["not graded: the submission could not be graded"],
                 "missing": ["not graded: no submission"],
                 "not-autograded": ["not graded: not autograded yet"]}.get(self.status, [])
        if self.awaiting:
            flags.append("awaiting marks: " + ", ".join(self.awaiting))
        if self.code_answers:
            flags.append("answer cell with code: " + ", ".join(self.code_answers))
        return flags


@dataclass(frozen=True)
class CohortReport:
    assignment: str
    items: list[ItemStats]
    manual: list[ManualItem]
    distribution: Distribution
    graded: list[str]
    ungradeable: list[Student]
    missing: list[str]
    not_autograded: list[str]
    students: list[StudentRow] = field(default_factory=list)
    demo: bool = False  # made from a `course demo` course: every line says so

    def hardest(self, count: int = 3) -> list[ItemStats]:
        """The items with the lowest difficulty (fewest marks earned), hardest first; none that all got right."""
        rated = [s for s in self.items if s.difficulty is not None and s.full_marks < s.students]
        return sorted(rated, key=lambda s: s.difficulty)[:count]  # stable: ties stay in notebook order

    def summary(self) -> str:
        """A few lines for the terminal: who was graded, the mean, and the hardest items."""
        dist = self.distribution
        lines = [f"{self.assignment}: {len(self.graded)} student(s) graded"
                 + (f", mean {dist.mean:.1f} of {dist.max_points:g} automatic points" if dist.totals else "")
                 + "."]
        if self.ungradeable:
            lines.append(f"Could not be graded ({len(self.ungradeable)}): "
                         + ", ".join(s.id for s in self.ungradeable) + ".")
        if self.missing:
            lines.append(f"No submission ({len(self.missing)}): {', '.join(self.missing)}.")
        if self.not_autograded:
            lines.append(f"Submitted but not autograded yet: {', '.join(self.not_autograded)}.")
        awaiting = [row.id for row in self.students if row.awaiting]
        if awaiting:
            lines.append(f"Written answers awaiting your mark ({len(awaiting)}): {', '.join(awaiting)}.")
        hardest = self.hardest()
        if hardest:
            lines.append("Hardest items:")
        for stats in hardest:
            common = (f"most common wrong answer {stats.wrong_answers[0][0]} ({stats.wrong_answers[0][1]})"
                      if stats.wrong_answers else "no wrong answers")
            lines.append(f"  {stats.item.name}: difficulty {stats.difficulty_text}; {common}")
        if self.demo:
            lines.insert(0, DEMO_BANNER)
        return "\n".join(shown(line) for line in lines)  # ids and answers are a student's: no terminal escapes


# ------------------------------------------------------------------------------------------ pure computation

def show(value: object) -> str:
    """An answer as a trainer reads it: text in quotes, a list of ids in brackets, or a label in brackets."""
    if isinstance(value, Marker):
        return repr(value)
    if isinstance(value, tuple):
        return short_repr(list(value))
    if isinstance(value, str) and not value.strip():
        return "(no answer)"  # an empty answer reads as the missing one does, not as ''
    return short_repr(value)


def _answer(student: Student, item: Item) -> object:
    values = [student.answers.get(name, NO_ANSWER) for name in item.answers]
    return values[0] if len(values) == 1 else tuple(values)


def _answer_text(student: Student, item: Item) -> str:
    if len(item.answers) == 1:
        return show(_answer(student, item))
    return "; ".join(f"{name} = {show(student.answers.get(name, NO_ANSWER))}" for name in item.answers)


def _ranked(counter: Counter) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda pair: (-pair[1], pair[0]))


def _discrimination(item: Item, upper: list[Student], lower: list[Student]) -> float | None:
    if not upper or not lower or not item.points:
        return None

    def share(group: list[Student]) -> float:
        return statistics.fmean((s.scores.get(item.id) or 0.0) / item.points for s in group)

    return round(share(upper) - share(lower), 4)


def _id_errors(item: Item, full: list[Student], wrong: list[Student]) -> tuple[Counter, Counter]:
    """Ids wrongly included and wrongly missing, against the answer given by those who earned full marks."""
    if len(item.answers) != 1:
        return Counter(), Counter()
    right = Counter(_answer(s, item) for s in full if isinstance(_answer(s, item), tuple))
    if not right:
        return Counter(), Counter()
    reference = set(right.most_common(1)[0][0])
    included, missing = Counter(), Counter()
    for student in wrong:
        answer = _answer(student, item)
        if isinstance(answer, tuple):
            included.update(show(i) for i in set(answer) - reference)
            missing.update(show(i) for i in reference - set(answer))
    return included, missing


def _flags(difficulty: float | None, discrimination: float | None) -> list[str]:
    flags = []
    if difficulty is not None and difficulty >= EASY:
        flags.append("almost everyone got it right")
    if difficulty is not None and difficulty <= HARD:
        flags.append("almost everyone got it wrong")
    if discrimination is not None:
        if discrimination < 0:
            flags.append("negative discrimination: stronger students did worse (a confusing question or a wrong "
                         "key?)")
        elif discrimination < LOW_DISCRIMINATION and difficulty is not None and HARD < difficulty < EASY:
            flags.append("near-zero discrimination: does not separate stronger from weaker students")
    return flags


def _bands(totals: Iterable[float], max_points: float) -> list[tuple[str, int]]:
    counts = Counter()
    for total in totals:
        share = round(total / max_points, 9) if max_points else 0.0
        counts[next(label for low, high, label in BANDS if low <= share < high)] += 1
    return [(label, counts[label]) for _, _, label in BANDS]


def _student_row(student: Student, auto: list[Item], manual: list[Item]) -> StudentRow:
    graded = student.status == "graded"
    written = [student.scores.get(i.id) for i in manual]
    return StudentRow(
        student.id, student.name or student.id, student.status,
        round(sum(student.scores.get(i.id) or 0.0 for i in auto), 4) if graded else None,
        round(sum(w for w in written if w is not None), 4) if graded and manual else None,
        tuple(i.name for i in manual if graded and student.scores.get(i.id) is None),
        tuple(i.name for i in auto if any(student.answers.get(a) is NOT_PLAIN for a in i.answers)))


def analyse(assignment: str, items: Sequence[Item], students: Sequence[Student]) -> CohortReport:
    """The report from each student's scores and answers (no gradebook, no files: testable by hand).

    Only graded students count in the statistics; the others are listed by status, never dropped.
    """
    auto = [i for i in items if i.autograded]
    graded = sorted((s for s in students if s.status == "graded"), key=lambda s: s.id)
    totals = {s.id: round(sum(s.scores.get(i.id) or 0.0 for i in auto), 4) for s in graded}
    max_points = sum(i.points for i in auto)
    ranked = sorted(graded, key=lambda s: (totals[s.id], s.id))
    size = max(1, round(GROUP_SHARE * len(ranked)))
    spread = len(ranked) >= 2 and len(set(totals.values())) > 1
    lower, upper = (ranked[:size], ranked[-size:]) if spread else ([], [])
    stats = []
    for item in auto:
        full = [s for s in graded if (s.scores.get(item.id) or 0.0) >= item.points]
        wrong = [s for s in graded if (s.scores.get(item.id) or 0.0) < item.points]
        difficulty = (round(statistics.fmean((s.scores.get(item.id) or 0.0) / item.points for s in graded), 4)
                      if graded and item.points else None)
        discrimination = _discrimination(item, upper, lower)
        answers = Counter(_answer_text(s, item) for s in wrong) if item.answers else Counter()
        included, missing = _id_errors(item, full, wrong)
        stats.append(ItemStats(item, len(graded), len(full), difficulty, discrimination, _ranked(answers),
                               _ranked(included), _ranked(missing), _flags(difficulty, discrimination)))
    manual = []
    for item in (i for i in items if not i.autograded):
        marks = [s.scores.get(item.id) for s in graded]
        marked = [m for m in marks if m is not None]
        manual.append(ManualItem(item, len(marked), len(marks) - len(marked),
                                 statistics.fmean(marked) if marked else None))
    rows = [_student_row(s, auto, [i for i in items if not i.autograded]) for s in sorted(students, key=lambda s: s.id)]
    by_status = {status: sorted(f"{s.name} ({s.id})" if s.name and s.name != s.id else s.id
                                for s in students if s.status == status)
                 for status in ("missing", "not-autograded")}
    return CohortReport(
        assignment, stats, manual, Distribution(totals, max_points, _bands(totals.values(), max_points)),
        [s.id for s in graded], sorted((s for s in students if s.status == "ungradeable"), key=lambda s: s.id),
        by_status["missing"], by_status["not-autograded"], rows)

