"""The formgrader's marking page layout (course.grading.nbgrader.marking_page): written answer first, hidden tests
not shown, and nothing changed anywhere but the formgrader's page (feedback uses the same exporter)."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import pytest

from course.cli import build_parser
from course.grading.nbgrader.marking_page import MarkingPage
from course.grading.regions import HIDDEN, region_lines

REPO = Path(__file__).resolve().parents[1]
SOURCES = sorted(REPO.glob("assignments/*/*.ipynb"))


@pytest.mark.parametrize("source", SOURCES, ids=[s.stem for s in SOURCES])
def test_the_marking_page_shows_the_written_answer_first_and_no_key(source):
    """On the formgrader's page, is the student's written answer first, then its question with the mark scheme,
    with no hidden-test line anywhere, and is the student's text shown as text, not markup?"""
    notebook = nbformat.read(source, as_version=4)
    task = next(i for i, c in enumerate(notebook.cells) if c.metadata.get("nbgrader", {}).get("task"))
    notebook.cells[task + 1].source = "<script>alert(1)</script> I would ask how she is."
    hidden = [line.strip() for c in notebook.cells for line in region_lines(c.source, HIDDEN) if line.strip()]
    assert hidden, "the source has hidden tests to hide"
    shown, _ = MarkingPage().preprocess(copy.deepcopy(notebook), {"submission_id": "x", "base_url": ""})
    assert "Student's written answer" in shown.cells[1].source
    assert "&lt;script&gt;alert(1)&lt;/script&gt; I would ask how she is." in shown.cells[1].source
    assert "<script>" not in shown.cells[1].source
    assert shown.cells[2].metadata["nbgrader"]["task"] and "MARK SCHEME" in shown.cells[2].source
    page = "\n".join(c.source for c in shown.cells)
    assert not [line for line in hidden if line in page]


def test_feedback_and_other_pages_are_left_as_they_were():
    """Anywhere but the formgrader's page (feedback passes nbgrader resources), is the notebook untouched?"""
    notebook = nbformat.read(SOURCES[0], as_version=4)
    for resources in ({"nbgrader": {"student": "s"}, "submission_id": "x"}, {}):
        kept, _ = MarkingPage().preprocess(copy.deepcopy(notebook), resources)
        assert kept == notebook


def test_course_times_help_prints_one_percent_sign(capsys):
    """Does `course times --help` say 25%, not 25%%?"""
    with pytest.raises(SystemExit):
        build_parser().parse_args(["times", "--help"])
    said = capsys.readouterr().out
    assert "25% off" in " ".join(said.split()) and "%%" not in said


def test_an_answer_autograde_already_made_text_is_shown_once_not_escaped_twice():
    """A written answer StudentText already turned into escaped text at autograde: is it shown as it is?"""
    from course.grading.nbgrader.student_text import as_text

    notebook = nbformat.read(SOURCES[0], as_version=4)
    task = next(i for i, c in enumerate(notebook.cells) if c.metadata.get("nbgrader", {}).get("task"))
    notebook.cells[task + 1].source = as_text("Tom & <b>Jo</b>")
    shown, _ = MarkingPage().preprocess(notebook, {"submission_id": "x"})
    assert as_text("Tom & <b>Jo</b>") in shown.cells[1].source and "&amp;amp;" not in shown.cells[1].source
