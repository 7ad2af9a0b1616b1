"""The one definition of a plain answer: ``name = <literal>``, read from the cell's text and never run.

Grading and the cohort report both read answers here. A statement counts as an answer only when it assigns a
Python literal (text, a number, a list of ids, ...) to one answer name; ``ast.literal_eval`` turns it into a
value without running anything. Everything else in an answer cell (an expression, an import, a loop, a
``%magic`` or ``!shell`` line) is reported as extra code: it is never run, so it can neither help nor hurt a
score. A name whose last assignment is not a literal has no readable value (``NOT_PLAIN``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["MAX_ANSWER", "NOT_PLAIN", "AnswerCell", "Marker", "answer_names", "read_answer_cell", "read_answers"]

UNREADABLE = (ValueError, TypeError, SyntaxError, MemoryError, RecursionError)
MAX_ANSWER = 100_000  # characters of one answer cell: far past any answer, short of a 200 MB paste


class Marker(str):
    """An answer that could not be read as a value; shown by its label."""

    def __repr__(self) -> str:
        return f"({self})"


NOT_PLAIN = Marker("not a plain answer")


@dataclass
class AnswerCell:
    """What one answer cell says: literal ``answers`` by name, names given something else (``not_plain``),
    the ``extra`` code that will not run (one short line each), and a ``syntax_error`` if it does not parse."""

    answers: dict[str, object] = field(default_factory=dict)
    not_plain: set[str] = field(default_factory=set)
    extra: list[str] = field(default_factory=list)
    syntax_error: str | None = None

    @property
    def plain(self) -> bool:
        """Only literal answers, nothing else."""
        return not (self.not_plain or self.extra or self.syntax_error)


def _python(source: str) -> str:
    """The cell as Python: IPython's ``%magic`` and ``!shell`` lines become the calls a kernel would make (text
    only; nothing runs), so they show up as extra code rather than hiding behind a parse error."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 (text IPython cannot transform is read as it is)
        return source


def _targets(statement: ast.stmt) -> list[str]:
    targets = getattr(statement, "targets", None) or [getattr(statement, "target", None)]
    names = []
    for target in targets:
        for node in ast.walk(target) if target is not None else ():
            if isinstance(node, ast.Name):
                names.append(node.id)
    return names


def read_answer_cell(source: str, names: Iterable[str] | None = None) -> AnswerCell:
    """Read one answer cell; ``names`` are the answers it may set (any simple name when None)."""
    allowed = set(names) if names is not None else None
    cell = AnswerCell()
    if len(source) > MAX_ANSWER:
        cell.syntax_error = f"size past the limit ({len(source):,} characters; at most {MAX_ANSWER:,})"
        return cell
    python = _python(source)
    try:
        tree = ast.parse(python)
    except UNREADABLE as error:
        cell.syntax_error = f"{type(error).__name__}: {getattr(error, 'msg', error)}"
        return cell
    lines = python.splitlines()
    for statement in tree.body:
        targets = _targets(statement)
        simple = isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
            and isinstance(statement.targets[0], ast.Name)
        if simple and (allowed is None or targets[0] in allowed):
            try:
                cell.answers[targets[0]] = ast.literal_eval(statement.value)
                cell.not_plain.discard(targets[0])
                continue
            except UNREADABLE:
                pass
        for name in targets:
            if allowed is None or name in allowed:
                cell.answers.pop(name, None)
                cell.not_plain.add(name)
        cell.extra.append(lines[statement.lineno - 1].strip()[:80])
    return cell


def read_answers(sources: Iterable[str], names: Iterable[str] | None = None) -> dict[str, object]:
    """Each answer name's value over several answer cells in order; ``NOT_PLAIN`` where it is not a literal.

    A cell that does not parse gives no values (a kernel would run none of it), but any name it seems to
    assign is ``NOT_PLAIN``.
    """
    answers: dict[str, object] = {}
    for source in sources:
        cell = read_answer_cell(source, names)
        if cell.syntax_error:
            for name in _names_in_text(source):
                if names is None or name in set(names):
                    answers[name] = NOT_PLAIN
            continue
        for name in cell.not_plain:
            answers[name] = NOT_PLAIN
        answers.update(cell.answers)
    return answers


def _names_in_text(source: str) -> list[str]:
    import re

    return re.findall(r"^\s*([A-Za-z_]\w*)\s*=(?!=)", source[:MAX_ANSWER], flags=re.MULTILINE)


def answer_names(stub: str) -> set[str]:
    """The answer names a released answer cell sets (its stub, e.g. ``q1 = ""``): the only names it may set."""
    try:
        tree = ast.parse(_python(stub))
    except UNREADABLE:
        return set(_names_in_text(stub))
    return {name for statement in tree.body if isinstance(statement, ast.Assign) for name in _targets(statement)}
