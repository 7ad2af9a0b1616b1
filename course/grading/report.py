"""A cohort report for trainers: where the cohort misunderstands.

``cohort_report`` reads the scores from nbgrader's gradebook (a few queries, whatever the cohort's size) and
each student's answers from the autograded notebooks, without running them: an answer is read only when its
cell assigns a plain Python literal (``q3 = "myth"``). ``analyse`` is the pure computation on those scores
and answers: the score distribution, each item's difficulty and discrimination, the most common answers of
the students who did not earn full marks, and flags for items worth a look. ``report_html`` renders it as a
self-contained, accessible page. No answer key is read: the hidden tests are never opened.
"""

from __future__ import annotations

import ast
import html
import json
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from course.grading.nbgrader_run import db_url
from course.grading.regions import HIDDEN, MARK_SCHEME, without_regions

__all__ = ["NO_ANSWER", "NOT_PLAIN", "CohortReport", "Item", "ItemStats", "ManualItem", "Student",
           "analyse", "cohort_report", "read_answers", "report_html"]

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
CHECKED_NAME = re.compile(r"check_\w+\(\s*[\"'](\w+)[\"']")


class Marker(str):
    """An answer that could not be read as a value; shown by its label."""

    def __repr__(self) -> str:
        return f"({self})"


NO_ANSWER = Marker("no answer")
NOT_PLAIN = Marker("not a plain answer")


@dataclass(frozen=True)
class Item:
    """A grade cell: ``answers`` are the names of the answers it checks (empty for a hand-marked item)."""

    id: str
    points: float
    answers: tuple[str, ...] = ()
    autograded: bool = True


@dataclass(frozen=True)
class Student:
    """One student: ``status`` is graded, ungradeable, missing or not-autograded; ``scores`` by item id
    (None: awaiting a hand mark); ``answers`` by answer name."""

    id: str
    status: str = "graded"
    scores: Mapping[str, float | None] = field(default_factory=dict)
    answers: Mapping[str, object] = field(default_factory=dict)
    reason: str = ""


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
class CohortReport:
    assignment: str
    items: list[ItemStats]
    manual: list[ManualItem]
    distribution: Distribution
    graded: list[str]
    ungradeable: list[Student]
    missing: list[str]
    not_autograded: list[str]

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
        hardest = self.hardest()
        if hardest:
            lines.append("Hardest items:")
        for stats in hardest:
            common = (f"most common wrong answer {stats.wrong_answers[0][0]} ({stats.wrong_answers[0][1]})"
                      if stats.wrong_answers else "no wrong answers")
            lines.append(f"  {stats.item.id}: difficulty {stats.difficulty_text}; {common}")
        return "\n".join(lines)


# ------------------------------------------------------------------------------------------ pure computation

def _normal(value: object) -> object:
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(sorted((_normal(v) for v in value), key=repr))
    if isinstance(value, dict):
        return repr(value)
    return value


def show(value: object) -> str:
    """An answer as a trainer reads it: text in quotes, a list of ids in brackets, or a label in brackets."""
    if isinstance(value, Marker):
        return repr(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(show(v) for v in value) + "]"
    return repr(value)


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
    by_status = {status: sorted(s.id for s in students if s.status == status)
                 for status in ("missing", "not-autograded")}
    return CohortReport(
        assignment, stats, manual, Distribution(totals, max_points, _bands(totals.values(), max_points)),
        [s.id for s in graded], sorted((s for s in students if s.status == "ungradeable"), key=lambda s: s.id),
        by_status["missing"], by_status["not-autograded"])


# ------------------------------------------------------------------------------- reading answers and scores

def _targets(statement: ast.stmt) -> list[str]:
    if isinstance(statement, ast.Assign):
        return [n.id for t in statement.targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    if isinstance(statement, ast.AugAssign | ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return [statement.target.id]
    return []


def read_answers(sources: Iterable[str]) -> dict[str, object]:
    """Each answer name's value from answer-cell sources, read with ``ast.literal_eval``, never run.

    A name last given anything but a plain literal (an expression, a call, code that does not parse) is
    ``NOT_PLAIN``.
    """
    answers: dict[str, object] = {}
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            for name in re.findall(r"^\s*([A-Za-z_]\w*)\s*=", source, flags=re.MULTILINE):
                answers[name] = NOT_PLAIN
            continue
        for statement in tree.body:
            names = _targets(statement)
            plain = isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                and isinstance(statement.targets[0], ast.Name)
            value = NOT_PLAIN
            if plain:
                try:
                    value = _normal(ast.literal_eval(statement.value))
                except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                    value = NOT_PLAIN
            for name in names:
                answers[name] = value
    return answers


def _answer_sources(path: Path) -> list[str]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    sources = []
    for cell in notebook.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") == "code" and meta.get("solution"):
            source = cell.get("source", "")
            sources.append("".join(source) if isinstance(source, list) else source)
    return sources


def _load_items(gb, assignment: str) -> tuple[list[Item], list[str]]:
    from nbgrader.api import Assignment, GradeCell, Notebook, SolutionCell, SourceCell, TaskCell

    def rows(model, *columns):
        return (gb.db.query(Notebook.name, model.name, *columns).join(model.notebook)
                .join(Notebook.assignment).filter(Assignment.name == assignment).all())

    notebooks = [n for (n,) in gb.db.query(Notebook.name).join(Notebook.assignment)
                 .filter(Assignment.name == assignment).order_by(Notebook.name)]
    solutions = {(nb, name) for nb, name in rows(SolutionCell)}
    sources = {(nb, name): source for nb, name, source in rows(SourceCell, SourceCell.source)}
    order = {key: index for index, key in enumerate(sources)}  # the gradebook keeps cells in notebook order
    prefix = len(notebooks) > 1
    cells = [(nb, name, points, kind, False) for nb, name, points, kind in
             rows(GradeCell, GradeCell.max_score, GradeCell.cell_type)]
    cells += [(nb, name, points, kind, True) for nb, name, points, kind in
              rows(TaskCell, TaskCell.max_score, TaskCell.cell_type)]
    items = []
    for nb, name, points, kind, task in sorted(cells, key=lambda c: (c[0], order.get((c[0], c[1]), 0))):
        autograded = kind == "code" and not task and (nb, name) not in solutions
        visible = without_regions(sources.get((nb, name), ""), HIDDEN, MARK_SCHEME)
        names = tuple(dict.fromkeys(CHECKED_NAME.findall(visible))) if autograded else ()
        items.append(Item(f"{nb}:{name}" if prefix else name, float(points),
                          tuple(f"{nb}:{n}" for n in names) if prefix else names, autograded))
    return items, notebooks


def _load_scores(gb, assignment: str, prefix: bool) -> dict[str, dict[str, float | None]]:
    from nbgrader.api import Assignment, BaseCell, Grade, Notebook, SubmittedAssignment, SubmittedNotebook

    query = (gb.db.query(SubmittedAssignment.student_id, Notebook.name, BaseCell.name, Grade.score,
                         Grade.needs_manual_grade)
             .select_from(Grade).join(Grade.notebook).join(SubmittedNotebook.assignment)
             .join(SubmittedAssignment.assignment).join(Grade.cell).join(BaseCell.notebook)
             .filter(Assignment.name == assignment))
    scores: dict[str, dict[str, float | None]] = {}
    for student, nb, cell, score, pending in query:
        scores.setdefault(student, {})[f"{nb}:{cell}" if prefix else cell] = None if pending else float(score)
    return scores


def cohort_report(course_dir: Path | str, assignment: str) -> CohortReport:
    """The cohort report of ``assignment`` in the course folder: gradebook scores, answers from graded copies."""
    from nbgrader.api import Gradebook

    from course.grading.cohort import require_assignment, submitted_students

    root = Path(course_dir).resolve()
    require_assignment(assignment, root)
    with Gradebook(db_url(root)) as gb:
        items, notebooks = _load_items(gb, assignment)
        prefix = len(notebooks) > 1
        scores = _load_scores(gb, assignment, prefix)
        everyone = [s.id for s in gb.students]
    students = []
    for student in sorted(set(everyone) | set(scores) | set(submitted_students(assignment, root))):
        if student not in scores:
            status = "not-autograded" if (root / "submitted" / student / assignment).is_dir() else "missing"
            students.append(Student(student, status))
            continue
        graded = root / "autograded" / student / assignment
        answers, absent = {}, []
        for nb in notebooks:
            path = graded / f"{nb}.ipynb"
            if not path.exists():
                absent.append(f"{nb}.ipynb")
                continue
            try:
                read = read_answers(_answer_sources(path))
            except (OSError, ValueError) as error:
                absent.append(f"{nb}.ipynb ({type(error).__name__})")
                continue
            answers.update({f"{nb}:{k}" if prefix else k: v for k, v in read.items()})
        if absent:
            students.append(Student(student, "ungradeable", scores[student], reason=(
                f"no graded copy of {', '.join(absent)}: the submission could not be graded and scores zero "
                f"(the log of course autograde says why)")))
        else:
            students.append(Student(student, "graded", scores[student], answers))
    return analyse(assignment, items, students)


# ------------------------------------------------------------------------------------------------- the page

STYLE = """
body{font-family:system-ui,sans-serif;line-height:1.5;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#111}
table{border-collapse:collapse;margin:1rem 0;width:100%}
caption{text-align:left;font-weight:bold;padding:.3rem 0}
th,td{border:1px solid #666;padding:.35rem .5rem;text-align:left;vertical-align:top}
thead th{background:#f0f0f0}
td.number{text-align:right;font-variant-numeric:tabular-nums}
ol,ul{margin:.2rem 0;padding-left:1.3rem}
.flag{font-weight:bold}
"""


def _e(value: object) -> str:
    return html.escape(str(value))


def _counts(pairs: list[tuple[str, int]], limit: int = 5) -> str:
    if not pairs:
        return "—"
    shown = "".join(f"<li><code>{_e(answer)}</code>: {count} student{'s' if count != 1 else ''}</li>"
                    for answer, count in pairs[:limit])
    more = f"<li>and {len(pairs) - limit} other answer(s)</li>" if len(pairs) > limit else ""
    return f"<ol>{shown}{more}</ol>"


def _flags_html(flags: list[str]) -> str:
    if not flags:
        return "none"
    return "<ul>" + "".join(f'<li class="flag">⚠ Worth a look: {_e(flag)}</li>' for flag in flags) + "</ul>"


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _histogram(report: CohortReport) -> str:
    from course.plots import HATCHES, OKABE_ITO, figure_html, new_figure

    dist = report.distribution
    labels = [label for label, _ in dist.bands]
    counts = [count for _, count in dist.bands]
    fig, ax = new_figure(7.0, 3.6)
    bars = ax.bar(labels, counts, color=OKABE_ITO["blue"], edgecolor=OKABE_ITO["black"], hatch=HATCHES[1])
    ax.bar_label(bars, labels=[str(c) for c in counts], padding=2)
    ax.set_xlabel(f"Share of the {dist.max_points:g} automatic points earned")
    ax.set_ylabel("Students")
    ax.set_title(f"{report.assignment}: score distribution ({len(dist.totals)} graded)")
    ax.set_ylim(0, max(counts + [1]) * 1.2)
    words = "; ".join(f"{label}: {count} student{'s' if count != 1 else ''}" for label, count in dist.bands)
    alt = (f"Bar chart of how many of the {len(dist.totals)} graded students earned each share of the "
           f"{dist.max_points:g} automatic points. {words}.")
    caption = (f"Score distribution of the {len(dist.totals)} graded students, by share of the automatic points: "
               f"{words}. Mean {_number(dist.mean)}, median {_number(dist.median)}, lowest {_number(dist.lowest)}, "
               f"highest {_number(dist.highest)} of {dist.max_points:g}.")
    return figure_html(fig, alt, caption)


def report_html(report: CohortReport) -> str:
    """The report as one self-contained HTML page (the histogram is embedded, nothing is fetched)."""
    dist = report.distribution
    title = f"Cohort report: {report.assignment}"
    parts = [f'<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>{_e(title)}</title>'
             f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>'
             f"<body><main><h1>{_e(title)}</h1>"]
    parts.append("<h2>Who is in this report</h2><ul>"
                 f"<li>{len(report.graded)} student(s) graded: their scores and answers make the statistics.</li>")
    if report.ungradeable:
        parts.append(f"<li>{len(report.ungradeable)} submission(s) could not be graded (they score zero and are "
                     "left out of the statistics): <ul>" +
                     "".join(f"<li><strong>{_e(s.id)}</strong>: {_e(s.reason)}</li>" for s in report.ungradeable)
                     + "</ul></li>")
    if report.missing:
        parts.append(f"<li>{len(report.missing)} student(s) in the gradebook with no submission: "
                     f"{_e(', '.join(report.missing))}.</li>")
    if report.not_autograded:
        parts.append(f"<li>{len(report.not_autograded)} submission(s) not autograded yet: "
                     f"{_e(', '.join(report.not_autograded))} (run <code>course autograde</code>).</li>")
    parts.append("</ul>")

    parts.append("<h2>Score distribution</h2>")
    if dist.totals:
        parts.append(f"<p>Automatic points per student, out of {dist.max_points:g}: mean {_number(dist.mean)}, "
                     f"median {_number(dist.median)}, lowest {_number(dist.lowest)}, highest "
                     f"{_number(dist.highest)}.</p>")
        parts.append(_histogram(report))
        rows = "".join(f'<tr><th scope="row">{_e(label)}</th><td class="number">{count}</td></tr>'
                       for label, count in dist.bands)
        parts.append("<table><caption>Students per band of the automatic points earned</caption><thead><tr>"
                     '<th scope="col">Share of points</th><th scope="col">Students</th></tr></thead>'
                     f"<tbody>{rows}</tbody></table>")
    else:
        parts.append("<p>No graded students yet.</p>")

    parts.append(f"<h2>Items</h2><p>{_e(DIFFICULTY_EXPLAINED)}</p><p>{_e(DISCRIMINATION_EXPLAINED)}</p>"
                 f"<p>Items are flagged when difficulty is at least {EASY:.2f} or at most {HARD:.2f}, or "
                 f"discrimination is below 0 or under {LOW_DISCRIMINATION:.2f}.</p>")
    rows = "".join(
        f'<tr><th scope="row">{_e(s.item.id)}</th><td class="number">{s.item.points:g}</td>'
        f'<td class="number">{s.difficulty_text}</td><td class="number">{s.discrimination_text}</td>'
        f'<td class="number">{s.full_marks} of {s.students}</td><td>{_flags_html(s.flags)}</td></tr>'
        for s in report.items)
    parts.append(f"<table><caption>Automatically marked items ({len(report.items)}), in notebook order: "
                 f"difficulty, discrimination ({DISCRIMINATION_METHOD}) and flags</caption><thead><tr>"
                 '<th scope="col">Item</th><th scope="col">Points</th><th scope="col">Difficulty</th>'
                 '<th scope="col">Discrimination</th><th scope="col">Full marks</th><th scope="col">Flags</th>'
                 f"</tr></thead><tbody>{rows}</tbody></table>")

    parts.append("<h2>Most common wrong answers</h2><p>What the students who did not earn full marks on an item "
                 "answered, most common first: the misconceptions to re-teach. For lists of ids, the ids most "
                 "often wrongly included or missed are counted against the answer of the students who earned "
                 "full marks. <q>(not a plain answer)</q> means the answer cell held code rather than a plain "
                 "value; <q>(no answer)</q> that the answer was missing. Items every graded student got fully "
                 "right are left out.</p>")
    ordered = sorted((s for s in report.items if s.full_marks < s.students), key=lambda s: s.difficulty)
    rows = "".join(
        f'<tr><th scope="row">{_e(s.item.id)}</th><td class="number">{s.students - s.full_marks}</td>'
        f"<td>{_counts(s.wrong_answers)}</td><td>{_counts(s.wrongly_included)}</td>"
        f"<td>{_counts(s.wrongly_missing)}</td></tr>" for s in ordered)
    if ordered:
        parts.append("<table><caption>Answers of the students without full marks, hardest item first</caption>"
                     '<thead><tr><th scope="col">Item</th><th scope="col">Students without full marks</th>'
                     '<th scope="col">Most common answers</th><th scope="col">Ids wrongly included</th>'
                     f'<th scope="col">Ids wrongly missed</th></tr></thead><tbody>{rows}</tbody></table>')
    else:
        parts.append("<p>No wrong answers: every graded student earned full marks on every item.</p>")

    if report.manual:
        rows = "".join(
            f'<tr><th scope="row">{_e(m.item.id)}</th><td class="number">{m.item.points:g}</td>'
            f'<td class="number">{m.marked}</td><td class="number">{m.awaiting}</td>'
            f'<td class="number">{_number(m.mean_mark)}</td>'
            f"<td>{'all marked' if not m.awaiting else 'awaiting marking'}</td></tr>" for m in report.manual)
        parts.append("<h2>Items marked by hand</h2><table><caption>Written answers marked in the formgrader: "
                     "how many are marked and how many await marking</caption><thead><tr>"
                     '<th scope="col">Item</th><th scope="col">Points</th><th scope="col">Marked</th>'
                     '<th scope="col">Awaiting marking</th><th scope="col">Mean mark (marked only)</th>'
                     f'<th scope="col">Status</th></tr></thead><tbody>{rows}</tbody></table>')
    parts.append("</main></body></html>\n")
    return "".join(parts)
