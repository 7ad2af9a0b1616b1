"""Grades out of the gradebook, in the file a learning platform imports without editing, never a wrong grade.

``cohort_grades`` reads each student's total and the written items still awaiting a mark. ``export_grades``
writes ``--format csv`` (one row per gradebook student, one column per item) or a platform's file
(``platforms.platform_file``: Canvas, Moodle, Blackboard) for the students of the roster. Before writing:

- a written item awaiting a mark makes the export refuse, naming the students and items, unless
  ``allow_unmarked`` (then that student's grade is empty, never zero);
- students in the gradebook but not the roster, and roster students with no submission, are returned by name
  for the command to list (the latter get an empty grade, never zero);
- a platform that needs its id for the assignment (Canvas, Blackboard) and cannot find it in the roster or in
  ``platform_id`` gets a message saying where to find it;
- a gradebook student whose id breaks the course's rule (``identity``; a NUL byte, markup) is left out and named.

From a ``course demo`` course, a platform file's feedback column (Moodle's) starts each line with "DEMO data";
the demo's students are ``demo-NN``, "Demo student N", in the DEMO group or section, so every row says so.

Every field a student can influence (names, messages) is written through ``platforms.safe_text``, so a
spreadsheet never runs it as a formula and no tab or line break splits a row; ids and the platform's
identifiers are written exactly, as the platform matches on them, and are safe because the id rule and
``course roster import`` refuse any that start like a formula.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from course.files import write_atomically
from course.grading.cohort import require_assignment
from course.grading.course_folder import CourseFolders
from course.grading.course_location import is_demo_course
from course.grading.identity import bad_id, shown
from course.grading.lms.platforms import PLATFORMS, Column, Member, PlatformGrade, grade_text, platform_file, safe_text
from course.grading.nbgrader_run import GradingError

__all__ = ["FORMATS", "ExportResult", "StudentGrade", "UnmarkedError", "cohort_grades", "export_grades"]

FORMATS = ("csv", *PLATFORMS)
DEMO_FEEDBACK = "DEMO data from `course demo`, not a real grade: "  # in a feedback column, where one is
SUFFIX = {"csv": "grades.csv", "canvas": "canvas.csv", "moodle": "moodle.csv", "blackboard": "blackboard.xls"}
WHERE_IS_THE_ID = {
    "canvas": "In Canvas, open the assignment: its id is the number at the end of the page's address "
              "(…/courses/7/assignments/12345). Or create the assignment in Canvas, download the gradebook again "
              "(Grades → Export → Export Entire Gradebook) and rerun `course roster import` with it.",
    "blackboard": "In Blackboard's Grade Centre choose Work Offline → Download (Full Grade Centre): the column's "
                  "header ends with |12345, its Column ID. Or create the column, download again and rerun "
                  "`course roster import` with that file.",
}


class UnmarkedError(GradingError):
    """Written answers still await a mark: exporting now would give a wrong grade."""


@dataclass(frozen=True)
class StudentGrade:
    """A gradebook student's grade: ``total`` None without a submission; ``unmarked`` the items awaiting a mark."""

    student_id: str
    name: str
    total: float | None
    max_score: float
    items: dict[str, float | None] = field(default_factory=dict)
    unmarked: tuple[str, ...] = ()

    @property
    def submitted(self) -> bool:
        return self.total is not None


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    not_in_roster: list[str]
    no_submission: list[str]
    left_empty: list[str]
    warnings: list[str] = field(default_factory=list)


def _labels(root: Path, assignment: str) -> dict[str, str]:
    from course.grading.report.item_names import item_texts

    labels = {}
    for source in sorted(CourseFolders(root).source(assignment).glob("*.ipynb")):
        try:
            labels.update({k: v.label for k, v in item_texts(source).items()})
        except (OSError, ValueError):
            continue
    return labels


def cohort_grades(root: Path | str, assignment: str) -> tuple[list[tuple[str, str, float]], list[StudentGrade]]:
    """The assignment's items (notebook, cell, points) in notebook order, and every gradebook student's grade."""
    from nbgrader.api import Gradebook, MissingEntry

    root = Path(root)
    require_assignment(assignment, root)
    labels = _labels(root, assignment)
    with Gradebook(CourseFolders(root).gradebook_url) as gb:
        record = gb.find_assignment(assignment)
        items = [(nb.name, cell.name, cell.max_score) for nb in record.notebooks for cell in nb.grade_cells]
        items += [(nb.name, cell.name, cell.max_score) for nb in record.notebooks for cell in nb.task_cells]
        grades = []
        for student in gb.students:
            name = " ".join(p for p in (student.first_name, student.last_name) if p) or student.id
            try:
                submission = gb.find_submission(assignment, student.id)
            except MissingEntry:
                grades.append(StudentGrade(student.id, name, None, record.max_score))
                continue
            scores = {(nb.name, g.name): None if g.needs_manual_grade else g.score
                      for nb in submission.notebooks for g in nb.grades}
            unmarked = tuple(labels.get(cell, cell) for (nb, cell), score in scores.items() if score is None)
            grades.append(StudentGrade(student.id, name, submission.score, submission.max_score,
                                       {f"{nb}:{cell}": scores.get((nb, cell)) for nb, cell, _ in items}, unmarked))
    return items, sorted(grades, key=lambda g: g.student_id)


def _refuse_unmarked(grades: list[StudentGrade]) -> None:
    waiting = [g for g in grades if g.unmarked]
    if waiting:
        lines = "\n".join(f"  - {g.name} ({g.student_id}): {'; '.join(g.unmarked)}" for g in waiting)
        raise UnmarkedError(
            f"not exported: {len(waiting)} student(s) have written answers awaiting your mark, so their grade "
            f"is not final:\n{lines}\nMark them in the formgrader (Nbgrader → Formgrader → Manage Submissions) "
            "and export again, or pass --allow-unmarked to leave those grades empty (never zero).")


def _grade(grade: StudentGrade | None) -> float | None:
    if grade is None or not grade.submitted or grade.unmarked:
        return None
    return float(grade.total)


def _normalised(title: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", title.casefold()).split())


def _platform_column(platform: str, assignment: str, columns: list[Column], platform_id: str | None) -> Column:
    if platform_id:
        known = next((c for c in columns if c.id == platform_id), None)
        return known or Column(assignment, platform_id)
    matches = [c for c in columns if _normalised(c.title) == _normalised(assignment)]
    if len(matches) == 1 and (matches[0].id or platform == "moodle"):
        return matches[0]
    if platform == "moodle":
        return Column(assignment)
    platform_name = platform.capitalize()
    titles = ", ".join(f"{c.title} (id {c.id})" for c in matches)
    why = (f"{len(matches)} columns of the roster are titled like it ({titles})" if len(matches) > 1
           else "no column of the roster is titled like it")
    raise GradingError(f"no {platform_name} id for {assignment!r}: {why}, and {platform_name} would create a new "
                       f"column instead of filling yours. {WHERE_IS_THE_ID[platform]} Then pass --platform-id ID.")


def _csv_file(items: list[tuple[str, str, float]], grades: list[StudentGrade], assignment: str) -> bytes:
    table = io.StringIO(newline="")
    writer = csv.writer(table)
    writer.writerow(["student", "name", "assignment", "score", "max_score", "needs_manual_grade"] +
                    [f"{cell} (/{points:g})" for _, cell, points in items])
    for g in grades:
        writer.writerow([g.student_id, safe_text(g.name), assignment, grade_text(_grade(g)), grade_text(g.max_score),
                         "" if not g.submitted else bool(g.unmarked)] +
                        [grade_text(g.items.get(f"{nb}:{cell}")) for nb, cell, _ in items])
    return table.getvalue().encode("utf-8")


def _feedback(grade: StudentGrade | None) -> str:
    if grade is None or not grade.submitted:
        return "No submission."
    if grade.unmarked:
        return f"Awaiting your trainer's mark for: {'; '.join(grade.unmarked)}."
    return f"{grade_text(grade.total)} of {grade_text(grade.max_score)} points."


def export_grades(assignment: str, root: Path | str, out: Path | str | None = None, fmt: str = "csv",
                  allow_unmarked: bool = False, platform_id: str | None = None) -> ExportResult:
    """Write the grade file (default ``exports/ASSIGNMENT-FORMAT…``) and say who is in it and who is not."""
    from course.grading.lms.roster import ROSTER_FILE, load_roster

    root = Path(root)
    if fmt not in FORMATS:
        raise GradingError(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")
    items, grades = cohort_grades(root, assignment)
    set_aside = [g for g in grades if bad_id(g.student_id)]
    grades = [g for g in grades if not bad_id(g.student_id)]
    roster = load_roster(root) if fmt != "csv" else None
    if fmt != "csv" and roster is None:
        raise GradingError(f"no {ROSTER_FILE} in {root}: download the participant list from {fmt.capitalize()} and "
                           f"run `course roster import FILE` first")
    if roster is not None and roster.platform != fmt:
        raise GradingError(f"the roster was imported from {roster.platform.capitalize()} ({roster.source}), not "
                           f"{fmt.capitalize()}: import {fmt.capitalize()}'s participant file with `course roster "
                           f"import FILE` first")
    by_id = {g.student_id: g for g in grades}
    members: list[Member] = roster.members if roster else []
    column = _platform_column(fmt, assignment, roster.columns, platform_id) if roster else None
    exported = [by_id[m.student_id] for m in members if m.student_id in by_id] if roster else grades
    if not allow_unmarked:
        _refuse_unmarked(exported)
    out = Path(out) if out else root / "exports" / f"{assignment}-{SUFFIX[fmt]}"
    max_score = sum(points for *_, points in items)
    warnings: list[str] = []
    if column is None:
        data = _csv_file(items, grades, assignment)
        not_in_roster = []
        no_submission = [f"{g.name} ({g.student_id})" for g in grades if not g.submitted]
        rows = len(grades)
    else:
        demo = DEMO_FEEDBACK if is_demo_course(root) else ""
        data = platform_file(fmt, column.title, column.id, max_score,
                             [PlatformGrade(m, _grade(by_id.get(m.student_id)),
                                            demo + _feedback(by_id.get(m.student_id))) for m in members])
        in_roster = {m.student_id for m in members}
        not_in_roster = [f"{g.name} ({g.student_id})" for g in grades if g.student_id not in in_roster]
        no_submission = [f"{m.name} ({m.student_id})" for m in members
                         if m.student_id not in by_id or not by_id[m.student_id].submitted]
        rows = len(members)
        warnings = _points_warning(fmt, column, assignment, max_score)
    warnings += [f"gradebook student {shown(repr(g.student_id))} left out: {bad_id(g.student_id)} (added to the "
                 "gradebook outside the course's checks; remove it with `nbgrader db student remove`)"
                 for g in set_aside]
    write_atomically(out, data)
    left_empty = [f"{g.name} ({g.student_id})" for g in exported if g.unmarked]
    return ExportResult(out, rows, not_in_roster, no_submission, left_empty, warnings)


def _points_warning(platform: str, column: Column, assignment: str, max_score: float) -> list[str]:
    """The platform's column out of other points than the assignment: importing would change it (Canvas's
    Points Possible row) or mix scales; say so rather than let it pass."""
    try:
        theirs = float(column.points)
    except ValueError:
        return []
    if theirs == max_score:
        return []
    return [f"{platform.capitalize()}'s column {column.title!r} is out of {theirs:g} points but {assignment} is out "
            f"of {max_score:g}: the grades are points out of {max_score:g}. Change the column to {max_score:g} "
            f"points in {platform.capitalize()} before importing, so both agree."]
