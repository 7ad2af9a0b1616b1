"""A cohort report for trainers: where the cohort misunderstands, in the trainer's words.

``cohort_report`` gathers the scores from nbgrader's gradebook (``gradebook_queries``), each student's answers
from the autograded notebooks without running them (``answer_reading``), and each item's name from the
assignment's source notebook (``item_names``); ``analyse`` (``cohort_statistics``) computes the statistics;
``report_page`` renders the report and the trainer-only mark scheme page it links to. ``write_report`` does all
of it for ``course report``. No hidden test is ever shown.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from course.grading.answer_reading import NO_ANSWER, NOT_PLAIN, notebook_answers, read_answers
from course.grading.report.cohort_statistics import CohortReport, Item, ItemStats, ManualItem, Student, analyse
from course.grading.report.item_names import ItemText, item_texts
from course.grading.report.report_page import mark_scheme_href, mark_scheme_html, report_html

__all__ = ["NO_ANSWER", "NOT_PLAIN", "CohortReport", "Item", "ItemStats", "ManualItem", "Student", "analyse",
           "cohort_report", "read_answers", "report_html", "write_report"]


def _texts(root: Path, assignment: str, notebooks: list[str], prefix: bool) -> dict[str, ItemText]:
    """Item texts from the source notebooks, by item id; none for a notebook whose source is gone or broken."""
    from course.grading.course_folder import CourseFolders

    texts: dict[str, ItemText] = {}
    source = CourseFolders(root).source(assignment)
    for nb in notebooks:
        try:
            found = item_texts(source / f"{nb}.ipynb")
        except (OSError, ValueError):
            continue
        texts.update({f"{nb}:{k}" if prefix else k: v for k, v in found.items()})
    return texts


def _gather(course_dir: Path | str, assignment: str) -> tuple[list[Item], list[Student], dict[str, ItemText]]:
    from nbgrader.api import Gradebook

    from course.grading.cohort import require_assignment, submitted_students
    from course.grading.course_folder import CourseFolders
    from course.grading.report.gradebook_queries import load_items, load_names, load_scores

    folders = CourseFolders(course_dir)
    root = folders.root
    require_assignment(assignment, root)
    with Gradebook(folders.gradebook_url) as gb:
        items, notebooks = load_items(gb, assignment)
        prefix = len(notebooks) > 1
        scores = load_scores(gb, assignment, prefix)
        names = load_names(gb)
    texts = _texts(root, assignment, notebooks, prefix)
    items = [replace(i, label=texts[i.id].label, explained=bool(texts[i.id].explanation)) if i.id in texts else i
             for i in items]
    students = []
    for student in sorted(set(names) | set(scores) | set(submitted_students(assignment, root))):
        name = names.get(student, student)
        if student not in scores:
            status = "not-autograded" if folders.submitted(student, assignment).is_dir() else "missing"
            students.append(Student(student, status, name=name))
            continue
        graded = folders.autograded(student, assignment)
        answers, absent = {}, []
        for nb in notebooks:
            path = graded / f"{nb}.ipynb"
            if not path.exists():
                absent.append(f"{nb}.ipynb")
                continue
            try:
                read = notebook_answers(path)
            except (OSError, ValueError) as error:
                absent.append(f"{nb}.ipynb ({type(error).__name__})")
                continue
            answers.update({f"{nb}:{k}" if prefix else k: v for k, v in read.items()})
        if absent:
            students.append(Student(student, "ungradeable", scores[student], name=name, reason=(
                f"no graded copy of {', '.join(absent)}: the submission could not be graded and scores zero "
                f"(the log of course autograde says why)")))
        else:
            students.append(Student(student, "graded", scores[student], answers, name=name))
    return items, students, texts


def cohort_report(course_dir: Path | str, assignment: str) -> CohortReport:
    """The cohort report of ``assignment`` in the course folder: gradebook scores, answers from graded copies."""
    from course.grading.course_location import is_demo_course

    items, students, _ = _gather(course_dir, assignment)
    return replace(analyse(assignment, items, students), demo=is_demo_course(Path(course_dir)))


def write_report(course_dir: Path | str, assignment: str, output: Path | str | None = None
                 ) -> tuple[CohortReport, Path, Path]:
    """Write the report (default ``reports/ASSIGNMENT.html``) and its mark scheme page beside it."""
    from course.files import write_atomically
    from course.grading.course_location import is_demo_course

    items, students, texts = _gather(course_dir, assignment)
    report = replace(analyse(assignment, items, students), demo=is_demo_course(Path(course_dir)))
    out = Path(output) if output else Path(course_dir) / "reports" / f"{assignment}.html"
    scheme = out.parent / mark_scheme_href(assignment)
    write_atomically(scheme, mark_scheme_html(assignment, items, texts, demo=report.demo))
    write_atomically(out, report_html(report))
    return report, out, scheme
