"""The one rule for who a student is: which ids the course accepts, how names are cleaned, how either is shown.

Ids and names come from students (``nbgrader submit --student=…``, the folder names of ``submitted/``) and from
platform files a student's profile fills (``course roster import``). They reach the formgrader (which puts them
into HTML unescaped), spreadsheets and the trainer's terminal, so every entry checks them here:

- an id is 1 to 100 ASCII letters, digits and ``. _ @ -``, starting with a letter or digit: a folder name, a
  Unix login or an email (nbgrader itself refuses ``+`` and ``*``), never markup, a formula (``= + - @``
  first) or a control character;
- a name keeps its letters but loses control and format characters (tabs and line breaks become spaces), the
  characters of markup (``< > " `` and backtick), and anything past 100 characters;
- ``shown`` escapes control characters of any text before it reaches a terminal or a log file (CWE-150).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["ID_RULE", "MAX_NAME", "bad_id", "clean_name", "shown"]

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")
ID_RULE = "1 to 100 letters, digits and . _ @ -, starting with a letter or digit"
MAX_NAME = 100
MARKUP = str.maketrans("", "", "<>\"`")


def bad_id(student_id: object) -> str | None:
    """Why ``student_id`` cannot be a student id, or None when it can."""
    if not isinstance(student_id, str) or not student_id:
        return "an empty id"
    if ID_PATTERN.fullmatch(student_id):
        return None
    return f"id {shown(student_id[:120])} is not {ID_RULE}"


def _control(char: str) -> bool:
    return unicodedata.category(char)[0] == "C"


def clean_name(name: str | None) -> str:
    """A display name safe in a page, a spreadsheet row and a terminal: control characters and markup dropped,
    spacing made single, at most ``MAX_NAME`` characters."""
    text = "".join(" " if char in "\t\n\r\v\f" else "" if _control(char) else char for char in name or "")
    return " ".join(text.translate(MARKUP).split())[:MAX_NAME]


def shown(text: object, *, lines: bool = False) -> str:
    """``text`` with every control or format character written as an escape (``\\x1b``, ``\\u202e``), so what
    a student typed never moves a terminal's cursor, colours it or hides a line; ``lines`` keeps line breaks."""
    value = str(text)
    if not any(_control(char) for char in value):
        return value
    return "".join(char.encode("unicode_escape").decode("ascii") if _control(char) and not (lines and char == "\n")
                   else char for char in value)
