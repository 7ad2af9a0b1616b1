"""Which course folder a trainer means, found as git finds its repository, and names checked with a did-you-mean.

A course folder is the folder holding ``nbgrader_config.py`` (with ``assignments/`` beside it): every ``course``
grading command works there. Run from one of its subfolders, the nearest ancestor with ``nbgrader_config.py`` is
the course folder; run from anywhere else, the error says what a course folder is and where the nearest one is.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from course.grading.course_folder import CourseFolders, gradebook_url
from course.grading.nbgrader_run import GradingError

__all__ = ["DEMO_MARKER", "NotACourseFolder", "did_you_mean", "find_course_folder", "is_demo_course",
           "known_assignments", "require_known_assignment", "require_known_students"]

CONFIG = "nbgrader_config.py"
# The line `course demo` writes into a scratch course's nbgrader_config.py: everything in that folder is demo data.
DEMO_MARKER = "# DEMO COURSE made by `course demo`: its students and grades are demo data, never real ones."
WHAT_IT_IS = ("A course folder is the folder holding nbgrader_config.py, with assignments/ beside it (the course's "
              "checkout, or the folder `course demo` made); run `course` commands there or in one of its subfolders")


class NotACourseFolder(GradingError):
    """Neither this folder nor any folder above it holds nbgrader_config.py."""


def _ancestors(start: Path):
    start = start.resolve()
    return [start, *start.parents]


def _nearby(start: Path) -> Path | None:
    """A course folder below ``start`` or the home folder (two levels down), for the error to point at."""
    for base in (start, Path.home()):
        for depth in ("*", "*/*"):
            try:
                found = sorted(p.parent for p in base.glob(f"{depth}/{CONFIG}"))
            except OSError:
                continue
            if found:
                return found[0]
    return None


def find_course_folder(given: str | os.PathLike | None = None, start: Path | None = None) -> Path:
    """The course folder: ``given`` (``--course``) if it is one, else the nearest folder from ``start`` upwards
    holding nbgrader_config.py. Raises ``NotACourseFolder`` saying what a course folder is and where one is."""
    start = Path(start or Path.cwd())
    if given is not None:
        folder = Path(given)
        if (folder / CONFIG).is_file() or _has_gradebook(folder):  # named: its gradebook is enough
            return folder.resolve()
        where = f"--course {given}: {folder.resolve()} holds no {CONFIG}"
    else:
        for folder in _ancestors(start):
            if (folder / CONFIG).is_file():
                return folder
        where = f"{start.resolve()} is not in a course folder (no {CONFIG} here or in any folder above)"
    nearby = _nearby(start if given is None else Path(given))
    hint = f"The nearest course folder found is {nearby}: cd \"{nearby}\" and run the command again." if nearby \
        else "No course folder was found nearby: cd into your copy of the course (where you ran `make`)."
    raise NotACourseFolder(f"{where}. {WHAT_IT_IS}. {hint}")


def is_demo_course(root: Path) -> bool:
    """True when ``course demo`` made this course folder (its config holds the DEMO marker)."""
    try:
        return DEMO_MARKER in (Path(root) / CONFIG).read_text(encoding="utf-8")
    except OSError:
        return False


def did_you_mean(name: str, known: list[str]) -> str:
    """' Did you mean X?' for the closest known name (case, hyphens and spaces forgiven), or ''."""
    folded = {k.casefold().replace("-", "_").replace(" ", "_"): k for k in known}
    close = difflib.get_close_matches(name.casefold().replace("-", "_").replace(" ", "_"), list(folded), n=1,
                                      cutoff=0.6)
    return f" Did you mean {folded[close[0]]}?" if close else ""


def known_assignments(root: Path) -> list[str]:
    """The assignments this course has sources for (assignments/NAME/*.ipynb)."""
    folder = CourseFolders(root).source(".")
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and any(p.glob("*.ipynb"))) \
        if folder.is_dir() else []


def _in_gradebook(root: Path) -> list[str]:
    from nbgrader.api import Gradebook

    if not _has_gradebook(Path(root)):
        return []
    with Gradebook(gradebook_url(root)) as gb:
        return [a.name for a in gb.assignments]


def _has_gradebook(folder: Path) -> bool:
    """Whether the gradebook nbgrader's settings name for ``folder`` exists (a database server always counts)."""
    url = gradebook_url(folder)
    return not url.startswith("sqlite:///") or Path(url.removeprefix("sqlite:///")).is_file()


def require_known_assignment(assignment: str, root: Path) -> None:
    """Fail with a did-you-mean unless ``assignment`` has sources in this course folder."""
    known = known_assignments(root)
    if assignment in known or assignment in _in_gradebook(root):
        return
    known = sorted(set(known) | set(_in_gradebook(root)))
    listing = ", ".join(known) if known else "none"
    sources = CourseFolders(root).source(".")
    raise GradingError(f"no assignment {assignment!r} in {sources}.{did_you_mean(assignment, known)}"
                       f" This course's assignments: {listing}. (`course status` shows each one and what to do next.)")


def require_known_students(students: list[str], assignment: str, root: Path) -> None:
    """Fail with a did-you-mean unless every student has a collected submission of ``assignment``."""
    from course.grading.course_folder import submitted_students

    known = submitted_students(assignment, root)
    for student in students:
        if student not in known:
            raise GradingError(
                f"no collected submission of {assignment} from student {student!r} (in submitted/)."
                f"{did_you_mean(student, known)} Students with one: {', '.join(known) or 'none yet'}; "
                f"`course status {assignment}` says what to do next.")
