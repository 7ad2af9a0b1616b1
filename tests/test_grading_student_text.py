"""What students write and are called, in one cohort with honest students: script in a written answer, markup,
formulas and terminal escapes in ids and names, a NUL in a login, a marker comment, a huge integer, a 200 MB
answer and 200,000 extra cells. The attackers gain nothing, are named in one log line each, and the honest
students are graded, reported, given feedback and exported as usual."""

from __future__ import annotations

import csv
import io
import time

import nbformat
import pytest
from nbgrader.api import Gradebook
from support.grading import answered, autograde_with_log, cell, released_course, write_submission

from course.cli import main
from course.grading.course_folder import gradebook_url
from course.grading.lms.platforms import Member, PlatformGrade, RosterFileError, platform_file, read_members
from course.grading.report.cohort_report import write_report

ASSIGNMENT = "risk_factors"
SCRIPT = "<script>window.__pwned = 1</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))"
BAD_IDS = ["<img src=x onerror=alert(1)>", "=HYPERLINK(\"http:x\")", "\x1b[2Jeve"]
HONEST = ["alice", "bob"]
FORMULAS = ("=", "+", "-", "@")


def _written(notebook, text):
    task = next(i for i, c in enumerate(notebook.cells) if c.metadata.get("nbgrader", {}).get("task"))
    notebook.cells.insert(task + 1, nbformat.v4.new_markdown_cell(text))
    return notebook


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    root, release, source = released_course(tmp_path_factory.mktemp("cohort"), ASSIGNMENT)
    submissions = {name: answered(release, source) for name in HONEST}
    submissions["mallory"] = _written(answered(release, source), SCRIPT)
    submissions["marker"] = answered(release, source)
    cell(submissions["marker"], "answer-q1").source = "# ### BEGIN SOLUTION\n" + cell(
        submissions["marker"], "answer-q1").source
    submissions["hugeint"] = answered(release, source, answer_q1="q1_factors = 0x" + "f" * 5000)
    big = nbformat.writes(answered(release, source, answer_q1="q1_factors = 'BIG'")).encode()
    submissions["bigtext"] = big.replace(b"q1_factors = 'BIG'", b"q1_factors = '" + b"A" * 200_000_000 + b"'")
    extra = b'{"cell_type": "markdown", "metadata": {}, "source": "x"}, '
    submissions["manycells"] = big.replace(b'"cells": [', b'"cells": [' + extra * 200_000, 1)
    for name in BAD_IDS:
        submissions[name] = answered(release, source)
    for name, notebook in submissions.items():
        write_submission(root / "submitted" / name / ASSIGNMENT, ASSIGNMENT, notebook)
    started = time.monotonic()
    outcomes, log = autograde_with_log(ASSIGNMENT, root)
    return root, {o.student: o for o in outcomes}, log, time.monotonic() - started


def test_every_attacker_is_set_aside_or_graded_and_named_once(cohort):
    root, outcomes, log, seconds = cohort
    assert seconds < 100
    for name in HONEST + ["mallory", "marker", "hugeint"]:
        assert outcomes[name].status == "graded", (name, outcomes[name].problems)
    full = outcomes["alice"].score  # every automatic point; the written item awaits the trainer's mark
    assert full > 0 and all(outcomes[name].score == full for name in ["bob", "mallory", "marker"])
    assert outcomes["hugeint"].score < full
    assert len([line for line in log if "'mallory'" in line and "holds markup" in line]) == 1
    assert not [line for line in log if ("'alice'" in line or "'bob'" in line)]
    assert outcomes["manycells"].status == "zero"
    assert [line for line in log if "manycells" in line and "200,0" in line and "cells" in line]
    assert outcomes["bigtext"].score < outcomes["alice"].score
    assert [line for line in log if "bigtext" in line and "size past the limit" in line]
    with Gradebook(gradebook_url(root)) as gb:
        known = {s.id for s in gb.students}
    for name in BAD_IDS:
        assert outcomes[name].status == "set aside"
        assert name not in known
        lines = [line for line in log if "not a student id" in line or "is not 1 to 100" in line]
        assert len([line for line in lines if repr(name)[1:-1][:8] in line]) == 1
        assert not any("\x1b" in line for line in log)


def test_written_answer_is_text_in_the_graded_copy_and_untouched_in_the_submission(cohort):
    root = cohort[0]
    graded = (root / "autograded" / "mallory" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    submitted = (root / "submitted" / "mallory" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    assert "&lt;script&gt;" in graded and "<script>" not in graded
    assert "<script>window.__pwned" in submitted
    assert (root / "autograded" / "bigtext" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").stat().st_size < 1_000_000


def test_report_and_feedback_go_on_for_everyone(cohort, capsys):
    root = cohort[0]
    report, out, _ = write_report(root, ASSIGNMENT)
    assert set(report.graded) >= {"alice", "bob", "hugeint", "marker", "mallory", "bigtext"}
    assert out.stat().st_size < 2_000_000
    assert "whole number of about 6,02" in out.read_text()  # the huge integer, by its size
    assert main(["feedback", ASSIGNMENT, "--course", str(root)]) == 0, capsys.readouterr()
    for name in ("alice", "bob", "marker", "mallory"):
        assert (root / "feedback" / name / ASSIGNMENT / f"{ASSIGNMENT}.html").exists()


def test_csv_export_guards_names_and_keeps_ids_and_quoting(cohort):
    root = cohort[0]
    with Gradebook(gradebook_url(root)) as gb:
        gb.update_or_create_student("alice", first_name="Ann", last_name="Smith, Jr.")
        gb.update_or_create_student("bob", first_name="=HYPERLINK(\"x\")", last_name="\tTab\nNewline")
    out = root / "exports" / "grades.csv"
    assert main(["export", ASSIGNMENT, "--course", str(root), "--format", "csv", "--output", str(out),
                 "--allow-unmarked"]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id["alice"][1] == "Ann Smith, Jr."
    assert by_id["bob"][1].startswith("'=HYPERLINK")
    assert "\t" not in by_id["bob"][1] and "\n" not in by_id["bob"][1]
    assert all(not cell.startswith(FORMULAS) for row in rows for cell in row)
    assert len(rows) == 1 + len(by_id)


def test_platform_files_guard_every_name_and_a_tab_never_breaks_a_row():
    hostile = [Member("ann01", "=1+1", "\tSmith", "ann@example.ac.uk", {"Username": "ann01", "Email address":
                                                                       "ann@example.ac.uk", "Student": "@SUM(A1)"}),
               Member("bob02", "Bob", "-Jones\r\nX", "bob@example.ac.uk", {"Username": "bob02",
                                                                             "Email address": "bob@example.ac.uk"})]
    grades = [PlatformGrade(m, 3.0, "+feedback") for m in hostile]
    for platform in ("canvas", "moodle", "blackboard"):
        data = platform_file(platform, "Quiz", "12", 10.0, grades)
        text = data.decode("utf-16") if platform == "blackboard" else data.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t" if platform == "blackboard" else ","))
        assert len(rows) == len(hostile) + 1 + (platform == "canvas"), platform
        assert all(not cell.startswith(FORMULAS) for row in rows[1:] for cell in row), (platform, rows)
        assert any("ann01" in row or "ann@example.ac.uk" in row or "@SUM(A1)" not in row for row in rows)


def test_roster_import_refuses_a_nul_login_and_cleans_markup_in_names():
    header = "First name,Last name,Username,Email address\r\n"
    with pytest.raises(RosterFileError, match="row 2"):
        read_members((header + "Eve,Null,ev\x00e,eve@example.ac.uk\r\n").encode())
    with pytest.raises(RosterFileError, match="row 2.*formula"):
        read_members((header + "Eve,Sum,eve,=cmd@example.ac.uk\r\n").encode())
    _, _, members, _ = read_members((header + '"<img src=x onerror=alert(1)>Ann","Smith\x1b[2J",ann,a@x.uk\r\n'
                                     ).encode())
    assert "<" not in members[0].first_name and "\x1b" not in members[0].last_name


def test_nbgrader_submit_refuses_an_id_that_is_not_a_student_id(tmp_path):
    """Real `nbgrader submit --student=…` with the course's submit: markup never enters the inbound folder (the
    honest student's submission does)."""
    import os
    import subprocess
    import sys

    course = tmp_path / "exchange" / "course101"
    (course / "outbound" / "ps1").mkdir(parents=True)
    (course / "inbound").mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("answer = 'secure'")]),
                   course / "outbound" / "ps1" / "ps1.ipynb")
    work = tmp_path / "student" / "ps1"
    work.mkdir(parents=True)
    nbformat.write(nbformat.read(course / "outbound" / "ps1" / "ps1.ipynb", 4), work / "ps1.ipynb")
    env = dict(os.environ, HOME=str(tmp_path), JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter"))
    results = {}
    for student in ["<img src=x onerror=alert(1)>", "alice"]:
        results[student] = subprocess.run(
            [sys.executable, "-m", "nbgrader", "submit", "ps1", "--course=course101", f"--student={student}",
             f"--Exchange.root={tmp_path / 'exchange'}",
             "--ExchangeFactory.submit=course.grading.nbgrader.exchange.PrivateSubmit"],
            cwd=work.parent, env=env, capture_output=True, text=True, timeout=120)
    assert results["alice"].returncode == 0, results["alice"].stderr[-2000:]
    assert [p.name.split("+")[0] for p in (course / "inbound").iterdir()] == ["alice"]
    refused = results["<img src=x onerror=alert(1)>"]
    assert refused.returncode != 0 and "cannot submit as this student" in refused.stdout + refused.stderr


def test_student_outputs_keep_only_plain_text_and_images_and_stay_a_valid_notebook():
    """With student outputs shown (the sandbox), HTML, SVG and JavaScript a student's cell printed are dropped
    from the graded copy, plain text kept, and the notebook is still one nbformat accepts."""
    from course.grading.nbgrader.student_text import StudentText

    html = {"text/html": "<img src=x onerror=alert(1)>", "application/javascript": "alert(1)",
            "image/svg+xml": "<svg onload=alert(1)>", "text/plain": "<IPython.core.display.HTML object>"}
    code = nbformat.v4.new_code_cell("show()", outputs=[
        nbformat.v4.new_output("display_data", data=html),
        nbformat.v4.new_output("execute_result", data={"text/html": "<b>x</b>"}, execution_count=1)])
    notebook = nbformat.v4.new_notebook(cells=[code, nbformat.v4.new_raw_cell("<script>alert(1)</script>")])
    graded, _ = StudentText().preprocess(notebook, {})
    nbformat.validate(graded)
    assert [o["data"] for o in graded.cells[0].outputs] == [{"text/plain": html["text/plain"]}]
    assert graded.cells[1].cell_type == "markdown" and "&lt;script&gt;" in graded.cells[1].source
