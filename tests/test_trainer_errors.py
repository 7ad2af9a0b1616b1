"""Every wrong folder, typo and wrong order a new trainer meets ends in a message with the fix, a non-zero exit
status and no traceback: `course` run as a trainer types it, in a fresh course folder and in a demo course whose
submissions were handed in by nbgrader's own submit and collected but not yet autograded."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course.grading.answers import AnswerFormatError, check_choice
from course.grading.build import copy_course

REPO = Path(__file__).resolve().parents[1]
COURSE = str(Path(sys.executable).parent / "course")


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NBGRADER_EXCHANGE"}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return subprocess.run([COURSE, *args], cwd=cwd, capture_output=True, text=True, timeout=300, env=env)


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    """A fresh course folder (with an empty notebooks/), a demo course collected but not autograded, and a
    folder that is no course at all."""
    base = tmp_path_factory.mktemp("trainer")
    fresh = copy_course(REPO, base / "fresh")
    (fresh / "notebooks").mkdir()
    made = run(["demo", "risk_factors", "--students", "2", "--into", str(base / "demo")], fresh)
    assert made.returncode == 0, made.stdout + made.stderr
    demo = base / "demo"
    collected = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "collect", "risk_factors"], cwd=demo,
                               capture_output=True, text=True, timeout=300)
    assert collected.returncode == 0, collected.stdout
    (demo / "email-only.csv").write_text("First name,Last name,Email address\nAda,Lovelace,ada@example.ac.uk\n")
    (demo / "real-moodle.csv").write_text("First name,Last name,Username\nAda,Lovelace,al123\n")
    real = copy_course(REPO, base / "real")  # a course folder with a gradebook of students
    shutil.copy(demo / "gradebook.db", real / "gradebook.db")
    (base / "elsewhere").mkdir()
    return {"fresh": fresh, "notebooks": fresh / "notebooks", "demo": demo, "elsewhere": base / "elsewhere",
            "real": real}


CASES = [
    ("elsewhere", ["status"], "A course folder is the folder holding nbgrader_config.py"),
    ("elsewhere", ["report", "risk_factors", "--course", "."], "holds no nbgrader_config.py"),
    ("notebooks", ["build", "risk-factors"], "Did you mean risk_factors?"),
    ("fresh", ["export", "risk-factors"], "Did you mean risk_factors?"),
    ("fresh", ["autograde", "risk_factors"], "Next: course build risk_factors"),
    ("real", ["demo", "risk_factors", "--into", "."], "course folder with real students' work"),
    ("fresh", ["roster", "import", "../demo/DEMO-moodle-participants.csv"], "would add demo students"),
    ("demo", ["roster", "import", "real-moodle.csv"], "this is a DEMO course"),
    ("demo", ["autograde", "risk_factors", "--student", "demo-1"], "Did you mean demo-01?"),
    ("demo", ["export", "risk_factors", "--format", "csv"], "Next: course autograde risk_factors"),
    ("demo", ["feedback", "risk_factors"], "Next: course autograde risk_factors"),
    ("demo", ["roster", "import", "email-only.csv"], "Show user identity"),
]


@pytest.mark.parametrize(("where", "args", "fix"), CASES, ids=[" ".join(c[1][:2]) + f" in {c[0]}" for c in CASES])
def test_a_mistake_gets_the_fix_not_a_traceback(folders, where, args, fix):
    """Does the command stop (exit non-zero) with a message naming the fix, and no traceback?"""
    before = {p: p.stat().st_mtime_ns for p in folders[where].glob("*")}
    result = run(args, folders[where])
    said = result.stdout + result.stderr
    assert {p: p.stat().st_mtime_ns for p in folders[where].glob("*")} == before, "the refusal changed the folder"
    assert result.returncode != 0, said
    assert "Traceback" not in said, said
    assert fix in " ".join(said.split()), said


def test_status_names_the_next_command_from_a_subfolder(folders):
    """Run from inside a course folder's subfolder, does `course status` find it and name the next command?"""
    result = run(["status", "risk_factors"], folders["demo"] / "submitted")
    assert result.returncode == 0, result.stderr
    assert f"Course folder {folders['demo'].resolve()}" in result.stdout
    assert "DEMO course" in result.stdout
    assert "Next command: course autograde risk_factors" in result.stdout


def test_a_format_message_shows_alone_in_a_notebook():
    """Does a wrongly formed answer show only its plain message (no traceback, no source path), whole, in lines
    nbgrader validate does not cut (it cuts lines over 87 characters)?"""
    with pytest.raises(AnswerFormatError) as error:
        check_choice("q3", ["reassure-review", "ask-mood-questions", "call-999"], {"q3": "maybe"})
    shown = error.value._render_traceback_()
    assert " ".join(shown) == f"Answer format: {error.value}"
    assert all(len(line) <= 80 for line in shown) and not any(".py" in line for line in shown)


def test_the_demo_keeps_its_own_gradebook_whatever_other_settings_say(folders, tmp_path, monkeypatch):
    """With a real gradebook set in a Jupyter config folder (as on a hub), does the demo course still use its own?"""
    from course.deployment import write_graders
    from course.grading.course_folder import CourseFolders

    write_graders(tmp_path, db_url="sqlite:////srv/real/gradebook.db")
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(tmp_path))
    assert CourseFolders(folders["real"]).gradebook_url == "sqlite:////srv/real/gradebook.db"
    assert CourseFolders(folders["demo"]).gradebook_url == f"sqlite:///{folders['demo'].resolve() / 'gradebook.db'}"
