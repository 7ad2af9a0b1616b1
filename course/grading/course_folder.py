"""What a course folder holds for grading: its gradebook, its submissions, its released cells and its settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from course.grading.nbgrader_run import GradingError, db_url

__all__ = ["ReleasedCell", "course_config", "exchange_folder", "released_cells", "require_assignment",
           "source_notebooks", "submitted_students"]


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


def require_assignment(assignment: str, root: Path) -> None:
    """Fail with what to do next unless ``root`` has a gradebook that knows ``assignment``."""
    if not (Path(root) / "gradebook.db").exists():
        raise GradingError(f"no gradebook.db in {root}: run `course build {assignment}` there first")
    with Gradebook(db_url(root)) as gb:
        try:
            gb.find_assignment(assignment)
        except MissingEntry:
            raise GradingError(f"{assignment!r} is not in the gradebook of {root}: "
                               f"run `course build {assignment}` first") from None


def submitted_students(assignment: str, root: Path) -> list[str]:
    """Students with a submission folder for this assignment, sorted."""
    submitted = Path(root) / "submitted"
    return sorted(p.parent.name for p in submitted.glob(f"*/{assignment}") if p.is_dir())


def source_notebooks(assignment: str, root: Path) -> list[Path]:
    """The assignment's source notebooks (solutions, hidden tests and mark schemes in them)."""
    return sorted((Path(root) / "assignments" / assignment).glob("*.ipynb"))


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


def course_config(root: Path):
    """The course's nbgrader settings, as nbgrader reads them from ``root/nbgrader_config.py``."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    path = Path(root) / "nbgrader_config.py"
    if not path.exists():
        return Config()
    return PyFileConfigLoader(path.name, str(path.parent)).load_config()


def exchange_folder(root: Path) -> Path | None:
    """This course's folder in the exchange students fetch from and submit to, if it exists."""
    config = course_config(root)
    exchange = config.Exchange.get("root") if "Exchange" in config else None
    course_id = config.CourseDirectory.get("course_id") if "CourseDirectory" in config else None
    if not exchange or not course_id:
        return None
    folder = Path(exchange) / course_id
    return folder if folder.exists() else None
