"""`course roster import`: each platform's participant file recognised from its header, students added to the
gradebook with names and emails; a bad row is set aside and named while every other row is imported, and a file
that cannot be read imports nothing."""

from __future__ import annotations

import contextlib
import io
import json

import pytest
from support.lms_platforms import PlatformUser, blackboard_download, canvas_gradebook_export, moodle_participants

from course.cli import main
from course.grading.course_folder import gradebook_url

USERS = [
    PlatformUser("201", "kowalska1", "Zofia", "Kowalska-Dąbrowska", "z.k@example.ac.uk"),
    PlatformUser("202", "ndiaye2", "Aïssatou", "N'Diaye", "a.n@example.ac.uk"),
    PlatformUser("203", "brown3", "Sam", "Brown, III", "s.b@example.ac.uk"),
]
FILES = {
    "canvas": lambda users: canvas_gradebook_export(users, [("Some quiz", "55", 10.0)]),
    "moodle": moodle_participants,
    "blackboard": lambda users: blackboard_download(users, [("Some quiz", "55", 10.0)]),
}


@pytest.fixture(scope="module")
def empty_gradebook(tmp_path_factory):
    import os
    import sys

    from nbgrader.api import Gradebook

    folder = tmp_path_factory.mktemp("roster-gradebook")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")]))
        with Gradebook(gradebook_url(folder)) as gb:
            gb.add_student("brown3", first_name="S", last_name="B")
    return folder / "gradebook.db"


@pytest.fixture
def course(empty_gradebook, tmp_path):
    import shutil

    shutil.copy(empty_gradebook, tmp_path / "gradebook.db")
    return tmp_path


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def students(course):
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(course)) as gb:
        return {s.id: (s.first_name, s.last_name, s.email) for s in gb.students}


@pytest.mark.parametrize("platform", sorted(FILES))
def test_each_platform_file_is_recognised_and_its_students_added(course, platform):
    """Is the platform found from the header alone, each login made an nbgrader id, and the names (with commas,
    apostrophes and accents) and emails (where the platform gives them) put in the gradebook?"""
    path = course / "participants"
    path.write_bytes(FILES[platform](USERS))
    code, printed, err = run("roster", "import", str(path), "--course", str(course))
    assert code == 0, err
    assert f"from {platform.capitalize()}" in printed and "2 added to the gradebook, 1 already there" in printed
    found = students(course)
    for user in USERS:
        first, last, email = found[user.login]
        assert (first, last) == (user.first, user.last)
        assert email == (user.email if platform == "moodle" else None)
    roster = json.loads((course / "roster.json").read_text(encoding="utf-8"))
    assert roster["platform"] == platform and [s["student_id"] for s in roster["students"]] == [
        u.login for u in USERS]


def test_the_id_column_can_be_named(course):
    """With --id-column, is another column (here the email address) used as the nbgrader id?"""
    path = course / "participants.csv"
    path.write_bytes(moodle_participants(USERS))
    assert run("roster", "import", str(path), "--id-column", "Email address", "--course", str(course))[0] == 0
    assert {u.email for u in USERS} <= set(students(course))


def test_bad_rows_are_set_aside_and_named_and_every_other_row_imported(course):
    """A duplicate login, an empty login and a login breaking the id rule: is each row set aside and named (file,
    row, column, what was expected), every other row imported, and the exit status non-zero? A line that is not
    UTF-8 (the file itself is damaged) imports nothing."""
    users = USERS + [PlatformUser("204", "kowalska1", "Ola", "Nowak", "o.n@example.ac.uk"),
                     PlatformUser("205", "", "Empty", "Login", "e.l@example.ac.uk"),
                     PlatformUser("206", "<b>mal</b>", "Mal", "Ory", "m.o@example.ac.uk"),
                     PlatformUser("207", "green7", "Jo", "Green", "j.g@example.ac.uk")]
    data = moodle_participants(users).replace("Aïssatou".encode(), "A\xefssatou".encode("latin-1"))
    path = course / "participants.csv"
    path.write_bytes(data)
    before = students(course)
    code, _, err = run("roster", "import", str(path), "--course", str(course))
    assert code == 1 and "Nothing imported" in err
    assert "row 3: byte 0xef" in err
    assert students(course) == before and not (course / "roster.json").exists()
    path.write_bytes(moodle_participants(users))
    code, printed, err = run("roster", "import", str(path), "--course", str(course))
    problems = [line for line in err.splitlines() if line.startswith("  - ")]
    assert code == 1 and "3 row(s) set aside" in err
    assert problems[:2] == [f"  - {path}: row 5: Username 'kowalska1' of Ola Nowak is already on row 2",
                            f"  - {path}: row 6: Empty Login has no Username"]
    assert problems[2].startswith(f"  - {path}: row 7: Username of Mal Ory cannot be an nbgrader student id: ")
    found = students(course)
    assert {u.login for u in USERS} | {"green7"} <= set(found) and "<b>mal</b>" not in found
    assert found["kowalska1"][:2] == ("Zofia", "Kowalska-Dąbrowska")
    roster = json.loads((course / "roster.json").read_text(encoding="utf-8"))
    assert [s["student_id"] for s in roster["students"]] == [u.login for u in USERS] + ["green7"]


def test_an_unknown_header_or_missing_id_column_says_what_to_do(course):
    """Does a file no platform wrote ask for --format, and a missing id column list the columns there are?"""
    path = course / "list.csv"
    path.write_text("name,mark\nAnn,3\n", encoding="utf-8")
    code, _, err = run("roster", "import", str(path), "--course", str(course))
    assert code == 1 and "--format canvas|moodle|blackboard" in err
    code, _, err = run("roster", "import", str(path), "--format", "moodle", "--course", str(course))
    assert code == 1 and "no column 'Username'" in err and "name, mark" in err and "--id-column" in err


def test_a_failed_write_leaves_the_gradebook_as_it_was(course, monkeypatch):
    """If roster.json cannot be written after the gradebook was updated, are the added students taken out and the
    updated ones given back their names, with a message saying nothing was imported?"""
    from course import files

    def refuse(path, data):
        raise PermissionError(13, "Permission denied")

    path = course / "participants.csv"
    path.write_bytes(moodle_participants(USERS))
    before = students(course)
    monkeypatch.setattr(files, "write_atomically", refuse)
    code, _, err = run("roster", "import", str(path), "--course", str(course))
    assert code == 1 and "Permission denied" in err and "nothing imported" in err
    assert students(course) == before


def test_a_moodle_grades_download_gives_its_grade_items_and_a_canvas_file_its_assignment_ids():
    """From a Moodle grades download, are the grade items' names kept (for the export's column), and from a Canvas
    export with first and last name columns, the assignments' Canvas ids and points?"""
    from course.grading.lms.platforms import read_members

    moodle = ("First name,Last name,ID number,Institution,Department,Email address,Username,"
              "Assignment: Risk factors (Real),Last downloaded from this course\r\n"
              "Aïssatou,N'Diaye,,,,a.n@example.ac.uk,ndiaye2,-,1700000000\r\n").encode()
    platform, id_column, members, columns = read_members(moodle)
    assert (platform, id_column, [m.student_id for m in members]) == ("moodle", "Username", ["ndiaye2"])
    assert [c.title for c in columns] == ["Risk factors"] and members[0].email == "a.n@example.ac.uk"
    canvas = (b'LastName,FirstName,ID,SIS Login ID,Section,Risk factors (88),Current Score\r\n'
              b'    Points Possible,,,,,22.00,(read only)\r\n'
              b'"Brown, III",Sam,203,brown3,Cohort A,,\r\n')
    platform, id_column, members, columns = read_members(canvas)
    assert platform == "canvas" and (members[0].first_name, members[0].last_name) == ("Sam", "Brown, III")
    assert [(c.title, c.id, c.points) for c in columns] == [("Risk factors", "88", "22.00")]
