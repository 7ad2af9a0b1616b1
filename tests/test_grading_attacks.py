"""The attacks a hostile student tried (issue 10), each one a submission in one cohort beside honest students,
every one made by a real ``nbgrader submit`` and collected by plain ``nbgrader collect`` (the course's collect),
then graded twice: by ``course autograde`` and by plain ``nbgrader autograde`` with the course's settings.

Each attacker answers the first case right and leaves the rest as released, then adds the attack. A twin
submits the same literal answers with no attack, so "no higher than its literal answers earn" is measured,
not assumed. The answers come from the source notebook, so no key or question is written here.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import signal
import time
from pathlib import Path

import nbformat
import pytest
from support.grading import answered, autograde_with_log, released_course, submitted_cohort, submitted_hashes

from course.grading.cohort import autograde_cohort
from course.grading.course_folder import gradebook_url
from course.grading.feedback import generate_feedback
from course.grading.leaks import find_leaks, key_statements, keys_in
from course.grading.nbgrader_run import nbgrader

pytestmark = pytest.mark.nbgrader

ASSIGNMENT = "risk_factors"
MARKER = "attack-marker-7f3a"
HONEST = ["honest-amal", "honest-bea", "honest-cory"]
LATE = 2  # seconds a detached attacker waits before it strikes (after its cell, while others are graded)

REBIND = ("import course.grading.answers as a\n"
          "a.score_choice = lambda *args, **kwargs: float(kwargs.get('points', 1))\n"
          "a.score_ids = lambda *args, **kwargs: float(kwargs.get('points', 2))")
DETACHED = f"""
import os, subprocess, sys, textwrap
script = textwrap.dedent('''
    import sqlite3, sys, time, glob, os
    time.sleep({LATE})
    db = sqlite3.connect(os.path.abspath("../../../gradebook.db"))
    db.execute("UPDATE grade SET auto_score = 99")
    db.commit()
    for folder in ("submitted", "autograded"):
      for path in glob.glob("../../../" + folder + "/honest-*/*/*.ipynb"):
          open(path, "w").write("{{}}")
''')
subprocess.Popen([sys.executable, "-c", script, "{MARKER}"], start_new_session=True,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
"""
THIEF = """
import glob, os, sqlite3
reads = [lambda: open("../../../assignments/risk_factors/risk_factors.ipynb").read(),
         lambda: str(sqlite3.connect("../../../gradebook.db").execute("SELECT source FROM source_cell").fetchall())]
reads += [lambda path=path: open(path).read() for path in glob.glob("*.ipynb")]  # a graded copy has hidden tests
key = ""
for read in reads:
    try:
        key += read()
    except Exception as error:
        print("Error", type(error).__name__)
print("\\n".join(line for line in key.splitlines() if "score_" in line))  # short enough to survive LimitOutput
for folder in glob.glob("../../../exchange/*/outbound/*"):
    open(os.path.join(folder, "key.txt"), "w").write(key)
"""


def _code_cell(source: str):
    return nbformat.v4.new_code_cell(source)


def _first_answer(notebook):
    return next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution")
                and c.cell_type == "code")


def attacks(release, source) -> dict[str, object]:
    """Each attacker's submission: a notebook, or (notebook, {path: text}) for files shipped beside it."""
    good = answered(release, source)
    literal = copy.deepcopy(release)
    first = _first_answer(literal)
    first.source = _first_answer(good).source

    def in_answer(code: str):
        notebook = copy.deepcopy(literal)
        _first_answer(notebook).source += "\n" + code
        return notebook

    def in_extra_cell(code: str):
        notebook = copy.deepcopy(literal)
        notebook.cells.insert(notebook.cells.index(_first_answer(notebook)) + 1, _code_cell(code))
        return notebook

    forged = in_extra_cell("pass  # full marks, says my metadata")
    forged_cell = forged.cells[forged.cells.index(_first_answer(forged)) + 1]
    forged_cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "points": 50,
                                        "grade_id": "forged-test", "schema_version": 3}

    shipped = {"course/__init__.py": "", "course/grading/__init__.py": "",
               "course/grading/answers.py": "def check_ids(*a, **k): return 1\ndef check_choice(*a, **k): return 1\n"
                                            "def score_ids(*a, **k): return 2.0\ndef score_choice(*a, **k): "
                                            "return 1.0\ndef show_choices(**k): return None\n"}
    return {
        "twin": literal,
        "attack-rebind-scorer": in_answer(REBIND),
        "attack-swap-module": in_answer(
            "import sys, types\nfake = types.ModuleType('course.grading.answers')\n"
            "fake.__dict__.update(vars(sys.modules['course.grading.answers']))\n"
            "fake.score_choice = lambda *a, **k: 1.0\nsys.modules['course.grading.answers'] = fake"),
        "attack-import-hook": in_answer(
            "import builtins\nreal = builtins.__import__\n"
            "def hooked(name, *args, **kwargs):\n    module = real(name, *args, **kwargs)\n"
            "    if hasattr(module, 'score_ids'):\n        module.score_ids = lambda *a, **k: 2.0\n"
            "    return module\nbuiltins.__import__ = hooked"),
        "attack-float-formatter": in_answer(
            "get_ipython().display_formatter.formatters['text/plain'].for_type(float, "
            "lambda value, printer, cycle: printer.text('full marks'))"),
        "attack-extra-cell": in_extra_cell(REBIND),
        "attack-magic": in_answer("%time exec(" + repr(REBIND) + ")"),
        "attack-shell": in_answer("!echo " + MARKER),
        "attack-shipped-module": (literal, shipped),
        "attack-detached-process": in_answer(DETACHED),
        "attack-key-thief": in_extra_cell(THIEF),
        "attack-forged-grade-cell": forged,
    }


def _scores(root: Path) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(root)) as gb:
        return {s.student.id: s.score for s in gb.assignment_submissions(ASSIGNMENT)}


def _files(root: Path, folder: str, students) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for s in students for p in sorted((root / folder / s).rglob("*")) if p.is_file()}


def _exchange(root: Path) -> dict[str, str]:
    """Every file in the exchange (released assignment, students' submissions), with its SHA-256."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "exchange").rglob("*")) if p.is_file()}


def _marked_processes() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and MARKER.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            pass
    return [pid for pid in found if pid != os.getpid()]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The attack cohort, released once, submitted by each student with `nbgrader submit` (the shipped module in
    the student's folder beside the notebook) and collected by `nbgrader collect`: (root, release, source, the
    attacks)."""
    root, release, source = released_course(tmp_path_factory.mktemp("attacks"), ASSIGNMENT)
    good = answered(release, source)
    corpus = attacks(release, source)
    notebooks = {student: copy.deepcopy(good) for student in HONEST}
    notebooks |= {student: a[0] if isinstance(a, tuple) else a for student, a in corpus.items()}
    shipped = {student: a[1] for student, a in corpus.items() if isinstance(a, tuple)}
    assert submitted_cohort(root, ASSIGNMENT, notebooks, files=shipped) == []  # nothing for collect to refuse
    assert (root / "submitted" / "attack-shipped-module" / ASSIGNMENT / "course" / "grading" / "answers.py").is_file()
    return root, release, source, corpus


def _graded(root: Path, grade) -> dict:
    """Grade with ``grade(root)``, wait for anything detached to strike, and collect what changed."""
    submitted_before, exchange_before = submitted_hashes(root), _exchange(root)
    lines = grade(root)
    scores_now = _scores(root)
    honest_graded = _files(root, "autograded", HONEST)
    time.sleep(LATE + 2)
    return {"lines": lines, "scores": scores_now, "scores_later": _scores(root),
            "submitted": (submitted_before, submitted_hashes(root)),
            "honest_graded": (honest_graded, _files(root, "autograded", HONEST)),
            "processes": _marked_processes(),
            "exchange": (exchange_before, _exchange(root))}


def _by_course_autograde(root: Path) -> list[str]:
    return autograde_with_log(ASSIGNMENT, root)[1]


def _by_plain_nbgrader(root: Path) -> list[str]:
    return _by_plain_nbgrader_with(root)


def _by_plain_nbgrader_with(root: Path, *args: str) -> list[str]:
    result = nbgrader(["autograde", ASSIGNMENT, "--force", *args], root, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:]
    return [line for line in result.stdout.splitlines() if "WARNING" in line and "student '" in line]


@pytest.fixture(scope="module", params=["course autograde", "nbgrader autograde"])
def graded(request, course):
    root = course[0]
    run = _graded(root, _by_course_autograde if request.param == "course autograde" else _by_plain_nbgrader)
    for pid in run["processes"]:  # never leave one behind, even when the test is about to fail
        os.kill(pid, signal.SIGKILL)
    return course, run


def test_every_attack_earns_exactly_what_its_literal_answers_earn(graded):
    """Does each attacker score what the same literal answers score with no attack (and less than full)?"""
    (root, *_), run = graded
    scores = run["scores"]
    attackers = [s for s in scores if s.startswith("attack-")]
    assert len(attackers) == 11
    full = scores[HONEST[0]]
    assert 0 < scores["twin"] < full
    assert {s: scores[s] for s in attackers} == {s: scores["twin"] for s in attackers}


def test_a_forged_grade_cell_earns_nothing(graded):
    """Does a cell the student added with grade-cell metadata (50 points) add no grade and no points?"""
    from nbgrader.api import Gradebook

    (root, *_), run = graded
    with Gradebook(gradebook_url(root)) as gb:
        forged = gb.find_submission(ASSIGNMENT, "attack-forged-grade-cell")
        assert "forged-test" not in {g.name for nb in forged.notebooks for g in nb.grades}
        assert forged.max_score == gb.find_submission(ASSIGNMENT, HONEST[0]).max_score
    assert run["scores"]["attack-forged-grade-cell"] == run["scores"]["twin"]


def test_honest_students_grades_and_files_are_untouched(graded):
    """Do the honest students keep full marks, before and after any detached attack, and are their submitted
    and graded files byte for byte the same?"""
    (root, *_), run = graded
    with_solution = {s: run["scores"][s] for s in HONEST}
    assert len(set(with_solution.values())) == 1
    assert run["scores_later"] == run["scores"]
    assert run["submitted"][0] == run["submitted"][1]
    assert run["honest_graded"][0] == run["honest_graded"][1] and run["honest_graded"][0]


def test_no_attack_leaves_a_process_or_writes_to_the_exchange(graded):
    """After grading, is no attacker's process alive, and is every file in the exchange as it was?"""
    _, run = graded
    assert run["processes"] == []
    assert run["exchange"][0] == run["exchange"][1] and run["exchange"][0]


def test_each_attacker_is_named_in_a_log_line_and_no_honest_student_is(graded):
    """Is there a log line naming each attacker with what was ignored, and none naming an honest student (the
    twin's only lines are about its unanswered items)?"""
    (root, _, _, corpus), run = graded

    def flags(student):
        return [line for line in run["lines"] if f"'{student}'" in line and "wrong form" not in line]

    for student in corpus:
        if student.startswith("attack-"):
            assert [line for line in flags(student) if "not run" in line or "never used" in line], student
    assert [line for s in HONEST + ["twin"] for line in flags(s)] == []


def test_the_thiefs_feedback_holds_no_key(graded):
    """Does the key thief's feedback (generated through the course's runner) show no key and no hidden test?"""
    (root, *_), _ = graded
    result = generate_feedback(ASSIGNMENT, root, student="attack-key-thief")
    assert result.returncode == 0, result.stdout[-2000:]
    feedback = root / "feedback" / "attack-key-thief" / ASSIGNMENT
    assert list(feedback.glob("*.html"))
    assert find_leaks(feedback, sorted((root / "assignments" / ASSIGNMENT).glob("*.ipynb")), solutions=False) == []


def test_a_change_during_grading_stops_the_run_names_the_student_and_blocks_feedback(course, monkeypatch):
    """If a classmate's submission changes while one student is graded, does `course autograde` stop with the
    classmate named, and does feedback stay blocked until the alert is removed?"""
    from course.grading import cohort
    from course.grading.nbgrader_run import GradingError
    from course.grading.tamper import alert_file

    root = course[0]
    victim = root / "submitted" / HONEST[-1] / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    original = victim.read_bytes()
    grade = cohort._run_nbgrader

    def grade_and_tamper(*args, **kwargs):
        victim.write_bytes(original + b" ")
        return grade(*args, **kwargs)

    monkeypatch.setattr(cohort, "_run_nbgrader", grade_and_tamper)
    try:
        with pytest.raises(cohort.TamperDetected, match=HONEST[-1]):
            autograde_cohort(ASSIGNMENT, root, students=["twin"], progress=None)
        assert HONEST[-1] in alert_file(root, ASSIGNMENT).read_text()
        with pytest.raises(GradingError, match=f"changed after `nbgrader collect` \\(student '{HONEST[-1]}'\\)"):
            generate_feedback(ASSIGNMENT, root)
    finally:
        victim.write_bytes(original)
        alert_file(root, ASSIGNMENT).unlink(missing_ok=True)


def test_with_students_outputs_shown_the_attacks_run_only_in_the_sandbox(course):
    """With ShowStudentOutputs on, does each attack run (its output is shown) yet earn what the twin earns,
    leave honest students' grades, files and the exchange alone, and leave no process behind?"""
    from course.grading.nbgrader.sandbox import SandboxUnavailable, require_sandbox

    try:
        require_sandbox()
    except SandboxUnavailable as error:
        pytest.skip(f"no sandbox here: {error}")
    root = course[0]
    chosen = ["twin", "attack-shell", "attack-detached-process", "attack-key-thief"]
    others = sorted(p.name for p in (root / "submitted").iterdir() if p.name not in chosen)
    run = _graded(root, lambda r: _by_plain_nbgrader_with(
        r, "--ShowStudentOutputs.enabled=True", f"--CourseDirectory.student_id_exclude={','.join(others)}"))
    for pid in run["processes"]:
        os.kill(pid, signal.SIGKILL)
    scores = run["scores"]
    assert {s: scores[s] for s in chosen} == {s: scores["twin"] for s in chosen}
    graded = nbformat.read(root / "autograded" / "attack-shell" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    assert MARKER in json.dumps([c.get("outputs", []) for c in graded.cells])
    thief = root / "autograded" / "attack-key-thief" / ASSIGNMENT
    shown = "".join(_output_text(o) for c in nbformat.read(thief / f"{ASSIGNMENT}.ipynb", 4).cells
                    if c.get("metadata", {}).get("nbgrader", {}).get("grade") is not True for o in c.get("outputs", []))
    assert "Error" in shown  # it ran, and failed to reach the key
    keys = key_statements(root / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", solutions=False)
    assert keys and keys_in(shown, keys) == []
    assert run["scores_later"] == scores and run["processes"] == [] and run["exchange"][0] == run["exchange"][1]
    assert run["submitted"][0] == run["submitted"][1]


def _output_text(output) -> str:
    data = output.get("data", {})
    return "".join([output.get("text", ""), output.get("ename", ""), output.get("evalue", ""),
                    *output.get("traceback", []), str(data.get("text/plain", ""))])
