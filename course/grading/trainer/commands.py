"""What every ``course`` grading command checks first (the course folder, the names, the order of the steps), and
the trainer's own commands: ``course status`` and ``course lab`` (the trainer's workspace)."""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import sys
from pathlib import Path

from course.grading.course_location import (
    find_course_folder,
    is_demo_course,
    require_known_assignment,
    require_known_students,
)
from course.grading.nbgrader_run import GradingError

__all__ = ["add_trainer_commands", "demo_export_name", "lab", "prepare", "refuse_before_autograde", "status"]

# The steps that need autograded submissions, and the word for what they would do.
NEEDS_AUTOGRADE = {"feedback": "given feedback", "export": "exported", "report": "reported on"}


def prepare(args: argparse.Namespace) -> None:
    """Resolve ``--course`` to the course folder and check the assignment and students named, before any step."""
    if not hasattr(args, "course"):
        return
    args.course = str(find_course_folder(args.course))
    root = Path(args.course)
    assignment = getattr(args, "assignment", None)
    if assignment is not None:
        require_known_assignment(assignment, root)
        if args.command in NEEDS_AUTOGRADE and args.command not in ("report", "export"):
            refuse_before_autograde(assignment, root, NEEDS_AUTOGRADE[args.command])
        if args.command == "autograde":
            _require_collected(assignment, root)
    if getattr(args, "student", None):
        require_known_students(args.student, assignment, root)
    if args.command == "roster" and getattr(args, "roster_command", None) == "import":
        _keep_demo_apart(Path(args.file), root, args.format, args.id_column)


def _keep_demo_apart(file: Path, root: Path, platform: str | None, id_column: str | None) -> None:
    """Demo students never reach a real gradebook, and a demo course's exports never list real students: a demo
    course takes only the demo's participant lists, a real course never takes one."""
    from course.grading.lms.platforms import RosterFileError, read_members
    from course.grading.trainer.demo_rosters import PLATFORM_FILES, is_demo_roster

    try:
        members = read_members(file.read_bytes(), platform, id_column)[2]
    except (OSError, RosterFileError, ValueError, KeyError):
        return  # the import itself says what is wrong with the file
    if is_demo_course(root) and not is_demo_roster(members):
        raise GradingError(f"{file} lists students who are not the demo's, and this is a DEMO course: its exports "
                           f"would list real students beside demo grades. Import one of the demo's own lists "
                           f"({', '.join(PLATFORM_FILES.values())}) here, and real lists in your real course folder.")
    if not is_demo_course(root) and is_demo_roster(members):
        raise GradingError(f"{file} is a `course demo` participant list (every student is demo-NN): importing it "
                           f"would add demo students to this course's real gradebook. Import it in the demo course "
                           f"folder, and your platform's real participant list here.")


def _next(assignment: str, root: Path) -> str:
    from course.grading.trainer.status import assignment_status

    state = assignment_status(assignment, root)
    return f"Next: {state.next_command} ({state.next_why})" if state.next_command else f"Next: {state.next_why}"


def _require_collected(assignment: str, root: Path) -> None:
    from course.grading.course_folder import submitted_students

    if not submitted_students(assignment, root):
        raise GradingError(f"nothing to autograde: no submission of {assignment} has been collected into "
                           f"submitted/. {_next(assignment, root)}")


def refuse_before_autograde(assignment: str, root: Path, doing: str, *, uncollected_ok: bool = False) -> list[str]:
    """Refuse while a collected submission is not autograded yet (it would read as "no submission"), and, unless
    ``uncollected_ok``, while one waits in the exchange; returns the students whose submission still waits there
    (one that arrived during grading is for the next collect: an export leaves their grade empty and says why)."""
    from course.grading.trainer.status import assignment_status

    state = assignment_status(assignment, root)
    if state.not_collected and not uncollected_ok:
        raise GradingError(
            f"not {doing}: {len(state.not_collected)} submission(s) of {assignment} are in the exchange but not "
            f"collected yet ({', '.join(state.not_collected)}), and would read as no submission. "
            f"Next: nbgrader collect {assignment}")
    if state.not_autograded:
        raise GradingError(
            f"not {doing}: {len(state.not_autograded)} collected submission(s) of {assignment} are not graded yet "
            f"({', '.join(state.not_autograded)}), and would read as no submission. "
            f"Next: course autograde {assignment}")
    return state.not_collected


def demo_export_name(assignment: str, root: Path, fmt: str) -> Path | None:
    """In a demo course, the export's default file says DEMO in its name; elsewhere None (the usual name)."""
    from course.grading.lms.export import SUFFIX

    return root / "exports" / f"DEMO-{assignment}-{SUFFIX[fmt]}" if is_demo_course(root) else None


def status(args: argparse.Namespace) -> int:
    from course.grading.trainer.status import course_status_text

    print(course_status_text(Path(args.course), args.assignment))
    return 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lab(args: argparse.Namespace) -> int:
    """JupyterLab rooted at the course folder, on 127.0.0.1 with a token, the formgrader one link away."""
    from course.grading.course_folder import course_config

    root = Path(args.course)
    exchange = course_config(root).Exchange.get("root") if "Exchange" in course_config(root) else None
    if exchange and not Path(exchange).exists():
        Path(exchange).mkdir(parents=True)  # else the Assignment List says "contact your instructor" before a release
    port = args.port or _free_port()
    token = os.environ.get("COURSE_LAB_TOKEN") or secrets.token_hex(24)
    url = f"http://127.0.0.1:{port}"
    print(f"Trainer's workspace for {root}{' (DEMO course: demo data)' if is_demo_course(root) else ''}:\n"
          f"  JupyterLab:  {url}/lab?token={token}   (assignments/, reports/, exports/ in the file browser)\n"
          f"  Formgrader:  {url}/formgrader?token={token}   (mark written answers: Manual Grading)\n"
          f"  Stop with Ctrl+C.", flush=True)
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}"]
    if args.no_browser:
        command.append("--no-browser")
    if os.geteuid() == 0:
        command.append("--allow-root")
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    os.chdir(root)
    # JupyterLab takes this process's place, so stopping `course lab` (Ctrl+C, or a signal to its process) stops the
    # server too; a child process would outlive a signalled parent, still listening with its token.
    os.execve(sys.executable, command, env)
    return 0


def add_trainer_commands(commands, COURSE_HELP: str) -> None:  # noqa: N803 (cli.py's constant, passed in)
    """`course status`, `course lab`, `course demo` and `course marks import`."""
    state = commands.add_parser(
        "status", help="where each assignment's cycle stands, and the one command to run next",
        description="For each assignment (or only ASSIGNMENT): built, released, submissions in the exchange, "
                    "collected, autograded, written answers awaiting your mark (by student and item), feedback "
                    "generated and released, report and exports; then the one next command to run.")
    state.add_argument("assignment", nargs="?", help="only this assignment")
    state.add_argument("--course", help=COURSE_HELP)
    state.set_defaults(func=status)
    workspace = commands.add_parser(
        "lab", help="the trainer's workspace: JupyterLab on the course folder, with the formgrader",
        description="Open JupyterLab rooted at the course folder (assignments/, reports/, exports/ in its file "
                    "browser) on 127.0.0.1 with a token, and print the formgrader's address, where you mark "
                    "written answers. `make grade` runs this.")
    workspace.add_argument("--course", help=COURSE_HELP)
    workspace.add_argument("--port", type=int, help="the port (default: a free one)")
    workspace.add_argument("--no-browser", action="store_true", help="do not open a browser")
    workspace.set_defaults(func=lab)
    demo = commands.add_parser(
        "demo", help="a demo cohort in a new scratch course folder, to rehearse the whole cycle",
        description="Make a new course folder (./demo-course, or --into PATH) from this course's sources, marked "
                    "DEMO, release ASSIGNMENT there and submit N demo students' answers by real `nbgrader submit`: "
                    "right, wrong, blank, code in an answer, and late. Right answers come from the source "
                    "notebook's solution regions (the demo runs where the source is); wrong ones from the option "
                    "lists the visible checks accept. Never touches a course folder with real students.")
    demo.add_argument("assignment", help="the assignment's name, e.g. risk_factors")
    demo.add_argument("--students", type=int, default=6, help="how many demo students (default: 6)")
    demo.add_argument("--into", default="demo-course", help="the new scratch course folder (default: demo-course)")
    demo.add_argument("--course", help=COURSE_HELP)
    demo.set_defaults(func=_demo)
    from course.grading.trainer.marks import add_marks_command

    add_marks_command(commands, COURSE_HELP)


def _demo(args: argparse.Namespace) -> int:
    from course.grading.demo import make_demo
    from course.grading.trainer.demo_rosters import PLATFORM_FILES, write_demo_rosters

    demo = make_demo(args.assignment, Path(args.course), Path(args.into), args.students)
    write_demo_rosters(demo.root, demo.assignment, demo.students)
    print(demo.summary())
    print(f"Demo participant lists, for `course roster import` there: {', '.join(PLATFORM_FILES.values())}.")
    return 0
