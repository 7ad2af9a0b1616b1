"""The hub script and the settings the hub tests use: their own users, folders and ports, beside any demo hub."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
COURSE_ID = "secure-attachment"
INSTRUCTOR = "sat-teacher"
STUDENTS = [f"sat-s{i:02d}" for i in range(1, 11)]
PORT = 18000

SETTINGS = f'''
COURSE_ID = "{COURSE_ID}"
INSTALL_DIR = "/opt/secure-attachment-test"
COURSE_ROOT = "/srv/sat-hub-test/course"
EXCHANGE_ROOT = "/srv/sat-hub-test/exchange"
STATE_DIR = "/var/lib/sat-hub-test"
GRADER_ACCOUNT = "sat-grader"
GRADERS_GROUP = "sat-graders"
LEARNERS_GROUP = "sat-learners"
INSTRUCTORS = ["{INSTRUCTOR}"]
ADMIN_USERS = []
AUTHENTICATOR = "pam"
HUB_IP = "127.0.0.1"
HUB_PORT = {PORT}
HUB_API_PORT = 18081
PROXY_API_PORT = 18001
FORMGRADER_PORT = 19999
NOTEBOOK_FOLDER = "secure-attachment"
DEFAULT_URL = "/lab/tree/secure-attachment/00_start_here.ipynb"
GRADEBOOK_URL = ""
DEMO_STUDENTS = {len(STUDENTS)}
DEMO_STUDENT_PREFIX = "sat-s"
MEM_LIMIT = "1G"
PROCESS_LIMIT = 512
'''


def load_course_hub():
    """hub/course_hub.py, the script `make hub` runs (a script, not a package module)."""
    spec = importlib.util.spec_from_file_location("course_hub", REPO / "hub" / "course_hub.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_settings(folder: Path) -> dict:
    """The test settings written to a file every user can read, loaded as the hub loads them."""
    path = folder / "settings.py"
    path.write_text(SETTINGS)
    folder.chmod(0o755)
    path.chmod(0o644)
    return load_course_hub().load_settings(path)


def automatic_points() -> float:
    """The assignment's autograded points, read from its source (its test cells' points)."""
    import nbformat

    source = nbformat.read(REPO / "assignments" / "risk_factors" / "risk_factors.ipynb", as_version=4)
    return sum(c.metadata["nbgrader"].get("points", 0) for c in source.cells
               if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution"))
