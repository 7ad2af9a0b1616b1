"""Every factual claim a notebook cites traces to data/references.yaml, and every list is complete."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from course.content import load_content

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
CITATION = re.compile(r"\(([^()]*?\b(?:1[89]\d\d|20\d\d)\b[^()]*?)\)")


def cited(markdown: str, known_cites: set[str]) -> list[str]:
    """The cite texts in parenthesised citations such as (Benoit 2004; Lamb 1977)."""
    found = []
    for group in CITATION.findall(markdown):
        for part in (p.strip() for p in group.split(";")):
            if part in known_cites or re.search(r"[A-Z][A-Za-z'-]+.*\b(1[89]\d\d|20\d\d)$", part):
                found.append(part)
    return found


def listed_ids(notebook) -> list[str]:
    ids = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "reference_list":
                ids += [a.value for a in node.args if isinstance(a, ast.Constant)]
    return ids


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_citations_are_in_the_reference_list(path: Path):
    """Does every citation in this notebook's text name a reference listed at its end?"""
    references = load_content().references
    notebook = nbformat.read(path, as_version=4)
    ids = listed_ids(notebook)
    if not path.name.startswith("00_"):
        assert ids, "a teaching module must end with reference_list(...)"
    assert all(i in references for i in ids), f"unknown ids: {[i for i in ids if i not in references]}"
    listed_cites = {references[i].cite for i in ids}
    text = re.sub(r"\s+", " ", " ".join(c.source for c in notebook.cells if c.cell_type == "markdown"))
    missing = sorted(set(cited(text, {r.cite for r in references.values()})) - listed_cites)
    assert missing == [], f"cited but not in this notebook's reference_list: {missing}"


def test_citation_finder_reads_grouped_citations():
    """Are grouped citations split, and non-citations such as (6 weeks) ignored?"""
    text = "Babies attach to fathers (Lamb 1977; Field 1978), from birth (6 weeks) and (Benoit 2004)."
    assert cited(text, {"Lamb 1977", "Field 1978", "Benoit 2004"}) == ["Lamb 1977", "Field 1978", "Benoit 2004"]
