"""A second marker's spreadsheet into nbgrader's gradebook: ``course marks import FILE``.

The file is a CSV with a header row naming the columns ``student``, ``assignment``, ``item`` and ``mark``, and
optionally ``comment``. An item is a written answer, named as the cohort report names it ("Final question:
raising your concern") or by its nbgrader cell id (``task-raise-concern``). Each mark is written as the
formgrader writes one (nbgrader's ``Grade.manual_score``, and ``Comment.manual_comment`` for a comment), so
``course status``, the formgrader and ``course export`` see it.

All or nothing: every row is checked first, and if any is wrong nothing is written and every wrong row is named
(by its spreadsheet row number) with what was expected. A half-imported sheet would leave the trainer to work out
which marks went in. A cell starting like a formula (``= + - @``) or holding a control character is refused, as
such a cell was never typed as a mark or a comment. ``--dry-run`` shows what would be written and writes nothing.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from course.grading.course_folder import CourseFolders
from course.grading.course_location import did_you_mean
from course.grading.identity import shown
from course.grading.lms.platforms import formula_like
from course.grading.nbgrader_run import GradingError

__all__ = ["COLUMNS", "Mark", "MarksError", "add_marks_command", "import_marks", "read_marks"]

COLUMNS = {"student": ("student", "student id", "student_id"), "assignment": ("assignment",),
           "item": ("item",), "mark": ("mark", "score"), "comment": ("comment",)}
REQUIRED = ("student", "assignment", "item", "mark")
MAX_BYTES = 2_000_000
MAX_COMMENT = 2000


class MarksError(GradingError):
    """The file or some of its rows are wrong: nothing was written."""


@dataclass(frozen=True)
class Mark:
    """One row of the sheet, checked: where it goes in the gradebook and what it holds."""

    row: int
    student: str
    assignment: str
    notebook: str
    cell: str
    label: str
    mark: float
    max_score: float
    comment: str | None
    before: float | None


def _bad_cell(field: str, text: str) -> str | None:
    if any(unicodedata.category(char)[0] == "C" for char in text):
        return "holds a control character (a tab, line break or invisible character)"
    if field != "mark" and formula_like(text):  # a mark is read as a number or refused
        return "starts like a spreadsheet formula (= + - @)"
    return None


def _rows(path: Path) -> tuple[dict[str, int], list[list[str]]]:
    """The column each field is in, and the data rows, of a readable CSV."""
    try:
        data = path.read_bytes()[:MAX_BYTES + 1]
    except OSError as error:
        raise MarksError(f"{path} could not be read ({error.strerror or error})") from None
    if len(data) > MAX_BYTES:
        raise MarksError(f"{path} is over {MAX_BYTES // 1_000_000} MB: a marks sheet is a few rows per student")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MarksError(f"{path} is not UTF-8 text: save it from the spreadsheet as “CSV UTF-8”") from None
    table = list(csv.reader(io.StringIO(text, newline="")))
    if not table:
        raise MarksError(f"{path} is empty: expected a header row {', '.join(REQUIRED)}[, comment]")
    header = [" ".join(h.casefold().split()) for h in table[0]]
    where = {field: next((i for i, h in enumerate(header) if h in names), None) for field, names in COLUMNS.items()}
    missing = [field for field in REQUIRED if where[field] is None]
    if missing:
        raise MarksError(f"{path}: the header row has no {', '.join(missing)} column (it has "
                         f"{shown(', '.join(table[0])[:200]) or 'nothing'}); expected the columns "
                         f"{', '.join(REQUIRED)} and, if you like, comment")
    return {k: v for k, v in where.items() if v is not None}, table[1:]


@dataclass
class _Gradebook:
    """What the rows are checked against: assignments, students and each assignment's written items."""

    students: list[str]
    items: dict[str, dict[str, tuple[str, str, str, float]]]  # assignment -> folded name -> (nb, cell, label, max)
    automatic: dict[str, set[str]]  # assignment -> folded names of automatic items


def _fold(text: str) -> str:
    """An item's name as matched: case, punctuation and spacing forgiven."""
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def _labels(root: Path, assignment: str) -> dict[str, str]:
    from course.grading.report.item_names import item_texts

    labels = {}
    for source in sorted(CourseFolders(root).source(assignment).glob("*.ipynb")):
        try:
            labels.update({k: v.label for k, v in item_texts(source).items()})
        except (OSError, ValueError, KeyError):
            continue
    return labels


def _known(gb, root: Path) -> _Gradebook:
    items, automatic = {}, {}
    for record in gb.assignments:
        labels = _labels(root, record.name)
        items[record.name], automatic[record.name] = {}, set()
        for notebook in record.notebooks:
            written = {c.name for c in notebook.solution_cells} | {c.name for c in notebook.task_cells}
            for cell in [*notebook.grade_cells, *notebook.task_cells]:
                names = {_fold(cell.name), _fold(labels.get(cell.name, cell.name))}
                if cell.name in written or cell.cell_type == "markdown":
                    for name in names:
                        items[record.name][name] = (notebook.name, cell.name, labels.get(cell.name, cell.name),
                                                    cell.max_score)
                else:
                    automatic[record.name] |= names
    return _Gradebook([s.id for s in gb.students], items, automatic)


def _check_row(number: int, cells: dict[str, str], known: _Gradebook, gb) -> tuple[Mark | None, list[str]]:
    from nbgrader.api import MissingEntry

    problems = [f"{field} {shown(value[:60])!r} {why}" for field, value in cells.items()
                if (why := _bad_cell(field, value))]
    if problems:
        return None, problems
    student, assignment, item = cells["student"], cells["assignment"], cells["item"]
    if student not in known.students:
        problems.append(f"no student {student!r} in the gradebook.{did_you_mean(student, known.students)}")
    if assignment not in known.items:
        problems.append(f"no assignment {assignment!r} in the gradebook."
                        f"{did_you_mean(assignment, list(known.items))}")
        return None, problems
    written = known.items[assignment]
    if _fold(item) in known.automatic[assignment]:
        problems.append(f"item {item!r} is marked automatically by autograde; only written answers take a mark "
                        f"here ({'; '.join(sorted({v[2] for v in written.values()}))})")
    elif _fold(item) not in written:
        labels = sorted({v[2] for v in written.values()})
        hint = did_you_mean(item, labels) or f" The written items of {assignment}: {'; '.join(labels)}."
        problems.append(f"no written item {item!r} in {assignment}.{hint}")
    mark = _mark(cells["mark"], written.get(_fold(item)), problems)
    comment = cells.get("comment") or None
    if comment and len(comment) > MAX_COMMENT:
        problems.append(f"the comment is {len(comment)} characters; at most {MAX_COMMENT}")
    if problems:
        return None, problems
    notebook, cell, label, max_score = written[_fold(item)]
    try:
        grade = gb.find_grade(cell, notebook, assignment, student)
    except MissingEntry:
        return None, [f"{student} has no autograded submission of {assignment}: run `course autograde "
                      f"{assignment}` first, or check the student id"]
    return Mark(number, student, assignment, notebook, cell, label, mark, max_score, comment, grade.manual_score), []


def _mark(text: str, item: tuple | None, problems: list[str]) -> float:
    try:
        mark = float(text.strip())
    except ValueError:
        problems.append(f"mark {text[:30]!r} is not a number" if text.strip() else "the mark is empty (leave "
                        "the row out to keep the mark the gradebook has)")
        return math.nan
    if not math.isfinite(mark):
        problems.append(f"mark {text[:30]!r} is not a number")
    elif item is not None and not 0 <= mark <= item[3]:
        problems.append(f"mark {mark:g} is outside 0 to {item[3]:g}, the points of {item[2]}")
    return mark


def read_marks(path: Path | str, root: Path | str, gb) -> list[Mark]:
    """Every row of the sheet checked against the gradebook ``gb``; raises ``MarksError`` naming every bad row."""
    path = Path(path)
    where, rows = _rows(path)
    known = _known(gb, Path(root))
    marks, problems, seen = [], [], {}
    for number, row in enumerate(rows, start=2):
        if not any(value.strip() for value in row):
            continue
        cells = {field: row[i].strip() if i < len(row) else "" for field, i in where.items()}
        mark, wrong = _check_row(number, cells, known, gb)
        problems += [f"row {number}: {p}" for p in wrong]
        if mark is not None:
            first = seen.setdefault((mark.student, mark.assignment, mark.cell), number)
            if first != number:
                problems.append(f"row {number}: {mark.student}'s {mark.label} is marked again (first on row {first})")
            marks.append(mark)
    if problems:
        raise MarksError(f"nothing written: {len(problems)} problem(s) in {path}:\n"
                         + "\n".join(f"  - {p}" for p in problems))
    if not marks:
        raise MarksError(f"{path} has a header but no marks: nothing written")
    return marks


def import_marks(path: Path | str, root: Path | str, *, dry_run: bool = False) -> list[Mark]:
    """Check every row, then (unless ``dry_run``) write every mark and comment in one gradebook transaction."""
    from nbgrader.api import Gradebook

    with Gradebook(CourseFolders(root).gradebook_url) as gb:
        marks = read_marks(path, root, gb)
        if dry_run:
            return marks
        try:
            for mark in marks:
                grade = gb.find_grade(mark.cell, mark.notebook, mark.assignment, mark.student)
                grade.manual_score = mark.mark
                grade.needs_manual_grade = False
                if mark.comment is not None:
                    gb.find_comment(mark.cell, mark.notebook, mark.assignment, mark.student).manual_comment = \
                        mark.comment
            gb.db.commit()
        except Exception:
            gb.db.rollback()
            raise
    return marks


def _import(args: argparse.Namespace) -> int:
    import sys

    try:
        marks = import_marks(args.file, args.course, dry_run=args.dry_run)
    except MarksError as error:
        print(f"course marks import: {error}", file=sys.stderr)
        return 2
    for m in marks:
        before = "awaiting a mark" if m.before is None else f"{m.before:g}"
        print(f"  row {m.row}: {m.student}, {m.assignment}, {m.label}: {before} → {m.mark:g} of {m.max_score:g}"
              + (" (with a comment)" if m.comment else ""))
    if args.dry_run:
        print(f"Dry run: {len(marks)} mark(s) checked; nothing written. Run again without --dry-run to write them.")
    else:
        print(f"{len(marks)} mark(s) written to the gradebook. Next: course status")
    return 0


def add_marks_command(commands, course_help: str) -> None:
    """`course marks import FILE`."""
    marks = commands.add_parser("marks", help="import a second marker's marks for written answers from a CSV",
                                description="Marks for written answers, from a spreadsheet.")
    which = marks.add_subparsers(dest="marks_command", required=True, metavar="ACTION")
    sheet = which.add_parser(
        "import", help="write the marks in a CSV into the gradebook, as the formgrader would",
        description="Write a second marker's marks into the gradebook. The CSV has a header row with the columns "
                    "student, assignment, item, mark and (optional) comment; item is a written answer as the "
                    "cohort report names it, or its cell id (e.g. task-raise-concern). All or nothing: every row "
                    "is checked first, and if any is wrong (unknown student, assignment or item, a mark outside "
                    "0 to the item's points, a cell starting with = + - @ or holding a control character, the "
                    "same mark twice) nothing is written, every wrong row is named and the exit status is 2.")
    sheet.add_argument("file", help="the CSV file (saved as CSV UTF-8)")
    sheet.add_argument("--dry-run", action="store_true", help="check every row and show what would be written; "
                                                              "write nothing")
    sheet.add_argument("--course", help=course_help)
    sheet.set_defaults(func=_import)
