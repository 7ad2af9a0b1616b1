"""Where each assignment's cycle stands in a course folder, and the one command to run next (``course status``).

Read only from what the steps leave behind (release/, the exchange, submitted/, autograded/, the gradebook,
feedback/, reports/, exports/, roster.json), so it agrees with nbgrader whichever tool ran a step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from course.grading.course_folder import (
    EXCHANGE_FEEDBACK,
    CourseFolders,
    course_config,
    exchange_folder,
    submitted_students,
)
from course.grading.course_location import is_demo_course, known_assignments
from course.grading.identity import bad_id, shown

__all__ = ["AssignmentStatus", "assignment_status", "course_status_text"]

MARK_HOW = ("then open the Formgrader address it prints → Manual Grading → {a} → each notebook and submission: the "
            "written answer comes first, its mark scheme right below it; type the score and press Tab (it saves)")


@dataclass
class AssignmentStatus:
    """One assignment's cycle: ``facts`` as (step, state) lines, ``next_command`` (or None) and why."""

    assignment: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    next_command: str | None = None
    next_why: str = ""
    not_autograded: list[str] = field(default_factory=list)
    not_collected: list[str] = field(default_factory=list)

    def text(self) -> str:
        lines = [self.assignment] + [f"  {step + ':':<22}{state}" for step, state in self.facts]
        if self.next_command:
            lines.append(f"  Next command: {self.next_command}")
        lines.append(f"  {'Why' if self.next_command else 'Next'}: {self.next_why}")
        return "\n".join(lines)


def _in_gradebook(assignment: str, root: Path) -> bool:
    from nbgrader.api import Gradebook, MissingEntry

    from course.grading.course_folder import require_gradebook
    from course.grading.nbgrader_run import GradingError

    try:
        url = require_gradebook(root, assignment)
    except GradingError:
        return False
    with Gradebook(url) as gb:
        try:
            gb.find_assignment(assignment)
        except MissingEntry:
            return False
    return True


def _scored(assignment: str, root: Path) -> set[str]:
    """Students the gradebook has a score for (autograde records a zero for a submission it could not grade)."""
    from nbgrader.api import Gradebook

    from course.grading.course_folder import gradebook_url

    with Gradebook(gradebook_url(root)) as gb:
        return {s.student.id for s in gb.assignment_submissions(assignment)}


def _exchange(assignment: str, root: Path) -> tuple[bool, set[str], set[str]]:
    """(released, students with a submission in the exchange's inbound, students whose feedback was released)."""
    from nbgrader.utils import notebook_hash

    folder = exchange_folder(root)
    if folder is None:
        return False, set(), set()
    inbound = {p.name.split("+")[0] for p in (folder / "inbound").glob(f"*+{assignment}+*")}
    released_feedback = set()
    for html in CourseFolders(root).feedback().glob(f"*/{assignment}/*.html"):
        secret = html.parent / "submission_secret.txt"
        if secret.exists():
            checksum = notebook_hash(secret=secret.read_text(), notebook_id=html.stem)
            if (folder / EXCHANGE_FEEDBACK / f"{checksum}.html").exists():
                released_feedback.add(html.parent.parent.name)
    return (folder / "outbound" / assignment).is_dir(), inbound, released_feedback


def _awaiting(assignment: str, root: Path) -> list[str]:
    from course.grading.lms.export import cohort_grades

    _, grades = cohort_grades(root, assignment)
    return [f"{g.name} ({g.student_id}): {'; '.join(g.unmarked)}" for g in grades if g.unmarked]


def _names(students) -> str:
    students = sorted(students)
    return ", ".join(students[:6]) + (f" and {len(students) - 6} more" if len(students) > 6 else "")


def assignment_status(assignment: str, root: Path) -> AssignmentStatus:
    """The facts of ``assignment``'s cycle in ``root`` and the one next command."""
    root = Path(root)
    status = AssignmentStatus(assignment)
    facts = status.facts
    folders = CourseFolders(root)
    built = folders.release(assignment).is_dir() and _in_gradebook(assignment, root)
    facts.append(("built", "yes (release/" + assignment + ")" if built else "no"))
    if not built:
        status.next_command, status.next_why = f"course build {assignment}", "generate the student version"
        return status
    released, inbound, feedback_released = _exchange(assignment, root)
    facts.append(("released", "yes, in the exchange" if released else "no"))
    collected = set(submitted_students(assignment, root))
    to_collect = inbound - collected
    status.not_collected = sorted(to_collect)
    facts.append(("in the exchange", f"{len(inbound)} student(s) submitted" +
                  (f", {len(to_collect)} not collected yet ({_names(to_collect)})" if to_collect else "")))
    facts.append(("collected", f"{len(collected)} (submitted/)"))
    set_aside = {s for s in collected if bad_id(s)}
    autograded = ({p.parent.name for p in folders.autograded().glob(f"*/{assignment}") if p.is_dir()}
                  | _scored(assignment, root))
    status.not_autograded = sorted(collected - autograded - set_aside)
    if set_aside:
        facts.append(("set aside", f"{len(set_aside)} folder(s) whose name is not a student id, never graded "
                                   f"({_names(shown(s) for s in set_aside)})"))
    facts.append(("autograded", f"{len(autograded & collected)} of {len(collected)}" +
                  (f"; not graded yet: {_names(status.not_autograded)}" if status.not_autograded else "")))
    if not released:
        status.next_command, status.next_why = (f"nbgrader release_assignment {assignment}",
                                                "put the student version in the exchange for students to fetch")
        return status
    if to_collect:
        status.next_command, status.next_why = f"nbgrader collect {assignment}", "copy the submissions to submitted/"
        return status
    if not collected:
        status.next_why = ("wait for students to submit (JupyterLab → Nbgrader → Assignment List → Submit); to "
                           f"rehearse the whole cycle first, `course demo {assignment}` makes a demo course")
        return status
    if status.not_autograded:
        status.next_command, status.next_why = f"course autograde {assignment}", "grade the collected submissions"
        return status
    awaiting = _awaiting(assignment, root)
    facts.append(("awaiting your mark", f"{len(awaiting)} student(s)" +
                  "".join(f"\n{'':24}- {line}" for line in awaiting)))
    if awaiting:
        status.next_command, status.next_why = "course lab", MARK_HOW.format(a=assignment)
        return status
    return _after_marking(status, root, collected, feedback_released)


def _after_marking(status: AssignmentStatus, root: Path, collected: set[str], feedback_released: set[str]):
    from course.grading.lms.roster import ROSTER_FILE, load_roster

    assignment, facts = status.assignment, status.facts
    generated = {p.parent.name for p in CourseFolders(root).feedback().glob(f"*/{assignment}") if p.is_dir()}
    facts.append(("feedback", f"{len(generated & collected)} generated, {len(feedback_released)} released"))
    report = root / "reports" / f"{assignment}.html"
    facts.append(("report", str(report.relative_to(root)) if report.exists() else "not written"))
    exports = sorted(p.name for p in (root / "exports").glob(f"*{assignment}-*"))
    facts.append(("exported", ", ".join(exports) or "not yet"))
    roster = load_roster(root) if (root / ROSTER_FILE).exists() else None
    demo_roster = sorted(root.glob("DEMO-*participants*.csv"))
    steps = [
        (collected - generated, f"course feedback {assignment}", "feedback for each student, checked for leaks"),
        (generated - feedback_released, f"nbgrader release_feedback {assignment}",
         "return the feedback: students fetch it from the Assignment List"),
        (not report.exists(), f"course report {assignment}", "see which items the cohort found hard"),
    ]
    if roster is None:
        steps.append((True, f"course roster import {demo_roster[0].name}" if demo_roster and is_demo_course(root)
                       else "course roster import FILE",
                       "download the participant list from your platform (Moodle: Participants → select all → "
                       "Download table data as CSV) and import it, once per course"))
    else:
        steps.append((not any(roster.platform in name for name in exports),
                      f"course export {assignment} --format {roster.platform}",
                      f"write the file {roster.platform.capitalize()} imports"))
    for pending, command, why in steps:
        if pending:
            status.next_command, status.next_why = command, why
            return status
    status.next_why = f"nothing: {assignment}'s cycle is complete (upload the export to your platform)"
    return status


def course_status_text(root: Path, assignment: str | None = None) -> str:
    """``course status``'s report: the course folder, then each assignment (or only ``assignment``)."""
    root = Path(root)
    config = course_config(root)
    course_id = config.CourseDirectory.get("course_id", "?") if "CourseDirectory" in config else "?"
    head = f"Course folder {root} (course {course_id})"
    if is_demo_course(root):
        head += "\nDEMO course made by `course demo`: every student and grade here is demo data."
    names = [assignment] if assignment else known_assignments(root)
    return "\n\n".join([head, *(assignment_status(name, root).text() for name in names)])
