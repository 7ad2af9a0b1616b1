"""Feedback that tells students how each item went without showing the hidden tests or the mark schemes.

nbgrader's feedback shows every test cell as graded, hidden tests included, and every task cell with its mark
scheme. ``HideHiddenTests`` runs after nbgrader's ``GetGrades`` (see ``nbgrader_config.py``): it cuts those
regions out, replaces what the hidden tests printed with one line per item saying whether it earned its
points, and keeps a format message, which only says what form the answer should take.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

from course.grading.cells import is_test
from course.grading.regions import HIDDEN, MARK_SCHEME, without_regions

__all__ = ["HideHiddenTests", "generate_feedback", "item_verdict"]

FORMAT_ERROR = "AnswerFormatError"


def item_verdict(score: float | None, points: float) -> str:
    """One line saying whether an autograded item earned its points, in words and a symbol."""
    unit = "point" if points == 1 else "points"
    if score is None:
        return f"Not marked yet (out of {points:g} {unit})."
    symbol, word = ("✓", "Right") if score >= points else (("◐", "Partly right") if score > 0 else ("✗", "Not right"))
    return f"{symbol} {word}: earned {score:g} of {points:g} {unit}."


def _stream(text: str) -> NotebookNode:
    return NotebookNode(output_type="stream", name="stdout", text=text + "\n")


class HideHiddenTests(NbGraderPreprocessor):
    """Strip hidden tests and mark schemes from feedback; keep each item's score and any format message.

    An nbgrader preprocessor, so it is enabled by default when nbgrader registers it from the config.
    """

    def preprocess_cell(self, cell, resources, index):
        cell.source = without_regions(cell.source, HIDDEN, MARK_SCHEME)
        if not is_test(cell):
            return cell, resources
        meta = cell.metadata.nbgrader
        outputs = []
        for output in cell.get("outputs", []):
            if output.output_type == "stream" and output.name == "stdout":
                outputs.append(output)
            elif output.output_type == "error" and output.ename == FORMAT_ERROR:
                outputs.append(NotebookNode(output_type="error", ename=output.ename, evalue=output.evalue,
                                            traceback=[f"{output.ename}: {output.evalue}"]))
        outputs.append(_stream(item_verdict(meta.get("score"), float(meta.get("points", 0)))))
        cell.outputs = outputs
        return cell, resources


def generate_feedback(assignment: str, root: Path, *, student: str | None = None,
                      timeout: float = 1800) -> subprocess.CompletedProcess:
    """Run ``nbgrader generate_feedback`` in the course folder (its config hides the hidden tests), through the
    one nbgrader runner. Refuses while a tamper alert for the assignment stands, or a submission differs from
    what ``nbgrader collect`` recorded (see ``tamper``)."""
    from course.grading.course_folder import submitted_students
    from course.grading.nbgrader_run import GradingError, nbgrader
    from course.grading.tamper import TamperDetected, alert_file, since_collected, write_alert

    alert = alert_file(root, assignment)
    try:
        changed, _ = since_collected(root, assignment, [student] if student else submitted_students(assignment, root))
    except TamperDetected as error:
        raise GradingError(str(error)) from error
    if changed:
        write_alert(root, assignment, changed)
        raise GradingError(f"{len(changed)} submitted file(s) of {assignment} changed after `nbgrader collect` "
                           f"(listed in {alert}); no feedback until a trainer has checked them, deleted that file "
                           "and graded again: " + "; ".join(changed[:3]))
    if alert.exists():
        raise GradingError(f"grading of {assignment} found tampering (see {alert}); no feedback until a trainer "
                           "has checked it, deleted that file and graded again")
    args = ["generate_feedback", assignment, "--force"] + ([f"--student={student}"] if student else [])
    return nbgrader(args, Path(root), timeout=timeout)
