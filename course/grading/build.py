"""Build an assignment only if its own solution earns full marks (otter-grader style), then check for leaks.

The self-check runs in a throwaway course folder: the assignment sources and ``nbgrader_config.py`` are
copied there, the student version is generated, the source notebook is submitted as a student and
autograded. Every autograded item must earn all its points, or the build fails naming the items that did not.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook

from course.grading.course_folder import CourseFolders
from course.grading.leaks import Leak, find_leaks
from course.grading.nbgrader_run import nbgrader

__all__ = ["AssignmentBuildError", "SelfCheck", "build_assignment", "check_solution", "copy_course"]

SOLUTION_STUDENT = "solution"


class AssignmentBuildError(Exception):
    """The assignment could not be generated, its solution lost points, or its release leaks."""


@dataclass(frozen=True)
class SelfCheck:
    """The solution's autograded score: each item as (score, max)."""

    assignment: str
    items: dict[str, tuple[float, float]]

    @property
    def score(self) -> float:
        return sum(s for s, _ in self.items.values())

    @property
    def max_score(self) -> float:
        return sum(m for _, m in self.items.values())


def copy_course(repo: Path, target: Path) -> Path:
    """A fresh course folder in ``target``: the assignment sources and nbgrader_config.py, nothing generated; its
    gradebook in ``target`` (SQLite), whatever gradebook the course in ``repo`` is set to use."""
    folders = CourseFolders(repo)
    target.mkdir(parents=True, exist_ok=True)
    source = folders.source(".").resolve()
    shutil.copytree(source, target / source.relative_to(folders.root), dirs_exist_ok=True)
    shutil.copy2(repo / "nbgrader_config.py", target / "nbgrader_config.py")
    return target


def _run(args: list[str], root: Path) -> None:
    result = nbgrader(args, root)
    if result.returncode != 0:
        raise AssignmentBuildError(f"nbgrader {' '.join(args)} failed:\n{result.stdout[-3000:]}")


def check_solution(assignment: str, root: Path, extra_args=(), *, gradebook: str = "") -> SelfCheck:
    """Generate ``assignment`` in the course ``root``, submit its source as a student, and autograde it
    (``gradebook``: the URL the ``extra_args`` set, when they set one)."""
    root = Path(root)
    _run(["generate_assignment", assignment, "--force", *extra_args], root)
    folders = CourseFolders(root)
    submission = folders.submitted(SOLUTION_STUDENT, assignment)
    if submission.exists():
        shutil.rmtree(submission)
    shutil.copytree(folders.source(assignment), submission)
    _run(["autograde", assignment, f"--student={SOLUTION_STUDENT}", "--force", *extra_args], root)
    with Gradebook(gradebook or folders.gradebook_url) as gb:
        submission = gb.find_submission(assignment, SOLUTION_STUDENT)
        items = {f"{nb.name}:{g.name}": (g.auto_score or 0.0, g.max_score)
                 for nb in submission.notebooks for g in nb.grades if g.cell.cell_type == "code"}
    return SelfCheck(assignment, items)


def build_assignment(assignment: str, repo: Path, *, extra_args=()) -> tuple[SelfCheck, list[Leak]]:
    """Self-check in a temporary course, then generate the release in ``repo`` and scan it for leaks.

    Raises ``AssignmentBuildError`` if the solution loses any point or the release leaks anything.
    """
    repo = Path(repo)
    with tempfile.TemporaryDirectory(prefix=f"build-{assignment}-") as tmp:
        throwaway = copy_course(repo, Path(tmp))
        # Its own SQLite gradebook, never the course's (which a Jupyter config folder may set to a shared one).
        gradebook = f"sqlite:///{throwaway / 'self-check.db'}"
        own = [f"--CourseDirectory.root={throwaway}", f"--CourseDirectory.db_url={gradebook}"]
        check = check_solution(assignment, throwaway, [*extra_args, *own], gradebook=gradebook)
    lost = {item: s for item, s in check.items.items() if s[0] < s[1]}
    if lost:
        raise AssignmentBuildError(f"the solution of {assignment} does not earn full marks: " +
                                   ", ".join(f"{i} {s:g}/{m:g}" for i, (s, m) in lost.items()))
    _run(["generate_assignment", assignment, "--force", *extra_args], repo)
    folders = CourseFolders(repo)
    sources = sorted(folders.source(assignment).glob("*.ipynb"))
    leaks = find_leaks(folders.release(assignment), sources)
    if leaks:
        raise AssignmentBuildError("the release leaks:\n" + "\n".join(f"  - {leak}" for leak in leaks))
    return check, leaks
