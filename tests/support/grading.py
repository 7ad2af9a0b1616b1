"""Helpers shared by the tests that grade a cohort in a temporary course: released notebooks answered as a
good student would, cohorts submitted by real `nbgrader submit` and collected by the course's collect, and hashes
of everything submitted."""

from __future__ import annotations

import atexit
import copy
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from course.grading.build import copy_course
from course.grading.nbgrader_run import nbgrader
from course.grading.regions import SOLUTION, region_lines

REPO = Path(__file__).resolve().parents[2]


def cell(notebook, grade_id):
    """The cell with this nbgrader grade id."""
    return next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def answered(release, source, **overrides: str):
    """The released notebook with every answer cell holding the source's solution, as a good student would;
    ``overrides`` replace whole answer cells, by grade id with ``_`` for ``-`` (``q1="'myth'"``)."""
    notebook = copy.deepcopy(release)
    for each in notebook.cells:
        meta = each.metadata.get("nbgrader", {})
        if meta.get("solution") and each.cell_type == "code":
            solution = "\n".join(region_lines(cell(source, meta["grade_id"]).source, SOLUTION))
            each.source = overrides.get(meta["grade_id"].replace("-", "_"), solution)
    return notebook


_GENERATED: dict[str, Path] = {}


def released_course(folder: Path, assignment: str):
    """A course in ``folder`` with ``assignment`` generated: (root, released notebook, source notebook). Generated
    once per test process and copied (generating costs seconds); each copy is a course of its own, with its own
    SQLite gradebook."""
    if assignment not in _GENERATED:
        template = copy_course(REPO, Path(tempfile.mkdtemp(prefix=f"generated-{assignment}-")))
        atexit.register(shutil.rmtree, template, True)
        result = nbgrader(["generate_assignment", assignment], template)
        assert result.returncode == 0, result.stdout[-3000:]
        _GENERATED[assignment] = template
    root = Path(folder)
    shutil.copytree(_GENERATED[assignment], root, symlinks=True, dirs_exist_ok=True)
    release = nbformat.read(root / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    source = nbformat.read(root / "assignments" / assignment / f"{assignment}.ipynb", as_version=4)
    return root, release, source


def write_submission(folder: Path, assignment: str, submission, *, stamped: bool = True) -> None:
    """A submission's folder: a notebook, raw bytes, a (filename, notebook) pair, or None for no notebook; with
    the timestamp collect leaves unless ``stamped`` is False (a student's folder, before submit)."""
    folder.mkdir(parents=True)
    if stamped:
        (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
    if submission is None:
        (folder / "notes.txt").write_text("I could not find the notebook")
    elif isinstance(submission, bytes):
        (folder / f"{assignment}.ipynb").write_bytes(submission)
    elif isinstance(submission, tuple):
        nbformat.write(submission[1], folder / submission[0])
    else:
        nbformat.write(submission, folder / f"{assignment}.ipynb")


COURSE_ID = "secure-attachment"
SUBMITTERS = 2
SUBMIT_EACH = """
import json, os, sys
from nbgrader.apps.submitapp import SubmitApp
for folder, args in json.loads(sys.argv[1]):
    os.chdir(folder)
    app = SubmitApp()
    app.initialize(args)
    app.start()
    SubmitApp.clear_instance()
"""


def student_command(assignment: str, root: Path, *args: str) -> list[str]:
    """``nbgrader submit`` as a student runs it, against the course's exchange (and its own cache)."""
    return [sys.executable, "-m", "nbgrader", "submit", *submit_arguments(assignment, root, *args)]


def submit_arguments(assignment: str, root: Path, *args: str) -> list[str]:
    return [assignment, f"--course={COURSE_ID}", f"--Exchange.root={root / 'exchange'}",
            f"--Exchange.cache={root / 'student-cache'}", *args]


def submit(root: Path, assignment: str, submissions: dict, *, home: Path | None = None,
           files: dict[str, dict[str, str]] | None = None) -> Path:
    """Each student's ``submission`` (any form ``write_submission`` takes) submitted by nbgrader's own submit app
    (``nbgrader submit --student=ID``, run in its folder), after the assignment is released to the course's
    exchange; ``files`` gives students more files ({student: {path: text}}) in their folder beside it. Students
    share a few processes, as importing nbgrader costs more than a submit. Returns the exchange's inbound
    folder."""
    home = home or root.parent / f"{root.name}-students"
    if not (root / "exchange" / COURSE_ID / "outbound" / assignment).exists():
        released = nbgrader(["release_assignment", assignment, f"--Exchange.root={root / 'exchange'}"], root)
        assert released.returncode == 0, released.stdout[-3000:]
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    jobs = []
    for student, submission in submissions.items():
        write_submission(home / student / assignment, assignment, submission, stamped=False)
        for name, text in (files or {}).get(student, {}).items():
            (home / student / assignment / name).parent.mkdir(parents=True, exist_ok=True)
            (home / student / assignment / name).write_text(text)
        jobs.append((str(home / student), submit_arguments(assignment, root, f"--student={student}")))
    running = [subprocess.Popen([sys.executable, "-c", SUBMIT_EACH, json.dumps(jobs[i::SUBMITTERS])], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
               for i in range(min(SUBMITTERS, len(jobs)))]
    for process in running:
        output = process.communicate(timeout=600)[0]
        assert process.returncode == 0, output[-3000:]
    return root / "exchange" / COURSE_ID / "inbound"


def collect(root: Path, assignment: str, *args: str) -> list[str]:
    """Plain ``nbgrader collect`` in the course (the course's collect, by its nbgrader_config.py): its WARNING
    lines."""
    result = nbgrader(["collect", assignment, f"--Exchange.root={root / 'exchange'}", *args], root)
    assert result.returncode == 0, result.stdout[-3000:]
    return [line for line in result.stdout.splitlines() if "WARNING" in line]


def submitted_cohort(root: Path, assignment: str, submissions: dict,
                     files: dict[str, dict[str, str]] | None = None) -> list[str]:
    """A cohort as real students make it: submitted by `nbgrader submit` (``files`` as ``submit`` takes them),
    collected by `nbgrader collect`. Returns collect's WARNING lines."""
    submit(root, assignment, submissions, files=files)
    return collect(root, assignment)


def submitted_hashes(root: Path) -> dict[str, str]:
    """Every submitted file's SHA-256, by path under submitted/."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "submitted").rglob("*")) if p.is_file()}


def autograde_with_log(assignment: str, root: Path, **options):
    """``course autograde``'s own function on a cohort, with the lines it logged (one per problem, naming the
    student): (outcomes, messages)."""
    from course.grading.cohort import autograde_cohort

    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("course.grading")
    logger.addHandler(handler)
    try:
        outcomes = autograde_cohort(assignment, root, **{"progress": None, **options})
    finally:
        logger.removeHandler(handler)
    return outcomes, [r.getMessage() for r in records]
