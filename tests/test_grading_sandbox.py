"""The bubblewrap sandbox that runs submitted code (only ever to show a student's own outputs): a hostile
notebook, run from inside a course folder, cannot open the gradebook, another submission or the source
assignment, cannot reach a socket or the trainer's environment, and leaves no process behind."""

from __future__ import annotations

import hashlib
import os
import socket
import time
from pathlib import Path

import nbformat
import pytest

from course.grading.nbgrader import sandbox
from course.grading.nbgrader.sandbox import Limits, SandboxUnavailable, execute_notebook, require_sandbox

MARKER = "sandbox-marker-91c2"
SECRET = "TRAINER_SECRET_TOKEN"


def _available() -> str | None:
    try:
        require_sandbox()
    except SandboxUnavailable as error:
        return str(error)
    return None


def _digest(paths) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


PROBE = """
import os
for path in {paths!r}:
    for mode in ("rb", "ab"):
        try:
            open(path, mode).close()
            print("OPENED", mode, path)
        except OSError as error:
            print("BLOCKED", mode, type(error).__name__)
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A course folder with a gradebook, a classmate's submission and the source assignment; one student's
    hostile notebook run in the sandbox from that student's submission folder: (run notebook, facts)."""
    reason = _available()
    if reason:
        pytest.skip(f"no sandbox here: {reason}")
    root = tmp_path_factory.mktemp("sandboxed-course")
    secrets = [root / "gradebook.db", root / "submitted" / "classmate" / "a" / "a.ipynb",
               root / "assignments" / "a" / "a.ipynb"]
    for path in secrets:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("the key is 42")
    mine = root / "submitted" / "me" / "a"
    mine.mkdir(parents=True)
    (mine / "notes.txt").write_text("my own file")
    before = _digest([*secrets, mine / "notes.txt"])
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.5)
    port = server.getsockname()[1]
    cells = [
        PROBE.format(paths=[str(p) for p in secrets]),
        f"import socket\ntry:\n    socket.create_connection(('127.0.0.1', {port}), timeout=3)\n    print('CONNECTED')\n"
        "except OSError as error:\n    print('NO SOCKET', type(error).__name__)",
        f"import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)', "
        f"'{MARKER}'], start_new_session=True)\nprint('STARTED')",
        f"import os\nprint('SECRET' if '{SECRET}' in os.environ else 'CLEAN', sorted(os.environ)[:3])",
        "print(open('notes.txt').read()); open('notes.txt', 'w').write('changed'); print('WROTE SCRATCH')",
        "try:\n    hog = bytearray(3 * 1024 ** 3)\n    print('ALLOCATED')\nexcept MemoryError:\n    print('NO MEMORY')",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    notebook.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    os.environ[SECRET] = "x"
    cwd = os.getcwd()
    os.chdir(mine)
    try:
        ran = execute_notebook(notebook, mine, cell_timeout=60, limits=Limits(wall_seconds=240))
    finally:
        os.chdir(cwd)
        del os.environ[SECRET]
    try:
        server.accept()
        accepted = True
    except TimeoutError:
        accepted = False
    server.close()
    time.sleep(0.5)
    alive = [e.name for e in Path("/proc").iterdir() if e.name.isdigit() and _cmdline_has(e, MARKER)]
    texts = ["".join(o.get("text", "") for o in c.outputs) for c in ran.cells]
    return texts, {"before": before, "after": _digest([*secrets, mine / "notes.txt"]), "accepted": accepted,
                   "alive": alive}


def _cmdline_has(entry: Path, marker: str) -> bool:
    try:
        return marker.encode() in (entry / "cmdline").read_bytes()
    except OSError:
        return False


@pytest.mark.nbgrader
def test_a_submission_cannot_open_the_gradebook_a_classmate_or_the_source(run):
    """Is every attempt to read or write the gradebook, a classmate's submission or the source refused, and
    are those files unchanged?"""
    texts, facts = run
    assert "OPENED" not in texts[0] and texts[0].count("BLOCKED") == 6
    assert facts["before"] == facts["after"]


@pytest.mark.nbgrader
def test_a_submission_cannot_reach_a_socket_or_the_trainers_environment(run):
    """Does a connection to a server on this machine fail, and is the trainer's environment not passed in?"""
    texts, facts = run
    assert "NO SOCKET" in texts[1] and not facts["accepted"]
    assert texts[3].startswith("CLEAN")


@pytest.mark.nbgrader
def test_a_submission_leaves_no_process_behind(run):
    """Is a detached process the notebook started gone once the sandbox has finished?"""
    texts, facts = run
    assert "STARTED" in texts[2]
    assert facts["alive"] == []


@pytest.mark.nbgrader
def test_a_submission_works_on_a_scratch_copy_within_a_memory_limit(run):
    """Can the notebook read and write its own files (a scratch copy: the submission is unchanged), and is a
    3 GB allocation refused?"""
    texts, facts = run
    assert "my own file" in texts[4] and "WROTE SCRATCH" in texts[4]
    assert texts[5].strip() == "NO MEMORY"


def test_without_bubblewrap_the_message_says_how_to_install_it(monkeypatch):
    """With no bwrap on PATH, does running a submission stop with what to install, rather than run it bare?"""
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    with pytest.raises(SandboxUnavailable, match="make sandbox"):
        require_sandbox()
    with pytest.raises(SandboxUnavailable, match="bubblewrap"):
        execute_notebook(nbformat.v4.new_notebook())
