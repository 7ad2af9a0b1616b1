"""Checks on a submission before grading, and on its graded copy after: each problem is one short reason.

Both ``course autograde`` and the course's nbgrader preprocessor (``static_grading.InspectSubmission``) use
``inspect_notebook`` and ``extra_files``, so the same submission is flagged the same way however it is graded.
"""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import nbformat

from course.grading.cells import grade_id as cell_grade_id
from course.grading.cells import is_test
from course.grading.course_folder import ReleasedCell
from course.grading.plain_answers import answer_names, read_answer_cell
from course.grading.regions import HIDDEN, MARK_SCHEME, without_regions

__all__ = ["FORMAT_ERROR", "allowed_answer_names", "extra_files", "inspect_notebook", "read_submission",
           "review_graded", "short", "too_many_cells"]

FORMAT_ERROR = "AnswerFormatError"
NBGRADER_FILES = {"timestamp.txt", "submission_secret.txt"}  # both written by nbgrader submit itself
IGNORED_FOLDERS = {".ipynb_checkpoints"}
MAX_CELLS = 1000
# A notebook larger than this is never read: a sparse or padded file must not take the cohort's memory or time.
MAX_NOTEBOOK_BYTES = 256 * 1024 * 1024


def short(error: BaseException) -> str:
    """``Type: first line`` of an error, short enough for one log line."""
    return f"{type(error).__name__}: {str(error).splitlines()[0][:150] if str(error) else ''}".rstrip(": ")


def allowed_answer_names(cells: list[ReleasedCell]) -> set[str]:
    """Every answer name the released answer cells set (their stubs): the only names a student's cell may set."""
    return set().union(*(answer_names(c.source) for c in cells if c.is_answer)) if cells else set()


def inspect_notebook(name: str, notebook, cells: list[ReleasedCell]) -> list[str]:
    """Every way a submitted notebook differs from its release that matters for grading, one reason each."""
    problems = []
    known = {c.name: c for c in cells}
    names = allowed_answer_names(cells)
    submitted = {}
    for cell in notebook.cells:
        grade_id = cell_grade_id(cell)
        if grade_id in known and grade_id not in submitted:
            submitted[grade_id] = cell
        elif cell.cell_type == "code" and cell.source.strip():
            problems.append(f"{name}: an extra code cell ({_first_line(cell.source)!r}) was added; it is not "
                            "run and does not count")
    for released in cells:
        cell = submitted.get(released.name)
        what = ("task cell" if released.cell_type == "markdown" else "test cell") \
            if (released.graded or released.task) and released.locked \
            else ("read-only cell" if released.locked else "answer cell")
        if cell is None:
            if released.graded or released.task:
                problems.append(f"{name}: {what} {released.name!r} was deleted; put back from the gradebook")
            elif released.locked:
                problems.append(f"{name}: {what} {released.name!r} was deleted and cannot be put back; "
                                "cells that need it will fail")
            else:
                problems.append(f"{name}: {what} {released.name!r} was deleted; the answers in it score zero")
            continue
        if cell.cell_type != released.cell_type:
            problems.append(f"{name}: {what} {released.name!r} was changed from {released.cell_type} to "
                            f"{cell.cell_type}; changed back to {released.cell_type}")
        visible = without_regions(released.source, HIDDEN, MARK_SCHEME)
        if released.locked and cell.source.strip() != visible.strip():
            problems.append(f"{name}: {what} {released.name!r} was edited; the original was put back from the "
                            "gradebook")
        if released.is_answer:
            read = read_answer_cell(cell.source, names)
            if read.syntax_error:
                problems.append(f"{name}: {what} {released.name!r} has a {read.syntax_error}; the answers in it "
                                "score zero")
            elif read.extra:
                problems.append(f"{name}: {what} {released.name!r} runs code besides answers ({read.extra[0]!r}); "
                                "it is not run, and only its plain answers count")
    return problems


def too_many_cells(raw: bytes | int, released: list[ReleasedCell]) -> str | None:
    """Why a notebook has too many cells to grade (``raw``: its bytes, counted without parsing, or a count), or
    None: the bound is ``MAX_CELLS`` or ten times the released cells, so a student's 200,000 pasted cells cost
    one count, not minutes of every student's grading."""
    count = raw if isinstance(raw, int) else raw.count(b'"cell_type"')
    limit = max(MAX_CELLS, 10 * len(released))
    if count <= limit:
        return None
    return f"has {count:,} cells (at most {limit:,}; the released notebook has {len(released)})"


def _first_line(source: str) -> str:
    return next((line.strip() for line in source.splitlines() if line.strip()), "")[:80]


def extra_files(folder: Path, notebooks: list[str], source_folder: Path | None = None) -> list[str]:
    """Files in a submission that grading does not expect (they are never used), by path in the folder."""
    expected = {f"{n}.ipynb" for n in notebooks} | NBGRADER_FILES
    if source_folder is not None and source_folder.exists():
        expected |= {str(p.relative_to(source_folder)) for p in source_folder.rglob("*") if p.is_file()}
    return sorted(str(p.relative_to(folder)) for p in Path(folder).rglob("*")
                  if p.is_file() and str(p.relative_to(folder)) not in expected
                  and not IGNORED_FOLDERS & set(p.relative_to(folder).parts))


def read_submission(folder: Path, cells: dict[str, list[ReleasedCell]],
                    source_folder: Path | None = None) -> tuple[bool, list[str]]:
    """Check a submission folder before grading: (whether anything can be graded, the problems found)."""
    from course.grading.nbgrader.student_text import course_markdown, markup_written

    problems, gradeable = [], False
    for name, released in cells.items():
        path = folder / f"{name}.ipynb"
        if not path.exists():
            others = sorted(p.name for p in folder.glob("*.ipynb"))
            if others:
                problems.append(f"expected {path.name} but found {', '.join(others)} (renamed?); not graded, "
                                f"scores zero — rename it to {path.name} and run autograde again to grade it")
            else:
                problems.append(f"no {path.name} in the submission; it scores zero")
            continue
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode):
            problems.append(f"{path.name} is not a regular file (a link or special file); it is not opened and "
                            "scores zero")
            return False, problems
        if info.st_size > MAX_NOTEBOOK_BYTES:
            problems.append(f"{path.name} is {info.st_size:,} bytes (at most {MAX_NOTEBOOK_BYTES:,}); it is not "
                            "opened and scores zero")
            return False, problems
        if (many := too_many_cells(path.read_bytes(), released)) is not None:
            problems.append(f"{path.name} {many}; not graded, scores zero")
            return False, problems
        try:
            notebook = nbformat.read(path, as_version=4)
        except (json.JSONDecodeError, nbformat.reader.NotJSONError, UnicodeDecodeError) as error:
            problems.append(f"{path.name} is not a valid notebook file ({short(error)}); it cannot be graded "
                            "and scores zero")
            return False, problems
        except Exception as error:  # noqa: BLE001 (any unreadable notebook is reported, never fatal)
            problems.append(f"{path.name} could not be read ({short(error)}); it cannot be graded and scores zero")
            return False, problems
        problems += inspect_notebook(name, notebook, released)
        course_text = course_markdown(source_folder / f"{name}.ipynb") if source_folder is not None else set()
        if (markup := markup_written(notebook.cells, course_text)) is not None:
            problems.append(f"{name}: a written answer holds markup ({markup!r}); it is shown as text, never run")
        gradeable = True
    timestamp = folder / "timestamp.txt"
    if (timestamp.exists() or timestamp.is_symlink()) and not stat.S_ISREG(timestamp.lstat().st_mode):
        problems.append("timestamp.txt is not a regular file (a link or special file); not graded, scores zero")
        gradeable = False
    extras = extra_files(folder, list(cells), source_folder)
    if extras:
        problems.append(f"extra file(s) in the submission ({', '.join(extras[:5])}); they are never used")
    return gradeable, problems


def review_graded(folder: Path, cells: dict[str, list[ReleasedCell]], max_lines: int | None) -> list[str]:
    """Read the graded notebooks: errors, cut output and answers in the wrong form, one reason each."""
    problems = []
    for name in cells:
        path = folder / f"{name}.ipynb"
        if not path.exists():
            continue
        wrong_form = []
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            grade_id = cell_grade_id(cell) or "an unnamed cell"
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    if output.ename == FORMAT_ERROR:
                        wrong_form.append(re.match(r"\S+", output.evalue).group(0) if output.evalue else grade_id)
                    elif is_test(cell):
                        problems.append(f"{name}: test cell {grade_id!r} failed with {output.ename}; it scores zero")
                    else:
                        problems.append(f"{name}: cell {grade_id!r} raised {output.ename}: "
                                        f"{output.evalue.splitlines()[0][:120] if output.evalue else ''}".rstrip())
                elif output.output_type == "stream" and "Output truncated" in output.text:
                    problems.append(f"{name}: cell {grade_id!r} printed too much; output cut to "
                                    f"{max_lines or 'the limit of'} lines")
        if wrong_form:
            problems.append(f"{name}: {len(wrong_form)} answer(s) missing or in the wrong form "
                            f"({', '.join(dict.fromkeys(wrong_form))}); they score zero")
    return problems
