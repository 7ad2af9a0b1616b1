"""The ``course`` command: every trainer operation in one place (``course --help`` lists them)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from course.platform_commands import add_platform_commands

__all__ = ["main", "build_parser"]

COURSE_HELP = ("the course folder, with nbgrader_config.py (default: this folder or the nearest one above it, as git "
               "finds its repository)")


def _validate(args: argparse.Namespace) -> int:
    from course.content import check_content, data_directory, notebooks_directory

    directory = Path(args.directory) if args.directory else data_directory()
    notebooks = Path(args.notebooks) if args.notebooks else notebooks_directory(directory)
    content, problems = check_content(directory, notebooks=notebooks)
    if problems:
        print(f"{len(problems)} problem(s) in the course content:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(content.summary())
    print(f"Notebooks checked: {len(list(notebooks.glob('*.ipynb')))} in {notebooks}" if notebooks
          else "No notebooks/ folder beside the content: notebooks not checked (give --notebooks DIR)")
    return 0


def _times(args: argparse.Namespace) -> int:
    from course.content import load_content
    from course.models.study_time import TOLERANCE, UnknownActivity, describe, module_time

    off = 0
    for module in load_content()["modules"]:
        try:
            derived = module_time(module, notebooks=Path(args.notebooks) if args.notebooks else None)
        except (UnknownActivity, FileNotFoundError) as error:
            print(f"module {module.id}: {error}", file=sys.stderr)
            off += 1
            continue
        gap = derived.gap(module.minutes)
        flag = "  <- more than 25% off: set minutes to the suggestion" if abs(gap) > TOLERANCE else ""
        off += bool(flag)
        print(f"{module.id} {module.title}: stated {module.minutes} min, derived {derived.minutes:.1f} min, "
              f"suggested {derived.rounded} min ({gap:+.0%}){flag}")
        if args.verbose:
            print(f"    {derived.breakdown()}")
    print(describe())
    return 1 if off else 0


def _standards(args: argparse.Namespace) -> int:
    from course.models.standards import standards_table

    print(standards_table(markdown=args.format == "markdown"), end="")
    return 0


def _facilitation(args: argparse.Namespace) -> int:
    from course.content import load_content
    from course.views.facilitation import facilitation_markdown

    content = load_content()
    modules = {g.module for g in content["facilitation"]}
    if args.module and args.module not in modules:
        print(f"course facilitation: there is no guide for module {args.module!r}; guides exist for modules "
              f"{', '.join(sorted(modules))}", file=sys.stderr)
        return 1
    text = facilitation_markdown(content, args.module)
    if args.output:
        from course.progress import write_atomically

        write_atomically(Path(args.output), text)
        print(f"Wrote {args.output}")
    else:
        print(text, end="")
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

    from course.content import import_jsonschema

    import_jsonschema()
    from course.grading.cohort import TamperDetected, autograde_cohort

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    try:
        outcomes = autograde_cohort(args.assignment, args.course, students=args.student or None)
    except TamperDetected as error:
        print(f"course autograde: STOPPED: {error}", file=sys.stderr)
        return 2
    from course.grading.identity import shown

    zero = [shown(o.student) for o in outcomes if o.status == "zero"]
    with_problems = [o.student for o in outcomes if o.problems]
    aside = [shown(o.student) for o in outcomes if o.status == "set aside"]
    print(f"{len(outcomes) - len(aside)} submission(s) of {args.assignment} graded; {len(with_problems)} with "
          f"problems (listed above); {len(zero)} could not be graded and score zero"
          f"{': ' + ', '.join(zero) if zero else ''}."
          + (f" Set aside, not a student id: {', '.join(aside)}." if aside else ""))
    return 0


def _feedback(args: argparse.Namespace) -> int:
    import shutil

    from course.grading.course_folder import CourseFolders
    from course.grading.feedback import generate_feedback
    from course.grading.identity import shown
    from course.grading.leaks import find_leaks, own_text

    course = Path(args.course)
    result = generate_feedback(args.assignment, course)
    if result.returncode != 0:  # nbgrader went on with the others; what it made is still checked below
        print(shown(result.stdout[-3000:], lines=True), file=sys.stderr)
    folders = CourseFolders(course)
    sources = sorted(folders.source(args.assignment).glob("*.ipynb"))
    withheld = []
    for folder in sorted(folders.feedback_folders(args.assignment)):
        own = own_text(folders.submitted(folder.parent.name, args.assignment))
        leaks = find_leaks(folder, sources, solutions=False, own=own)
        if leaks:  # that student's feedback is removed, so release_feedback cannot return it; the rest go
            shutil.rmtree(folder)
            withheld.append(folder.parent.name)
            print(shown(f"Feedback for {folder.parent.name} WITHHELD (deleted; it is not safe to return):\n"
                        + "\n".join(f"  - {leak}" for leak in leaks[:5]), lines=True), file=sys.stderr)
    print(f"Feedback for {args.assignment} is in {folders.feedback()} and shows no hidden test, mark scheme or key"
          + (f" (except {len(withheld)} student(s) withheld above: {shown(', '.join(withheld))})" if withheld else "")
          + f". Return it with: nbgrader release_feedback {args.assignment}")
    return 1 if withheld or result.returncode != 0 else 0


def _report(args: argparse.Namespace) -> int:
    from course.grading.report.cohort_report import write_report

    report, out, scheme = write_report(args.course, args.assignment, args.output)
    print(report.summary())
    print(f"Report written to {out}; the answer key and mark schemes (trainer only) to {scheme}")
    return 0


def _leak_check(args: argparse.Namespace) -> int:
    from course.grading.course_folder import CourseFolders, exchange_folder
    from course.grading.leaks import find_leaks

    course = CourseFolders(args.course)
    sources = sorted(course.source(args.assignment).glob("*.ipynb"))
    exchange = exchange_folder(course.root)
    # What students receive: the release (solutions must not be there), and feedback (which shows their answers).
    with_answers = [course.release(args.assignment)]
    feedback = course.feedback_folders(args.assignment)
    if exchange is not None:
        with_answers.append(exchange / "outbound" / args.assignment)
        feedback += [*(exchange / "feedback").glob("*")]
    folders = with_answers + feedback
    leaks = [leak for folder in folders if folder.exists()
             for leak in find_leaks(folder, sources, solutions=folder in with_answers)]
    for leak in leaks:
        print(f"  - {leak}", file=sys.stderr)
    print(f"{len(leaks)} leak(s) in {len([f for f in folders if f.exists()])} folder(s) students receive.")
    return 1 if leaks else 0


def _add_assignment_command(commands, name: str, func, help: str, description: str):
    command = commands.add_parser(name, help=help, description=description)
    command.add_argument("assignment", help="the assignment's name, e.g. risk_factors")
    command.add_argument("--course", help=COURSE_HELP)
    command.set_defaults(func=func)
    return command


def _add_content_commands(commands) -> None:
    """`course validate` and `course times`: checks of the content and the modules' stated times."""
    validate = commands.add_parser(
        "validate", help="check the content files and list every problem",
        description="Check every data file against its schema and the course's rules, and every notebook's "
                    "citations against its reference list. Exit 0 with a summary, or 1 with every problem found.")
    validate.add_argument("directory", nargs="?", help="content folder (default: COURSE_DATA, else the course's data/)")
    validate.add_argument("--notebooks", help="the notebooks to check citations in (default: notebooks/ beside the "
                                              "content folder, when there is one)")
    validate.set_defaults(func=_validate)
    times = commands.add_parser(
        "times", help="compare each module's stated minutes with the time derived from its content",
        description="Derive each module's time from its notebook's prose and the activities it loads, and compare "
                    "it with minutes in modules.yaml. Exit 1 if any is more than 25% off.")
    times.add_argument("--notebooks", help="the modules' notebooks folder (default: the checkout's notebooks/)")
    times.add_argument("--verbose", "-v", action="store_true", help="show what each module's time is made of")
    times.set_defaults(func=_times)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="course", description="Trainer tools for the Secure Attachment course.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_content_commands(commands)
    standards = commands.add_parser(
        "standards", help="list the NMC standards each module's learning outcomes serve",
        description="Print, for each module, the NMC standards of proficiency (Future nurse 2018, midwives 2019, "
                    "SCPHN 2022) its learning outcomes serve, by their published numbers, from data/standards.yaml. "
                    "--format markdown writes the table docs/standards.md is made from.")
    standards.add_argument("--format", "-f", choices=("text", "markdown"), default="text",
                           help="plain text (default) or a markdown table")
    standards.set_defaults(func=_standards)
    facilitation = commands.add_parser(
        "facilitation", help="print the facilitator's guides for participatory group sessions",
        description="Print, as Markdown, the 45 to 60 minute group discussion for each module (from "
                    "data/facilitation.yaml), with its cases, questions, timings and what to record.")
    facilitation.add_argument("module", nargs="?", help="one module's guide only, e.g. 04")
    facilitation.add_argument("--output", "-o", help="write to this file instead (docs/facilitation.md)")
    facilitation.set_defaults(func=_facilitation)
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
    add_platform_commands(commands, _add_assignment_command, COURSE_HELP)
    report = _add_assignment_command(
        commands, "report", _report, "write a cohort report: score distribution, item statistics, wrong answers",
        "Read the gradebook and the students' answers in the autograded copies (never run) and write an HTML "
        "report: the score distribution, each item's difficulty and discrimination, the most common wrong "
        "answers, and the items and submissions worth a look. Prints a short summary.")
    report.add_argument("--output", "-o", help="the HTML file (default: reports/ASSIGNMENT.html); the mark scheme "
                        "page is written beside it")
    report.add_argument("--out", dest="output", help=argparse.SUPPRESS)  # the spelling documented before 0.2
    _add_assignment_command(
        commands, "leak-check", _leak_check, "check released files and feedback for answers",
        "Scan release/ASSIGNMENT, feedback/*/ASSIGNMENT and the exchange (outbound and feedback) for nbgrader "
        "markers, any line of the solutions, hidden tests or mark schemes, and each key in its hidden test "
        "(however it is escaped or spaced). Exit 1 if anything leaks.")
    from course.grading.trainer.commands import add_trainer_commands

    add_trainer_commands(commands, COURSE_HELP)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from course.grading.nbgrader_run import GradingError
    from course.grading.trainer.commands import prepare

    args = build_parser().parse_args(argv)
    try:
        prepare(args)
        return args.func(args)
    except GradingError as error:
        print(f"course {args.command}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
