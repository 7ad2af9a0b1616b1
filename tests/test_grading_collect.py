"""Tamper evidence from collect time: the course's `nbgrader collect` records each submission's hashes, and
grading and feedback stop, naming the student, when a submission changed after it was collected."""

from __future__ import annotations

import json
import logging

import nbformat
import pytest
from nbgrader.api import Gradebook
from support.grading import answered, cell, released_course, submitted_cohort, write_submission

from course.grading.course_folder import gradebook_url
from course.grading.tamper import alert_file, collected_file

ASSIGNMENT = "risk_factors"


@pytest.mark.nbgrader
def test_a_submission_changed_after_collect_is_named_and_stops_feedback(tmp_path, caplog):
    """Submitted by real `nbgrader submit` and collected through the exchange, then one student's submitted
    notebook changed: does `course autograde` name that student (and only that one), grade the others as
    submitted, and `course feedback` refuse? Is a submission collect never saw hashed at the start instead, with
    a line saying so?"""
    from course.cli import main

    root, release, source = released_course(tmp_path / "course", ASSIGNMENT)
    blank = answered(release, source, **{f"answer_q{i}": "" for i in range(1, 7)})
    assert submitted_cohort(root, ASSIGNMENT, {"ada": answered(release, source), "bea": blank}) == []
    record = json.loads(collected_file(root, ASSIGNMENT).read_text(encoding="utf-8"))
    assert sorted(record) == ["ada", "bea"] and all(f"./{ASSIGNMENT}.ipynb" in r for r in record.values())
    write_submission(root / "submitted" / "cy" / ASSIGNMENT, ASSIGNMENT, answered(release, source))

    changed = root / "submitted" / "bea" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    notebook = nbformat.read(changed, 4)
    cell(notebook, "answer-q1").source = cell(answered(release, source), "answer-q1").source
    nbformat.write(notebook, changed)

    with caplog.at_level(logging.WARNING, logger="course.grading"):
        assert main(["autograde", ASSIGNMENT, "--course", str(root)]) == 2
    tampering = [r.getMessage() for r in caplog.records if r.getMessage().startswith("tampering:")]
    assert tampering and all("'bea'" in line for line in tampering)
    assert not any("'ada'" in line or "'cy'" in line for line in tampering)
    assert any("no record from `nbgrader collect`" in r.getMessage() and "cy" in r.getMessage()
               for r in caplog.records)
    assert "bea" in alert_file(root, ASSIGNMENT).read_text(encoding="utf-8")
    with Gradebook(gradebook_url(root)) as gb:
        ada = gb.find_submission(ASSIGNMENT, "ada")
        assert ada.code_score == ada.max_code_score > 0
    assert main(["feedback", ASSIGNMENT, "--course", str(root)]) != 0
    assert not (root / "feedback").exists()

    alert_file(root, ASSIGNMENT).unlink()  # a trainer who only deleted the alert still gets no feedback
    assert main(["feedback", ASSIGNMENT, "--course", str(root)]) != 0
    assert alert_file(root, ASSIGNMENT).exists() and not (root / "feedback").exists()
