"""The nbgrader pipeline end to end, in temporary course folders: generate, leak-check, self-grade, validate,
the local exchange round trip, feedback that hides the hidden tests, and grade export.

Nothing is written into the repository: each course is a copy of assignments/ and nbgrader_config.py.
"""

from __future__ import annotations

import csv
import getpass
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from support.grading import answered
from traitlets.config.loader import PyFileConfigLoader

from course.grading.build import build_assignment, copy_course
from course.grading.cohort import autograde_cohort
from course.grading.course_folder import gradebook_url
from course.grading.feedback import HideHiddenTests, item_verdict
from course.grading.leaks import find_leaks, secret_lines
from course.grading.nbgrader_run import nbgrader
from course.grading.regions import HIDDEN, MARKERS, region_lines

REPO = Path(__file__).resolve().parent.parent
ASSIGNMENTS = ["risk_factors", "myths_and_facts"]
COURSE_ID = "secure-attachment"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def notebook_path(root: Path, folder: str, name: str, *parts: str) -> Path:
    return root.joinpath(folder, *parts, name, f"{name}.ipynb")


def grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def points(name: str) -> tuple[float, float]:
    """(autograded points, all points) the assignment's source gives, from its cells' nbgrader metadata."""
    cells = nbformat.read(notebook_path(REPO, "assignments", name), 4).cells
    graded = [c.metadata["nbgrader"] for c in cells if c.metadata.get("nbgrader", {}).get("points")]
    auto = sum(m["points"] for m in graded if not m.get("task"))
    return auto, sum(m["points"] for m in graded)


def ok(result) -> str:
    assert result.returncode == 0, result.stdout[-3000:]
    return result.stdout


# -------------------------------------------------------------------------------- settings (no nbgrader run)

def load_config():
    return PyFileConfigLoader("nbgrader_config.py", path=str(REPO)).load_config()


def test_config_sets_what_grading_needs():
    """Does nbgrader_config.py set the source folder, a timeout, restoring cells, and output limits?"""
    config = load_config()
    assert config.CourseDirectory.source_directory == "assignments"
    assert 0 < config.Execute.timeout <= 120 and config.Execute.interrupt_on_timeout is True
    assert config.OverwriteCells.add_missing_cells is True
    assert config.LimitOutput.max_lines > 0 and config.LimitOutput.max_traceback > 0
    assert "course.grading.feedback.HideHiddenTests" in config.GenerateFeedback.preprocessors
    grading = config.Autograde.autograde_preprocessors
    assert "course.grading.nbgrader.static_grading.GradeLiterals" in grading
    assert not [p for p in grading if p.endswith(".Execute")] and config.ShowStudentOutputs.enabled is False


def test_every_setting_has_a_comment():
    """Is each group of settings in nbgrader_config.py preceded by a comment saying why?"""
    lines = (REPO / "nbgrader_config.py").read_text(encoding="utf-8").splitlines()
    firsts = [i for i, line in enumerate(lines) if line.startswith("c.") and not lines[i - 1].startswith("c.")]
    assert len(firsts) >= 8
    assert [lines[i] for i in firsts if not lines[i - 1].startswith("#")] == []


def test_a_warning_on_stderr_in_a_test_cell_does_not_cost_the_point():
    """With the course's settings, is a warning on stderr dropped before scoring, while a real error still fails?"""
    from nbgrader.preprocessors import IgnorePattern
    from nbgrader.utils import determine_grade

    meta = {"nbgrader": {"grade": True, "solution": False, "points": 1, "grade_id": "t"}}
    warned = nbformat.v4.new_code_cell("check()", metadata=meta)
    warned.outputs = [nbformat.v4.new_output("stream", name="stderr",
                                             text="<ipython>:3: DeprecationWarning: old\n  warnings.warn(x)\n")]
    failed = nbformat.v4.new_code_cell("check()", metadata=meta)
    failed.outputs = [nbformat.v4.new_output("error", ename="AnswerFormatError", evalue="q1 ...", traceback=[])]
    ignore = IgnorePattern(config=load_config())
    assert determine_grade(ignore.preprocess_cell(warned, {}, 0)[0]) == (1, 1)
    assert determine_grade(ignore.preprocess_cell(failed, {}, 0)[0]) == (0, 1)


def test_feedback_cells_keep_the_verdict_and_the_format_message_but_not_the_hidden_test():
    """Does the feedback filter drop hidden lines and tracebacks, keep format messages, and add a verdict?"""
    meta = {"nbgrader": {"grade": True, "solution": False, "points": 2.0, "score": 0.0, "grade_id": "t"}}
    cell = nbformat.v4.new_code_cell('answer = check_ids("q1", X)\n### BEGIN HIDDEN TESTS\nscore_ids(answer, '
                                     '["secret-key"], points=2)\n### END HIDDEN TESTS', metadata=meta)
    cell.outputs = [nbformat.v4.new_output("error", ename="AnswerFormatError", evalue="q1 is empty",
                                           traceback=["long", "traceback"]),
                    nbformat.v4.new_output("error", ename="NameError", evalue="secret-key", traceback=["x"])]
    notebook, _ = HideHiddenTests()(nbformat.v4.new_notebook(cells=[cell]), {})
    (cell,) = notebook.cells
    assert cell.source == 'answer = check_ids("q1", X)'
    assert [(o.output_type, o.get("traceback", o.get("text"))) for o in cell.outputs] == [
        ("error", ["AnswerFormatError: q1 is empty"]), ("stream", "✗ Not right: earned 0 of 2 points.\n")]
    assert item_verdict(1, 2) == "◐ Partly right: earned 1 of 2 points."
    assert item_verdict(1, 1) == "✓ Right: earned 1 of 1 point."


def test_leak_check_finds_a_hidden_line_and_a_marker(tmp_path):
    """Does the leak check report a released file that shows a hidden test line or an nbgrader marker?"""
    source = REPO / "assignments" / "myths_and_facts" / "myths_and_facts.ipynb"
    hidden = sorted(secret_lines(source, solutions=False))[0]
    (tmp_path / "leaky.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(f"x = 1\n{hidden}"), nbformat.v4.new_markdown_cell("=== END MARK SCHEME ===")])))
    (tmp_path / "clean.html").write_text("<p>nothing to see</p>")
    leaks = find_leaks(tmp_path, [source])
    assert {(leak.file.name, leak.what.split(" ")[0]) for leak in leaks} == {("leaky.ipynb", "secret"),
                                                                            ("leaky.ipynb", "nbgrader")}


def test_trainer_commands_say_what_to_do_when_the_course_is_not_ready(tmp_path, capsys):
    """Before any build, do autograde and export stop with the command to run first, not a traceback?"""
    from course.cli import main

    copy_course(REPO, tmp_path)
    assert main(["export", "risk_factors", "--course", str(tmp_path)]) == 1
    assert main(["autograde", "risk_factors", "--course", str(tmp_path)]) == 1
    said = capsys.readouterr().err.splitlines()
    assert len(said) == 2 and all("course build risk_factors" in line for line in said), said
    assert said[0].startswith("course export: ") and said[1].startswith("course autograde: "), said


def test_an_nbgrader_run_past_its_time_limit_is_stopped(tmp_path):
    """Is an nbgrader run that outlasts its limit stopped (with its process group) rather than waited for?"""
    import subprocess
    import time

    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        nbgrader(["--version"], tmp_path, timeout=0.01)
    assert time.monotonic() - started < 5


# ----------------------------------------------------------------------------------- generate and self-grade

@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course with both assignments built (their solutions self-graded in a temporary course, the student
    versions generated and leak-checked), and a blank student copy of each submitted and autograded."""
    root = copy_course(REPO, tmp_path_factory.mktemp("course"))
    checks = {}
    for name in ASSIGNMENTS:
        checks[name], leaks = build_assignment(name, root)
        assert leaks == []
        submission = root / "submitted" / "blank" / name
        submission.mkdir(parents=True)
        shutil.copy(notebook_path(root, "release", name), submission)
        assert [o.status for o in autograde_cohort(name, root, progress=None)] == ["graded"]
    return root, checks


@pytest.mark.nbgrader
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_release_holds_no_solution_hidden_test_or_mark_scheme(course, name):
    """Does every released file lack the markers and every hidden-test, solution and mark-scheme line?"""
    root, _ = course
    source = notebook_path(root, "assignments", name)
    release = root / "release" / name
    assert sorted(p.name for p in release.iterdir()) == [f"{name}.ipynb"]
    secrets = secret_lines(source)
    text = (release / f"{name}.ipynb").read_text(encoding="utf-8")
    assert len(secrets) > 20
    assert [m for m in MARKERS if m in text] == []
    hidden = {line.strip() for cell in nbformat.read(source, 4).cells for line in region_lines(cell.source, HIDDEN)}
    assert [line for line in hidden if line and line in text] == []
    assert find_leaks(release, [source]) == []


@pytest.mark.nbgrader
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_the_solution_earns_full_autograded_marks(course, name):
    """Does the build find that the source (solution) version earns every autograded point, item by item?"""
    _, checks = course
    check = checks[name]
    assert check.items and all(score == points for score, points in check.items.values()), check.items
    assert check.max_score == points(name)[0] == sum(p for _, p in check.items.values())


@pytest.mark.nbgrader
def test_build_refuses_an_assignment_whose_solution_loses_points(tmp_path, capsys):
    """Does `course build` stop, naming the item, when the solution in the source would not earn full marks?"""
    from course.cli import main

    repo = copy_course(REPO, tmp_path / "repo")
    path = notebook_path(repo, "assignments", "myths_and_facts")
    notebook = nbformat.read(path, 4)
    answer = next(c for c in notebook.cells if grade_id(c) == "answer-q2")
    key = re.search(r'q2 = "(\w+)"\n### END', answer.source).group(1)
    wrong = {"myth": "fact", "fact": "myth"}[key]
    answer.source = answer.source.replace(f'q2 = "{key}"\n### END', f'q2 = "{wrong}"\n### END')
    nbformat.write(notebook, path)
    assert main(["build", "myths_and_facts", "--course", str(repo)]) == 1
    assert "does not earn full marks: myths_and_facts:test-q2 0/1" in capsys.readouterr().err
    assert not (repo / "release").exists()


@pytest.mark.nbgrader
def test_the_blank_release_scores_zero(course):
    """Does an unanswered student copy score zero autograded points on every item of both assignments?"""
    from nbgrader.api import Gradebook

    root, _ = course
    with Gradebook(gradebook_url(root)) as gb:
        for name in ASSIGNMENTS:
            submission = gb.find_submission(name, "blank")
            autograded = [g.auto_score for nb in submission.notebooks for g in nb.grades if g.cell.cell_type == "code"]
            assert len(autograded) >= 12 and set(autograded) == {0}
            assert submission.code_score == 0 and submission.max_code_score > 0


@pytest.mark.nbgrader
def test_validate_passes_a_correct_copy_and_explains_a_badly_formatted_one(course, tmp_path):
    """Does nbgrader validate pass a well-answered copy and show the plain-English format message otherwise? Run
    as a student runs it, outside the course folder, is it free of the two warnings the course's environment
    silences ("No nbgrader_config.py file found", the kernel "running over TCP" on 127.0.0.1)?"""
    root, _ = course
    release = nbformat.read(notebook_path(root, "release", "myths_and_facts"), 4)
    source = nbformat.read(notebook_path(root, "assignments", "myths_and_facts"), 4)
    good, bad = tmp_path / "good.ipynb", tmp_path / "bad.ipynb"
    nbformat.write(answered(release, source), good)
    nbformat.write(answered(release, source, answer_q3='q3 = "Myth?"'), bad)
    said = ok(nbgrader(["validate", str(good)], tmp_path))
    assert "Success! Your notebook passes all the tests." in said
    assert "No nbgrader_config.py" not in said and "running over TCP" not in said, said
    failed = ANSI.sub("", nbgrader(["validate", str(bad)], root).stdout)
    assert "VALIDATION FAILED ON 1 CELL(S)!" in failed
    assert "q3 should be 'myth' or 'fact' — you wrote 'Myth?'." in failed


@pytest.mark.nbgrader
def test_nbgraders_default_feedback_would_show_hidden_tests(course, capsys):
    """Without the course's feedback filter, does nbgrader's feedback show hidden test code, and does
    `course leak-check` catch it?"""
    from course.cli import main

    root, _ = course
    default = '--GenerateFeedback.preprocessors=["nbgrader.preprocessors.GetGrades"]'
    ok(nbgrader(["generate_feedback", "risk_factors", "--student=blank", "--force", default], root))
    feedback = root / "feedback" / "blank" / "risk_factors"
    assert find_leaks(feedback, [notebook_path(root, "assignments", "risk_factors")], solutions=False)
    assert main(["leak-check", "risk_factors", "--course", str(root)]) == 1
    assert "feedback/blank/risk_factors/risk_factors.html: secret line" in capsys.readouterr().err


# ------------------------------------------------------------------------------------ the exchange round trip

@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    """risk_factors released, fetched, answered and submitted by a student, then collected, autograded,
    given feedback that is released and fetched, and exported: (course root, student folder, student id)."""
    from course.cli import main

    root = copy_course(REPO, tmp_path_factory.mktemp("trainer"))
    home = tmp_path_factory.mktemp("student")
    exchange = [f"--Exchange.root={root / 'exchange'}"]
    student = [*exchange, f"--course={COURSE_ID}"]
    ok(nbgrader(["generate_assignment", "risk_factors"], root))
    ok(nbgrader(["release_assignment", "risk_factors", *exchange], root))
    ok(nbgrader(["fetch_assignment", "risk_factors", *student], home))
    fetched = notebook_path(home, ".", "risk_factors")
    source = nbformat.read(notebook_path(root, "assignments", "risk_factors"), 4)
    nbformat.write(answered(nbformat.read(fetched, 4), source,
                            answer_q1='q1_factors = ["none"]\nq1_next = "call-999"',
                            answer_q3='q3_factors = ["emotional-problems"]\nq3_next = "fuller-assessment"'), fetched)
    ok(nbgrader(["submit", "risk_factors", *student], home))
    ok(nbgrader(["collect", "risk_factors", *exchange], root))
    assert main(["autograde", "risk_factors", "--course", str(root)]) == 0
    assert main(["feedback", "risk_factors", "--course", str(root)]) == 0
    ok(nbgrader(["release_feedback", "risk_factors", *exchange], root))
    ok(nbgrader(["fetch_feedback", "risk_factors", *student], home))
    return root, home, getpass.getuser()


@pytest.mark.nbgrader
def test_round_trip_grades_the_submitted_answers(round_trip):
    """After release, fetch, submit, collect and autograde, does the gradebook hold the student's item scores?"""
    from nbgrader.api import Gradebook

    root, _, student = round_trip
    with Gradebook(gradebook_url(root)) as gb:
        submission = gb.find_submission("risk_factors", student)
        scores = {g.name: g.score for nb in submission.notebooks for g in nb.grades}
        assert submission.code_score == points("risk_factors")[0] - 1 - 1 and submission.needs_manual_grade
    assert scores["test-q1-next"] == 0 and scores["test-q3-factors"] == 1 and scores["test-q2-factors"] == 2


@pytest.mark.nbgrader
def test_fetched_feedback_says_how_each_item_went_without_hidden_tests(round_trip):
    """Does the student's fetched feedback give a verdict per item and show no hidden test or mark scheme?"""
    root, home, _ = round_trip
    (html,) = (home / "risk_factors" / "feedback").rglob("risk_factors.html")
    text = html.read_text(encoding="utf-8")
    assert text.count("✓ Right: earned 2 of 2 points.") == 5
    assert "✗ Not right: earned 0 of 1 point." in text and "◐ Partly right: earned 1 of 2 points." in text
    assert find_leaks(html.parent, [notebook_path(root, "assignments", "risk_factors")], solutions=False) == []
    assert "Mark scheme" not in text and "score_ids" not in text


@pytest.mark.nbgrader
def test_grades_export_one_row_per_student_with_each_item(round_trip, tmp_path):
    """Does `course export` refuse while the written answer awaits a mark, then (--allow-unmarked) write each item's
    score with the total left empty rather than wrong, and does nbgrader's export still work?"""
    from course.cli import main

    root, _, student = round_trip
    out = tmp_path / "grades.csv"
    assert main(["export", "risk_factors", "--course", str(root), "--output", str(out)]) == 1 and not out.exists()
    assert main(["export", "risk_factors", "--course", str(root), "--output", str(out), "--allow-unmarked"]) == 0
    (row,) = list(csv.DictReader(out.open(encoding="utf-8")))
    assert row["student"] == student and row["score"] == "" and float(row["max_score"]) == points("risk_factors")[1]
    assert row["needs_manual_grade"] == "True"
    assert row["test-q1-next (/1)"] == "0" and row["test-q2-factors (/2)"] == "2"
    assert row["task-raise-concern (/4)"] == ""
    ok(nbgrader(["export", f"--to={tmp_path / 'nbgrader.csv'}"], root))
    assert student in (tmp_path / "nbgrader.csv").read_text()
