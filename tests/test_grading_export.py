"""Grades into Canvas, Moodle and Blackboard: a cohort written straight into nbgrader's gradebook, its roster
imported from each platform's own participant file, the export re-read by that platform's import rules
(``lms_platforms``): every student matched, every grade the gradebook's, nothing unmarked exported as zero."""

from __future__ import annotations

import contextlib
import io

import pytest
from support.lms_platforms import (
    ImportAborted,
    PlatformUser,
    blackboard_download,
    blackboard_upload,
    canvas_gradebook_export,
    canvas_import,
    moodle_import,
    moodle_participants,
)

from course.cli import main
from course.grading.course_folder import gradebook_url

ASSIGNMENT = "fixture_quiz"
TITLE = "Fixture quiz"  # as the platform titles it: matched to ASSIGNMENT by the export
PLATFORM_ID = "4321"
AUTO, WRITTEN = ("test-a", 2.0), ("task-written", 4.0)

# name with a comma, an apostrophe, accents; one roster student with no submission; one unmarked written item
USERS = [
    PlatformUser("101", "smith01", "Ann", "Smith, Jr.", "ann.smith@example.ac.uk", "S101"),
    PlatformUser("102", "obrien02", "Siobhán", "O'Brien", "s.obrien@example.ac.uk", "S102"),
    PlatformUser("103", "garcia03", "María José", "García-Núñez", "mj.garcia@example.ac.uk", "S103"),
    PlatformUser("104", "adebayo04", "Zoë", "Adébáyọ̀", "zoe.a@example.ac.uk", "S104"),
    PlatformUser("105", "pending05", "Łukasz", "Wiśniewski", "l.w@example.ac.uk", "S105"),
]
# student id: (automatic score, written mark or None while awaiting the trainer)
SCORES = {"smith01": (2.0, 3.0), "obrien02": (4 / 3, 4.0), "garcia03": (0.0, 0.0), "pending05": (1.0, None),
          "latecomer": (2.0, 1.0)}
NOT_IN_ROSTER = "latecomer"


@pytest.fixture(scope="module")
def cohort_gradebook(tmp_path_factory):
    """A gradebook holding the cohort's grades, written with nbgrader's own API (once: making one is slow)."""
    import os
    import sys

    from nbgrader.api import Gradebook

    tmp_path = tmp_path_factory.mktemp("export-cohort")
    # nbgrader makes a new gradebook by running `alembic`, found on PATH beside this Python
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")]))
        _fill(Gradebook, tmp_path)
    return tmp_path / "gradebook.db"


@pytest.fixture
def course(cohort_gradebook, tmp_path):
    """A course folder of its own with a copy of the cohort's gradebook."""
    import shutil

    shutil.copy(cohort_gradebook, tmp_path / "gradebook.db")
    return tmp_path


def _fill(Gradebook, tmp_path):
    with Gradebook(gradebook_url(tmp_path)) as gb:
        gb.add_assignment(ASSIGNMENT)
        gb.add_notebook(ASSIGNMENT, ASSIGNMENT)
        gb.add_grade_cell(AUTO[0], ASSIGNMENT, ASSIGNMENT, max_score=AUTO[1], cell_type="code")
        gb.add_task_cell(WRITTEN[0], ASSIGNMENT, ASSIGNMENT, max_score=WRITTEN[1], cell_type="markdown")
        gb.add_student(NOT_IN_ROSTER, first_name="Late", last_name="Comer")
        gb.add_student("adebayo04")
        for student, (auto, written) in SCORES.items():
            if student != NOT_IN_ROSTER:
                gb.update_or_create_student(student)
            gb.add_submission(ASSIGNMENT, student)
            grade = gb.find_grade(AUTO[0], ASSIGNMENT, ASSIGNMENT, student)
            grade.auto_score, grade.needs_manual_grade = auto, False
            task = gb.find_grade(WRITTEN[0], ASSIGNMENT, ASSIGNMENT, student)
            task.manual_score, task.needs_manual_grade = written, written is None
        gb.db.commit()


def gradebook_total(student):
    auto, written = SCORES[student]
    return auto + (written or 0.0)


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


PARTICIPANT_FILES = {
    "canvas": lambda: canvas_gradebook_export(USERS, [(TITLE, PLATFORM_ID, 6.0)]),
    "moodle": lambda: moodle_participants(USERS),
    "blackboard": lambda: blackboard_download(USERS, [(TITLE, PLATFORM_ID, 6.0)]),
}


def reimport(platform, data):
    """{login: grade or None} as the platform would store it, after checking that every row matched."""
    if platform == "canvas":
        result = canvas_import(data, USERS, {PLATFORM_ID})
        assert result["new_students"] == [] and result["new_assignments"] == []
        assert float(result["points"][PLATFORM_ID]) == AUTO[1] + WRITTEN[1]
        by_canvas_id = {u.canvas_id: u.login for u in USERS}
        return {by_canvas_id[cid]: grades[PLATFORM_ID] for cid, grades in result["grades"].items()}
    if platform == "moodle":
        header = data.decode("utf-8-sig").splitlines()[0].split(",")
        assert header[0] == "Username"  # mapped by the trainer: Username → username
        found = moodle_import(data, USERS, "Username", "username", header[3], header[4])
        return {login: grade for login, (grade, _) in found.items()}
    result = blackboard_upload(data, USERS, {PLATFORM_ID})
    assert result["unknown_users"] == [] and result["new_columns"] == []
    assert result["names"]["obrien02"] == ("Siobhán", "O'Brien") and result["names"]["smith01"][1] == "Smith, Jr."
    return {login: grades[PLATFORM_ID] for login, grades in result["grades"].items()}


@pytest.mark.parametrize("platform", ["canvas", "moodle", "blackboard"])
def test_each_platform_imports_every_grade_exactly(course, platform):
    """For each platform: after importing its participant file, does the export refuse while a written answer
    awaits a mark, then (with --allow-unmarked) re-import with every student matched, every grade the
    gradebook's, the unmarked and the non-submitter empty rather than zero, and both listed by name?"""
    roster_file = course / f"participants-{platform}"
    roster_file.write_bytes(PARTICIPANT_FILES[platform]())
    code, printed, err = run("roster", "import", str(roster_file), "--course", str(course))
    assert code == 0, err
    assert f"from {platform.capitalize()}" in printed

    code, _, err = run("export", ASSIGNMENT, "--format", platform, "--course", str(course))
    assert code == 1 and not (course / "exports").exists()
    assert "Łukasz Wiśniewski (pending05)" in err and WRITTEN[0] in err

    code, printed, err = run("export", ASSIGNMENT, "--format", platform, "--allow-unmarked", "--course", str(course))
    assert code == 0, err
    (written,) = (course / "exports").iterdir()
    grades = reimport(platform, written.read_bytes())
    assert set(grades) == {u.login for u in USERS}
    for login, grade in grades.items():
        if login in ("pending05", "adebayo04"):
            assert grade is None, f"{login} must be left empty, not {grade!r}"
        else:
            assert float(grade) == gradebook_total(login), login
    assert "Late Comer (latecomer)" in printed.split("not in the roster")[1]
    assert "adebayo04" in printed.split("no submission")[1].split("\n")[1]


def test_canvas_export_keeps_canvas_names_and_ids(course):
    """Is each Canvas row the roster's own sortable name, Canvas ID, SIS ids and section, quoted where needed?"""
    import csv

    roster_file = course / "canvas.csv"
    roster_file.write_bytes(canvas_gradebook_export(USERS, [(TITLE, PLATFORM_ID, 6.0)]))
    assert run("roster", "import", str(roster_file), "--course", str(course))[0] == 0
    out = course / "out.csv"
    code, _, err = run("export", ASSIGNMENT, "-f", "canvas", "--allow-unmarked", "-o", str(out),
                       "--course", str(course))
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"{TITLE} ({PLATFORM_ID})"]
    assert ["Smith, Jr., Ann", "101", "S101", "smith01", "Cohort A"] == rows[2][:5]
    assert '"Smith, Jr., Ann"' in out.read_text(encoding="utf-8")


def test_a_canvas_export_without_the_assignment_id_says_where_to_find_it(course):
    """When the roster has no Canvas column for the assignment, does the export stop and say where the id is?"""
    roster_file = course / "canvas.csv"
    roster_file.write_bytes(canvas_gradebook_export(USERS, [("Another quiz", "777", 5.0)]))
    assert run("roster", "import", str(roster_file), "--course", str(course))[0] == 0
    code, _, err = run("export", ASSIGNMENT, "-f", "canvas", "--allow-unmarked", "--course", str(course))
    assert code == 1 and "no Canvas id for 'fixture_quiz'" in err and "/assignments/" in err
    assert "--platform-id" in err and not (course / "exports").exists()
    code, _, err = run("export", ASSIGNMENT, "-f", "canvas", "--allow-unmarked", "--platform-id", PLATFORM_ID,
                       "--course", str(course))
    assert code == 0, err
    assert canvas_import((course / "exports" / f"{ASSIGNMENT}-canvas.csv").read_bytes(), USERS,
                         {PLATFORM_ID})["new_assignments"] == []


def test_a_student_unknown_to_moodle_would_abort_its_import():
    """Does the Moodle import rule in the tests really abort on an unknown user (so the test above can fail)?"""
    data = b"\xef\xbb\xbfUsername,First name,Last name,Quiz,Quiz (feedback)\r\nnobody,A,B,3,ok\r\n"
    with pytest.raises(ImportAborted):
        moodle_import(data, USERS, "Username", "username", "Quiz", "Quiz (feedback)")


def test_csv_export_lists_every_gradebook_student_with_each_item(course):
    """Does --format csv keep one row per gradebook student with each item's score, unmarked and missing empty,
    and a name with a comma whole, in quotes?"""
    import csv

    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(course)) as gb:
        gb.update_or_create_student("smith01", first_name="Ann", last_name="Smith, Jr.")
    code, printed, err = run("export", ASSIGNMENT, "--course", str(course), "--allow-unmarked")
    assert code == 0, err
    rows = {r["student"]: r for r in csv.DictReader((course / "exports" / f"{ASSIGNMENT}-grades.csv").open(
        encoding="utf-8", newline=""))}
    assert set(rows) == set(SCORES) | {"adebayo04"}
    assert float(rows["obrien02"]["score"]) == gradebook_total("obrien02")
    assert rows["pending05"]["score"] == "" and rows["adebayo04"]["score"] == ""
    assert rows["pending05"][f"{WRITTEN[0]} (/4)"] == "" and rows["pending05"][f"{AUTO[0]} (/2)"] == "1"
    assert rows["smith01"]["name"] == "Ann Smith, Jr." and rows["smith01"]["assignment"] == ASSIGNMENT
    assert '"Ann Smith, Jr."' in (course / "exports" / f"{ASSIGNMENT}-grades.csv").read_text(encoding="utf-8")


def test_a_platform_column_out_of_other_points_is_pointed_out(course):
    """When the platform's column is out of other points than the assignment, does the export say so?"""
    roster_file = course / "bb.xls"
    roster_file.write_bytes(blackboard_download(USERS, [(TITLE, PLATFORM_ID, 100.0)]))
    assert run("roster", "import", str(roster_file), "--course", str(course))[0] == 0
    code, printed, err = run("export", ASSIGNMENT, "-f", "blackboard", "--allow-unmarked", "--course", str(course))
    assert code == 0, err
    assert f"is out of 100 points but {ASSIGNMENT} is out of 6" in printed


def test_a_name_written_like_a_formula_is_never_run_by_a_spreadsheet():
    """Does a name starting like a spreadsheet formula get a leading apostrophe in the Moodle file, while the
    user identifier and grade stay exact?"""
    import csv

    from course.grading.lms.platforms import Member, PlatformGrade, platform_file

    member = Member("x1", '=HYPERLINK("http://example.org")', "-Ray", "x1@example.ac.uk", {"Username": "x1"})
    data = platform_file("moodle", "Quiz", "", 6.0, [PlatformGrade(member, 4.5, "ok")])
    (_, row) = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert row == ["x1", '\'=HYPERLINK("http://example.org")', "'-Ray", "4.5", "ok"]
