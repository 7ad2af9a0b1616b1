"""Helpers shared by the tests that grade a cohort in a temporary course: released notebooks answered as a
good student would, submissions written as nbgrader's collect leaves them, and hashes of everything submitted."""

from __future__ import annotations

import copy
import hashlib
import logging
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


def released_course(folder: Path, assignment: str):
    """A course in ``folder`` with ``assignment`` generated: (root, released notebook, source notebook)."""
    root = copy_course(REPO, folder)
    result = nbgrader(["generate_assignment", assignment], root)
    assert result.returncode == 0, result.stdout[-3000:]
    release = nbformat.read(root / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    source = nbformat.read(root / "assignments" / assignment / f"{assignment}.ipynb", as_version=4)
    return root, release, source


def write_submission(folder: Path, assignment: str, submission) -> None:
    """A submission as collected: a notebook, raw bytes, a (filename, notebook) pair, or None for no notebook."""
    folder.mkdir(parents=True)
    (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
    if submission is None:
        (folder / "notes.txt").write_text("I could not find the notebook")
    elif isinstance(submission, bytes):
        (folder / f"{assignment}.ipynb").write_bytes(submission)
    elif isinstance(submission, tuple):
        nbformat.write(submission[1], folder / submission[0])
    else:
        nbformat.write(submission, folder / f"{assignment}.ipynb")


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
        outcomes = autograde_cohort(assignment, root, progress=None, **options)
    finally:
        logger.removeHandler(handler)
    return outcomes, [r.getMessage() for r in records]
