"""nbgrader preprocessors that grade without running student code (set in ``nbgrader_config.py``).

nbgrader's Autograde converter runs two lists of preprocessors: ``sanitize_preprocessors`` on the submitted
notebook, then ``autograde_preprocessors`` on the sanitised copy. The course puts ``InspectSubmission`` first
in the first list and ``GradeLiterals`` in place of nbgrader's ``Execute`` in the second, so ``nbgrader
autograde``, the formgrader's autograde button and ``course autograde`` all grade the same way:

- each answer cell is read with ``plain_answers`` (only ``name = <literal>`` counts; nothing in it is run);
- the locked cells (set-up and tests, hidden tests included) are taken from the gradebook, never from the
  submission, and run here, in nbgrader's own process, with the literal answers as their only input;
- their outputs go where nbgrader's ``SaveAutoGrades`` reads them, so grades land in the gradebook as usual
  (partial credit, manual marks kept).

Student code never runs, so it cannot change a score, read a key or touch another submission.
"""

from __future__ import annotations

import ast
import io
import traceback
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path

from nbformat import NotebookNode
from nbformat.v4 import new_output
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor, SaveAutoGrades

from course.grading.cells import grade_id
from course.grading.course_folder import ReleasedCell, released_cells
from course.grading.identity import bad_id, shown
from course.grading.inspection import allowed_answer_names, extra_files, inspect_notebook, too_many_cells
from course.grading.plain_answers import read_answer_cell

__all__ = ["GradeLiterals", "InspectSubmission", "SaveScores", "pinned_cells", "run_trusted_cell"]

TRUSTED_FILE = "<course cell {}>"


_HANDED_ON: dict[tuple, list[ReleasedCell]] = {}
_PINNED: dict[str, dict[str, list[ReleasedCell]]] = {}


@contextmanager
def pinned_cells(assignment: str, cells: dict[str, list[ReleasedCell]]) -> Iterator[None]:
    """While a cohort run grades ``assignment``, use the cells it read from the gradebook once at its start
    rather than reading them again for every student (``course autograde``; plain nbgrader reads per student)."""
    _PINNED[assignment] = cells
    try:
        yield
    finally:
        _PINNED.pop(assignment, None)


def _cells(resources, *, keep: bool) -> list[ReleasedCell]:
    """The notebook's cells from the gradebook: read when a student's notebook is inspected, handed on to its
    grading a moment later in the same process (``keep``), then dropped, so a rebuilt assignment is never stale."""
    meta = resources["nbgrader"]
    if meta["assignment"] in _PINNED:
        return _PINNED[meta["assignment"]].get(meta["notebook"], [])
    key = (meta["db_url"], meta["assignment"], meta["notebook"], meta["student"])
    cells = _HANDED_ON.pop(key, None)
    if cells is None:
        cells = released_cells(meta["db_url"], meta["assignment"]).get(meta["notebook"], [])
    if keep:
        _HANDED_ON.clear()
        _HANDED_ON[key] = cells
    return cells


class InspectSubmission(NbGraderPreprocessor):
    """Flag what grading will ignore or put back (extra cells and files, code besides answers, edited or
    deleted locked cells): one warning line naming the student and every reason. Changes one thing: a cell the
    gradebook does not know loses its nbgrader metadata, so a forged grade cell earns nothing and cannot make
    nbgrader's own OverwriteCells fail (which would score the student's real answers zero)."""

    def preprocess(self, nb: NotebookNode, resources):
        meta = resources["nbgrader"]
        cells = _cells(resources, keep=True)
        if (reason := bad_id(meta["student"])) is not None:  # plain `nbgrader autograde`; the course's skips it
            raise ValueError(f"a submission folder named {reason}: not graded (no graded copy, no feedback)")
        if (many := too_many_cells(len(nb.cells), cells)) is not None:
            raise ValueError(f"student {shown(repr(meta['student']))}: {meta['notebook']}.ipynb {many}; not graded")
        problems = inspect_notebook(meta["notebook"], nb, cells)
        folder = resources.get("metadata", {}).get("path")
        if folder:
            problems += [f"extra file {name!r} in the submission; it is never used"
                         for name in extra_files(Path(folder), [meta["notebook"]])
                         if not name.endswith(".ipynb")]
        if problems:
            self.log.warning("student %s: %s", shown(repr(meta["student"])), shown("; ".join(problems)))
        known = {c.name for c in cells}
        for cell in nb.cells:
            if grade_id(cell) not in known:
                cell.get("metadata", {}).pop("nbgrader", None)
        return nb, resources


def _result(value) -> NotebookNode:
    data = {"text/plain": repr(value)}
    html = getattr(value, "_repr_html_", None)
    if callable(html):
        try:
            data["text/html"] = html()
        except Exception:  # noqa: BLE001 (a value that cannot draw itself shows as text)
            pass
    return new_output("execute_result", data=data, execution_count=None)


def run_trusted_cell(source: str, namespace: dict, label: str = "") -> list[NotebookNode]:
    """Run one course-written cell (never a student's) in ``namespace``, as a kernel would: its printed
    text, any error, and its last expression's value as the cell's result (a test's score)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    value, error = None, None
    try:
        tree = ast.parse(source)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        filename = TRUSTED_FILE.format(label)
        with redirect_stdout(stdout), redirect_stderr(stderr):
            exec(compile(tree, filename, "exec"), namespace)  # noqa: S102 (course-written cell from the gradebook)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), filename, "eval"), namespace)  # noqa: S307
    except Exception as raised:  # noqa: BLE001 (an error is the cell's output, as in a kernel)
        error = raised
    outputs = [new_output("stream", name=name, text=text)
               for name, text in (("stdout", stdout.getvalue()), ("stderr", stderr.getvalue())) if text]
    if error is not None:
        lines = traceback.format_exception_only(type(error), error)
        outputs.append(new_output("error", ename=type(error).__name__, evalue=str(error),
                                  traceback=[line.rstrip("\n") for line in lines]))
    elif value is not None:
        outputs.append(_result(value))
    return outputs


class GradeLiterals(NbGraderPreprocessor):
    """Grade a sanitised notebook in place of nbgrader's ``Execute``: answers read as literals, the course's
    own cells run in this process, student code never run. Cells nbgrader does not know lose any nbgrader
    metadata (a forged grade cell earns nothing); known cells get their flags and points from the gradebook."""

    def preprocess(self, nb: NotebookNode, resources):
        cells = {c.name: c for c in _cells(resources, keep=False)}
        names = allowed_answer_names(list(cells.values()))
        namespace: dict = {"__name__": "__main__"}
        for index, cell in enumerate(nb.cells):
            released = cells.get(grade_id(cell))
            if released is None:
                cell.get("metadata", {}).pop("nbgrader", None)
            else:
                cell.metadata.nbgrader.update(grade=released.graded, solution=released.solution,
                                              locked=released.locked, task=released.task)
                if released.graded or released.task:
                    cell.metadata.nbgrader["points"] = released.points
            if cell.cell_type != "code":
                continue
            cell.outputs, cell.execution_count = [], None
            if released is None:
                continue
            if released.is_answer:
                read = read_answer_cell(cell.source, names)
                for name in read.not_plain:
                    namespace.pop(name, None)
                namespace.update(read.answers)
            elif released.locked:
                cell.outputs = run_trusted_cell(released.source, namespace, released.name)
                cell.execution_count = index + 1
        return nb, resources


class SaveScores(SaveAutoGrades):
    """nbgrader's ``SaveAutoGrades``, committing once per notebook instead of once per cell (each commit waits
    for the disk; a cohort's worth is most of the grading time)."""

    def preprocess(self, nb: NotebookNode, resources):
        meta = resources["nbgrader"]
        self.notebook_id, self.assignment_id = meta["notebook"], meta["assignment"]
        self.student_id, self.db_url = meta["student"], meta["db_url"]
        self.gradebook = Gradebook(self.db_url)
        with self.gradebook:
            session = self.gradebook.db
            session.commit = session.flush  # nbgrader commits after each cell; flush keeps its queries right
            try:
                nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)
            finally:
                del session.commit
            session.commit()
        return nb, resources
