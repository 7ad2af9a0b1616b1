"""The ``course`` command: every trainer operation in one place (``course --help`` lists them)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
