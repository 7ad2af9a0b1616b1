"""The Jupyter and nbgrader settings a course server needs, kept once: the one-server hub writes them from here
when it installs, and the Kubernetes image's files are generated from here (a test checks they match).

Everyone's settings: the shared exchange, the course id, private submissions, formgrader and create-assignment
off. Graders' settings (read only where `JUPYTER_CONFIG_PATH` names their folder): formgrader on, the gradebook's
address. Learner mode's Voilà settings are `course.learner_mode.server_options()`.

    python -m course.deployment --everyone ETC --graders DIR --exchange-root PATH --course-id ID [...]
"""

from __future__ import annotations

import argparse
import json
import shlex
from pathlib import Path

FORMGRADER = "nbgrader.server_extensions.formgrader"
COURSE_LIST = "nbgrader.server_extensions.course_list"
FORMGRADER_POLICY = "course.grading.nbgrader.formgrader_policy"
LAB_FORMGRADER = "@jupyter/nbgrader:formgrader"
LAB_CREATE_ASSIGNMENT = "@jupyter/nbgrader:create-assignment"
LAB_COURSE_LIST = "@jupyter/nbgrader:course-list"
PRIVATE_SUBMIT = "course.grading.nbgrader.exchange.PrivateSubmit"
RECORDING_COLLECT = "course.grading.nbgrader.exchange.RecordingCollect"
# The file name under jupyter_server_config.d: it sorts after nbgrader.json, which turns the formgrader on.
EVERYONE_SERVER_FILE = "secure-attachment-hub.json"


def everyone_server() -> dict:
    """`pip install nbgrader` turns the formgrader on for every server; this turns it off for all but graders."""
    return {"ServerApp": {"jpserver_extensions": {FORMGRADER: False, COURSE_LIST: False}}}


def everyone_pages() -> dict:
    return {"disabledExtensions": {LAB_FORMGRADER: True, LAB_CREATE_ASSIGNMENT: True, LAB_COURSE_LIST: True}}


def lab_overrides() -> dict:
    """No "get notified about Jupyter news?" prompt for learners, and no update checks."""
    return {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}}


def graders_server() -> dict:
    """The formgrader on, with the course's security policy for its pages."""
    return {"ServerApp": {"jpserver_extensions": {FORMGRADER: True, FORMGRADER_POLICY: True}}}


def graders_pages() -> dict:
    return {"disabledExtensions": {LAB_FORMGRADER: False, LAB_CREATE_ASSIGNMENT: False}}


def everyone_nbgrader_config(exchange_root: str, course_id: str) -> str:
    return (
        '"""nbgrader settings for every server of the course (written by course.deployment)."""\n\n'
        "c = get_config()  # noqa: F821\n\n"
        "# The shared exchange, and the one course learners see in their Assignment List.\n"
        f"c.Exchange.root = {exchange_root!r}\n"
        f"c.CourseDirectory.course_id = {course_id!r}\n"
        "# A submission is readable by its student and the graders' group only (nbgrader leaves it open to everyone,\n"
        "# hidden only by its name).\n"
        f"c.ExchangeFactory.submit = {PRIVATE_SUBMIT!r}\n"
        "# Collect as the course root's nbgrader_config.py does, wherever a grader runs it: regular files only,\n"
        "# within size limits, never through a link; a folder claiming another student is set aside (exchange.py).\n"
        f"c.ExchangeFactory.collect = {RECORDING_COLLECT!r}\n")


def graders_nbgrader_config(*, db_url: str = "", db_url_variable: str = "", course_root: str = "") -> str:
    """The gradebook's address (given, or read from an environment variable when the server starts) and the
    course root, for graders only."""
    lines = ['"""nbgrader settings for graders only (written by course.deployment)."""\n']
    if db_url_variable:
        lines.append("import os\n")
    lines.append("c = get_config()  # noqa: F821\n")
    if db_url:
        lines.append(f"c.CourseDirectory.db_url = {db_url!r}")
    if db_url_variable:
        lines.append(f"if os.environ.get({db_url_variable!r}):\n"
                     f"    c.CourseDirectory.db_url = os.environ[{db_url_variable!r}]")
    if course_root:
        lines.append(f"c.CourseDirectory.root = {course_root!r}")
    return "\n".join(lines) + "\n"


def copy_notebooks_command(source: str, folder: str) -> str:
    """The one rule for giving a learner the module notebooks: into ~/FOLDER, never overwriting their own copies
    (so modules added later arrive, and a notebook they worked in is kept). A POSIX shell command."""
    target = f'"$HOME"/{shlex.quote(folder)}'
    return f"mkdir -p {target} && cp -r -n {shlex.quote(source)}/. {target}/"


def write_json(path: Path, value: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2) + "\n")


def write_everyone(etc: Path, *, exchange_root: str, course_id: str) -> None:
    """Settings for every server, in a Jupyter config folder (a venv's etc/jupyter)."""
    write_json(etc / "jupyter_server_config.d" / EVERYONE_SERVER_FILE, everyone_server())
    write_json(etc / "labconfig" / "page_config.json", everyone_pages())
    (etc / "nbgrader_config.py").write_text(everyone_nbgrader_config(exchange_root, course_id))


def write_graders(folder: Path, *, db_url: str = "", db_url_variable: str = "", course_root: str = "") -> None:
    """Graders' settings, in a folder their servers name in JUPYTER_CONFIG_PATH."""
    write_json(folder / "jupyter_server_config.json", graders_server())
    write_json(folder / "labconfig" / "page_config.json", graders_pages())
    (folder / "nbgrader_config.py").write_text(
        graders_nbgrader_config(db_url=db_url, db_url_variable=db_url_variable, course_root=course_root))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--everyone", type=Path, required=True, help="Jupyter config folder for every server")
    parser.add_argument("--graders", type=Path, required=True, help="Jupyter config folder for graders")
    parser.add_argument("--exchange-root", required=True)
    parser.add_argument("--course-id", required=True)
    parser.add_argument("--gradebook-url", default="", help="the gradebook's SQLAlchemy URL (empty: SQLite)")
    parser.add_argument("--gradebook-url-variable", default="", help="read the URL from this variable at start")
    parser.add_argument("--course-root", default="", help="the course root as graders' servers see it")
    parser.add_argument("--lab-settings", type=Path, help="JupyterLab settings folder (share/jupyter/lab/settings)")
    parser.add_argument("--notebooks-script", type=Path, help="write the notebook-copying start script here")
    parser.add_argument("--notebooks-from", default="", help="with --notebooks-script: the image's notebooks")
    parser.add_argument("--notebook-folder", default="secure-attachment")
    args = parser.parse_args(argv)
    write_everyone(args.everyone, exchange_root=args.exchange_root, course_id=args.course_id)
    write_graders(args.graders, db_url=args.gradebook_url, db_url_variable=args.gradebook_url_variable,
                  course_root=args.course_root)
    if args.lab_settings:
        write_json(args.lab_settings / "overrides.json", lab_overrides())
    if args.notebooks_script:
        args.notebooks_script.write_text(
            "#!/bin/bash\n# Give the learner the module notebooks in their home (written by course.deployment).\n"
            + copy_notebooks_command(args.notebooks_from, args.notebook_folder) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
