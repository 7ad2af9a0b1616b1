"""The re-keyed answers, graded by nbgrader itself in a temporary course: the answer the guidance calls for
earns the item's points and the answer the old key wanted earns what the mark scheme now says.

One ``autograde_cohort`` run grades every submission (module-scoped fixture) to keep the suite fast.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from support.grading import answered, cell, released_course, write_submission

from course.grading.cohort import autograde_cohort
from course.grading.course_folder import gradebook_url

pytestmark = pytest.mark.nbgrader

ASSIGNMENT = "risk_factors"

# Each student answers as the solution does, except one item: (answer cell, its text, item, points expected).
STUDENTS = {
    "kemi-call-999": ("answer-q4", 'q4_factors = ["emotional-problems"]\nq4_next = "call-999"', "test-q4-next", 1),
    "kemi-same-day": ("answer-q4", 'q4_factors = ["emotional-problems"]\nq4_next = "same-day"', "test-q4-next", 0),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Path:
    """risk_factors generated in a temporary course, each student's submission autograded by nbgrader."""
    root, release, source = released_course(tmp_path_factory.mktemp("keys"), ASSIGNMENT)
    for student, (answer_cell, text, _, _) in STUDENTS.items():
        notebook = copy.deepcopy(answered(release, source))
        cell(notebook, answer_cell).source = text
        write_submission(root / "submitted" / student / ASSIGNMENT, ASSIGNMENT, notebook)
    outcomes = autograde_cohort(ASSIGNMENT, root, workers=2, progress=None)
    assert [o.status for o in outcomes] == ["graded"] * len(STUDENTS)
    return root


def item_scores(root: Path, student: str) -> dict[str, tuple[float, float]]:
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(root)) as gb:
        submission = gb.find_submission(ASSIGNMENT, student)
        return {g.name: (g.score, g.max_score) for nb in submission.notebooks for g in nb.grades
                if g.cell.cell_type == "code"}


@pytest.mark.parametrize("student", STUDENTS)
def test_the_rekeyed_item_earns_what_its_mark_scheme_says(graded, student):
    """Kemi has a plan to kill herself and a goodbye note: does 999 earn the item's full point and 'same
    day' (the old key) earn nothing, when nbgrader grades the submission, with every other item untouched?"""
    _, _, item, expected = STUDENTS[student]
    scores = item_scores(graded, student)
    assert scores[item] == (expected, 1)
    assert all(score == points for name, (score, points) in scores.items() if name != item), scores
