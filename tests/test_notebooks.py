"""Every notebook runs top to bottom in a fresh kernel, as a learner's "Run all" would."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_without_error(path: Path, course_home: Path):
    """Does this notebook run in a fresh kernel without an error in any cell?"""
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [f"{o['ename']}: {o['evalue']}" for cell in notebook.cells if cell.cell_type == "code"
              for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == [], "every cell runs without an error"
    shown = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert shown, "the notebook showed nothing at all"
