"""Check that nothing students receive (release, feedback) holds a solution, hidden test or mark scheme."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from course.grading.regions import HIDDEN, MARK_SCHEME, MARKERS, SOLUTION, region_lines

__all__ = ["Leak", "find_leaks", "secret_lines"]

TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Leak:
    """A released file that shows something it must not."""

    file: Path
    what: str

    def __str__(self) -> str:
        return f"{self.file}: {self.what}"


def _normal(line: str) -> str:
    return " ".join(line.split())


def secret_lines(source_notebook: Path, *, solutions: bool = True) -> set[str]:
    """Every hidden-test and mark-scheme line of a source notebook (and solution lines when asked)."""
    regions = [HIDDEN, MARK_SCHEME] + ([SOLUTION] if solutions else [])
    lines = set()
    for cell in nbformat.read(source_notebook, as_version=4).cells:
        for region in regions:
            lines |= {_normal(line) for line in region_lines(cell.source, region)}
    return {line for line in lines if len(line) >= 8}


def _text(path: Path) -> str:
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".ipynb":
        try:
            notebook = json.loads(raw)
        except json.JSONDecodeError:
            return raw
        return "\n".join("".join(c.get("source", "")) if isinstance(c.get("source"), list) else c.get("source", "")
                         for c in notebook.get("cells", [])) + "\n" + raw
    if path.suffix in {".html", ".htm"}:
        return html.unescape(TAG.sub("", raw))
    return raw


def find_leaks(folder: Path, source_notebooks: list[Path], *, solutions: bool = True) -> list[Leak]:
    """Leaks in every file under ``folder``: nbgrader markers, and any secret line of the sources.

    ``solutions=False`` for feedback, where a student's own answer may rightly equal a solution line.
    """
    secrets = set().union(*(secret_lines(s, solutions=solutions) for s in source_notebooks)) if source_notebooks \
        else set()
    leaks = []
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        text = _text(path)
        normal = {_normal(line) for line in text.splitlines()}
        leaks += [Leak(path, f"nbgrader marker {marker!r}") for marker in MARKERS if marker in text]
        leaks += [Leak(path, f"secret line {line!r}") for line in sorted(secrets & normal)]
    return leaks
