"""A submission on a shared exchange is closed to everyone but its student and the graders' group."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.nbgrader


def submit(tmp_path: Path, factory: str | None) -> Path:
    """Submit assignment 'ps1' to a fresh exchange with nbgrader's own command; return the submission folder."""
    course = tmp_path / "exchange" / "course101"
    (course / "outbound" / "ps1").mkdir(parents=True)
    (course / "inbound").mkdir()
    os.chmod(course / "inbound", 0o2733)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("answer = 'secure'")])
    nbformat.write(notebook, course / "outbound" / "ps1" / "ps1.ipynb")
    student = tmp_path / "student" / "ps1"
    student.mkdir(parents=True)
    shutil.copy(course / "outbound" / "ps1" / "ps1.ipynb", student / "ps1.ipynb")
    command = [sys.executable, "-m", "nbgrader", "submit", "ps1", "--course=course101",
               f"--Exchange.root={tmp_path / 'exchange'}"]
    if factory:
        command.append(f"--ExchangeFactory.submit={factory}")
    env = dict(os.environ, HOME=str(tmp_path), JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter"))
    result = subprocess.run(command, cwd=student.parent, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    (submission,) = (course / "inbound").iterdir()
    return submission


def modes(folder: Path) -> tuple[int, set[int]]:
    return stat.S_IMODE(folder.stat().st_mode), {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}


def test_the_course_closes_a_submission_to_other_students(tmp_path):
    """With the course's submit, is a submission folder 0770 (no access for others) with its files kept?"""
    submission = submit(tmp_path, "course.grading.nbgrader.exchange.PrivateSubmit")
    folder_mode, file_modes = modes(submission)
    assert folder_mode == 0o770
    assert file_modes == {0o644}
    assert (submission / "ps1.ipynb").exists() and (submission / "timestamp.txt").exists()


def test_nbgraders_own_submit_leaves_it_open(tmp_path):
    """Without it, does nbgrader leave the submission folder open to everyone (why the hub uses the course's)?"""
    folder_mode, _ = modes(submit(tmp_path, None))
    assert folder_mode == 0o777
