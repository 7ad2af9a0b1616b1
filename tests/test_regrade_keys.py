"""Issue 16 re-keyed and rewrote graded items: which answers now score differently, when a cohort submitted by
``nbgrader submit`` is autograded once with the assignments as they were (BEFORE) and once as they are now.

Each student's answers are values by answer name, put into each version's released notebook, submitted through
a real exchange and collected. The keys compared are read from each version's hidden tests, never written here.
``pytest tests/test_regrade_keys.py -s`` prints the table of every answer given, with its old and new score.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from support.checkout import NEEDS_CHECKOUT, REPO

from course.grading.build import copy_course
from course.grading.cohort import autograde_cohort
from course.grading.course_folder import gradebook_url
from course.grading.regions import HIDDEN, SOLUTION, region_lines

pytestmark = [pytest.mark.nbgrader, *NEEDS_CHECKOUT]

BEFORE = "1a1a780"  # main before issue 16 changed the graded keys
ASSIGNMENTS = ["risk_factors", "myths_and_facts"]
COURSE_ID = "secure-attachment"
# Answers a competent practitioner could defend that the review named, by answer name: they must not earn
# a share in the new version unless the new key is that answer.
DEFENSIBLE = {"risk_factors": {"q6_factors": ["none"]}}


def versions(assignment: str) -> dict[str, str]:
    """The assignment's source notebook text, before issue 16 and now."""
    path = f"assignments/{assignment}/{assignment}.ipynb"
    before = subprocess.run(["git", "show", f"{BEFORE}:{path}"], cwd=REPO, capture_output=True, text=True)
    if before.returncode:
        pytest.skip(f"commit {BEFORE} is not in this checkout")
    return {"before": before.stdout, "now": (REPO / path).read_text(encoding="utf-8")}


def _assigned(source: str) -> dict[str, object]:
    """``name = literal`` assignments in a piece of cell source, in order."""
    found = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            found[node.targets[0].id] = ast.literal_eval(node.value)
    return found


def keys(text: str) -> dict[str, tuple[str, object]]:
    """Each graded item's (answer name, key), read from its hidden test: the one ``score_*`` call's arguments."""
    notebook = nbformat.reads(text, as_version=4)
    items = {}
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        name = ast.parse(cell.source).body[0].value.args[0].value  # answer = check_choice("q1", ...)
        call = ast.parse("\n".join(region_lines(cell.source, HIDDEN))).body[-1].value
        items[meta["grade_id"]] = (name, ast.literal_eval(call.args[1]))
    return items


def solutions(text: str) -> dict[str, object]:
    """Every answer the version's own solution gives, by answer name."""
    notebook = nbformat.reads(text, as_version=4)
    found: dict[str, object] = {}
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code":
            found.update(_assigned("\n".join(region_lines(cell.source, SOLUTION))))
    return found


def cohort(assignment: str, texts: dict[str, str]) -> dict[str, dict[str, object]]:
    """The students' answers: the new solution, the old solution, and each other defensible answer."""
    new, old = solutions(texts["now"]), solutions(texts["before"])
    students = {"new-key": new, "old-key": {**new, **old}}
    for name, answer in DEFENSIBLE.get(assignment, {}).items():
        students[f"defends-{name}"] = {**new, name: answer}
    return students


def _filled(notebook, answers: dict[str, object]):
    """The released notebook with each answer cell's stub names set to the student's answers."""
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code":
            names = _assigned(cell.source)
            cell.source = "\n".join(f"{n} = {answers.get(n, stub)!r}" for n, stub in names.items())
    return notebook


def student_side(step: str, folder: Path, home: Path, assignment: str, student: str = "*") -> None:
    """``nbgrader fetch_assignment`` or ``nbgrader submit --student=...`` run in this process: the same
    exchange classes the commands build from their configuration, without a process start for each student."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeFactory
    from traitlets.config import Config

    config = Config()
    config.Exchange.root = str(folder / "exchange")
    config.Exchange.cache = str(folder / "cache")
    config.Exchange.assignment_dir = str(home)
    config.CourseDirectory.course_id = COURSE_ID
    config.CourseDirectory.assignment_id = assignment
    config.CourseDirectory.student_id = student
    home.mkdir(parents=True, exist_ok=True)
    factory = ExchangeFactory(config=config)
    getattr(factory, step)(coursedir=CourseDirectory(config=config), authenticator=Authenticator(config=config),
                           config=config).start()


def grade_version(folder: Path, assignment: str, text: str, students: dict[str, dict]) -> dict:
    """Release ``text`` as the assignment, let every student fetch, answer and ``nbgrader submit`` it, collect,
    autograde the cohort, and return each student's score for each item, from the gradebook. Generate,
    release and collect run through nbgrader's API with the course's nbgrader_config.py, and fetch and submit
    through nbgrader's exchange, in this process (the classes nbgrader's commands use, without a process start
    for each step); the cohort is autograded as `course autograde` does it."""
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    root = copy_course(REPO, folder / "course")
    (root / "assignments" / assignment / f"{assignment}.ipynb").write_text(text, encoding="utf-8")
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.Exchange.root = str(folder / "exchange")
    trainer = NbGraderAPI(CourseDirectory(config=config), config=config)

    def ok(result: dict) -> None:
        assert result["success"], result.get("error") or result.get("log")

    ok(trainer.generate_assignment(assignment, force=True))
    ok(trainer.release_assignment(assignment))
    fetched = folder / "fetched"
    student_side("FetchAssignment", folder, fetched, assignment)
    release = nbformat.read(fetched / assignment / f"{assignment}.ipynb", as_version=4)
    for student, answers in students.items():
        home = folder / "students" / student
        (home / assignment).mkdir(parents=True)
        nbformat.write(_filled(nbformat.from_dict(release), answers), home / assignment / f"{assignment}.ipynb")
        student_side("Submit", folder, home, assignment, student)
    ok(trainer.collect(assignment))
    outcomes = autograde_cohort(assignment, root, workers=2, progress=None)
    assert [o.status for o in outcomes] == ["graded"] * len(students), outcomes
    with Gradebook(gradebook_url(root)) as gb:
        return {s: {g.name: g.score for nb in gb.find_submission(assignment, s).notebooks for g in nb.grades
                    if g.cell.cell_type == "code"} for s in students}


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def regraded(request, tmp_path_factory):
    """(assignment, keys before and now, students' answers, scores before and now) for one assignment."""
    assignment = request.param
    texts = versions(assignment)
    students = cohort(assignment, texts)
    folder = tmp_path_factory.mktemp(f"regrade-{assignment}")
    with pytest.MonkeyPatch.context() as patch:  # the gradebook runs alembic, installed beside this Python
        patch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
        scores = {v: grade_version(folder / v, assignment, texts[v], students) for v in texts}
    return assignment, {v: keys(t) for v, t in texts.items()}, students, scores


def table(regraded) -> list[tuple[str, str, str, float | None, float]]:
    """Every (item, answer) the cohort gave: (assignment, item, answer, score before or None, score now)."""
    assignment, item_keys, students, scores = regraded
    rows = {}
    for item, (name, _) in item_keys["now"].items():
        for student, answers in students.items():
            before = scores["before"][student].get(item)
            rows[(item, repr(answers[name]))] = (assignment, item, repr(answers[name]), before,
                                                 scores["now"][student][item])
    return list(rows.values())


def test_the_answers_that_move_are_exactly_the_items_whose_key_or_case_changed(regraded):
    """Graded before and after issue 16: does each version give its own key full marks, and does the old key
    score differently now exactly on the items whose hidden key changed (and nowhere else)?"""
    assignment, item_keys, students, scores = regraded
    print(f"\n{assignment}: item | answer | before | now")
    for _, item, answer, before, now in table(regraded):
        mark = "  <- moved" if before is not None and before != now else ""
        print(f"  {item} | {answer} | {'(new item)' if before is None else f'{before:g}'} | {now:g}{mark}")
    rekeyed = {item for item, key in item_keys["now"].items()
               if item in item_keys["before"] and item_keys["before"][item][1] != key[1]}
    moved = {item for item in item_keys["now"] if item in scores["before"]["old-key"]
             and scores["before"]["old-key"][item] != scores["now"]["old-key"][item]}
    assert rekeyed and moved == rekeyed
    for version in ("before", "now"):
        student = "new-key" if version == "now" else "old-key"
        full = {item: key for item, key in item_keys[version].items()}
        assert all(scores[version][student][item] > 0 for item in full), scores[version][student]


def test_an_answer_the_review_called_defensible_is_not_credited_against_the_key_now(regraded):
    """Nadia's case was rewritten rather than re-keyed: does 'none' still earn nothing (the key is unchanged
    and the case no longer supports earned security), while the key earns the item's points?"""
    assignment, item_keys, students, scores = regraded
    for name, answer in DEFENSIBLE.get(assignment, {}).items():
        (item,) = [i for i, (n, _) in item_keys["now"].items() if n == name]
        assert item_keys["now"][item][1] != answer and item_keys["now"][item] == item_keys["before"][item]
        assert scores["now"][f"defends-{name}"][item] == 0 and scores["now"]["new-key"][item] > 0
