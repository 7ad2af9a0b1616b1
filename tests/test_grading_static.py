"""The pieces of safe grading that need no nbgrader run: what counts as a plain answer, the course's cells run
with literal answers, refusing unsafe settings, tamper evidence and the key search in what students receive."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from course.grading import tamper
from course.grading.cohort import require_static_grading
from course.grading.feedback import generate_feedback
from course.grading.leaks import find_leaks, key_statements
from course.grading.nbgrader.static_grading import run_trusted_cell
from course.grading.nbgrader_run import GradingError
from course.grading.plain_answers import NOT_PLAIN, answer_names, read_answer_cell, read_answers

REPO = Path(__file__).resolve().parent.parent
SOURCES = sorted((REPO / "assignments").glob("*/*.ipynb"))


def test_literal_answers_are_read_and_nothing_else_counts():
    """Are `name = literal` lines read as values, and every other statement reported as extra, never a value?"""
    cell = read_answer_cell('q1 = ["a", "b"]\nq2 = "x"\nimport os\nscore = 1\nprint(q1)', names={"q1", "q2"})
    assert cell.answers == {"q1": ["a", "b"], "q2": "x"}
    assert cell.extra == ["import os", "score = 1", "print(q1)"] and not cell.plain


def test_magics_and_shell_lines_are_extra_code_not_a_parse_failure():
    """Is a `%magic` or `!shell` line flagged as extra code while the literal answer beside it still counts?"""
    cell = read_answer_cell('q1 = "a"\n%time q2 = "b"\n!ls', names={"q1", "q2"})
    assert cell.answers == {"q1": "a"} and cell.syntax_error is None
    assert len(cell.extra) == 2 and all("get_ipython()" in line for line in cell.extra)


def test_an_answer_last_given_code_has_no_value():
    """Does an answer whose last assignment is not a literal have no value, even after a literal one?"""
    cell = read_answer_cell('q1 = "a"\nq1 = "a".upper()', names={"q1"})
    assert cell.answers == {} and cell.not_plain == {"q1"}
    assert read_answers(['q1 = "a"\nq1 = "a".upper()', 'q2 = ("b"']) == {"q1": NOT_PLAIN, "q2": NOT_PLAIN}


def test_a_cell_that_does_not_parse_gives_no_answers():
    """Does a syntax error give no answers and say what it is (as a kernel would run none of the cell)?"""
    cell = read_answer_cell('q1 = "a"\nq2 = ["b"', names={"q1", "q2"})
    assert cell.answers == {} and "SyntaxError" in cell.syntax_error


def test_answer_names_come_from_the_released_stub():
    """Are the names a student may set read from the stub the answer cell is released with?"""
    assert answer_names('q1_factors = []\nq1_next = ""\n# ↑ Type your answers above') == {"q1_factors", "q1_next"}


def test_a_course_cell_runs_with_the_answers_and_reports_its_score_and_errors():
    """Does a trusted cell's last value become the score output, and an error an error output, as in a kernel?"""
    namespace = {"q1": "myth"}
    (result,) = run_trusted_cell("points = 2\n1.5 if q1 == 'myth' else 0", namespace)
    assert result.output_type == "execute_result" and float(result.data["text/plain"]) == 1.5
    printed, error = run_trusted_cell("print('checked')\nq9", namespace)
    assert printed.text == "checked\n" and error.ename == "NameError"


def test_settings_that_would_run_student_code_are_refused(tmp_path):
    """Does `course autograde` refuse a course whose nbgrader settings execute notebooks to grade them?"""
    (tmp_path / "nbgrader_config.py").write_text(
        "c = get_config()\nc.Autograde.autograde_preprocessors = ['nbgrader.preprocessors.Execute', "
        "'course.grading.nbgrader.static_grading.GradeLiterals']\n")
    with pytest.raises(GradingError, match="Execute"):
        require_static_grading(tmp_path)
    (tmp_path / "nbgrader_config.py").write_text((REPO / "nbgrader_config.py").read_text())
    require_static_grading(tmp_path)


def test_a_change_names_the_student_and_blocks_feedback(tmp_path):
    """Does a changed submission or gradebook row name its student, and does an alert stop feedback?"""
    before = tamper.Snapshot({"submitted/ana/a/a.ipynb": "1", "exchange/outbound/a/a.ipynb": "2"},
                             {"ben/a/nb/q1": (1.0, None, None, False)})
    after = tamper.Snapshot({"submitted/ana/a/a.ipynb": "9", "exchange/outbound/a/a.ipynb": "2",
                             "exchange/outbound/a/key.txt": "3"}, {"ben/a/nb/q1": (0.0, None, None, False)})
    lines = tamper.changes(before, after)
    assert len(lines) == 3 and "'ana'" in lines[1] and "added" in lines[0] and "'ben'" in lines[2]
    alert = tamper.alert_file(tmp_path, "a")
    alert.parent.mkdir()
    alert.write_text("\n".join(lines))
    with pytest.raises(GradingError, match="tampering"):
        generate_feedback("a", tmp_path)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_a_key_is_found_however_a_student_file_escapes_or_spaces_it(source, tmp_path):
    """Is each hidden-test statement with its key found when printed into a notebook's output (JSON-escaped),
    split across HTML tags with its spacing changed, written to a text file as it is or as a notebook's JSON,
    but not in a clean file?"""
    keys = sorted(key_statements(source, solutions=False))
    assert keys
    key = next(k for k in keys if '"' in k or "[" in k)
    printed = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(secret)")])
    printed.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"x = {key}\n")]
    nbformat.write(printed, tmp_path / "printed.ipynb")
    half = len(key) // 2
    (tmp_path / "page.html").write_text(f"<pre><span>{key[:half]}</span>  <span>{key[half:]}</span></pre>"
                                        .replace('"', "&quot;"))
    (tmp_path / "key.txt").write_text(json.dumps({"key": key}).replace('\\"', '"'))
    (tmp_path / "printed-json.txt").write_text(json.dumps({"source": [f"x = {key}"]}))
    (tmp_path / "clean.txt").write_text("nothing to see")
    found = {leak.file.name for leak in find_leaks(tmp_path, [source], solutions=False)}
    assert found == {"printed.ipynb", "page.html", "key.txt", "printed-json.txt"}


def test_a_huge_or_sparse_notebook_is_named_and_never_read(tmp_path, monkeypatch):
    """Is a submitted notebook over the size bound (here a 1 GiB sparse file) set aside with its size, scoring zero,
    without a byte of it being read?"""
    from course.grading import inspection

    folder = tmp_path / "submission"
    folder.mkdir()
    with open(folder / "risk_factors.ipynb", "wb") as handle:
        handle.truncate(1024 ** 3)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} was read"))
    gradeable, problems = inspection.read_submission(folder, {"risk_factors": []})
    assert not gradeable
    assert any("1,073,741,824 bytes" in p and "scores zero" in p for p in problems), problems
