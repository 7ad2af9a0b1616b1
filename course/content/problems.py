"""What is wrong with the content, and where: the file, line, record and field a trainer needs to fix it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Collection", "ContentError", "Problem"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, located precisely enough to fix without reading code."""

    file: str
    line: int | None
    record: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        parts = [p for p in (self.record and f"record {self.record}", self.field and f"field '{self.field}'") if p]
        located = f"{where}: {', '.join(parts)}: " if parts else f"{where}: "
        return located + self.message


class ContentError(Exception):
    """The content has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"The course content has {len(problems)} problem(s):\n{lines}")


@dataclass(frozen=True)
class Collection:
    """One data file as read: its label (``data/NAME.yaml``, under whatever folder the content is in), its
    records, and the line each value starts on, so every rule can say exactly where a problem is."""

    label: str
    records: Any
    lines: dict[tuple, int] = field(default_factory=dict)

    def line(self, path: Sequence) -> int | None:
        """The line of the deepest part of ``path`` that exists in the file."""
        parts = tuple(path)
        while parts:
            if parts in self.lines:
                return self.lines[parts]
            parts = parts[:-1]
        return None

    def record_label(self, index: int) -> str:
        records = self.records
        if isinstance(records, list) and index < len(records):
            record = records[index]
            if isinstance(record, dict) and isinstance(record.get("id"), str | int):
                return f"'{record['id']}'"
        return f"#{index + 1}"

    def problem(self, index: int | None, field_path: Sequence, message: str) -> Problem:
        """A problem in record ``index`` (None: the whole file) at ``field_path`` within it."""
        if index is None:
            return Problem(self.label, None, None, None, message)
        return Problem(self.label, self.line([index, *field_path]), self.record_label(index),
                       field_name(field_path) or None, message)


def field_name(parts: Sequence) -> str:
    """A path inside a record as a trainer reads it: ``questions[0].options``."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
