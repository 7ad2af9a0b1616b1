"""Docs that cannot go stale: every `course.…` name and every `course`, `make` and `nbgrader` command shown in
README.md, CONTRIBUTING.md and docs/ still exists (names import; each shown `course` command answers --help;
each make target runs with -n; each nbgrader command is one of nbgrader's)."""

from __future__ import annotations

import contextlib
import importlib
import io
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "README.md", REPO / "CONTRIBUTING.md", *sorted((REPO / "docs").glob("*.md"))]
FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```", re.M | re.S)
SHELL = {"bash", "sh", "shell", "console"}
SPAN = re.compile(r"`([^`\n]+)`")
NAME = re.compile(r"(?<![\w/@.-])course(?:\.[A-Za-z_]\w*)+")
COMMAND = re.compile(r"(?:^|[\s/(;&|])(course|make|nbgrader)\s+([^#\n`]*)")
WORD = re.compile(r"^[a-z][a-z0-9_-]*$")


def shown_code(text: str) -> tuple[list[str], list[str]]:
    """(all the code a page shows, the commands it shows): each line of its fenced blocks and each inline code span;
    commands are the lines of shell blocks (comments dropped) and the spans that start with a command."""
    blocks = FENCE.findall(text)
    spans = SPAN.findall(FENCE.sub("", text))
    code = [line for _, block in blocks for line in block.splitlines()] + spans
    commands = [line.split(" #")[0] for language, block in blocks if language.strip() in SHELL
                for line in block.splitlines() if not line.lstrip().startswith("#")]
    commands += [span for span in spans if re.match(r"(\.venv/bin/)?(course|make|nbgrader) ", span)]
    return code, commands


def shown(paths: list[Path]) -> tuple[set[str], set[tuple[str, ...]]]:
    """(dotted course names, commands as (program, words...)) shown in these pages."""
    names, commands = set(), set()
    for path in paths:
        code, command_lines = shown_code(path.read_text(encoding="utf-8"))
        names |= {n.rstrip(".") for line in code for n in NAME.findall(line)}
        for line in command_lines:
            for program, rest in COMMAND.findall(line):
                try:
                    words = shlex.split(rest)
                except ValueError:
                    words = rest.split()
                words = [w for w in words if "=" not in w and not w.startswith("-")]
                if program == "make":
                    commands |= {("make", w) for w in words if WORD.match(w)}
                elif words and WORD.match(words[0]):
                    second = words[1:2] if program == "course" and words[1:2] and WORD.match(words[1]) \
                        and "_" not in words[1] else []
                    commands.add((program, words[0], *second))
    return names, commands


def missing_name(name: str) -> str | None:
    """Why ``course.a.b.c`` does not resolve (longest importable module, then attributes), or None."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(found, attribute):
                return f"{name}: {'.'.join(parts[:cut])} has no {attribute!r}"
            found = getattr(found, attribute)
        return None
    return f"{name}: no such module"


def missing_command(command: tuple[str, ...]) -> str | None:
    program, *words = command
    if program == "course":
        from course.cli import main

        said = io.StringIO()
        with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said), \
                pytest.raises(SystemExit) as exited:
            main([*words, "--help"])
        return None if exited.value.code == 0 else f"course {' '.join(words)} --help: {said.getvalue()[-300:]}"
    if program == "nbgrader":
        from nbgrader.apps.nbgraderapp import NbGraderApp

        return None if words[0] in NbGraderApp.subcommands else f"nbgrader {words[0]}: not an nbgrader command"
    result = subprocess.run(["make", "-n", *words], cwd=REPO, capture_output=True, text=True)
    return None if result.returncode == 0 else f"make {words[0]}: {result.stderr.strip()[-200:]}"


def stale(paths: list[Path]) -> list[str]:
    names, commands = shown(paths)
    found = [missing_name(n) for n in sorted(names)]
    found += [missing_command(c) for c in sorted(commands)]
    return [f for f in found if f]


@pytest.fixture(scope="module")
def make_available():
    if not shutil.which("make") or not (REPO / "Makefile").exists():
        pytest.skip("no make, or not a checkout")


@pytest.mark.checkout
def test_every_name_and_command_the_docs_show_exists(make_available):
    """Does every `course.…` name in the docs import, and every shown course, make and nbgrader command exist?"""
    names, commands = shown(DOCS)
    assert len(names) > 15 and {c[0] for c in commands} == {"course", "make", "nbgrader"}, "the docs went unread"
    assert stale(DOCS) == []


@pytest.mark.checkout
def test_a_removed_name_or_command_would_be_caught(tmp_path, make_available):
    """Would a page naming a function that is gone, a course command, a make target or an nbgrader command that
    does not exist be reported, each by name?"""
    page = tmp_path / "page.md"
    page.write_text("Use `course.grading.cohort.autograde_everyone` or `course.grading.nowhere`.\n\n```bash\n"
                    "course frobnicate risk_factors\nmake no-such-target\nnbgrader regrade_all x\n"
                    "course build risk_factors   # this one exists\n```\n")
    found = stale([page])
    assert len(found) == 5, found
    assert found[0].startswith("course.grading.cohort.autograde_everyone: course.grading.cohort has no")
    assert found[1] == "course.grading.nowhere: course.grading has no 'nowhere'"
    assert found[2].startswith("course frobnicate --help:") and found[3].startswith("make no-such-target:")
    assert found[4] == "nbgrader regrade_all: not an nbgrader command"
