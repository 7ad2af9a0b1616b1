"""The ``course`` command: every trainer operation in one place (``course --help`` lists them)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from course.content import check_content

__all__ = ["main", "build_parser"]


def _validate(args: argparse.Namespace) -> int:
    content, problems = check_content(args.directory)
    if problems:
        print(f"{len(problems)} problem(s) in the course content:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(content.summary())
    return 0


def _build(args: argparse.Namespace) -> int:
    from course.grading.build import AssignmentBuildError, build_assignment

    try:
        check, _ = build_assignment(args.assignment, Path(args.course))
    except AssignmentBuildError as error:
        print(f"Not built: {error}", file=sys.stderr)
        return 1
    print(f"{args.assignment}: the solution earns {check.score:g}/{check.max_score:g} autograded points; "
          f"release/{args.assignment} generated, with no solution, hidden test or mark scheme in it.")
    return 0


def _autograde(args: argparse.Namespace) -> int:
    import logging

    from course.grading.cohort import TamperDetected, autograde_cohort

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    try:
        outcomes = autograde_cohort(args.assignment, args.course, students=args.student or None)
    except TamperDetected as error:
        print(f"course autograde: STOPPED: {error}", file=sys.stderr)
        return 2
    zero = [o.student for o in outcomes if o.status == "zero"]
    with_problems = [o.student for o in outcomes if o.problems]
    print(f"{len(outcomes)} submission(s) of {args.assignment} graded; {len(with_problems)} with problems "
          f"(listed above); {len(zero)} could not be graded and score zero{': ' + ', '.join(zero) if zero else ''}.")
    return 0


def _feedback(args: argparse.Namespace) -> int:
    from course.grading.feedback import generate_feedback
    from course.grading.leaks import find_leaks

    course = Path(args.course)
    result = generate_feedback(args.assignment, course)
    if result.returncode != 0:
        print(result.stdout[-3000:], file=sys.stderr)
        return 1
    sources = sorted((course / "assignments" / args.assignment).glob("*.ipynb"))
    leaks = [leak for folder in (course / "feedback").glob(f"*/{args.assignment}")
             for leak in find_leaks(folder, sources, solutions=False)]
    if leaks:
        print("Feedback NOT safe to return:\n" + "\n".join(f"  - {leak}" for leak in leaks), file=sys.stderr)
        return 1
    print(f"Feedback for {args.assignment} is in feedback/ and shows no hidden test or mark scheme. "
          f"Return it with: nbgrader release_feedback {args.assignment}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from course.grading.export import export_grades

    out = export_grades(args.assignment, args.course,
                        args.output or Path(args.course) / "exports" / f"{args.assignment}-grades.csv")
    print(f"Grades for {args.assignment} written to {out}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from course.grading.report import cohort_report, report_html
    from course.progress import write_atomically

    report = cohort_report(args.course, args.assignment)
    out = Path(args.out) if args.out else Path(args.course) / "reports" / f"{args.assignment}.html"
    write_atomically(out, report_html(report))
    print(report.summary())
    print(f"Report written to {out}")
    return 0


def _leak_check(args: argparse.Namespace) -> int:
    from course.grading.course_folder import exchange_folder
    from course.grading.leaks import find_leaks

    course = Path(args.course)
    sources = sorted((course / "assignments" / args.assignment).glob("*.ipynb"))
    exchange = exchange_folder(course)
    released = [course / "release" / args.assignment]
    if exchange is not None:
        released += [exchange / "outbound" / args.assignment, *(exchange / "feedback").glob("*")]
    folders = released + list((course / "feedback").glob(f"*/{args.assignment}"))
    leaks = [leak for folder in folders if folder.exists()
             for leak in find_leaks(folder, sources, solutions=folder.parent.name in {"release", "outbound"})]
    for leak in leaks:
        print(f"  - {leak}", file=sys.stderr)
    print(f"{len(leaks)} leak(s) in {len([f for f in folders if f.exists()])} folder(s) students receive.")
    return 1 if leaks else 0


def _add_assignment_command(commands, name: str, func, help: str, description: str):
    command = commands.add_parser(name, help=help, description=description)
    command.add_argument("assignment", help="the assignment's name, e.g. risk_factors")
    command.add_argument("--course", default=".", help="the course folder, with nbgrader_config.py (default: .)")
    command.set_defaults(func=func)
    return command


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="course", description="Trainer tools for the Secure Attachment course.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    validate = commands.add_parser(
        "validate", help="check the content files and list every problem",
        description="Check every data file against its schema and the course's rules. "
                    "Exit 0 with a summary, or 1 with every problem found.")
    validate.add_argument("directory", nargs="?", help="content folder (default: the course's data/)")
    validate.set_defaults(func=_validate)
    _add_assignment_command(
        commands, "build", _build, "generate an assignment if its solution earns full marks",
        "Grade the assignment's own solution in a temporary course and stop unless it earns every autograded "
        "point; then run nbgrader generate_assignment and check the release for leaks.")
    autograde = _add_assignment_command(
        commands, "autograde", _autograde, "autograde every submission safely, with a progress bar",
        "Run nbgrader autograde with the course's settings: answers are read as literals and no student code "
        "runs. A submission that cannot be graded scores zero and one log line names the student and the "
        "reason; submitted files are never changed, and any tampering stops the run (exit 2).")
    autograde.add_argument("--student", action="append", help="grade only this student (repeatable)")
    _add_assignment_command(
        commands, "feedback", _feedback, "generate feedback that hides hidden tests and mark schemes",
        "Run nbgrader generate_feedback, then check no feedback file shows a hidden test or mark scheme.")
    export = _add_assignment_command(
        commands, "export", _export, "export grades as CSV, one column per item",
        "Write one row per student: total, maximum, whether manual grading is pending, and each item's score.")
    export.add_argument("--output", "-o", help="the CSV file (default: exports/ASSIGNMENT-grades.csv)")
    report = _add_assignment_command(
        commands, "report", _report, "write a cohort report: score distribution, item statistics, wrong answers",
        "Read the gradebook and the students' answers in the autograded copies (never run) and write an HTML "
        "report: the score distribution, each item's difficulty and discrimination, the most common wrong "
        "answers, and the items and submissions worth a look. Prints a short summary.")
    report.add_argument("--out", help="the HTML file (default: reports/ASSIGNMENT.html)")
    _add_assignment_command(
        commands, "leak-check", _leak_check, "check released files and feedback for answers",
        "Scan release/ASSIGNMENT, feedback/*/ASSIGNMENT and the exchange (outbound and feedback) for nbgrader "
        "markers, any line of the solutions, hidden tests or mark schemes, and each key in its hidden test "
        "(however it is escaped or spaced). Exit 1 if anything leaks.")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from course.grading.nbgrader_run import GradingError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except GradingError as error:
        print(f"course {args.command}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
