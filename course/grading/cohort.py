"""Autograde a whole cohort: fast, safe, with progress, and never stopped by one broken submission.

Grading itself is nbgrader's ``autograde`` with the course's preprocessors (see ``static_grading``): answers
are read as literals and no student code runs. This runner adds what a trainer needs around it:

- each submission is checked first (``inspection``); one log line per problem names the student and the
  reason, and a submission that cannot be graded (missing, renamed, not valid JSON) scores a deliberate zero;
- the rest are graded by one ``nbgrader autograde`` process per worker, not one per student (nbgrader's own
  start-up is most of the cost), then each graded copy is read for answers in the wrong form;
- everything that must not change (``tamper``) is hashed before and compared after; any difference stops
  the run with ``TamperDetected``, names the student, and blocks ``course feedback``.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.exc import SAWarning

from course.grading import tamper
from course.grading.course_folder import course_config, released_cells, require_assignment, submitted_students
from course.grading.inspection import read_submission, review_graded, short
from course.grading.nbgrader_run import GradingError, db_url, nbgrader

__all__ = ["GradingError", "Outcome", "SubmissionChangedError", "TamperDetected", "autograde_cohort",
           "require_assignment", "require_static_grading", "submitted_students"]

log = logging.getLogger("course.grading")

TamperDetected = tamper.TamperDetected
SubmissionChangedError = TamperDetected  # the earlier name, kept for callers
STATIC_GRADER = "course.grading.static_grading.GradeLiterals"
SANITIZED = re.compile(r"Sanitizing .*?[/\\]submitted[/\\]([^/\\]+)[/\\]")


@dataclass
class Outcome:
    """How one student's submission was graded: ``graded`` or ``zero``, the problems found, the score."""

    student: str
    status: str = "graded"
    problems: list[str] = field(default_factory=list)
    score: float | None = None
    max_score: float | None = None

    def problem(self, reason: str) -> None:
        self.problems.append(reason)

    def log(self) -> None:
        """One warning line per problem, naming the student and the reason."""
        for reason in self.problems:
            log.warning("student %r: %s", self.student, reason)


def require_static_grading(root: Path) -> None:
    """Refuse to grade with settings that would run student code to score it."""
    config = course_config(root)
    chosen = [getattr(p, "__module__", "") + "." + getattr(p, "__name__", "") if not isinstance(p, str) else p
              for p in config.get("Autograde", {}).get("autograde_preprocessors", [])]
    if STATIC_GRADER not in chosen or any(p.rsplit(".", 1)[-1] == "Execute" for p in chosen):
        raise GradingError(f"{Path(root) / 'nbgrader_config.py'} does not grade statically: its "
                           f"c.Autograde.autograde_preprocessors must list {STATIC_GRADER!r} and not nbgrader's "
                           "Execute (copy the setting from the course's nbgrader_config.py)")


def _zero(root: Path, assignment: str, student: str) -> None:
    with Gradebook(db_url(root)) as gb, warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=SAWarning)  # nbgrader's own session handling, harmless here
        gb.update_or_create_student(student)
        submission = gb.update_or_create_submission(assignment, student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                grade.auto_score = 0
                grade.manual_score = None
                grade.needs_manual_grade = False
        gb.db.commit()


def _scores(root: Path, assignment: str, outcomes: list[Outcome]) -> None:
    with Gradebook(db_url(root)) as gb:
        for outcome in outcomes:
            try:
                submission = gb.find_submission(assignment, outcome.student)
            except MissingEntry:
                continue
            outcome.score, outcome.max_score = submission.score, submission.max_score


def _last_error(output: str) -> str:
    """The exception nbgrader's traceback ends with, else its last ERROR line."""
    lines = output.splitlines()
    raised = [line.strip() for line in lines if re.match(r"\s*[\w.]+(Error|Exception): ", line)]
    errors = raised or [line.strip() for line in lines if "ERROR" in line]
    return errors[-1][:200] if errors else "no error message"


def _by_student(output: str) -> dict[str, str]:
    """nbgrader's output cut into each student's part (it logs ``Sanitizing .../submitted/STUDENT/...``)."""
    parts: dict[str, list[str]] = {}
    current = None
    for line in output.splitlines():
        if match := SANITIZED.search(line):
            current = match.group(1)
        if current is not None:
            parts.setdefault(current, []).append(line)
    return {student: "\n".join(lines) for student, lines in parts.items()}


class _Progress:
    """A bar redrawn in place on a terminal; one line per student otherwise (a log file, CI)."""

    def __init__(self, stream: TextIO | None, total: int):
        self.stream, self.total, self.done, self.lock = stream, total, 0, threading.Lock()
        self.draw("")

    def draw(self, student: str) -> None:
        if self.stream is None:
            return
        width = 30
        filled = width * self.done // max(self.total, 1)
        line = f"Autograding [{'#' * filled}{'-' * (width - filled)}] {self.done}/{self.total} {student[:20]}"
        if self.stream.isatty():
            self.stream.write(f"\r{line:<80}" + ("\n" if self.done == self.total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def step(self, student: str) -> None:
        with self.lock:
            self.done = min(self.total, self.done + 1)
            self.draw(student)

    def line(self, text: str) -> None:
        if (match := SANITIZED.search(text)) is not None:
            self.step(match.group(1))


def _grade_group(assignment: str, root: Path, group: list[str], everyone: list[str], extra_args,
                 timeout: float, progress: _Progress) -> str:
    """One ``nbgrader autograde`` for a group of students; its output (timeouts become a line saying so)."""
    others = sorted(set(everyone) - set(group))
    args = ["autograde", assignment, "--force", *extra_args]
    if len(group) == 1:
        args.append(f"--student={group[0]}")
    elif others:
        args.append(f"--CourseDirectory.student_id_exclude={','.join(others)}")
    try:
        return nbgrader(args, root, timeout=timeout, on_line=progress.line).stdout
    except subprocess.TimeoutExpired:
        return f"GradingTimeout: grading took longer than {timeout:g} s and was stopped"


def _run_nbgrader(assignment: str, root: Path, students: list[str], workers: int, extra_args,
                  time_limit: float, progress: _Progress) -> dict[str, str]:
    everyone = submitted_students(assignment, root)
    groups = [students[i::workers] for i in range(workers) if students[i::workers]]
    outputs: dict[str, str] = {}
    with ThreadPoolExecutor(max_workers=len(groups) or 1) as pool:
        runs = [pool.submit(_grade_group, assignment, root, g, everyone, extra_args,
                            time_limit + 5 * len(g), progress) for g in groups]
        for group, run in zip(groups, runs, strict=True):
            output = run.result()
            parts = _by_student(output)
            for student in group:
                outputs[student] = parts.get(student, output)
    return outputs


def autograde_cohort(assignment: str, root: Path | str = ".", *, students: list[str] | None = None,
                     workers: int | None = None, extra_args=(), time_limit: float = 600,
                     max_lines: int | None = None, progress: TextIO | None | str = "stderr") -> list[Outcome]:
    """Autograde every submission of ``assignment`` in ``root``; one bad submission never stops the rest.

    ``extra_args`` go to each ``nbgrader autograde``; ``time_limit`` caps one nbgrader run (plus a few seconds
    per student). ``workers`` nbgrader processes share the students (default 1: without kernels one process
    is fastest on a small machine). Returns one ``Outcome`` per student, sorted by student id. Raises
    ``TamperDetected`` if anything that must not change did.
    """
    if progress == "stderr":
        progress = sys.stderr
    root = Path(root).resolve()
    require_assignment(assignment, root)
    require_static_grading(root)
    students = sorted(students if students is not None else submitted_students(assignment, root))
    cells = released_cells(db_url(root), assignment)
    before = tamper.snapshot(root, assignment, graded=students)
    outcomes = {s: Outcome(s) for s in students}
    bar = _Progress(progress, len(students))
    gradeable = []
    for student in students:
        folder = root / "submitted" / student / assignment
        stale = root / "autograded" / student / assignment
        if stale.exists():  # an earlier run's graded copy must never become this run's feedback
            shutil.rmtree(stale)
        ok, problems = read_submission(folder, cells, root / "assignments" / assignment)
        for reason in problems:
            outcomes[student].problem(reason)
        if ok:
            gradeable.append(student)
        else:
            outcomes[student].status = "zero"
            bar.step(student)
    if gradeable:
        outputs = _run_nbgrader(assignment, root, gradeable, max(1, workers or 1), extra_args, time_limit, bar)
        for student in gradeable:
            graded = root / "autograded" / student / assignment
            if graded.exists():
                for reason in review_graded(graded, cells, max_lines):
                    outcomes[student].problem(reason)
            else:
                outcomes[student].problem(f"nbgrader could not grade it ({_last_error(outputs[student])}); "
                                          "it scores zero")
                outcomes[student].status = "zero"
    for outcome in outcomes.values():
        if outcome.status == "zero":
            try:
                _zero(root, assignment, outcome.student)
            except Exception as error:  # noqa: BLE001 (one student's failure must not stop the cohort)
                outcome.problem(f"could not record its zero ({short(error)})")
    _scores(root, assignment, list(outcomes.values()))
    if progress is not None and progress.isatty():
        progress.write("\r" + " " * 80 + "\r")
    for outcome in outcomes.values():
        outcome.log()
    differences = tamper.changes(before, tamper.snapshot(root, assignment, graded=students))
    if differences:
        alert = tamper.alert_file(root, assignment)
        alert.parent.mkdir(exist_ok=True)
        alert.write_text("\n".join(differences) + "\n", encoding="utf-8")
        for line in differences:
            log.error("tampering: %s", line)
        raise TamperDetected(f"{len(differences)} thing(s) changed that grading must never change (listed in "
                             f"{alert}); check them, then delete that file and grade again: "
                             + "; ".join(differences[:3]))
    return [outcomes[s] for s in students]

