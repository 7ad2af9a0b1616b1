"""What a course folder holds for grading: its gradebook, its submissions, its released cells and its settings.

The settings are nbgrader's, read as nbgrader reads them: `nbgrader_config` in every Jupyter config folder
(JUPYTER_CONFIG_PATH, then the user's, the environment's and the system's; `jupyter --paths`), then the course
folder's own nbgrader_config.py. So the gradebook, the exchange, the course id and every folder name mean the same
to `course` as to `nbgrader`, wherever a trainer set them. Folders come from `CourseDirectory.format_path`.
"""

from __future__ import annotations

import glob
import re
from dataclasses import dataclass
from pathlib import Path

from jupyter_core.application import JupyterApp
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps.baseapp import NbGrader
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default.exchange import Exchange
from traitlets.config import Config

from course.grading.nbgrader_run import GradingError

__all__ = ["CourseFolders", "ReleasedCell", "course_config", "course_directory", "exchange_folder", "gradebook_url",
           "released_cells", "require_assignment", "require_gradebook", "source_notebooks", "step_folder",
           "submitted_students"]


class _CourseSettings(NbGrader):
    """nbgrader's own configuration loading, as for an nbgrader command run in the course folder: every Jupyter
    config path, then the course folder's file (where nbgrader reads the current folder's), then the file in the
    root that makes (``CourseDirectory.root``)."""

    name = "course"
    raise_config_file_errors = True

    def __init__(self, folder: Path, **kwargs) -> None:
        super().__init__(**kwargs)
        self.folder = str(folder)

    def init_syspath(self) -> None:
        """Unlike an nbgrader command, leave this process's import path alone."""

    def load_config_file(self, **kwargs) -> None:
        JupyterApp.load_config_file(self, **kwargs)  # without nbgrader's warning when no config path has one
        super(JupyterApp, self).load_config_file(self.config_file_name, self.folder)


def _settings(root: Path) -> _CourseSettings:
    app = _CourseSettings(Path(root).resolve())
    try:
        app.initialize([], root=str(Path(root).resolve()))
    except (Exception, SystemExit) as exc:  # a config file that does not run, or a bad value in one
        raise GradingError(f"nbgrader's settings for the course folder {root} could not be read "
                           f"({type(exc).__name__}: {exc}); `nbgrader --debug` there lists each file read") from None
    return app


def course_directory(root: Path) -> CourseDirectory:
    """The course in ``root`` as nbgrader sees it: its root, folder names, course id and gradebook (``db_url``)."""
    return _settings(root).coursedir


def course_config(root: Path) -> Config:
    """Every nbgrader setting for the course in ``root``, merged as nbgrader merges them."""
    return _settings(root).config


def gradebook_url(root: Path) -> str:
    """The gradebook nbgrader uses for the course in ``root`` (``CourseDirectory.db_url``)."""
    return course_directory(root).db_url


def step_folder(coursedir: CourseDirectory, step_directory: str, student: str = ".", assignment: str = ".") -> Path:
    """nbgrader's folder for one step, e.g. ``step_folder(cd, cd.submitted_directory, student, assignment)``."""
    return Path(coursedir.format_path(step_directory, student, assignment))


class CourseFolders:
    """nbgrader's folders of one course, named by its settings (``CourseDirectory.format_path``), read once."""

    def __init__(self, root: Path | str) -> None:
        self.coursedir = course_directory(root)
        self.root = Path(self.coursedir.root)
        self.gradebook_url = self.coursedir.db_url

    def submitted(self, student: str = ".", assignment: str = ".") -> Path:
        return step_folder(self.coursedir, self.coursedir.submitted_directory, student, assignment)

    def autograded(self, student: str = ".", assignment: str = ".") -> Path:
        return step_folder(self.coursedir, self.coursedir.autograded_directory, student, assignment)

    def feedback(self, student: str = ".", assignment: str = ".") -> Path:
        return step_folder(self.coursedir, self.coursedir.feedback_directory, student, assignment)

    def release(self, assignment: str) -> Path:
        return step_folder(self.coursedir, self.coursedir.release_directory, ".", assignment)

    def source(self, assignment: str) -> Path:
        return step_folder(self.coursedir, self.coursedir.source_directory, ".", assignment)

    def feedback_folders(self, assignment: str) -> list[Path]:
        """Each student's feedback folder for this assignment."""
        return [self.feedback(s, assignment)
                for s in _students_in(self.coursedir, self.coursedir.feedback_directory, assignment)]


def _students_in(coursedir: CourseDirectory, step_directory: str, assignment: str) -> list[str]:
    """Students with a folder for this assignment in one step, found as nbgrader finds them (glob, then match)."""
    pattern = re.compile(coursedir.format_path(step_directory, "(?P<student_id>[^/]+)", re.escape(assignment),
                                               escape=True) + "$")
    found = (pattern.match(p) for p in glob.glob(coursedir.format_path(step_directory, "*", glob.escape(assignment))))
    return sorted({m.group("student_id") for m in found if m})


@dataclass(frozen=True)
class ReleasedCell:
    """A cell nbgrader knows, as the gradebook keeps it: ``source`` is the trusted text (hidden tests included,
    solutions cleared to the stub students start from)."""

    name: str
    cell_type: str
    locked: bool
    graded: bool
    solution: bool
    task: bool
    points: float
    source: str

    @property
    def is_answer(self) -> bool:
        """A code cell the student writes in (read statically, never run)."""
        return self.cell_type == "code" and self.solution and not self.locked

    @property
    def is_test(self) -> bool:
        return self.cell_type == "code" and self.graded and not self.solution


def require_gradebook(root: Path, assignment: str = "ASSIGNMENT") -> str:
    """The gradebook's URL; fails with what to do next when it is an SQLite file that does not exist yet."""
    url = gradebook_url(root)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        raise GradingError(f"no gradebook at {url.removeprefix('sqlite:///')} (nbgrader's CourseDirectory.db_url): "
                           f"run `course build {assignment}` in {root} first")
    return url


def require_assignment(assignment: str, root: Path) -> None:
    """Fail with what to do next unless ``root`` has a gradebook that knows ``assignment``."""
    url = require_gradebook(root, assignment)
    try:
        with Gradebook(url) as gb:
            gb.find_assignment(assignment)
    except MissingEntry:
        raise GradingError(f"{assignment!r} is not in the gradebook of {root}: "
                           f"run `course build {assignment}` first") from None


def submitted_students(assignment: str, root: Path) -> list[str]:
    """Students with a submission folder for this assignment, sorted."""
    coursedir = course_directory(root)
    return [student for student in _students_in(coursedir, coursedir.submitted_directory, assignment)
            if step_folder(coursedir, coursedir.submitted_directory, student, assignment).is_dir()]


def source_notebooks(assignment: str, root: Path) -> list[Path]:
    """The assignment's source notebooks (solutions, hidden tests and mark schemes in them)."""
    return sorted(CourseFolders(root).source(assignment).glob("*.ipynb"))


def released_cells(url: str, assignment: str) -> dict[str, list[ReleasedCell]]:
    """Each notebook's cells from the gradebook, in notebook order."""
    notebooks = {}
    with Gradebook(url) as gb:
        for notebook in gb.find_assignment(assignment).notebooks:
            grades = {c.name: c.max_score for c in notebook.grade_cells}
            tasks = {c.name: c.max_score for c in notebook.task_cells}
            solutions = {c.name for c in notebook.solution_cells}
            notebooks[notebook.name] = [
                ReleasedCell(c.name, c.cell_type, bool(c.locked), c.name in grades, c.name in solutions,
                             c.name in tasks, float(grades.get(c.name, tasks.get(c.name, 0)) or 0), c.source or "")
                for c in notebook.source_cells]
    return notebooks


# The exchange's own sub-folders are fixed by nbgrader's exchange classes, not settings.
EXCHANGE_FEEDBACK = "feedback"


def exchange_folder(root: Path) -> Path | None:
    """This course's folder in the exchange students fetch from and submit to, if it exists."""
    app = _settings(root)
    course_id = app.coursedir.course_id
    if not course_id:
        return None
    folder = Path(Exchange(coursedir=app.coursedir, parent=app).root) / course_id
    return folder if folder.exists() else None
