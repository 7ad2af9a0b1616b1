"""A demo cohort in a scratch course folder (``course demo``), to rehearse build → autograde → mark → feedback →
report → export before a real cohort.

The scratch folder is new, marked DEMO in its nbgrader_config.py, with its own exchange and course id, so demo
submissions can never reach a real exchange or gradebook. Each demo student's notebook starts from the released
student version and is handed in by a real ``nbgrader submit``. Right answers are read from the SOURCE notebook's
solution regions (the demo runs in the trainer's course folder, where the sources are); wrong ones are other
options from the lists the visible checks accept (the ``check_choice``/``check_ids`` calls and the literal option
tables in the set-up cell). The hidden tests are never read.
"""

from __future__ import annotations

import ast
import copy
import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from course.grading.build import copy_course
from course.grading.course_folder import CourseFolders, gradebook_url
from course.grading.course_location import DEMO_MARKER, is_demo_course
from course.grading.nbgrader_run import GradingError, nbgrader
from course.grading.plain_answers import read_answers
from course.grading.regions import SOLUTION, region_lines

__all__ = ["DEMO_COURSE_ID", "KINDS", "Demo", "make_demo"]

DEMO_COURSE_ID = "secure-attachment-demo"
# The spread of a cohort, in turn; "late" students submit after the due date the demo sets.
KINDS = ("right", "wrong", "blank", "code in answer", "partly right", "late")
WRITTEN = {
    "right": "I have noticed you have a lot on your plate at the moment, and I wonder how you are feeling in "
             "yourself. Many parents find the first months hard, and it is fine to say so. You said you are just "
             "tired; can you tell me a bit more about that? I would like to ask you two questions we ask every "
             "parent about mood. If things feel too much, there is help, and we can look at it together.",
    "partly right": "You seem stressed. Are you depressed? I can refer you to someone if you want.",
    "wrong": "Everyone is tired with a new baby, you will be fine.",
    "code in answer": "import os; os.system('echo hello')  # demo: code typed where words were asked for",
}


@dataclass(frozen=True)
class Demo:
    root: Path
    assignment: str
    students: dict[str, str]  # id -> kind

    def summary(self) -> str:
        kinds = "\n".join(f"  - Demo student {i} ({sid}): {kind}"
                          for i, (sid, kind) in enumerate(self.students.items(), start=1))
        return (f"DEMO course made in {self.root} (course id {DEMO_COURSE_ID}, its own exchange; demo data only).\n"
                f"{self.assignment} was built, released and submitted by {len(self.students)} demo student(s):\n"
                f"{kinds}\n"
                f"Next: cd \"{self.root}\" and run `course status` (it names each next command).")


def _refuse_target(target: Path) -> None:
    if not target.exists() or not any(target.iterdir()):
        return
    if (target / "nbgrader_config.py").exists() and not is_demo_course(target):
        raise GradingError(f"{target} is a course folder with real students' work (no DEMO marker in its "
                           "nbgrader_config.py): the demo never writes there. Give --into a NEW folder.")
    raise GradingError(f"{target} already exists and is not empty: give --into a new folder "
                       f"(or delete {target} if it is an old demo)")


def _scratch_course(source: Path, target: Path) -> Path:
    root = copy_course(source, target)
    config = root / "nbgrader_config.py"
    config.write_text(config.read_text(encoding="utf-8") + f"\n\n{DEMO_MARKER}\n"
                      f"c.CourseDirectory.course_id = {DEMO_COURSE_ID!r}\n"
                      "# Always this folder's own exchange, whatever NBGRADER_EXCHANGE says: demo work stays here.\n"
                      'c.Exchange.root = str(HERE / "exchange")\n'
                      "# Always this folder's own gradebook (nbgrader's default for this root), whatever gradebook\n"
                      "# another config file names.\n"
                      "from nbgrader.coursedir import CourseDirectory\n"
                      "c.CourseDirectory.db_url = CourseDirectory(root=str(HERE)).db_url\n", encoding="utf-8")
    (root / "exchange").mkdir()
    return root


def _option_lists(release) -> dict[str, list[str]]:
    """Each answer name's accepted options, from the visible checks and the literal tables in the set-up cell."""
    tables, checks = {}, {}
    for cell in release.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                try:
                    tables[node.targets[0].id] = list(ast.literal_eval(node.value))
                except (ValueError, TypeError, SyntaxError):
                    pass
            if (isinstance(node, ast.Call) and getattr(node.func, "id", "") in {"check_choice", "check_ids"}
                    and len(node.args) >= 2 and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[1], ast.Name)):
                checks[node.args[0].value] = node.args[1].id
    return {name: tables[table] for name, table in checks.items() if table in tables}


def _wrong(right, options: list[str]):
    others = [o for o in options if o not in (right if isinstance(right, list) else [right])]
    if not others:
        return right
    return [others[0]] if isinstance(right, list) else others[0]


def _answers(kind: str, right: dict[str, object], options: dict[str, list[str]]) -> dict[str, object]:
    if kind == "wrong":
        return {name: _wrong(value, options.get(name, [])) for name, value in right.items()}
    if kind == "partly right":
        return {name: value if i % 2 == 0 else _wrong(value, options.get(name, []))
                for i, (name, value) in enumerate(right.items())}
    return dict(right)


def _answered(release, source, kind: str, options: dict[str, list[str]]):
    """The released notebook answered as a demo student of this ``kind`` would."""
    notebook = copy.deepcopy(release)
    if kind == "blank":
        return notebook
    solutions = {c.metadata["nbgrader"]["grade_id"]: "\n".join(region_lines(c.source, SOLUTION))
                 for c in source.cells if c.metadata.get("nbgrader", {}).get("solution")}
    first = True
    for index, cell in enumerate(notebook.cells):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution") and meta.get("grade_id") in solutions:
            right = read_answers([solutions[meta["grade_id"]]])
            lines = [f"{name} = {value!r}" for name, value in _answers(kind, right, options).items()]
            if kind == "code in answer" and first:
                lines = ["import os", *lines[:-1], f"{lines[-1]}.strip()" if lines else ""]
            first = False
            cell.source = "\n".join(lines)
        elif meta.get("task") and index + 1 < len(notebook.cells):
            written = kind.replace("late", "right")
            notebook.cells[index + 1].source = WRITTEN.get(written, "")
    return notebook


def _submit(root: Path, assignment: str, student: str, notebook, scratch: Path) -> None:
    """Hand the notebook in as ``student`` with nbgrader's own submit (the exchange code `nbgrader submit` runs),
    from a scratch home of the student's, into the demo course's exchange."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeError
    from nbgrader.exchange.default.submit import ExchangeSubmit
    from traitlets.config import Config

    home = scratch / student
    (home / assignment).mkdir(parents=True)
    nbformat.write(notebook, home / assignment / f"{assignment}.ipynb")
    config = Config()
    config.CourseDirectory.update(course_id=DEMO_COURSE_ID, assignment_id=assignment, student_id=student)
    config.Exchange.update(root=str(root / "exchange"), assignment_dir=str(home))
    try:
        ExchangeSubmit(coursedir=CourseDirectory(config=config), authenticator=Authenticator(config=config),
                       config=config).start()
    except (ExchangeError, SystemExit) as error:
        raise GradingError(f"nbgrader submit for demo student {student} failed: {error}") from None


def _run(args: list[str], root: Path) -> None:
    result = nbgrader(args, root)
    if result.returncode != 0:
        raise GradingError(f"nbgrader {' '.join(args)} failed in the demo course:\n{result.stdout[-2000:]}")


def make_demo(assignment: str, source_course: Path, target: Path, students: int = 6) -> Demo:
    """A new DEMO course in ``target`` with ``assignment`` released and ``students`` demo submissions in its
    exchange (not collected: collecting is the trainer's first step)."""
    from nbgrader.api import Gradebook

    if not 1 <= students <= 200:
        raise GradingError(f"--students {students}: give a number from 1 to 200")
    target = Path(target).resolve()
    _refuse_target(target)
    root = _scratch_course(Path(source_course), target)
    _run(["generate_assignment", assignment], root)
    _run(["release_assignment", assignment], root)
    release = nbformat.read(CourseFolders(root).release(assignment) / f"{assignment}.ipynb", as_version=4)
    source = nbformat.read(CourseFolders(root).source(assignment) / f"{assignment}.ipynb", as_version=4)
    options = _option_lists(release)
    cohort = {f"demo-{i:02d}": KINDS[(i - 1) % len(KINDS)] for i in range(1, students + 1)}
    with Gradebook(gradebook_url(root)) as gb:
        for i, student in enumerate(cohort, start=1):
            gb.update_or_create_student(student, first_name="Demo student", last_name=str(i),
                                        email=f"{student}@demo.invalid")
    with tempfile.TemporaryDirectory(prefix="course-demo-") as scratch:
        for student in [s for s in cohort if cohort[s] != "late"]:
            _submit(root, assignment, student, _answered(release, source, cohort[student], options), Path(scratch))
        late = [s for s in cohort if cohort[s] == "late"]
        if late:  # due now: the late students hand in after it
            with Gradebook(gradebook_url(root)) as gb:
                gb.update_or_create_assignment(assignment, duedate=dt.datetime.now(dt.UTC).replace(tzinfo=None))
        for student in late:
            _submit(root, assignment, student, _answered(release, source, cohort[student], options), Path(scratch))
    return Demo(root, assignment, cohort)
