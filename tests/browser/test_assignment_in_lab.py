"""A graded assignment as a student meets it in JupyterLab: the generated student version, answers typed in,
and nbgrader's Validate button, which passes well-formed answers and explains a badly formed one in words."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from learner import Notebook

pytestmark = [pytest.mark.browser, pytest.mark.nbgrader]

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENTS = sorted(p.name for p in (REPO / "assignments").glob("*") if (p / f"{p.name}.ipynb").exists())
# The one whose answers are single choices in quotes, for the badly formed answer.
CHOICES = "myths_and_facts"
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.DOTALL)


@pytest.fixture(scope="module")
def student_versions(lab) -> dict[str, str]:
    """Every assignment's student version, made by nbgrader from the source in the server's copy of the course."""
    made = {}
    for name in ASSIGNMENTS:
        done = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", name, "--force"],
                              cwd=lab.root, env=lab.env, capture_output=True, text=True, timeout=240)
        assert done.returncode == 0, f"nbgrader generate_assignment {name} failed:\n{done.stdout}\n{done.stderr}"
        made[name] = f"release/{name}/{name}.ipynb"
    return made


@pytest.fixture
def open_assignment(student_versions, page, lab):
    """Opens an assignment's student version in a fresh tab; its kernel is shut down afterwards."""
    try:
        yield lambda name: Notebook(page, lab, student_versions[name]).open()
    finally:
        lab.shut_down_kernels()


def answers(lab, name: str) -> dict[str, str]:
    """Well-formed answers for every autograded answer cell, by nbgrader grade id: the solutions in the source."""
    source = nbformat.read(lab.root / "assignments" / name / f"{name}.ipynb", as_version=4)
    found = {}
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution") and not meta.get("grade"):
            found[meta["grade_id"]] = SOLUTION.search(cell.source).group(1)
    assert found, f"{name} has no autograded answer cells"
    return found


def type_answers(notebook: Notebook, typed: dict[str, str]) -> None:
    """Click into each answer cell, select what is there and type the answer in its place."""
    page = notebook.page
    for index in notebook.cell_indexes_by_grade_id(typed):
        grade_id = notebook.grade_id(index)
        editor = page.locator(".jp-NotebookPanel .jp-Cell").nth(index).locator(".cm-content")
        editor.click()
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(typed[grade_id])
        page.keyboard.press("Escape")


def validate(notebook: Notebook) -> str:
    """Press the Validate button in the notebook toolbar and read the result nbgrader shows."""
    page = notebook.page
    page.locator(".jp-NotebookPanel-toolbar").get_by_role("button", name="Validate").click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=180_000)
    said = dialog.locator(".jp-Dialog-body").inner_text()
    dialog.locator(".jp-Dialog-button").last.click()
    dialog.wait_for(state="detached")
    return said


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_well_formed_answers_pass_validation(name, open_assignment, lab):
    """Do well-formed answers typed into the student version pass nbgrader's Validate button?"""
    assignment = open_assignment(name)
    type_answers(assignment, answers(lab, name))
    said = validate(assignment)
    assert "Success" in said and "passes all the tests" in said, said


def test_a_badly_formed_answer_gets_a_plain_english_message(open_assignment, lab):
    """Does Validate end with a plain-English message that names the answer and what was typed (after the visible
    check's own lines, which nbgrader shows as the cell that failed)?"""
    assert CHOICES in ASSIGNMENTS, f"assignments/{CHOICES} is missing"
    assignment = open_assignment(CHOICES)
    typed = answers(lab, CHOICES)
    first = next(iter(typed))
    name = re.match(r"\s*(\w+)\s*=", typed[first]).group(1)
    typed[first] = f'{name} = "maybe"\n'
    type_answers(assignment, typed)
    said = validate(assignment)
    assert "Success" not in said
    message = said.strip().split("The error was:")[-1]
    assert re.search(rf"Answer format: {name} should be .+ — you wrote 'maybe'\.$", " ".join(message.split())), said
    assert "Traceback" not in said and ".py" not in said, said  # the plain message alone, no source paths
