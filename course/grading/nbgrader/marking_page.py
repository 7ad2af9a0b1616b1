"""The formgrader's marking page, laid out for marking written answers (set in nbgrader_config.py as one of
``HTMLExporter.preprocessors``, which nbgrader's formgrader applies to each autograded copy it shows).

On the page, and only there (the file on disk is never changed): each written answer comes first, as plain text
the page cannot run, with its question, mark scheme and score box beside it on a wide screen (below it on a narrow
one: ``LAYOUT``, a style sheet in the page's first cell, as the formgrader's template gives cells no class of
their own); the hidden tests (the keys) are taken out of the code cells shown. Feedback uses the same exporter
class, so anything but the formgrader's own page (which passes a ``submission_id`` and no ``nbgrader``
resources) is left exactly as it was.
"""

from __future__ import annotations

import html

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from nbformat.v4 import new_markdown_cell

from course.grading.regions import HIDDEN, MARKERS, without_regions

__all__ = ["MarkingPage"]

STUDENT_TEXT = '<pre class="student-text">'  # as course.grading.nbgrader.student_text.as_text writes it
HIDDEN_NOTE = "# (The hidden tests, with the key, are not shown on this page: see the report's mark scheme page.)"
ANSWER_CLASS = "course-written-answer"
# Every cell a full row (the template nests two #notebook-container, so only the one holding the cells is a flex
# box); from 992 px wide (Bootstrap's md, the formgrader's own breakpoint), a written answer's
# cell and the task cell after it (question, mark scheme, score box) share a row, half each.
LAYOUT = f"""<style>
@media (min-width: 992px) {{
  #notebook-container:has(> .cell) {{ display: flex; flex-wrap: wrap; align-items: flex-start; }}
  #notebook-container > .cell {{ flex: 0 0 100%; width: 100%; min-width: 0; }}
  #notebook-container > .cell:has(.{ANSWER_CLASS}),
  #notebook-container > .cell:has(.{ANSWER_CLASS}) + .cell {{ flex: 0 0 50%; width: 50%; }}
}}
.{ANSWER_CLASS} pre.student-text {{ white-space: pre-wrap; word-break: normal; overflow-wrap: anywhere;
  font-family: inherit; font-size: inherit; }}
</style>"""


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _answer_cells(cells: list, task_index: int) -> list[int]:
    """The student's cells after a written question: plain markdown cells up to the next heading or graded cell."""
    found = []
    for index in range(task_index + 1, len(cells)):
        cell = cells[index]
        if _nbgrader(cell) or cell.cell_type != "markdown" or cell.source.lstrip().startswith("#"):
            break
        found.append(index)
    return found


def _as_text(source: str) -> str:
    """A written answer as HTML the markdown renderer passes through untouched (never markup, never run): kept as
    it is when autograde's StudentText already made it a ``<pre>`` of escaped text, escaped here otherwise."""
    if source.startswith(STUDENT_TEXT) and source.endswith("</pre>") and "<" not in source[len(STUDENT_TEXT):-6]:
        return source
    return f"{STUDENT_TEXT}{html.escape(source, quote=True)}</pre>"


class MarkingPage(Preprocessor):
    """Written answers first, each beside its mark scheme and score box; no hidden test shown."""

    def preprocess(self, nb: NotebookNode, resources: dict):
        if "submission_id" not in resources or "nbgrader" in resources:
            return nb, resources
        cells = list(nb.cells)
        first, moved = [], set()
        for index, cell in enumerate(cells):
            if not _nbgrader(cell).get("task"):
                continue
            answers = _answer_cells(cells, index)
            shown = "\n\n".join(_as_text(cells[i].source) for i in answers if cells[i].source.strip())
            first.append(new_markdown_cell(f"### Student's written answer\n\n<div class=\"{ANSWER_CLASS}\">\n\n"
                                           f"{shown or '(no answer)'}\n\n</div>"))
            first.append(cell)
            moved.update([index, *answers])
        for cell in cells:
            if cell.cell_type == "code" and any(marker in cell.source for marker in MARKERS):
                cell.source = without_regions(cell.source, HIDDEN).rstrip() + "\n" + HIDDEN_NOTE
        if first:
            intro = new_markdown_cell(f"{LAYOUT}\n\n## Written answers to mark\nEach student's answer, with the "
                                      "question, its mark scheme and the score box beside it. The autograded items "
                                      "follow.")
            nb.cells = [intro, *first, *(c for i, c in enumerate(cells) if i not in moved)]
        return nb, resources
