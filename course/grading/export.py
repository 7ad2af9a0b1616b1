"""Grades out of the gradebook as CSV for a learning platform: one row per student, one column per item."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from nbgrader.api import Gradebook

from course.grading.cohort import require_assignment
from course.grading.nbgrader_run import db_url
from course.progress import write_atomically

__all__ = ["export_grades"]


def export_grades(assignment: str, root: Path | str, out: Path | str) -> Path:
    """Write ``out``: student, score, max score, needs-manual-grade, then each item's score (in notebook order).

    An item still waiting for a trainer's mark, and a student with no submission, get an empty cell, so
    neither is ever mistaken for zero.
    """
    root, out = Path(root), Path(out)
    require_assignment(assignment, root)
    with Gradebook(db_url(root)) as gb:
        items = [(nb.name, cell.name, cell.max_score)
                 for nb in gb.find_assignment(assignment).notebooks for cell in nb.grade_cells]
        items += [(nb.name, cell.name, cell.max_score)
                  for nb in gb.find_assignment(assignment).notebooks for cell in nb.task_cells]
        header = ["student", "assignment", "score", "max_score", "needs_manual_grade"]
        header += [f"{cell} (/{points:g})" for _, cell, points in items]
        rows = []
        for student in gb.students:
            try:
                submission = gb.find_submission(assignment, student.id)
            except Exception:  # noqa: BLE001 (MissingEntry: no submission)
                rows.append([student.id, assignment, "", gb.find_assignment(assignment).max_score, ""] +
                            [""] * len(items))
                continue
            scores = {(nb.name, g.name): "" if g.needs_manual_grade else g.score
                      for nb in submission.notebooks for g in nb.grades}
            rows.append([student.id, assignment, submission.score, submission.max_score,
                         submission.needs_manual_grade] + [scores.get((nb, cell), "") for nb, cell, _ in items])
    table = io.StringIO(newline="")
    writer = csv.writer(table)
    writer.writerow(header)
    writer.writerows(sorted(rows))
    write_atomically(out, table.getvalue())
    return out
