"""`make lab` really serves the course: its JupyterLab answers on localhost and can open the start page."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import urllib.error
import urllib.request

import pytest
from support.checkout import NEEDS_CHECKOUT, REPO
from support.servers import free_port, running, wait_until_answering

pytestmark = [*NEEDS_CHECKOUT,
              pytest.mark.skipif(not (REPO / ".venv" / "bin" / "python").exists(),
                                 reason="make would create .venv: run `make lab` or `make test` once first")]


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


def test_make_lab_serves_the_course(tmp_path):
    """Does `make lab` start a JupyterLab on localhost, rooted at notebooks/, that serves the start page?"""
    port, token = free_port(), secrets.token_hex(16)
    args = f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={port} --IdentityProvider.token={token}"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "COURSE_HOME": str(tmp_path / "home")}
    with running(["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"], cwd=REPO, env=env,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as server:
        answer = wait_until_answering(f"http://127.0.0.1:{port}/api/status?token={token}", server, 90)
        assert answer is not None and answer[0] == 200, "JupyterLab did not answer within 90 seconds"
        assert "started" in json.loads(answer[1])
        code, model = get(f"http://127.0.0.1:{port}/api/contents/00_start_here.ipynb?token={token}")
        assert code == 200 and json.loads(model)["type"] == "notebook"
        code, page = get(f"http://127.0.0.1:{port}/lab/tree/00_start_here.ipynb?token={token}")
        assert code == 200 and b"JupyterLab" in page


def test_a_second_run_skips_the_install():
    """After setting up, does make consider the environment up to date, so a second run installs nothing?"""
    subprocess.run(["make", ".venv/.installed-test"], cwd=REPO, capture_output=True, check=True)
    for stamp in (".venv/.installed", ".venv/.installed-test"):
        result = subprocess.run(["make", "--question", stamp], cwd=REPO, capture_output=True, text=True)
        assert result.returncode == 0, f"make would reinstall ({stamp} is older than pyproject.toml)"
    dry_run = subprocess.run(["make", "--dry-run", "lint"], cwd=REPO, capture_output=True, text=True)
    assert "pip install" not in dry_run.stdout and "ruff check" in dry_run.stdout


def test_make_grade_opens_the_trainers_workspace(tmp_path):
    """Does `make grade` start JupyterLab on 127.0.0.1, rooted at the course folder (assignments/ in its file
    browser), with a token, and serve the formgrader the README sends the trainer to?"""
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "COURSE_LAB_TOKEN": token}
    with running(["make", "--no-print-directory", "grade", f"GRADE_ARGS=--no-browser --port {port}"], cwd=REPO,
                 env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as server:
        said = [server.stdout.readline() for _ in range(4)]
        assert any(f"http://127.0.0.1:{port}/formgrader?token={token}" in line for line in said), said
        answer = wait_until_answering(f"http://127.0.0.1:{port}/api/status?token={token}", server, 90)
        assert answer is not None and answer[0] == 200, "JupyterLab did not answer within 90 seconds"
        code, model = get(f"http://127.0.0.1:{port}/api/contents/assignments?token={token}")
        assert code == 200 and json.loads(model)["type"] == "directory"
        with pytest.raises(urllib.error.HTTPError):  # the token is needed
            get(f"http://127.0.0.1:{port}/api/contents/assignments")
        code, page = get(f"http://127.0.0.1:{port}/formgrader/manage_assignments?token={token}")
        assert code == 200 and b"Manage Assignments" in page
