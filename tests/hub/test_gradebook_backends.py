"""The gradebook on PostgreSQL (several graders at once) and on SQLite (one grader), with the grading steps.

PostgreSQL is Debian's server (`make hub-deps` installs it), started by this test in a temporary folder on a Unix
socket only, and stopped afterwards. The steps run in the hub's environment, which has the PostgreSQL driver.
"""

from __future__ import annotations

import glob
import json
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from hub_setup import REPO, automatic_points, load_course_hub, write_settings

pytestmark = pytest.mark.hub
RUNUSER = shutil.which("runuser", path="/usr/sbin:/sbin:/usr/bin:/bin") or "runuser"


@pytest.fixture(scope="module")
def hub_python(tmp_path_factory) -> str:
    """The hub's virtual environment (the course wheel, nbgrader, psycopg2), installed as `make hub` does."""
    course_hub = load_course_hub()
    settings = write_settings(tmp_path_factory.mktemp("hub"))
    course_hub.install_software(settings)
    return str(Path(settings["INSTALL_DIR"]) / "venv" / "bin" / "python")


@pytest.fixture(scope="module")
def postgresql():
    """A PostgreSQL server of our own on a Unix socket, run as Debian's postgres user; its URL for nbgrader."""
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not binaries:
        pytest.fail("no PostgreSQL server: run 'make hub-deps' (apt-get install postgresql)", pytrace=False)
    bin_dir = Path(binaries[-1]).parent
    folder = Path(tempfile.mkdtemp(prefix="sat-pg-"))
    postgres = pwd.getpwnam("postgres")
    os.chown(folder, postgres.pw_uid, postgres.pw_gid)
    data, port = folder / "data", "55439"

    def as_postgres(*args):
        return subprocess.run([RUNUSER, "-u", "postgres", "--", *args], cwd=folder, capture_output=True, text=True,
                              check=True)

    try:
        as_postgres(str(bin_dir / "initdb"), "--auth=trust", "--username=postgres", "-D", str(data))
        as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "start", "-o",
                    f"-k {folder} -p {port} -c listen_addresses=''")
        as_postgres(str(bin_dir / "createdb"), "-h", str(folder), "-p", port, "gradebook")
        yield f"postgresql+psycopg2://postgres@/gradebook?host={folder}&port={port}"
    finally:
        subprocess.run([RUNUSER, "-u", "postgres", "--", str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast",
                        "-w", "stop"], cwd=folder, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def grade(hub_python: str, course: Path, db_url: str, graders: int) -> dict:
    for item in ("assignments", "nbgrader_config.py"):
        (shutil.copytree if (REPO / item).is_dir() else shutil.copy)(REPO / item, course / item)
    venv_bin = str(Path(hub_python).parent)
    env = {"PATH": f"{venv_bin}:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(course),
           "NBGRADER_EXCHANGE": str(course / "exchange")}
    data = Path(hub_python).parents[2] / "data"
    if data.is_dir():
        env["COURSE_DATA"] = str(data)
    started = time.monotonic()
    result = subprocess.run([hub_python, str(Path(__file__).with_name("gradebook_steps.py")), str(course), db_url,
                             str(graders)], capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, f"{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    summary["seconds"] = time.monotonic() - started
    return summary


def check_marks(summary: dict) -> None:
    assert summary["errors"] == [], summary["errors"]
    rounds = 15
    full = automatic_points()
    for index, (student, got) in enumerate(sorted(summary["students"].items())):
        assert got["auto"] == (full if index % 2 == 0 else 0), (student, got["auto"])
        # The written mark is the first grader's last write, whatever the second did meanwhile.
        assert got["written"] == 1 + (rounds - 1 + index) % 4, (student, got["written"])
        assert got["score"] == got["auto"] + got["written"]
        assert f"Written answer by {student}." in got["feedback"], f"{student}: feedback missing or not theirs"


def test_two_graders_mark_at_once_on_postgresql(hub_python, postgresql, tmp_path):
    """With the gradebook on PostgreSQL, do two graders marking at the same time both keep every change, and do
    autograde and feedback work?"""
    summary = grade(hub_python, tmp_path, postgresql, graders=2)
    check_marks(summary)
    for student, got in summary["students"].items():
        assert got["comment"] == f"Comment 14 for {student}", "the second grader's comments were lost"
    assert not (tmp_path / "gradebook.db").exists(), "the gradebook went to SQLite, not PostgreSQL"


def test_one_grader_on_sqlite(hub_python, tmp_path):
    """With the default SQLite gradebook, do the same grading steps work for one grader?"""
    summary = grade(hub_python, tmp_path, f"sqlite:///{tmp_path / 'gradebook.db'}", graders=1)
    check_marks(summary)
    assert (tmp_path / "gradebook.db").exists()
