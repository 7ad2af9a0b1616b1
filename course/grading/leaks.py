"""Check that nothing students receive (release, feedback, the exchange) holds a solution, hidden test or key.

Two searches: whole lines (a hidden-test or mark-scheme line copied as it is), and each hidden-test statement
with its key in it (``score_ids(answer, ["none"], points=2)``) with all spacing removed, in the text a student
would see: every string of a notebook (cells and outputs, JSON escapes undone) and the text of an HTML page.
So a key printed by code, escaped in JSON or split across HTML tags is still found.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from course.grading.regions import HIDDEN, MARK_SCHEME, MARKERS, SOLUTION, region_lines

__all__ = ["Leak", "find_leaks", "key_statements", "keys_in", "own_text", "secret_lines"]

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


def _compact(text: str) -> str:
    return "".join(text.split())


def key_statements(source_notebook: Path, *, solutions: bool = True) -> set[str]:
    """Each hidden-test statement (and solution statement when asked), all spacing removed: a key in its
    context. Statements too short to be telling (under 12 characters) are left out."""
    import ast

    regions = [HIDDEN] + ([SOLUTION] if solutions else [])
    found = set()
    for cell in nbformat.read(source_notebook, as_version=4).cells:
        for region in regions:
            text = "\n".join(region_lines(cell.source, region))
            try:
                statements = [ast.get_source_segment(text, s) or "" for s in ast.parse(text).body]
            except SyntaxError:
                statements = text.splitlines()
            found |= {_compact(s) for s in statements if not s.lstrip().startswith(("import ", "from "))}
    return {s for s in found if len(s) >= 12}


def keys_in(text: str, keys: set[str]) -> list[str]:
    """The key statements (from ``key_statements``) that ``text`` shows, as written or escaped once more, as
    when a notebook's JSON is printed as text."""
    compact = _compact(text)
    return sorted(k for k in keys if k in compact or json.dumps(k)[1:-1] in compact)


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return ["".join(value)] if all(isinstance(v, str) for v in value) else \
            [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return []


def _seen(path: Path, raw: str) -> str:
    """The text a student would see in a file: a notebook's strings, an HTML page's text, else the file."""
    if path.suffix == ".ipynb":
        try:
            return "\n".join(_strings(json.loads(raw)))
        except json.JSONDecodeError:
            return raw
    if path.suffix in {".html", ".htm"}:
        return html.unescape(TAG.sub("", raw))
    return raw


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


def own_text(submission: Path) -> set[str]:
    """Every line a student's submission holds (``submitted/STUDENT/ASSIGNMENT``), spacing made single: what
    feedback may show back to that student even when it reads like a marker or a key (an answer holding
    ``# ### BEGIN SOLUTION`` is the student's own text, not a leak)."""
    lines: set[str] = set()
    for path in sorted(Path(submission).glob("*.ipynb")) if Path(submission).is_dir() else []:
        try:
            cells = json.loads(path.read_text(encoding="utf-8", errors="replace")).get("cells", [])
        except (OSError, ValueError, AttributeError):
            continue
        for cell in cells if isinstance(cells, list) else []:
            source = cell.get("source", "") if isinstance(cell, dict) else ""
            text = "".join(source) if isinstance(source, list) else str(source)
            lines |= {_normal(line) for line in text.splitlines()[:10_000]}
    return lines - {""}


def find_leaks(folder: Path, source_notebooks: list[Path], *, solutions: bool = True,
               own: set[str] = frozenset()) -> list[Leak]:
    """Leaks in every file under ``folder``: nbgrader markers, and any secret line of the sources.

    ``solutions=False`` for feedback, where a student's own answer may rightly equal a solution line. ``own``
    (``own_text``) are the lines the student wrote: a marker, secret line or key found only in those is theirs.
    """
    secrets = set().union(*(secret_lines(s, solutions=solutions) for s in source_notebooks)) if source_notebooks \
        else set()
    keys = set().union(*(key_statements(s, solutions=solutions) for s in source_notebooks)) if source_notebooks \
        else set()
    leaks = []
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file() and not p.is_symlink()):
        text = _text(path)
        normal = {_normal(line) for line in text.splitlines()}
        theirs = [line for line in text.splitlines() if _normal(line) not in own] if own else text.splitlines()
        leaks += [Leak(path, f"nbgrader marker {marker!r}") for marker in MARKERS
                  if any(marker in line for line in theirs)]
        lines = sorted((secrets & normal) - own)
        leaks += [Leak(path, f"secret line {line!r}") for line in lines]
        seen = _seen(path, text if path.suffix != ".ipynb" else path.read_text("utf-8", "replace"))
        written = set(keys_in("\n".join(own), keys)) if own else set()
        leaks += [Leak(path, f"answer key {key!r}") for key in keys_in(seen, keys)
                  if not any(_compact(line) == key for line in lines) and key not in written]
    return leaks
