"""The grading steps against one gradebook, run in the hub's environment (which has the PostgreSQL driver).

Usage: python gradebook_steps.py COURSE_DIR DB_URL GRADERS. Builds risk_factors, grades four submissions, then
GRADERS graders mark the written answer and comment on every submission at the same time (each many times, in
its own process, starting together), and generates feedback. Prints a JSON summary for the test to check.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ASSIGNMENT = "risk_factors"
STUDENTS = ["ada", "ben", "cai", "dee"]
ROUNDS = 15


def nbgrader(course: Path, db_url: str, *args: str) -> None:
    result = subprocess.run(["nbgrader", *args, f"--CourseDirectory.db_url={db_url}"], cwd=course,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"nbgrader {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")


def submit(course: Path) -> None:
    source = json.loads((course / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    answers = {c["metadata"]["nbgrader"]["grade_id"]: re.sub(r"### (BEGIN|END) SOLUTION\n?", "", "".join(c["source"]))
               for c in source["cells"] if c["metadata"].get("nbgrader", {}).get("solution")
               and c["cell_type"] == "code"}
    for index, student in enumerate(STUDENTS):
        notebook = json.loads((course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
        for cell in notebook["cells"]:
            grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
            if index % 2 == 0 and grade_id in answers:
                cell["source"] = answers[grade_id]
            if cell.get("id") == "answer-raise-concern":
                cell["source"] = f"Written answer by {student}."
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / f"{ASSIGNMENT}.ipynb").write_text(json.dumps(notebook))
        (folder / "timestamp.txt").write_text("2026-11-30 12:00:00.000000 UTC")


def grader(db_url: str, who: int, start, errors) -> None:
    """One grader marking every written answer (grader 0) or commenting on it (grader 1), over and over."""
    from nbgrader.api import Gradebook

    start.wait()
    try:
        for round_ in range(ROUNDS):
            with Gradebook(db_url, course_id="secure-attachment") as gradebook:
                for student in STUDENTS:
                    notebook = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
                    if who == 0:
                        grade = next(g for g in notebook.grades if g.name == "task-raise-concern")
                        grade.manual_score = 1 + (round_ + STUDENTS.index(student)) % 4
                    else:
                        comment = next(c for c in notebook.comments if c.name == "task-raise-concern")
                        comment.manual_comment = f"Comment {round_} for {student}"
                    gradebook.db.commit()
    except Exception as exc:  # reported to the test, which fails with it
        errors.put(f"grader {who}: {type(exc).__name__}: {exc}")


def main() -> None:
    course, db_url, graders = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    os.chdir(course)
    nbgrader(course, db_url, "db", "assignment", "add", ASSIGNMENT)
    for student in STUDENTS:
        nbgrader(course, db_url, "db", "student", "add", student)
    nbgrader(course, db_url, "generate_assignment", ASSIGNMENT, "--force")
    submit(course)
    nbgrader(course, db_url, "autograde", ASSIGNMENT)
    start, errors = multiprocessing.Barrier(graders), multiprocessing.Queue()
    workers = [multiprocessing.Process(target=grader, args=(db_url, who, start, errors)) for who in range(graders)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(300)
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    nbgrader(course, db_url, "generate_feedback", ASSIGNMENT)
    from nbgrader.api import Gradebook

    summary = {"errors": problems, "students": {}}
    with Gradebook(db_url, course_id="secure-attachment") as gradebook:
        for student in STUDENTS:
            notebook = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
            grade = next(g for g in notebook.grades if g.name == "task-raise-concern")
            comment = next(c for c in notebook.comments if c.name == "task-raise-concern")
            feedback = course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html"
            summary["students"][student] = {
                "score": notebook.score, "auto": notebook.code_score, "written": grade.manual_score,
                "comment": comment.manual_comment, "feedback": feedback.read_text() if feedback.exists() else ""}
    shutil.rmtree(course / "autograded", ignore_errors=True)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
