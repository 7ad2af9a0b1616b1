"""What the cohort report needs from nbgrader's gradebook: the items, every score, and the students' names.

A few queries, whatever the cohort's size; nothing is written.
"""

from __future__ import annotations

from course.grading.regions import HIDDEN, MARK_SCHEME, without_regions
from course.grading.report.cohort_statistics import Item
from course.grading.report.item_names import CHECKED_NAME

__all__ = ["load_items", "load_names", "load_scores"]


def load_items(gb, assignment: str) -> tuple[list[Item], list[str]]:
    """The assignment's graded items in notebook order, and its notebooks' names."""
    from nbgrader.api import Assignment, GradeCell, Notebook, SolutionCell, SourceCell, TaskCell

    def rows(model, *columns):
        return (gb.db.query(Notebook.name, model.name, *columns).join(model.notebook)
                .join(Notebook.assignment).filter(Assignment.name == assignment).all())

    notebooks = [n for (n,) in gb.db.query(Notebook.name).join(Notebook.assignment)
                 .filter(Assignment.name == assignment).order_by(Notebook.name)]
    solutions = {(nb, name) for nb, name in rows(SolutionCell)}
    sources = {(nb, name): source for nb, name, source in rows(SourceCell, SourceCell.source)}
    order = {key: index for index, key in enumerate(sources)}  # the gradebook keeps cells in notebook order
    prefix = len(notebooks) > 1
    cells = [(nb, name, points, kind, False) for nb, name, points, kind in
             rows(GradeCell, GradeCell.max_score, GradeCell.cell_type)]
    cells += [(nb, name, points, kind, True) for nb, name, points, kind in
              rows(TaskCell, TaskCell.max_score, TaskCell.cell_type)]
    items = []
    for nb, name, points, kind, task in sorted(cells, key=lambda c: (c[0], order.get((c[0], c[1]), 0))):
        autograded = kind == "code" and not task and (nb, name) not in solutions
        visible = without_regions(sources.get((nb, name), ""), HIDDEN, MARK_SCHEME)
        names = tuple(dict.fromkeys(CHECKED_NAME.findall(visible))) if autograded else ()
        items.append(Item(f"{nb}:{name}" if prefix else name, float(points),
                          tuple(f"{nb}:{n}" for n in names) if prefix else names, autograded))
    return items, notebooks


def load_scores(gb, assignment: str, prefix: bool) -> dict[str, dict[str, float | None]]:
    """Each student's score on each item; None while a hand mark is awaited."""
    from nbgrader.api import Assignment, BaseCell, Grade, Notebook, SubmittedAssignment, SubmittedNotebook

    query = (gb.db.query(SubmittedAssignment.student_id, Notebook.name, BaseCell.name, Grade.score,
                         Grade.needs_manual_grade)
             .select_from(Grade).join(Grade.notebook).join(SubmittedNotebook.assignment)
             .join(SubmittedAssignment.assignment).join(Grade.cell).join(BaseCell.notebook)
             .filter(Assignment.name == assignment))
    scores: dict[str, dict[str, float | None]] = {}
    for student, nb, cell, score, pending in query:
        scores.setdefault(student, {})[f"{nb}:{cell}" if prefix else cell] = None if pending else float(score)
    return scores



def load_names(gb) -> dict[str, str]:
    """Each student's name as the gradebook has it ("First Last"), by id; the id when no name is known."""
    return {s.id: " ".join(p for p in (s.first_name, s.last_name) if p) or s.id for s in gb.students}
