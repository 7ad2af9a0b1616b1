"""What a student wrote reaches the trainer's formgrader and the feedback as text, never as markup.

The formgrader renders a graded notebook's markdown cells as HTML, unescaped: a ``<script>``, an ``<img
onerror=…>`` or a ``javascript:`` link in a written answer would run in the trainer's session. ``StudentText``
runs at autograde on the GRADED copy (the submission itself is never changed), after ``GradeLiterals`` has set
each cell's nbgrader metadata from the gradebook, so a cell counts as the course's only when the gradebook says it
is locked, or it is markdown the course released, unchanged. Every other cell is the student's:

- a markdown or raw cell becomes markdown holding one ``<pre>`` block of its text, HTML-escaped, so the trainer
  reads exactly what was typed (tags, links and all) and nothing of it renders; its attachments are dropped;
- outputs keep only plain text and images nbgrader draws as ``<img>`` (no HTML, SVG, JavaScript or markdown);
- a cell longer than ``MAX_ANSWER`` characters is cut to its start, with a line saying how long it was.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

from course.grading.identity import shown
from course.grading.plain_answers import MAX_ANSWER

__all__ = ["SAFE_OUTPUTS", "StudentText", "as_text", "markup_written"]

SAFE_OUTPUTS = {"text/plain", "image/png", "image/jpeg", "image/gif"}
SHOWN = 20_000  # characters of an over-long cell kept in the graded copy
LIVE_MARKUP = re.compile(r"<\s*/?\s*(script|img|svg|iframe|object|embed|style|link|meta|form|input|base|math|video|"
                         r"audio|details|body|a)\b|javascript:|\bon[a-z]+\s*=", re.IGNORECASE)


def as_text(text: str) -> str:
    """Markdown that renders ``text`` literally: one preformatted HTML block, every ``< > & "`` escaped (a
    ``<pre>`` block ends only at ``</pre>``, which escaping removes, so no markdown inside it is read)."""
    return f'<pre class="student-text">{html.escape(text, quote=True)}</pre>'


def markup_written(cells, course_text: set[str]) -> str | None:
    """The first piece of live markup (a script, an element that runs or loads, an event handler, a
    ``javascript:`` link) in a markdown or raw cell that is not the course's own text, or None: the reason one
    log line names the student, though it is shown as text anyway."""
    for cell in cells:
        if cell.get("cell_type") in ("markdown", "raw") and cell.get("source") not in course_text and \
                not cell.get("metadata", {}).get("nbgrader", {}).get("locked"):
            if found := LIVE_MARKUP.search(cell.get("source", "")[:MAX_ANSWER]):
                return found.group(0)[:40]
    return None


def _cut(source: str) -> str:
    if len(source) <= MAX_ANSWER:
        return source
    return source[:SHOWN] + f"\n… cut here: the submitted cell has {len(source):,} characters (at most {MAX_ANSWER:,})"


def _outputs(outputs: list) -> list:
    kept = []
    for output in outputs:
        if output.get("output_type") in ("display_data", "execute_result"):
            output["data"] = {k: v for k, v in output.get("data", {}).items() if k in SAFE_OUTPUTS}
            output["metadata"] = {}
            if not output["data"]:
                continue
        kept.append(output)
    return kept


def course_markdown(notebook: Path) -> set[str]:
    """The markdown cells of a released or source notebook (empty when it cannot be read)."""
    try:
        return {c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "markdown"}
    except (OSError, ValueError):
        return set()


def _released_text(resources) -> set[str]:
    """The markdown the course released in this notebook (``release/ASSIGNMENT/NOTEBOOK.ipynb`` beside the
    submission's course folder): a cell still holding it verbatim is the course's text and renders as usual."""
    folder = resources.get("metadata", {}).get("path")
    meta = resources.get("nbgrader", {})
    if not folder or not meta:
        return set()
    from course.grading.course_folder import CourseFolders

    release = CourseFolders(Path(folder).resolve().parents[2]).release(meta["assignment"])
    return course_markdown(release / f"{meta['notebook']}.ipynb")


class StudentText(NbGraderPreprocessor):
    """Show every cell the gradebook does not lock as the student's text, never as markup (see the module)."""

    def preprocess(self, nb: NotebookNode, resources):
        self.course_text = _released_text(resources)
        if (markup := markup_written(nb.cells, self.course_text)) is not None:
            self.log.warning("student %s: a written answer holds markup (%s); it is shown as text, never run",
                             shown(repr(resources.get("nbgrader", {}).get("student"))), shown(repr(markup)))
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell: NotebookNode, resources, index):
        if cell.get("metadata", {}).get("nbgrader", {}).get("locked") or \
                (cell.cell_type == "markdown" and cell.source in self.course_text and not cell.get("attachments")):
            return cell, resources
        cell.source = _cut(cell.source)
        if cell.cell_type in ("markdown", "raw"):
            cell.cell_type = "markdown"
            cell.source = as_text(cell.source)
            cell.pop("attachments", None)
            cell.metadata.pop("format", None)
            cell.metadata.pop("raw_mimetype", None)
        elif cell.cell_type == "code":
            cell.outputs = _outputs(cell.get("outputs", []))
        return cell, resources
