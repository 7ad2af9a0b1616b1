"""Citations in the notebooks: every ``(Cite)`` in a notebook's text is a reference in its ``reference_list``.

Trainers edit notebooks as well as data, so ``course validate`` checks them too. Notebooks are read as JSON
(no Jupyter needed), and a reference list is found by parsing the code cells, never by running them.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from course.content.problems import Problem

__all__ = ["COURSE_PAGES", "cited", "listed_ids", "notebook_problems", "notebooks_problems"]

# Notebooks that are course pages rather than modules (no module in modules.yaml, no reference list needed).
COURSE_PAGES = ("glossary.ipynb",)
CITATION = re.compile(r"\(([^()]*?\b(?:1[89]\d\d|20\d\d)\b[^()]*?)\)")
AUTHOR_YEAR = re.compile(r"[A-Z][A-Za-z'-]+.*\b(1[89]\d\d|20\d\d)$")


def cited(text: str, known_cites: Iterable[str]) -> list[str]:
    """The cite texts in parenthesised citations such as (Benoit 2004; Lamb 1977), in order; (6 weeks) is not one."""
    known = set(known_cites)
    found = []
    for group in CITATION.findall(" ".join(text.split())):
        for part in (p.strip() for p in group.split(";")):
            if part in known or AUTHOR_YEAR.search(part):
                found.append(part)
    return found


def _source(cell: Mapping) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def listed_ids(cells: Iterable[Mapping]) -> list[str]:
    """The reference ids given to ``reference_list(...)`` in these code cells."""
    ids = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        try:
            tree = ast.parse(_source(cell))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "reference_list":
                ids += [a.value for a in node.args if isinstance(a, ast.Constant)]
    return ids


def notebook_problems(path: Path, references: Mapping[str, Mapping], *, label: str | None = None,
                      needs_list: bool = True) -> list[Problem]:
    """Each citation not in this notebook's reference list, and each listed id not in references.yaml."""
    label = label or path.name
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [Problem(label, None, None, None, f"cannot be read as a notebook: {exc}")]
    ids = listed_ids(cells)
    problems = [Problem(label, None, None, None, f"reference_list names '{i}', which is not an id in references.yaml")
                for i in ids if i not in references]
    if needs_list and not ids:
        problems.append(Problem(label, None, None, None, "a teaching module must end with reference_list(...)"))
    listed = {references[i]["cite"] for i in ids if i in references}
    text = " ".join(_source(c) for c in cells if c.get("cell_type") == "markdown")
    for cite in dict.fromkeys(cited(text, {r["cite"] for r in references.values()})):
        if cite not in listed:
            problems.append(Problem(label, None, None, None,
                                    f"cites ({cite}), which is not in this notebook's reference_list(...)"))
    return problems


def notebooks_problems(folder: Path, modules: Iterable[Mapping], references: Mapping[str, Mapping]) -> list[Problem]:
    """Every module's notebook is there and every notebook is a module; each one's citations are listed."""
    label_root = folder.name
    listed = {m["notebook"]: m["id"] for m in modules if "notebook" in m}
    present = {p.name: p for p in sorted(folder.glob("*.ipynb"))}
    problems = [Problem(f"{label_root}/{name}", None, None, None, f"is missing (module {module} in modules.yaml)")
                for name, module in listed.items() if name not in present]
    problems += [Problem(f"{label_root}/{name}", None, None, None, "is not the notebook of any module in modules.yaml")
                 for name in present if name not in listed and name not in COURSE_PAGES]
    for name, path in present.items():
        if name in listed or name in COURSE_PAGES:
            problems += notebook_problems(path, references, label=f"{label_root}/{name}",
                                          needs_list=name in listed and listed[name] != "00")
    return problems
