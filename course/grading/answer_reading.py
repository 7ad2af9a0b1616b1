"""Students' answers read from a graded notebook's answer cells, without running anything.

An answer is read only when its cell assigns a plain Python literal (``q3 = "myth"``); anything else is
``NOT_PLAIN``, a missing name ``NO_ANSWER``. ``notebook_answers`` is the one entry point the report uses, so
the course has one definition of "a plain answer" to point it at.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable
from pathlib import Path

__all__ = ["NO_ANSWER", "NOT_PLAIN", "Marker", "answer_sources", "notebook_answers", "read_answers"]


class Marker(str):
    """An answer that could not be read as a value; shown by its label."""

    def __repr__(self) -> str:
        return f"({self})"


NO_ANSWER = Marker("no answer")
NOT_PLAIN = Marker("not a plain answer")



def normal(value: object) -> object:
    """Lists as sorted tuples, so the same ids in another order are one answer (and answers can be counted)."""
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(sorted((normal(v) for v in value), key=repr))
    if isinstance(value, dict):
        return repr(value)
    return value



def _targets(statement: ast.stmt) -> list[str]:
    if isinstance(statement, ast.Assign):
        return [n.id for t in statement.targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    if isinstance(statement, ast.AugAssign | ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return [statement.target.id]
    return []


def read_answers(sources: Iterable[str]) -> dict[str, object]:
    """Each answer name's value from answer-cell sources, read with ``ast.literal_eval``, never run.

    A name last given anything but a plain literal (an expression, a call, code that does not parse) is
    ``NOT_PLAIN``.
    """
    answers: dict[str, object] = {}
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            for name in re.findall(r"^\s*([A-Za-z_]\w*)\s*=", source, flags=re.MULTILINE):
                answers[name] = NOT_PLAIN
            continue
        for statement in tree.body:
            names = _targets(statement)
            plain = isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                and isinstance(statement.targets[0], ast.Name)
            value = NOT_PLAIN
            if plain:
                try:
                    value = normal(ast.literal_eval(statement.value))
                except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                    value = NOT_PLAIN
            for name in names:
                answers[name] = value
    return answers


def answer_sources(path: Path) -> list[str]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    sources = []
    for cell in notebook.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") == "code" and meta.get("solution"):
            source = cell.get("source", "")
            sources.append("".join(source) if isinstance(source, list) else source)
    return sources



def notebook_answers(path: Path) -> dict[str, object]:
    """Each answer name's value in the notebook at ``path`` (raises OSError or ValueError when unreadable)."""
    return read_answers(answer_sources(path))
