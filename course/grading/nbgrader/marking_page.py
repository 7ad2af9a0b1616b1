"""The formgrader's marking page, laid out for marking written answers (set in nbgrader_config.py as one of
``HTMLExporter.preprocessors``, which nbgrader's formgrader applies to each autograded copy it shows).

On the page, and only there (the file on disk is never changed): each written answer comes first, as plain text
the page cannot run, with its question, mark scheme and score box right below it; the hidden tests (the keys) are
taken out of the code cells shown. Feedback uses the same exporter class, so anything but the formgrader's own
page (which passes a ``submission_id`` and no ``nbgrader`` resources) is left exactly as it was.
"""

from __future__ import annotations

import html

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from nbformat.v4 import new_markdown_cell

from course.grading.regions import HIDDEN, MARKERS, without_regions

__all__ = ["MarkingPage"]

HIDDEN_NOTE = "# (The hidden tests, with the key, are not shown on this page: see the report's mark scheme page.)"


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


def _plain(text: str) -> str:
    """Student text as one HTML block the markdown renderer passes through untouched (never markup, never run)."""
    escaped = html.escape(text.strip() or "(no answer)").replace("\r", "").replace("\n", "<br>")
    return f'<div class="course-written-answer" style="white-space: pre-wrap">{escaped}</div>'


class MarkingPage(Preprocessor):
    """Written answers first, each above its mark scheme and score box; no hidden test shown."""

    def preprocess(self, nb: NotebookNode, resources: dict):
        if "submission_id" not in resources or "nbgrader" in resources:
            return nb, resources
        cells = list(nb.cells)
        first, moved = [], set()
        for index, cell in enumerate(cells):
            if not _nbgrader(cell).get("task"):
                continue
            answers = _answer_cells(cells, index)
            text = "\n\n".join(cells[i].source for i in answers)
            first.append(new_markdown_cell(f"### Student's written answer\n\n{_plain(text)}"))
            first.append(cell)
            moved.update([index, *answers])
        for cell in cells:
            if cell.cell_type == "code" and any(marker in cell.source for marker in MARKERS):
                cell.source = without_regions(cell.source, HIDDEN).rstrip() + "\n" + HIDDEN_NOTE
        if first:
            intro = new_markdown_cell("## Written answers to mark\nEach student's answer first, then the question "
                                      "with its mark scheme and the score box. The autograded items follow.")
            nb.cells = [intro, *first, *(c for i, c in enumerate(cells) if i not in moved)]
        return nb, resources
