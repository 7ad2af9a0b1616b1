"""A second marker's sheet (`course marks import`) on a cohort handed in by real `nbgrader submit` and autograded:
its marks reach the gradebook as the formgrader's would, so `course status` and `course export` see them; a sheet
with any bad row writes nothing and names every bad row (exit 2, no traceback)."""

from __future__ import annotations

import csv
import re

import pytest
from support.grading import answered, released_course, submitted_cohort

from course.cli import main
from course.grading.course_folder import gradebook_url
from course.grading.report.item_names import item_texts

ASSIGNMENT = "risk_factors"
STUDENTS = ("ada", "ben")


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    """Two students' submissions, submitted, collected and autograded: (root, written items {cell: (label, max)})."""
    from nbgrader.api import Gradebook

    root, release, source = released_course(tmp_path_factory.mktemp("marks") / "course", ASSIGNMENT)
    submitted_cohort(root, ASSIGNMENT, {"ada": answered(release, source), "ben": release})
    assert main(["autograde", ASSIGNMENT, "--course", str(root)]) == 0
    labels = {k: v.label for k, v in item_texts(root / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").items()}
    with Gradebook(gradebook_url(root)) as gb:
        written = {c.name: (labels[c.name], c.max_score) for nb in gb.find_assignment(ASSIGNMENT).notebooks
                   for c in nb.task_cells}
    assert written, "the assignment has no written item to mark"
    return root, written


def manual(root) -> dict[tuple[str, str], tuple[float | None, str | None]]:
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(root)) as gb:
        return {(s, g.name): (g.manual_score, gb.find_comment(g.name, g.notebook.name, ASSIGNMENT, s).manual_comment)
                for s in STUDENTS for nb in gb.find_submission(ASSIGNMENT, s).notebooks for g in nb.grades
                if g.cell.cell_type == "markdown"}


def sheet(path, rows):
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["Student", "Assignment", "Item", "Mark", "Comment"], *rows])
    return path


def test_a_sheet_with_a_bad_row_writes_nothing_and_names_each_row(cohort, tmp_path, capsys):
    """Does every kind of bad row get its row number and the fix, with exit 2, and nothing written at all?"""
    root, written = cohort
    cell, (label, points) = next(iter(written.items()))
    before = manual(root)
    path = sheet(tmp_path / "marks.csv", [
        ["ada", ASSIGNMENT, label, "1", "fine"],  # good, but the sheet is refused as a whole
        ["adda", ASSIGNMENT, cell, "1", ""],
        ["ben", "risk-factors", cell, "1", ""],
        ["ben", ASSIGNMENT, label[:-3], "1", ""],
        ["ben", ASSIGNMENT, cell, str(points + 1), ""],
        ["ben", ASSIGNMENT, cell, "2", "=HYPERLINK(\"http://x\")"],
        ["ben", ASSIGNMENT, cell, "2", "ok\x1b[2J"],
        ["ben", ASSIGNMENT, "test-q1-next", "1", ""],
    ])
    assert main(["marks", "import", str(path), "--course", str(root)]) == 2
    said = capsys.readouterr().err
    assert "nothing written" in said and "Traceback" not in said
    for row, fix in [(3, "Did you mean ada?"), (4, "Did you mean risk_factors?"), (5, f"Did you mean {label}?"),
                     (6, f"outside 0 to {points:g}"), (7, "formula"), (8, "control character"),
                     (9, "marked automatically")]:
        assert any(line.startswith(f"  - row {row}: ") and fix in line for line in said.splitlines()), (row, said)
    assert "row 2:" not in said and "\x1b" not in said
    assert manual(root) == before


def test_imported_marks_reach_the_gradebook_status_and_export(cohort, tmp_path, capsys):
    """Does a dry run write nothing, and the import write each mark and comment, so that `course status` has
    nothing awaiting a mark and `course export` carries the marks in each student's total?"""
    from nbgrader.api import Gradebook

    root, written = cohort
    rows = [[student, ASSIGNMENT, label if student == "ada" else cell, f"{points - i:g}", f"comment for {student}"]
            for i, student in enumerate(STUDENTS) for cell, (label, points) in written.items()]
    path = sheet(tmp_path / "marks.csv", rows)
    before = manual(root)
    assert main(["marks", "import", str(path), "--dry-run", "--course", str(root)]) == 0
    assert "nothing written" in capsys.readouterr().out and manual(root) == before
    assert main(["export", ASSIGNMENT, "--course", str(root), "--output", str(tmp_path / "no.csv")]) == 1

    assert main(["marks", "import", str(path), "--course", str(root)]) == 0
    assert manual(root) == {(s, cell): (points - i, f"comment for {s}") for i, s in enumerate(STUDENTS)
                            for cell, (_, points) in written.items()}
    capsys.readouterr()
    assert main(["status", ASSIGNMENT, "--course", str(root)]) == 0
    assert re.search(r"awaiting your mark:\s+0 student", capsys.readouterr().out)
    out = tmp_path / "grades.csv"
    assert main(["export", ASSIGNMENT, "--course", str(root), "--output", str(out)]) == 0
    exported = {r["student"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    with Gradebook(gradebook_url(root)) as gb:
        for i, student in enumerate(STUDENTS):
            submission = gb.find_submission(ASSIGNMENT, student)
            assert float(exported[student]["score"]) == pytest.approx(submission.code_score + sum(
                points - i for _, points in written.values()))
            for cell, (_, points) in written.items():
                assert float(exported[student][f"{cell} (/{points:g})"]) == points - i
