"""Every nbgrader internal the course patches, subclasses or reads still has the shape the course expects, so a new
nbgrader release (pyproject allows >=0.9.5,<0.10) that changes one fails here, by name, not in a trainer's run."""

from __future__ import annotations

import inspect
import logging

import nbgrader.api
from jupyter_core.application import JupyterApp
from nbgrader.apps.baseapp import NbGrader
from nbgrader.converters.autograde import Autograde
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.exchange.default.exchange import Exchange
from nbgrader.exchange.default.submit import ExchangeSubmit
from nbgrader.preprocessors import NbGraderPreprocessor, SaveAutoGrades
from nbgrader.preprocessors.overwritecells import OverwriteCells

from course.grading.cohort import _sanitizing
from course.grading.nbgrader.exchange import PrivateSubmit, RecordingCollect
from course.grading.nbgrader.static_grading import SaveScores


def parameters(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_gradebooks_make_their_engine_through_the_module_name_cohort_runs_replace():
    """`course autograde` shares one engine by replacing nbgrader.api.create_engine: does Gradebook still call it
    by that name?"""
    assert callable(nbgrader.api.create_engine)
    assert "create_engine(" in inspect.getsource(nbgrader.api.Gradebook.__init__)


def test_save_auto_grades_commits_per_cell_through_the_session_save_scores_patches():
    """SaveScores turns the session's commit into a flush while nbgrader's SaveAutoGrades saves each cell: does
    SaveAutoGrades still commit through self.gradebook.db, per cell, with the attributes SaveScores sets?"""
    assert issubclass(SaveScores, SaveAutoGrades)
    cells = inspect.getsource(SaveAutoGrades)
    assert "self.gradebook.db.commit()" in cells
    for name in ("notebook_id", "assignment_id", "student_id", "db_url", "gradebook"):
        assert f"self.{name}" in cells, name
    assert parameters(SaveAutoGrades.preprocess_cell) == ["self", "cell", "resources", "cell_index"]
    assert parameters(NbGraderPreprocessor.preprocess) == ["self", "nb", "resources"]


def test_autograde_logs_the_line_cohort_runs_split_by_student(tmp_path):
    """`course autograde` cuts nbgrader's log by its "Sanitizing PATH" line: is that still what Autograde logs, and
    does the course's pattern find the student in such a line?"""
    assert 'self.log.info("Sanitizing %s", notebook_filename)' in inspect.getsource(Autograde)
    coursedir = CourseDirectory(root=str(tmp_path))
    path = coursedir.format_path(coursedir.submitted_directory, "a,b", "risk_factors")
    line = logging.LogRecord("x", logging.INFO, "", 0, "Sanitizing %s", (f"{path}/risk_factors.ipynb",), None)
    assert _sanitizing(coursedir, "risk_factors").search(line.getMessage()).group("student") == "a,b"


def test_the_exchange_hooks_the_course_overrides_are_still_there():
    """PrivateSubmit and RecordingCollect override copy_files and do_copy and use inbound_path,
    assignment_filename, set_perms and coursedir.root: does nbgrader's default exchange still have them?"""
    assert issubclass(PrivateSubmit, ExchangeSubmit) and issubclass(RecordingCollect, ExchangeCollect)
    assert parameters(ExchangeSubmit.copy_files) == ["self"]
    submit = inspect.getsource(ExchangeSubmit)
    assert "self.inbound_path =" in submit and "self.assignment_filename =" in submit
    assert parameters(Exchange.set_perms) == ["self", "dest", "fileperms", "dirperms"]
    assert parameters(ExchangeCollect.do_copy) == ["self", "src", "dest", "log"]
    assert "root" in Exchange.class_trait_names()


def test_the_config_loading_course_folder_builds_on_is_nbgraders():
    """course_folder reads settings with nbgrader's own app: do NbGrader.initialize(argv, root), its coursedir,
    JupyterApp's config loading, and CourseDirectory.format_path(..., escape) keep their shape?"""
    assert parameters(NbGrader.initialize)[:3] == ["self", "argv", "root"]
    assert "self.coursedir = CourseDirectory(parent=self, root=root)" in inspect.getsource(NbGrader.initialize)
    assert "load_config_file" in inspect.getsource(NbGrader.initialize)
    assert hasattr(JupyterApp, "config_file_paths") and NbGrader().config_file_name == "nbgrader_config"
    assert parameters(CourseDirectory.format_path) == ["self", "nbgrader_step", "student_id", "assignment_id",
                                                       "escape"]
    for name in ("submitted", "autograded", "feedback", "release", "source"):
        assert f"{name}_directory" in CourseDirectory.class_trait_names(), name


def test_overwrite_cells_still_trips_on_a_grade_cell_it_does_not_know():
    """InspectSubmission drops unknown cells' nbgrader metadata because OverwriteCells deletes their grade_id and
    then fails on them: is that still nbgrader's behaviour (if fixed upstream, the drop can stay, harmlessly)?"""
    source = inspect.getsource(OverwriteCells)
    assert "del cell.metadata.nbgrader['grade_id']" in source
    assert 'submitted_cell_idxs[cell.metadata.nbgrader["grade_id"]]' in source
