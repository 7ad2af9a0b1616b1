"""Students' answers read from a graded notebook's answer cells, without running anything.

An answer is read only when its cell assigns a plain Python literal (``q3 = "myth"``); anything else is
``NOT_PLAIN``, a missing name ``NO_ANSWER``. The reading itself is ``plain_answers``, the one definition of
"a plain answer" that grading uses too; ``notebook_answers`` is the one entry point the report uses.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import nbformat
from nbgrader.utils import is_solution

from course.grading import plain_answers
from course.grading.plain_answers import NOT_PLAIN, Marker

__all__ = ["NO_ANSWER", "NOT_PLAIN", "Marker", "answer_sources", "notebook_answers", "read_answers", "short_repr"]


NO_ANSWER = Marker("no answer")
MAX_SHOWN = 200


def short_repr(value: object, limit: int = MAX_SHOWN) -> str:
    """``repr`` of an answer, cut to ``limit`` characters with its length said: a 200 MB text answer shows as
    its start, and a whole number past Python's int/str conversion limit (a valid literal) by its size, so
    no answer can stop or swell a report."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 3 * limit:
        return f"(a whole number of about {int(value.bit_length() * 0.30103) + 1:,} digits)"
    if isinstance(value, str) and len(value) > limit:
        return repr(value[:limit]) + f"… ({len(value):,} characters)"
    if isinstance(value, list | tuple | set | frozenset | dict):
        parts = [short_repr(v, limit) for v in (value.items() if isinstance(value, dict) else value)]
        text = ", ".join(parts)
        return "[" + (text if len(text) <= limit else text[:limit] + f"… ({len(parts):,} items)") + "]"
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"… ({len(text):,} characters)"


def normal(value: object) -> object:
    """Lists as sorted tuples, so the same ids in another order are one answer (and answers can be counted)."""
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(sorted((normal(v) for v in value), key=short_repr))
    if isinstance(value, dict):
        return short_repr(value)
    return value


def read_answers(sources: Iterable[str]) -> dict[str, object]:
    """Each answer name's value from answer-cell sources, read as grading reads them (``plain_answers``, never
    run), lists normalised; a name last given anything but a plain literal is ``NOT_PLAIN``."""
    return {name: value if value is NOT_PLAIN else normal(value)
            for name, value in plain_answers.read_answers(sources).items()}


def answer_sources(path: Path) -> list[str]:
    notebook = nbformat.from_dict(json.loads(path.read_text(encoding="utf-8")))
    sources = []
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code" and "metadata" in cell and is_solution(cell):
            source = cell.get("source", "")
            sources.append("".join(source) if isinstance(source, list) else source)
    return sources


def notebook_answers(path: Path) -> dict[str, object]:
    """Each answer name's value in the notebook at ``path`` (raises OSError or ValueError when unreadable)."""
    return read_answers(answer_sources(path))
