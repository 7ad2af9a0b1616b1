"""Autograde a whole cohort: fast, safe, with progress, and never stopped by one broken submission.

Grading itself is nbgrader's ``autograde`` with the course's preprocessors (see ``static_grading``): answers
are read as literals and no student code runs. This runner adds what a trainer needs around it:

- each submission is checked first (``inspection``); one log line per problem names the student and the
  reason, and a submission that cannot be graded (missing, renamed, not valid JSON) scores a deliberate zero;
- the rest are graded in one go by nbgrader's own Autograde converter, in this process (a fresh ``nbgrader``
  process per student, or even one per cohort, costs more than the grading), then each graded copy is read
  for answers in the wrong form;
- each submission is compared with its hashes from ``nbgrader collect`` (hashed at the start where collect
  kept none), and everything that must not change (``tamper``) is hashed before and compared after; any
  difference stops
  the run with ``TamperDetected``, names the student, and blocks ``course feedback``.
"""

from __future__ import annotations

import glob
import logging
import re
import shutil
import stat
import sys
import traceback
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.exc import SAWarning

from course.grading import tamper
from course.grading.course_folder import (
    CourseFolders,
    course_config,
    gradebook_url,
    released_cells,
    require_assignment,
    submitted_students,
)
from course.grading.identity import bad_id, shown
from course.grading.inspection import read_submission, review_graded, short
from course.grading.nbgrader.static_grading import pinned_cells
from course.grading.nbgrader_run import GradingError

__all__ = ["GradingError", "Outcome", "SubmissionChangedError", "TamperDetected", "autograde_cohort",
           "require_assignment", "require_static_grading", "submitted_students"]

log = logging.getLogger("course.grading")

TamperDetected = tamper.TamperDetected
SubmissionChangedError = TamperDetected  # the earlier name, kept for callers
STATIC_GRADER = "course.grading.nbgrader.static_grading.GradeLiterals"
STUDENT_TEXT = "course.grading.nbgrader.student_text.StudentText"


@dataclass
class Outcome:
    """How one student's submission was graded: ``graded``, ``zero`` or ``set aside`` (its folder name is not a
    student id), the problems found, the score."""

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
            log.warning("student %s: %s", shown(repr(self.student)), shown(reason))


def require_static_grading(root: Path) -> None:
    """Refuse to grade with settings that would run student code to score it."""
    config = course_config(root)
    chosen = [getattr(p, "__module__", "") + "." + getattr(p, "__name__", "") if not isinstance(p, str) else p
              for p in config.get("Autograde", {}).get("autograde_preprocessors", [])]
    if STATIC_GRADER not in chosen or any(p.rsplit(".", 1)[-1] == "Execute" for p in chosen):
        raise GradingError(f"nbgrader's settings for {root} do not grade statically: "
                           f"c.Autograde.autograde_preprocessors must list {STATIC_GRADER!r} and not nbgrader's "
                           "Execute (copy the setting from the course's nbgrader_config.py)")
    if STUDENT_TEXT not in chosen[chosen.index(STATIC_GRADER):]:
        raise GradingError(f"{Path(root) / 'nbgrader_config.py'} would show students' written answers as markup "
                           f"in the formgrader: its c.Autograde.autograde_preprocessors must list {STUDENT_TEXT!r} "
                           f"after {STATIC_GRADER!r} (copy the setting from the course's nbgrader_config.py)")


def _zero(root: Path, assignment: str, student: str) -> None:
    with Gradebook(gradebook_url(root)) as gb, warnings.catch_warnings():
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
    with Gradebook(gradebook_url(root)) as gb:
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


def _sanitizing(coursedir, assignment: str) -> re.Pattern:
    """nbgrader's log line as it starts on a student's notebook: ``Sanitizing`` and the submitted notebook's path
    (``CourseDirectory.format_path``), with the student's id."""
    folder = coursedir.format_path(coursedir.submitted_directory, r"(?P<student>[^/\\]+)", re.escape(assignment),
                                   escape=True)
    return re.compile("Sanitizing " + folder)


def _by_student(output: str, sanitizing: re.Pattern) -> dict[str, str]:
    """nbgrader's output cut into each student's part (it logs ``Sanitizing .../STUDENT/...`` as each starts)."""
    parts: dict[str, list[str]] = {}
    current = None
    for line in output.splitlines():
        if match := sanitizing.search(line):
            current = match.group("student")
        if current is not None:
            parts.setdefault(current, []).append(line)
    return {student: "\n".join(lines) for student, lines in parts.items()}


class _Progress:
    """A bar redrawn in place on a terminal; one line per student otherwise (a log file, CI)."""

    def __init__(self, stream: TextIO | None, total: int):
        self.stream, self.total, self.done = stream, total, 0
        self.draw("")

    def draw(self, student: str) -> None:
        if self.stream is None:
            return
        width = 30
        filled = width * self.done // max(self.total, 1)
        line = f"Autograding [{'#' * filled}{'-' * (width - filled)}] {self.done}/{self.total} {shown(student[:20])}"
        if self.stream.isatty():
            self.stream.write(f"\r{line:<80}" + ("\n" if self.done == self.total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def step(self, student: str) -> None:
        self.done = min(self.total, self.done + 1)
        self.draw(student)



class _Collect(logging.Handler):
    """Keeps nbgrader's log lines of one run, and moves the progress bar as each student starts."""

    def __init__(self, progress: _Progress, sanitizing: re.Pattern):
        super().__init__(logging.INFO)
        self.lines: list[str] = []
        self.progress, self.sanitizing = progress, sanitizing

    def emit(self, record: logging.LogRecord) -> None:
        line = record.getMessage()
        if record.exc_info:
            line += "\n" + "".join(traceback.format_exception(*record.exc_info))
        self.lines.append(line)
        if (match := self.sanitizing.search(line)) is not None:
            self.progress.step(match.group("student"))


@contextmanager
def _one_engine() -> Iterator[None]:
    """nbgrader opens the gradebook a dozen times per student, each with a new SQLAlchemy engine whose cache
    of compiled queries starts empty; during one cohort run they share one engine per gradebook, so each query
    is compiled once (the gradebook, its sessions and its commits are unchanged)."""
    import nbgrader.api
    from sqlalchemy import create_engine

    engines: dict = {}

    def shared(url, **options):
        key = (str(url), tuple(sorted(options.items())))
        if key not in engines:
            engines[key] = create_engine(url, **options)
        return engines[key]

    nbgrader.api.create_engine = shared
    try:
        yield
    finally:
        nbgrader.api.create_engine = create_engine
        for engine in engines.values():
            engine.dispose()


def _chosen_converter():
    from nbgrader.converters import Autograde

    class Chosen(Autograde):
        """nbgrader's Autograde for exactly the chosen students (its own exclusion list is split at commas, and
        a folder name is the student's to choose)."""

        chosen: set = set()

        def init_destination(self, assignment_id: str, student_id: str) -> bool:
            return student_id in self.chosen and super().init_destination(assignment_id, student_id)

    return Chosen


def _run_nbgrader(assignment: str, root: Path, students: list[str], extra_args, progress: _Progress,
                  cells: dict) -> dict[str, str]:
    """nbgrader's own Autograde converter, with the course's settings, in this process (it has nbgrader loaded
    already; a fresh ``nbgrader`` process would pay seconds to import it again). No student code runs, so
    nothing here can hang or escape. Returns each student's part of nbgrader's log."""
    from nbgrader.converters.base import NbGraderException
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import KVArgParseConfigLoader
    from traitlets.log import get_logger

    _Chosen = _chosen_converter()  # noqa: N806 (a class)
    config = course_config(root)
    config.merge(KVArgParseConfigLoader(list(extra_args)).load_config())
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.ignore = _never_copied(CourseFolders(root), assignment, students,
                                                  CourseDirectory(config=config).ignore)
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment
    coursedir.student_id = "*"
    logger = get_logger()
    sanitizing = _sanitizing(coursedir, assignment)
    handler = _Collect(progress, sanitizing)
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # nbgrader's lines are kept here; the course logs its own, one per problem
    try:
        with warnings.catch_warnings(), pinned_cells(assignment, cells), _one_engine():
            warnings.filterwarnings("ignore", category=SAWarning)  # nbgrader's session handling, harmless
            converter = _Chosen(coursedir=coursedir, config=config)
            converter.chosen = set(students)
            converter.force, converter.create_student = True, True
            converter.start()
    except NbGraderException:
        pass  # the failed students have no graded copy; their part of the log says why
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
    output = "\n".join(handler.lines)
    parts = _by_student(output, sanitizing)
    return {student: parts.get(student, output) for student in students}


def _never_copied(folders: CourseFolders, assignment: str, students: list[str], ignore: list[str]) -> list[str]:
    """nbgrader's ignore list plus the names of links, special files and huge files in the submissions: nbgrader
    copies a submission's other files into its graded copy, and would block on a FIFO or fill the disk."""
    names = set()
    for student in students:
        for path in folders.submitted(student, assignment).rglob("*"):
            info = path.lstat()
            if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)) or info.st_size > tamper.HASHED_BYTES:
                names.add(glob.escape(path.name))
    return list(ignore) + sorted(names)


def _gradeable(folders: CourseFolders, assignment: str, cells, outcomes: dict[str, Outcome],
               bar: _Progress) -> list[str]:
    """The students whose submission can be read; each other one scores zero, with the reasons noted."""
    gradeable = []
    for student, outcome in outcomes.items():
        stale = folders.autograded(student, assignment)
        if stale.exists():  # an earlier run's graded copy must never become this run's feedback
            shutil.rmtree(stale)
        ok, problems = read_submission(folders.submitted(student, assignment), cells, folders.source(assignment))
        for reason in problems:
            outcome.problem(reason)
        if ok:
            gradeable.append(student)
        else:
            outcome.status = "zero"
            bar.step(student)
    return gradeable


def autograde_cohort(assignment: str, root: Path | str = ".", *, students: list[str] | None = None,
                     extra_args=(), max_lines: int | None = None, progress: TextIO | None | str = "stderr",
                     workers: int | None = None) -> list[Outcome]:
    """Autograde every submission of ``assignment`` in ``root``; one bad submission never stops the rest.

    ``extra_args`` are nbgrader settings as on its command line (``--LimitOutput.max_lines=50``). ``workers``
    is accepted from earlier callers and has no effect: the cohort is graded in one pass. Returns one
    ``Outcome`` per student, sorted by student id. Raises ``TamperDetected`` if anything that must not change
    did.
    """
    if progress == "stderr":
        progress = sys.stderr
    folders = CourseFolders(root)
    root = folders.root
    require_assignment(assignment, root)
    require_static_grading(root)
    students, set_aside = _by_id_rule(sorted(students if students is not None
                                             else submitted_students(assignment, root)))
    cells = released_cells(folders.gradebook_url, assignment)
    after_collect, unrecorded = tamper.since_collected(root, assignment, students)
    if unrecorded:
        log.warning("%d submission(s) have no record from `nbgrader collect` (collected before the course kept "
                    "one, or copied in by hand); they are hashed now, at the start of grading: %s",
                    len(unrecorded), ", ".join(unrecorded))
    before = tamper.snapshot(root, assignment, graded=students)
    outcomes = {s: Outcome(s) for s in students}
    bar = _Progress(progress, len(students))
    gradeable = _gradeable(folders, assignment, cells, outcomes, bar)
    if gradeable:
        outputs = _run_nbgrader(assignment, root, gradeable, extra_args, bar, cells)
        for student in gradeable:
            graded = folders.autograded(student, assignment)
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
    differences = after_collect + tamper.changes(before, tamper.snapshot(root, assignment, graded=students))
    if differences:
        alert = tamper.write_alert(root, assignment, differences)
        raise TamperDetected(f"{len(differences)} thing(s) changed that grading must never change (listed in "
                             f"{alert}); check them, then delete that file and grade again: "
                             + "; ".join(shown(d) for d in differences[:3]))
    return sorted([outcomes[s] for s in students] + set_aside, key=lambda o: o.student)


def _by_id_rule(students: list[str]) -> tuple[list[str], list[Outcome]]:
    """The submissions whose folder name is a student id (``identity``), and the rest set aside, each named in
    one log line and never added to the gradebook: an id made of markup or terminal escapes reaches no page."""
    kept, set_aside = [], []
    for student in students:
        if (reason := bad_id(student)) is None:
            kept.append(student)
        else:
            outcome = Outcome(student, "set aside")
            outcome.problem(f"not graded and not added to the gradebook: the folder name is {reason}")
            outcome.log()
            set_aside.append(outcome)
    return kept, set_aside

