"""Autograde a whole cohort: in parallel, with progress, and never stopped by one broken submission.

``nbgrader autograde`` grades students one after another and an unreadable notebook can end the run. Here
each submission is graded by its own ``nbgrader autograde`` process. Before grading, the submission is
compared with the gradebook, so every problem is logged as one line naming the student and the reason
(a test cell edited or deleted, a cell type changed, a notebook renamed, missing or not valid JSON). After
grading, the graded copy is read for errors, timeouts, truncated output and answers in the wrong form. What
cannot be graded scores zero, deliberately. An answer cell that runs more than ``qN = <literal>`` lines is
flagged for a hand check, since code could try to sway the tests. Submitted files are only ever read: their
hashes are compared before and after, and a change is an error.
"""

from __future__ import annotations

import ast
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
import warnings
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.exc import SAWarning

from course.grading.nbgrader_run import GradingError, db_url, nbgrader
from course.grading.regions import HIDDEN, MARK_SCHEME, without_regions

__all__ = ["GradingError", "Outcome", "SubmissionChangedError", "autograde_cohort", "require_assignment",
           "submitted_students"]

log = logging.getLogger("course.grading")

FORMAT_ERROR = "AnswerFormatError"
TIMEOUT_ERRORS = {"CellTimeoutError", "KeyboardInterrupt", "TimeoutError"}


class SubmissionChangedError(RuntimeError):
    """A submitted file changed while it was graded: stop at once, since no grade can then be trusted."""


def require_assignment(assignment: str, root: Path) -> None:
    """Fail with what to do next unless ``root`` has a gradebook that knows ``assignment``."""
    if not (Path(root) / "gradebook.db").exists():
        raise GradingError(f"no gradebook.db in {root}: run `course build {assignment}` there first")
    with Gradebook(db_url(root)) as gb:
        try:
            gb.find_assignment(assignment)
        except MissingEntry:
            raise GradingError(f"{assignment!r} is not in the gradebook of {root}: "
                               f"run `course build {assignment}` first") from None


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


def submitted_students(assignment: str, root: Path) -> list[str]:
    """Students with a submission folder for this assignment, sorted."""
    submitted = Path(root) / "submitted"
    return sorted(p.parent.name for p in submitted.glob(f"*/{assignment}") if p.is_dir())


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _source_cells(root: Path, assignment: str) -> dict[str, list]:
    """Each notebook's source cells from the gradebook, as (grade_id, cell_type, locked, is_grade, source)."""
    notebooks = {}
    with Gradebook(db_url(root)) as gb:
        for notebook in gb.find_assignment(assignment).notebooks:
            grade_ids = {c.name for c in notebook.grade_cells} | {c.name for c in notebook.task_cells}
            notebooks[notebook.name] = [
                (c.name, c.cell_type, c.locked, c.name in grade_ids, without_regions(c.source, HIDDEN, MARK_SCHEME))
                for c in notebook.source_cells]
    return notebooks


def _check_cells(outcome: Outcome, name: str, notebook, source_cells) -> None:
    """Note every way the submitted cells differ from the released ones that matters for grading."""
    submitted = {}
    for cell in notebook.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id:
            submitted[grade_id] = cell
    for grade_id, cell_type, locked, graded, source in source_cells:
        cell = submitted.get(grade_id)
        what = ("task cell" if cell_type == "markdown" else "test cell") if graded and locked \
            else ("read-only cell" if locked else "answer cell")
        if cell is None:
            if graded:
                outcome.problem(f"{name}: {what} {grade_id!r} was deleted; put back from the gradebook")
            elif locked:
                outcome.problem(f"{name}: {what} {grade_id!r} was deleted and cannot be put back; "
                                "cells that need it will fail")
            else:
                outcome.problem(f"{name}: {what} {grade_id!r} was deleted; the answers in it score zero")
            continue
        if cell.cell_type != cell_type:
            outcome.problem(f"{name}: {what} {grade_id!r} was changed from {cell_type} to {cell.cell_type}; "
                            f"changed back to {cell_type}")
        if locked and cell.source.strip() != source.strip():
            outcome.problem(f"{name}: {what} {grade_id!r} was edited; the original was put back from the gradebook")
        if not locked and cell.cell_type == "code" and (extra := _code_besides_answers(cell.source)):
            outcome.problem(f"{name}: {what} {grade_id!r} runs code besides answers ({extra!r}); "
                            "graded as usual, but check its marks by hand")


ANSWER_NAME = re.compile(r"q\d+\w*")


def _code_besides_answers(source: str) -> str | None:
    """The first line of an answer cell that is not ``qN... = <literal>``: code that could sway the tests."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                and isinstance(statement.targets[0], ast.Name) and ANSWER_NAME.fullmatch(statement.targets[0].id):
            try:
                ast.literal_eval(statement.value)
                continue
            except ValueError:
                pass
        return source.splitlines()[statement.lineno - 1].strip()[:80]
    return None


def _precheck(outcome: Outcome, folder: Path, source: dict[str, list]) -> bool:
    """Check the notebooks are there and readable; False when nothing can be graded."""
    gradeable = False
    for name, cells in source.items():
        path = folder / f"{name}.ipynb"
        if not path.exists():
            others = sorted(p.name for p in folder.glob("*.ipynb"))
            if others:
                outcome.problem(f"expected {path.name} but found {', '.join(others)} (renamed?); not graded, "
                                f"scores zero — rename it to {path.name} and run autograde again to grade it")
            else:
                outcome.problem(f"no {path.name} in the submission; it scores zero")
            continue
        try:
            notebook = nbformat.read(path, as_version=4)
        except (json.JSONDecodeError, nbformat.reader.NotJSONError, UnicodeDecodeError) as error:
            outcome.problem(f"{path.name} is not a valid notebook file ({_short(error)}); it cannot be graded "
                            "and scores zero")
            return False
        except Exception as error:  # noqa: BLE001 (any unreadable notebook is reported, never fatal)
            outcome.problem(f"{path.name} could not be read ({_short(error)}); it cannot be graded and scores zero")
            return False
        _check_cells(outcome, name, notebook, cells)
        gradeable = True
    return gradeable


def _short(error: Exception) -> str:
    return f"{type(error).__name__}: {str(error).splitlines()[0][:150] if str(error) else ''}".rstrip(": ")


def _review_graded(outcome: Outcome, folder: Path, source: dict[str, list], max_lines: int | None) -> None:
    """Read the graded notebooks and log errors, timeouts, cut output and answers in the wrong form."""
    for name in source:
        path = folder / f"{name}.ipynb"
        if not path.exists():
            continue
        wrong_form = []
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            meta = cell.metadata.get("nbgrader", {})
            grade_id = meta.get("grade_id", "an unnamed cell")
            is_test = meta.get("grade") and not meta.get("solution")
            for output in cell.outputs:
                if output.output_type == "error":
                    if output.ename == FORMAT_ERROR:
                        wrong_form.append(re.match(r"\S+", output.evalue).group(0) if output.evalue else grade_id)
                    elif output.ename in TIMEOUT_ERRORS:
                        outcome.problem(f"{name}: cell {grade_id!r} ran past the time limit and was stopped")
                    elif not is_test:
                        outcome.problem(f"{name}: cell {grade_id!r} raised {output.ename}: "
                                        f"{output.evalue.splitlines()[0][:120] if output.evalue else ''}".rstrip())
                    else:
                        outcome.problem(f"{name}: test cell {grade_id!r} failed with {output.ename}; it scores zero")
                elif output.output_type == "stream" and "Output truncated" in output.text:
                    outcome.problem(f"{name}: cell {grade_id!r} printed too much; output cut to "
                                    f"{max_lines or 'the limit of'} lines")
        if wrong_form:
            outcome.problem(f"{name}: {len(wrong_form)} answer(s) missing or in the wrong form "
                            f"({', '.join(dict.fromkeys(wrong_form))}); they score zero")


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


def _score(root: Path, assignment: str, outcome: Outcome) -> None:
    with Gradebook(db_url(root)) as gb:
        try:
            submission = gb.find_submission(assignment, outcome.student)
        except MissingEntry:
            return
        outcome.score, outcome.max_score = submission.score, submission.max_score


def _worth_retrying(output: str) -> bool:
    """A failure of the machine rather than the submission: a busy gradebook, or nbgrader failing to start."""
    return "database is locked" in output or "Sanitizing" not in output


def _last_error(output: str) -> str:
    """The exception nbgrader's traceback ends with, else its last ERROR line."""
    lines = output.splitlines()
    raised = [line.strip() for line in lines if re.match(r"\s*[\w.]+(Error|Exception): ", line)]
    errors = raised or [line.strip() for line in lines if "ERROR" in line]
    return errors[-1][:200] if errors else "no error message"


def grade_student(assignment: str, student: str, root: Path, *, extra_args=(), time_limit: float = 600,
                  max_lines: int | None = None) -> Outcome:
    """Grade one submission with ``nbgrader autograde``; any failure becomes a logged, deliberate zero."""
    outcome = Outcome(student)
    folder = root / "submitted" / student / assignment
    before = _hashes(folder)
    source = _source_cells(root, assignment)
    if _precheck(outcome, folder, source):
        args = ["autograde", assignment, f"--student={student}", "--force", *extra_args]
        result = None
        for attempt in range(3):
            try:
                result = nbgrader(args, root, timeout=time_limit)
            except subprocess.TimeoutExpired:
                outcome.problem(f"grading took longer than {time_limit:g} s and was stopped; it scores zero")
                break
            if result.returncode == 0 or attempt == 2 or not _worth_retrying(result.stdout):
                break
            time.sleep(1 + attempt)
        graded = root / "autograded" / student / assignment
        if result is not None and result.returncode == 0 and graded.exists():
            _review_graded(outcome, graded, source, max_lines)
        else:
            if result is not None:
                outcome.problem(f"nbgrader could not grade it ({_last_error(result.stdout)}); it scores zero")
            outcome.status = "zero"
    else:
        outcome.status = "zero"
    if outcome.status == "zero":
        _zero(root, assignment, student)
        stale = root / "autograded" / student / assignment
        if stale.exists():  # an earlier run's graded copy must not become this run's feedback
            shutil.rmtree(stale)
    _score(root, assignment, outcome)
    if _hashes(folder) != before:
        raise SubmissionChangedError(f"the submitted files of {student!r} changed during grading: {folder}")
    return outcome


def _progress(stream: TextIO | None, done: int, total: int, student: str) -> None:
    """A bar redrawn in place on a terminal; one line per student otherwise (a log file, CI)."""
    if stream is None:
        return
    width = 30
    filled = width * done // max(total, 1)
    line = f"Autograding [{'#' * filled}{'-' * (width - filled)}] {done}/{total} {student[:20]}"
    if stream.isatty():
        stream.write(f"\r{line:<80}" + ("\n" if done == total else ""))
    else:
        stream.write(line + "\n")
    stream.flush()


def _clear(stream: TextIO | None) -> None:
    if stream is not None and stream.isatty():
        stream.write("\r" + " " * 80 + "\r")


def autograde_cohort(assignment: str, root: Path | str = ".", *, students: list[str] | None = None,
                     workers: int | None = None, extra_args=(), time_limit: float = 600,
                     max_lines: int | None = None, progress: TextIO | None | str = "stderr") -> list[Outcome]:
    """Autograde every submission of ``assignment`` in ``root``; one bad submission never stops the rest.

    ``extra_args`` go to each ``nbgrader autograde`` (e.g. ``--Execute.timeout=5``); ``time_limit`` caps a
    whole submission in seconds. Returns one ``Outcome`` per student, sorted by student id.
    """
    if progress == "stderr":
        progress = sys.stderr
    root = Path(root).resolve()
    require_assignment(assignment, root)
    students = students if students is not None else submitted_students(assignment, root)
    workers = workers or min(4, os.cpu_count() or 1)
    outcomes = []
    _progress(progress, 0, len(students), "")
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(grade_student, assignment, s, root, extra_args=extra_args, time_limit=time_limit,
                               max_lines=max_lines): s for s in students}
        for done, future in enumerate(as_completed(futures), start=1):
            student = futures[future]
            try:
                outcomes.append(future.result())
            except SubmissionChangedError:
                raise
            except Exception as error:  # noqa: BLE001 (one student's failure must not stop the cohort)
                outcome = Outcome(student, status="zero")
                outcome.problem(f"grading failed unexpectedly ({_short(error)}); it scores zero")
                _zero(root, assignment, student)
                outcomes.append(outcome)
            if outcomes[-1].problems:
                _clear(progress)
                outcomes[-1].log()
            _progress(progress, done, len(students), student)
    return sorted(outcomes, key=lambda o: o.student)
