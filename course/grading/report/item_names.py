"""Each graded item in the trainer's words, read from the assignment's source notebook (trainer-only).

An item is named after the question it belongs to: the heading of the markdown cell before it ("Case 4: Kemi,
a phone call at three months"), with the statement quoted when the heading is only a number ("Statement 1:
“Depression and anxiety are uncommon…”"), and the answer it checks when one question has several items
("– next"). A cell's ``metadata.course.label`` overrides the name. For the mark scheme page, each item also
has its question, its key (the solution lines that set the answers it checks) and its explanation: the mark
scheme of a written item, or comment lines inside an automatic item's hidden tests (both are removed from
everything students receive). Nothing here is hard-coded to today's assignments.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from course.grading.regions import HIDDEN, MARK_SCHEME, SOLUTION, region_lines, without_regions

__all__ = ["CHECKED_NAME", "ItemText", "item_texts"]

CHECKED_NAME = re.compile(r"check_\w+\(\s*[\"'](\w+)[\"']")
HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
POINTS = re.compile(r"\s*\((?:[^()]*\bpoints?\b[^()]*)\)\s*$", re.IGNORECASE)
QUOTE = re.compile(r"^\s*>\s?(.+)$", re.MULTILINE)
NUMBER_ONLY = re.compile(r"^[\w ]*\d+$")
QUOTE_WORDS = 9


@dataclass(frozen=True)
class ItemText:
    """What the mark scheme page shows about one item: all of it trainer-only."""

    grade_id: str
    label: str
    question: str
    key: str = ""
    explanation: str = ""


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _title(markdown: str) -> str:
    """The question's name: its heading without the points, plus the quoted statement when the heading is a
    bare number."""
    heading = HEADING.search(markdown)
    if not heading:
        return ""
    title = POINTS.sub("", heading.group(1)).strip()
    quote = QUOTE.search(markdown)
    if quote and NUMBER_ONLY.match(title):
        words = quote.group(1).split()
        title += ": “" + " ".join(words[:QUOTE_WORDS]) + ("…" if len(words) > QUOTE_WORDS else "") + "”"
    return title


def _part(answer: str) -> str:
    """The part of a question an answer name stands for: ``q4_next`` → "next"; ``q4`` stays ``q4``."""
    rest = re.sub(r"^[A-Za-z]+\d+_?", "", answer)
    return rest.replace("_", " ") if rest else answer


def _key(answer_cells: list[str], names: list[str]) -> str:
    lines = [line for source in answer_cells for line in region_lines(source, SOLUTION)
             if any(re.match(rf"\s*{re.escape(n)}\s*=", line) for n in names)]
    return "\n".join(lines)


def _comments(source: str) -> str:
    return "\n".join(line.strip().lstrip("#").strip() for line in region_lines(source, HIDDEN)
                     if line.strip().startswith("#"))


def item_texts(notebook_path: Path | str) -> dict[str, ItemText]:
    """Every graded item of the source notebook, by grade id, in notebook order."""
    cells = json.loads(Path(notebook_path).read_text(encoding="utf-8")).get("cells", [])
    items: dict[str, ItemText] = {}
    question, question_text, answer_cells = "", "", []
    pending: list[tuple[dict, list[str]]] = []

    def settle() -> None:
        several = len(pending) > 1
        for cell, names in pending:
            meta = cell.get("metadata", {})
            grade_id = meta["nbgrader"]["grade_id"]
            label = question or grade_id
            if several and names:
                label += " – " + ", ".join(_part(n) for n in names)
            items[grade_id] = ItemText(grade_id, meta.get("course", {}).get("label") or label, question_text,
                                       _key(answer_cells, names), _comments(_source(cell)))
        pending.clear()

    for cell in cells:
        meta = cell.get("metadata", {})
        grading = meta.get("nbgrader", {})
        source = _source(cell)
        if cell.get("cell_type") == "markdown" and grading.get("task"):
            settle()
            visible = without_regions(source, MARK_SCHEME).strip()
            items[grading["grade_id"]] = ItemText(
                grading["grade_id"], meta.get("course", {}).get("label") or _title(source) or grading["grade_id"],
                visible, "", "\n".join(region_lines(source, MARK_SCHEME)).strip("= \n"))
            continue
        if cell.get("cell_type") == "markdown" and HEADING.search(source):
            settle()
            question, question_text, answer_cells = _title(source), source.strip(), []
            continue
        if cell.get("cell_type") == "code" and grading.get("solution"):
            answer_cells.append(source)
        if cell.get("cell_type") == "code" and grading.get("grade") and not grading.get("solution"):
            visible = without_regions(source, HIDDEN, MARK_SCHEME)
            pending.append((cell, list(dict.fromkeys(CHECKED_NAME.findall(visible)))))
        elif cell.get("cell_type") == "code" and grading.get("grade") and grading.get("solution"):
            settle()
            items[grading["grade_id"]] = ItemText(grading["grade_id"], question or grading["grade_id"],
                                                  question_text)
    settle()
    return items
