"""Notebooks are committed clean: no outputs, no execution counts, so diffs show only what changed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import nbformat
from support.checkout import NEEDS_CHECKOUT, REPO

pytestmark = NEEDS_CHECKOUT


def tracked_notebooks() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=REPO, capture_output=True, text=True, check=True)
    return [REPO / line for line in listed.stdout.split()]


def dirty_cells(path: Path) -> list[str]:
    notebook = nbformat.read(path, as_version=4)
    return [cell.get("id", str(i)) for i, cell in enumerate(notebook.cells)
            if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)]


def test_committed_notebooks_have_no_outputs():
    """Is every notebook in the repository committed without outputs or execution counts?"""
    dirty = {str(p.relative_to(REPO)): cells for p in tracked_notebooks() if (cells := dirty_cells(p))}
    assert dirty == {}


def test_dirty_notebook_is_caught(tmp_path):
    """Would a notebook with an output actually be caught?"""
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1 + 1")
    cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "2"}, execution_count=1)]
    cell.execution_count = 1
    notebook.cells = [cell, nbformat.v4.new_code_cell("2")]
    path = tmp_path / "dirty.ipynb"
    nbformat.write(notebook, path)
    assert dirty_cells(path) == [cell.id]
