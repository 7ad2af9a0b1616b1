"""Answer checks for the graded assignments: plain-English format messages for students, and scoring.

Students answer with Python literals (``q3 = "myth"``, ``q1_factors = ["high-stress"]``). The visible test
after each answer calls ``check_choice`` or ``check_ids``: they look the answer up by name, so a missing or
broken answer gets a sentence a non-programmer can act on, never a ``NameError``. They say what is allowed
and what was written, never what is right. The answer keys live only in the hidden tests, which pass a key to
``score_choice`` / ``score_ids``: the score is the cell's last value, so nbgrader gives partial credit.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterable, Mapping

__all__ = ["AnswerFormatError", "check_choice", "check_ids", "score_choice", "score_ids", "show_choices"]

NONE = "none"


class AnswerFormatError(Exception):
    """An answer is missing or not in the form the question asks for (the message says how to fix it)."""

    def _render_traceback_(self) -> list[str]:
        """What IPython shows in place of a traceback (in JupyterLab and in ``nbgrader validate``): the plain
        message alone, in lines short enough that nbgrader's validate never cuts them, no source paths."""
        return textwrap.wrap(f"Answer format: {self}", 80, break_on_hyphens=False, break_long_words=False)


def _lookup(name: str, namespace: Mapping | None):
    __tracebackhide__ = True
    names = namespace if namespace is not None else sys._getframe(2).f_globals
    if name not in names:
        raise AnswerFormatError(
            f"{name} has no answer yet. Type your answer in the cell above, run that cell (Shift+Enter), "
            f"and check it shows no error before you run this check again.")
    return names[name]


def _listing(allowed: Iterable[str]) -> str:
    quoted = [f"'{a}'" for a in allowed]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _normalise(text: str) -> str:
    return text.strip().lower()


def check_choice(name: str, allowed: Iterable[str], namespace: Mapping | None = None) -> str:
    """The answer called ``name`` if it is one of ``allowed`` (case and spaces forgiven), else a clear error."""
    __tracebackhide__ = True
    allowed = list(allowed)
    value = _lookup(name, namespace)
    options = _listing(allowed)
    if not isinstance(value, str):
        raise AnswerFormatError(
            f"{name} should be one of {options}, typed in quotes — you wrote {value!r}, "
            f"which is {_kind(value)}, not text in quotes.")
    if not value.strip():
        raise AnswerFormatError(f"{name} is empty: type one of {options} between the quotes.")
    if _normalise(value) not in allowed:
        raise AnswerFormatError(f"{name} should be {options} — you wrote {value!r}.")
    _looks_right(name)
    return _normalise(value)


def check_ids(name: str, allowed: Iterable[str], namespace: Mapping | None = None) -> frozenset[str]:
    """The answer called ``name`` as a set of ids if it is a list of ``allowed`` ids, else a clear error."""
    __tracebackhide__ = True
    allowed = list(allowed)
    value = _lookup(name, namespace)
    example = f"[{', '.join(repr(a) for a in allowed[:2])}]"
    if isinstance(value, str):
        raise AnswerFormatError(
            f"{name} should be a list: ids in quotes, separated by commas, inside square brackets, "
            f"for example {example} — you wrote {value!r} without the brackets.")
    if not isinstance(value, list | tuple | set | frozenset):
        raise AnswerFormatError(
            f"{name} should be a list of ids inside square brackets, for example {example} — "
            f"you wrote {value!r}, which is {_kind(value)}.")
    not_text = [v for v in value if not isinstance(v, str)]
    if not_text:
        raise AnswerFormatError(
            f"every id in {name} should be in quotes — {not_text[0]!r} is not.")
    if not value:
        raise AnswerFormatError(
            f"{name} is empty: type the ids that apply between the brackets (or 'none' if none apply).")
    unknown = [v for v in value if _normalise(v) not in allowed]
    if unknown:
        raise AnswerFormatError(
            f"{name} should only hold ids from the list at the top — {unknown[0]!r} is not one of them. "
            f"The ids are: {_listing(allowed)}.")
    ids = frozenset(_normalise(v) for v in value)
    if NONE in ids and len(ids) > 1:
        raise AnswerFormatError(f"{name} says 'none' and also names ids: choose one or the other.")
    _looks_right(name)
    return ids


def _looks_right(name: str) -> None:
    print(f"✓ {name} is in the right format. (This checks the format only, not whether the answer is right.)")


def _kind(value) -> str:
    kinds = {int: "a number", float: "a number", bool: "True or False", list: "a list", tuple: "a tuple",
             set: "a set", dict: "a dictionary", type(None): "None (nothing)"}
    return kinds.get(type(value), f"a {type(value).__name__}")


def score_choice(answer: str, key: str, points: float) -> float:
    """All the points when the answer is the key, else none (only a plain string can equal the key)."""
    return float(points) if type(answer) is str and answer == key else 0.0


def score_ids(answer: Iterable[str], key: Iterable[str], points: float) -> float:
    """Partial credit: each right id earns a share of the points, each wrong id loses one; never below zero.

    Only plain strings count, so an object built to equal anything earns nothing.
    """
    answer, key = {a for a in answer if type(a) is str}, set(key)
    earned = len(answer & key) - len(answer - key)
    return round(float(points) * max(0, earned) / len(key), 2)


def show_choices(**lists: Mapping[str, str]):
    """The ids students may type, with what each means, as a table per list (shown above the questions)."""
    from html import escape

    from IPython.display import HTML

    parts = []
    for title, choices in lists.items():
        rows = "".join(f"<tr><td><code>'{escape(i)}'</code></td><td>{escape(t)}</td></tr>" for i, t in choices.items())
        heading = escape(title.replace("_", " ").capitalize())
        parts.append(f"<h4>{heading}</h4><table><thead><tr><th>Type this id</th><th>Meaning</th></tr></thead>"
                     f"<tbody>{rows}</tbody></table>")
    return HTML("".join(parts))
