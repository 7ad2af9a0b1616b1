"""Grading on nbgrader's own configuration: the gradebook, exchange and course id a trainer set in a Jupyter config
folder (as the hub writes it for graders) mean the same to `course` as to `nbgrader`.

The whole cycle runs through `course` commands with the gradebook on PostgreSQL, configured outside the course
folder. PostgreSQL is Debian's server, started here in a temporary folder on a Unix socket only, and stopped
afterwards; the test skips with the reason where its binaries are missing (`make hub-deps` installs them), and
fails instead under CI=true.
"""

from __future__ import annotations

import getpass
import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest
from support.grading import REPO, answered

from course.deployment import write_everyone, write_graders
from course.grading.build import copy_course
from course.grading.course_folder import CourseFolders, gradebook_url
from course.grading.nbgrader_run import nbgrader

ASSIGNMENT = "risk_factors"
COURSE_ID = "secure-attachment"
RUNUSER = shutil.which("runuser", path="/usr/sbin:/sbin:/usr/bin:/bin") or "runuser"
pytestmark = pytest.mark.nbgrader


def test_settings_come_from_every_jupyter_config_path_then_the_course_folder(tmp_path, monkeypatch):
    """Does the course folder's file win over a Jupyter config folder, as in nbgrader, and does a setting only the
    config folder has (the gradebook) still count?"""
    course = copy_course(REPO, tmp_path / "course")
    outside = tmp_path / "graders"
    write_graders(outside, db_url="sqlite:////elsewhere/shared.db", course_root="/not/the/course")
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(outside))
    folders = CourseFolders(course)
    assert folders.gradebook_url == "sqlite:////elsewhere/shared.db"
    assert folders.root == course.resolve(), "the course's own nbgrader_config.py sets its root and must win"
    assert folders.source(ASSIGNMENT) == course.resolve() / "assignments" / ASSIGNMENT


def test_a_broken_config_file_is_named(tmp_path, monkeypatch):
    """Does a config file that does not run stop a `course` command with its name, not a traceback?"""
    from course.cli import main

    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.root = (\n")
    monkeypatch.chdir(tmp_path)
    assert main(["report", ASSIGNMENT, "--course", str(tmp_path)]) == 1


def postgres_binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@pytest.fixture(scope="module")
def postgresql():
    """A PostgreSQL server of our own on a Unix socket (as Debian's postgres user when root); its SQLAlchemy URL."""
    bin_dir = postgres_binaries()
    if bin_dir is None:
        reason = "no PostgreSQL server binaries (/usr/lib/postgresql/*/bin): `make hub-deps` installs them"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: this test must run)", pytrace=False)
        pytest.skip(reason)
    pytest.importorskip("psycopg2", reason="the PostgreSQL driver (psycopg2-binary, in the test extra)")
    folder = Path(tempfile.mkdtemp(prefix="sat-pg-"))  # pytest's own folders are closed to the postgres user
    owner = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
    if owner:
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    prefix = [RUNUSER, "-u", "postgres", "--"] if owner else []
    data, port = folder / "data", "55441"

    def run(*args: str) -> None:
        result = subprocess.run([*prefix, *args], cwd=folder, capture_output=True, text=True)
        assert result.returncode == 0, f"{args[0]} failed: {result.stdout[-1000:]}{result.stderr[-1000:]}"

    try:
        run(str(bin_dir / "initdb"), "--auth=trust", "--username=postgres", "-D", str(data))
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "start", "-o",
            f"-k {folder} -p {port} -c listen_addresses=''")
        run(str(bin_dir / "createdb"), "-U", "postgres", "-h", str(folder), "-p", port, "gradebook")
        yield f"postgresql+psycopg2://postgres@/gradebook?host={folder}&port={port}"
    finally:
        subprocess.run([*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], cwd=folder,
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def course_command(*args: str, root: Path) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "course.cli", *args], cwd=root, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, f"course {' '.join(args)}:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result


def ok(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, result.stdout[-3000:]


def test_the_whole_cycle_on_a_postgresql_gradebook_set_outside_the_course(postgresql, tmp_path, monkeypatch):
    """With the gradebook on PostgreSQL set only in a Jupyter config folder (as the hub does for graders), do
    `course build`, `autograde`, `feedback`, `report` and `export` all use it, and no SQLite gradebook appear?"""
    from nbgrader.api import Gradebook

    course, home = copy_course(REPO, tmp_path / "course"), tmp_path / "student"
    home.mkdir()
    graders, everyone = tmp_path / "graders", tmp_path / "everyone"
    write_graders(graders, db_url=postgresql)
    write_everyone(everyone, exchange_root=str(tmp_path / "exchange"), course_id=COURSE_ID)
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", os.pathsep.join([str(graders), str(everyone)]))
    monkeypatch.setenv("NBGRADER_EXCHANGE", str(tmp_path / "exchange"))
    assert gradebook_url(course) == postgresql

    course_command("build", ASSIGNMENT, root=course)
    ok(nbgrader(["release_assignment", ASSIGNMENT], course))
    ok(nbgrader(["fetch_assignment", ASSIGNMENT], home))
    fetched = home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    source = nbformat.read(course / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    nbformat.write(answered(nbformat.read(fetched, 4), source), fetched)
    ok(nbgrader(["submit", ASSIGNMENT], home))
    ok(nbgrader(["collect", ASSIGNMENT], course))
    course_command("autograde", ASSIGNMENT, root=course)
    course_command("feedback", ASSIGNMENT, root=course)
    course_command("report", ASSIGNMENT, root=course)
    course_command("export", ASSIGNMENT, "--allow-unmarked", "--output", str(tmp_path / "grades.csv"), root=course)

    student = getpass.getuser()
    with Gradebook(postgresql) as gb:
        submission = gb.find_submission(ASSIGNMENT, student)
        assert submission.code_score == submission.max_code_score > 0, \
            "the good student's autograded score is not in PostgreSQL"
        assert [s.id for s in gb.students] == [student], "the build's self-check wrote to the course's gradebook"
    assert not list(course.rglob("*.db")), "a SQLite gradebook appeared in the course folder"
    folders = CourseFolders(course)
    assert (folders.feedback(student, ASSIGNMENT) / f"{ASSIGNMENT}.html").exists()
    assert student in (tmp_path / "grades.csv").read_text()
    assert (course / "reports" / f"{ASSIGNMENT}.html").exists()


NBGRADER_NAMES = {"submitted", "autograded", "feedback", "release", "source", "assignments", "gradebook.db"}


def named_nbgrader_paths(package: Path) -> list[str]:
    """Each place in the package that builds a path from an nbgrader folder's or the gradebook's literal name
    (``root / "submitted"``), rather than from CourseDirectory. The exchange's own layout (``exchange /
    "feedback"``) is nbgrader's fixed one, which it has no setting for."""
    import ast

    found = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            literal = None
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
                exchange = isinstance(node.left, ast.Name) and node.left.id == "exchange"
                if isinstance(node.right, ast.Constant) and node.right.value in NBGRADER_NAMES and not exchange:
                    literal = node.right.value
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "gradebook.db" in node.value:
                literal = "gradebook.db"
            if literal:
                found.append(f"{path.relative_to(package.parent)}:{node.lineno} {literal}")
    return found


def test_no_nbgrader_folder_is_named_but_through_nbgraders_settings(tmp_path):
    """Does nothing in course/ build a path from "submitted", "autograded", "feedback", "release", "source" or
    "gradebook.db" itself, and would such a path be found?"""
    import course

    assert named_nbgrader_paths(Path(course.__file__).parent) == []
    fake = tmp_path / "course"
    fake.mkdir()
    (fake / "a.py").write_text('def f(root, exchange):\n    return root / "submitted", exchange / "feedback", '
                               'f"sqlite:///{root}/gradebook.db"\n')
    assert named_nbgrader_paths(fake) == ["course/a.py:2 submitted", "course/a.py:2 gradebook.db"]
