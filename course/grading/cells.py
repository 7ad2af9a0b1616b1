"""What an nbgrader cell is, in one place, on nbgrader's own helpers (``nbgrader.utils``)."""

from __future__ import annotations

from nbformat import NotebookNode
from nbgrader.utils import is_grade, is_locked, is_solution, is_task

__all__ = ["grade_id", "is_course_cell", "is_grade", "is_locked", "is_solution", "is_task", "is_test"]


def grade_id(cell: NotebookNode) -> str | None:
    """The cell's nbgrader name; None for a cell without one (a student's cell may lack even its metadata)."""
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def is_test(cell: NotebookNode) -> bool:
    """A code cell that scores (a visible or hidden test), not one the student answers in."""
    return "metadata" in cell and cell.cell_type == "code" and bool(is_grade(cell)) and not is_solution(cell)


def is_course_cell(cell: NotebookNode) -> bool:
    """A cell the course wrote and the student may not change: locked, or scored."""
    return "metadata" in cell and bool(is_locked(cell) or is_grade(cell))
