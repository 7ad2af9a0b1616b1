"""A graded assignment as a student meets it in JupyterLab: the generated student version, answers typed in,
and nbgrader's Validate button, which passes well-formed answers and explains a badly formed one in words."""

from __future__ import annotations

import re
import subprocess
import sys

import nbformat
import pytest
from learner import Notebook

pytestmark = [pytest.mark.browser, pytest.mark.nbgrader]

ASSIGNMENT = "myths_and_facts"
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.DOTALL)


@pytest.fixture(scope="module")
def student_version(lab) -> str:
    """The student version, made by nbgrader from the source in the server's copy of the course."""
    if not (lab.root / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists():
        pytest.skip(f"assignments/{ASSIGNMENT} is not written yet")
    done = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT, "--force"],
                          cwd=lab.root, env=lab.env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, f"nbgrader generate_assignment failed:\n{done.stdout}\n{done.stderr}"
    return f"release/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"


@pytest.fixture
def assignment(student_version, page, lab):
    """The student version open in a fresh tab, with its kernel shut down afterwards."""
    try:
        yield Notebook(page, lab, student_version).open()
    finally:
        lab.shut_down_kernels()


def answers(lab) -> dict[str, str]:
    """Well-formed answers for every answer cell, by nbgrader grade id: the solutions in the source."""
    source = nbformat.read(lab.root / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    found = {}
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution") and not meta.get("grade"):
            found[meta["grade_id"]] = SOLUTION.search(cell.source).group(1)
    assert found, f"{ASSIGNMENT} has no autograded answer cells"
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


def test_well_formed_answers_pass_validation(assignment, lab):
    """Do well-formed answers typed into the student version pass nbgrader's Validate button?"""
    type_answers(assignment, answers(lab))
    said = validate(assignment)
    assert "Success" in said and "passes all the tests" in said, said


def test_a_badly_formed_answer_gets_a_plain_english_message(assignment, lab):
    """Does Validate explain a badly formed answer in plain words, naming the answer and what was typed?"""
    typed = answers(lab)
    first = next(iter(typed))
    name = re.match(r"\s*(\w+)\s*=", typed[first]).group(1)
    typed[first] = f'{name} = "maybe"\n'
    type_answers(assignment, typed)
    said = validate(assignment)
    assert "Success" not in said
    last_line = said.strip().splitlines()[-1]
    assert re.fullmatch(rf"AnswerFormatError: {name} should be .+ — you wrote 'maybe'\.", last_line), said
