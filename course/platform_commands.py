"""The `course` commands that talk to a learning platform: `export` (grade files), `roster import` (participant
files), `roster sync` and `passback` (LTI 1.3). Part of the `course` command (course/cli.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["add_platform_commands"]


def _export(args: argparse.Namespace) -> int:
    from course.grading.lms.export import export_grades
    from course.grading.trainer.commands import demo_export_name, refuse_before_autograde

    waiting = refuse_before_autograde(args.assignment, Path(args.course), "exported", uncollected_ok=True)
    output = args.output or demo_export_name(args.assignment, Path(args.course), args.format)
    result = export_grades(args.assignment, args.course, output, args.format, args.allow_unmarked,
                           args.platform_id)
    if output and not args.output:
        print("DEMO course: these are demo grades, never to be uploaded as real ones.")
    print(f"Grades for {args.assignment} ({args.format}, {result.rows} student(s)) written to {result.path}")
    for names, what in ((result.left_empty, "awaiting your mark (grade left empty, not zero)"),
                        (result.no_submission, "with no submission (grade left empty, not zero)"),
                        (result.not_in_roster, "in the gradebook but not in the roster (not in the file)")):
        if names:
            print(f"{len(names)} student(s) {what}:\n" + "\n".join(f"  - {name}" for name in names))
    for warning in result.warnings:
        print(f"Check: {warning}")
    if waiting:
        print(f"Check: {len(waiting)} student(s) submitted after the last collect ({', '.join(waiting)}): their "
              f"grade is left empty, not zero. Next: nbgrader collect {args.assignment}, course autograde "
              f"{args.assignment}, then export again")
    return 0


def _roster(args: argparse.Namespace) -> int:
    from course.grading.lms.platforms import RosterFileError
    from course.grading.lms.roster import import_roster

    try:
        done = import_roster(args.course, args.file, args.format, args.id_column)
    except RosterFileError as error:
        print(f"Nothing imported from {args.file}: {len(error.problems)} problem(s):", file=sys.stderr)
        print("\n".join(f"  - {problem}" for problem in error.problems), file=sys.stderr)
        return 1
    roster = done.roster
    print(f"{len(roster.members)} student(s) from {roster.platform.capitalize()} ({args.file}), nbgrader ids from "
          f"{roster.id_column!r}: {len(done.added)} added to the gradebook, {len(done.updated)} already there "
          f"(names and emails updated). Roster written to {done.path}")
    if roster.columns:
        print("Grade columns found: " + "; ".join(f"{c.title}" + (f" (id {c.id})" if c.id else "")
                                                  for c in roster.columns))
    if done.set_aside:
        print(f"NOT imported from {args.file}: {len(done.set_aside)} row(s) set aside; fix them in the platform "
              "(or the file) and import it again:", file=sys.stderr)
        print("\n".join(f"  - {args.file}: {problem}" for problem in done.set_aside), file=sys.stderr)
        return 1
    return 0


def _roster_sync(args: argparse.Namespace) -> int:
    from course.grading.lms.lti.passback import LTI_ROSTER_FILE, sync_roster
    from course.grading.lms.lti.registration import load_registration

    added, updated = sync_roster(args.course, load_registration(args.lti), args.context)
    print(f"{len(added) + len(updated)} student(s) from the platform's class list: {len(added)} added to the "
          f"gradebook, {len(updated)} already there (names updated). Written to {LTI_ROSTER_FILE}.")
    return 0


def _passback(args: argparse.Namespace) -> int:
    from course.grading.lms.lti.passback import passback
    from course.grading.lms.lti.registration import load_registration

    done, created = passback(args.assignment, args.course, load_registration(args.lti), args.allow_unmarked,
                             args.context)
    print(f"{args.assignment}: the platform's grade column was {'created' if created else 'found'}.")
    for sent in done:
        score = "" if sent.score is None else f" {sent.score:g}"
        print(f"  - {sent.name} ({sent.student_id}):{score} {sent.outcome}")
    failed = [s for s in done if s.outcome.startswith("NOT SENT")]
    print(f"{sum(s.outcome.startswith('sent') for s in done)} sent, {len(failed)} refused by the platform, "
          f"{sum(s.outcome.startswith('unchanged') for s in done)} unchanged, "
          f"{sum(s.outcome.startswith('not sent') for s in done)} not sent.")
    return 1 if failed else 0


def _lti_options(command, course_help: str | None = None) -> None:
    command.add_argument("--lti", help="the hub's LTI registration (default: COURSE_LTI, set in the formgrader)")
    command.add_argument("--context", help="the platform's course context id, when launches came from several")
    if course_help:
        command.add_argument("--course", help=course_help)


def add_platform_commands(commands, add_assignment_command, course_help: str) -> None:
    """Add export, roster (import, sync) and passback to the `course` command's subcommands."""
    export = add_assignment_command(
        commands, "export", _export, "export grades for Canvas, Moodle, Blackboard or as CSV",
        "Write the grades in the file your learning platform imports (--format canvas|moodle|blackboard, for the "
        "students of the roster from `course roster import`), or as CSV with each item's score (--format csv). "
        "Refuses while written answers await your mark, unless --allow-unmarked (then those grades are left "
        "empty, never zero). Lists by name everyone not in the file or with no submission.")
    export.add_argument("--format", "-f", choices=("csv", "canvas", "moodle", "blackboard"), default="csv",
                        help="the file's layout (default: csv)")
    export.add_argument("--output", "-o", help="the file to write (default: exports/ASSIGNMENT-FORMAT.csv, "
                        ".xls for Blackboard)")
    export.add_argument("--allow-unmarked", action="store_true",
                        help="export even while written answers await a mark: those grades are left empty")
    export.add_argument("--platform-id", help="the Canvas assignment id or Blackboard Column ID, when the roster "
                        "does not have it")
    roster = commands.add_parser(
        "roster", help="import the participant list from Canvas, Moodle or Blackboard, or sync it over LTI",
        description="Keep which platform user each nbgrader student is, for `course export` (import a file) or "
                    "`course passback` (sync from the platform over LTI 1.3).")
    roster_commands = roster.add_subparsers(dest="roster_command", required=True, metavar="SUBCOMMAND")
    roster_import = roster_commands.add_parser(
        "import", help="import a Canvas gradebook export, Moodle participants download or Blackboard Grade Centre "
                       "download",
        description="Read the file (the platform is found from its header), check every row, then add missing "
                    "students to the gradebook with their names and emails and write roster.json. A bad row is set "
                    "aside and named with its row number while every other row is imported (exit status 1); a file "
                    "that cannot be read imports nothing.")
    roster_import.add_argument("file", help="the file downloaded from the platform")
    roster_import.add_argument("--format", choices=("canvas", "moodle", "blackboard"),
                               help="the platform, when its header is not recognised")
    roster_import.add_argument("--id-column", help="the column holding each student's nbgrader id (default: SIS "
                               "Login ID for Canvas, Username for Moodle and Blackboard)")
    roster_import.add_argument("--course", help=course_help)
    roster_import.set_defaults(func=_roster)
    sync = roster_commands.add_parser(
        "sync", help="read the class list from the platform (LTI 1.3 Names and Roles) into the gradebook",
        description="For a course launched from the platform over LTI 1.3 (docs/lti.md): read the platform's "
                    "class list and add its learners to the gradebook with their names, under their hub accounts.")
    _lti_options(sync, course_help)
    sync.set_defaults(func=_roster_sync)
    passback = add_assignment_command(
        commands, "passback", _passback, "send grades to the platform's gradebook (LTI 1.3 grade services)",
        "Find or create the platform's grade column for the assignment and send each student's grade, with the "
        "rules of `course export`: refuses while written answers await your mark unless --allow-unmarked (those "
        "grades are then not sent, never zero); nothing for a student with no submission; a re-run sends only "
        "grades that changed. Lists what was sent for each student and what the platform answered.")
    passback.add_argument("--allow-unmarked", action="store_true",
                          help="send the grades that are final even while other written answers await a mark")
    _lti_options(passback)
