"""What a student can put in the exchange, tried in one cohort with honest students: every submission made by a
real `nbgrader submit`, changed in the inbound folder as a hostile student would, then collected by plain
`nbgrader collect` (the course's collect, by its nbgrader_config.py) and graded by `course autograde` and by
plain `nbgrader autograde`. Each attacker gains nothing and is named in one warning line; the honest students
are collected, graded, reported and exported as submitted."""

from __future__ import annotations

import csv
import logging
import os
import resource
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from nbgrader.api import Gradebook
from support.grading import (
    answered,
    autograde_with_log,
    collect,
    released_course,
    student_command,
    submit,
    submitted_cohort,
)

from course.grading.course_folder import gradebook_url
from course.grading.nbgrader_run import nbgrader

ASSIGNMENT = "risk_factors"
HONEST = ("ada", "cy")
ATTACKERS = ("cpy", "junk", "big", "late", "lnk")  # junk: a FIFO, a dangling link, a link to /dev/zero


def _inbound_folder(inbound: Path, student: str) -> Path:
    return next(inbound.glob(f"{student}+{ASSIGNMENT}+*"))


def _attack(root: Path, inbound: Path) -> None:
    """Each attacker changes their own folder in the inbound folder after submitting, before collect."""
    def notebook(student):
        return _inbound_folder(inbound, student) / f"{ASSIGNMENT}.ipynb"

    for student, target in (("lnk", root / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
                            ("cpy", root / "submitted" / "ada" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")):
        notebook(student).unlink()
        notebook(student).symlink_to(target)  # full marks from a blank notebook, or a classmate's answers
    junk = _inbound_folder(inbound, "junk")
    os.mkfifo(junk / "pipe")
    (junk / "notes.txt").symlink_to(root / "nowhere")
    (junk / "data.bin").symlink_to("/dev/zero")
    with open(_inbound_folder(inbound, "big") / "huge.bin", "wb") as sparse:
        sparse.truncate(64 << 30)
    late = _inbound_folder(inbound, "late")
    (late / "timestamp.txt").write_text("2026-11-20 09:00:00.000000 UTC")
    late.rename(inbound / f"late+{ASSIGNMENT}+2026-11-20 09:00:00.000000 UTC+early")


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """The assignment generated once: (root, release, source); each test grades a copy of that course."""
    return released_course(tmp_path_factory.mktemp("exchange-attacks-released"), ASSIGNMENT)


def _course(released, folder: Path):
    root, release, source = released
    shutil.copytree(root, folder, symlinks=True)
    return folder, release, source


@pytest.fixture(scope="module")
def cohort(released, tmp_path_factory):
    """The cohort submitted, attacked and collected: (root, release, source, collect's WARNING lines, when)."""
    root, release, source = _course(released, tmp_path_factory.mktemp("exchange-attacks") / "course")
    good = answered(release, source)
    partial = answered(release, source, answer_q2="", answer_q5="")
    blank = answered(release, source, **{f"answer_q{i}": "" for i in range(1, 7)})
    started = datetime.utcnow()
    inbound = submit(root, ASSIGNMENT, {"ada": good, "cy": partial, "lnk": blank, "cpy": blank, "junk": partial,
                                        "big": partial, "late": good})
    _attack(root, inbound)
    return root, release, source, collect(root, ASSIGNMENT), started


def test_collect_names_each_attacker_once_and_no_honest_student(cohort):
    _, _, _, warnings, _ = cohort
    for student in ATTACKERS:
        assert len([line for line in warnings if f"student {student!r}" in line]) == 1, (student, warnings)
    assert len(warnings) == len(ATTACKERS), warnings
    assert not any(f"{s!r}" in line for line in warnings for s in HONEST)


def test_collect_copies_regular_files_only_and_never_through_a_link(cohort):
    root, _, _, _, _ = cohort
    for student in ATTACKERS + HONEST:
        folder = root / "submitted" / student / ASSIGNMENT
        assert all(p.is_file() and not p.is_symlink() for p in folder.rglob("*")), student
    assert not (root / "submitted" / "lnk" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()
    assert not (root / "submitted" / "cpy" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()
    assert not (root / "submitted" / "big" / ASSIGNMENT / "huge.bin").exists()
    assert sorted(p.name for p in (root / "submitted" / "junk" / ASSIGNMENT).iterdir()) == [
        f"{ASSIGNMENT}.ipynb", "submission_secret.txt", "timestamp.txt"]
    for student in ("junk", "big"):
        assert (root / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()


def test_a_rewritten_timestamp_is_replaced_by_the_folders_change_time(cohort):
    root, _, _, warnings, started = cohort
    written = (root / "submitted" / "late" / ASSIGNMENT / "timestamp.txt").read_text()
    recorded = datetime.strptime(written, "%Y-%m-%d %H:%M:%S.%f UTC")
    assert started - timedelta(seconds=5) <= recorded <= datetime.utcnow()
    assert any("'late'" in line and "2026-11-20 09:00:00" in line for line in warnings)


@pytest.fixture(scope="module", params=["course autograde", "nbgrader autograde"])
def graded(request, cohort):
    """The collected cohort graded one way; with `course autograde`, a classmate submits while it runs."""
    root = cohort[0]
    if request.param == "nbgrader autograde":
        result = nbgrader(["autograde", ASSIGNMENT, "--force"], root)
        assert result.returncode == 0, result.stdout[-3000:]
        return request.param, cohort, result.stdout.splitlines()

    class SubmitDuringGrading:
        submitted = False

        def write(self, text):
            if not self.submitted:  # the first progress line: grading has started, its snapshot taken
                self.submitted = True
                submit(root, ASSIGNMENT, {"dan": answered(cohort[1], cohort[2])})

        def flush(self):
            pass

        def isatty(self):
            return False

    outcomes, messages = autograde_with_log(ASSIGNMENT, root, progress=SubmitDuringGrading())
    return request.param, cohort, messages


def _scores(root):
    with Gradebook(gradebook_url(root)) as gb:
        return {s.student.id: s.score for s in gb.assignment_submissions(ASSIGNMENT)}


def test_attackers_gain_nothing_and_honest_students_are_graded_as_submitted(graded):
    _, (root, _, _, _, _), _ = graded
    scores = _scores(root)
    full = scores["ada"]
    assert full > 0 and scores["late"] == full
    assert 0 < scores["cy"] < full
    assert scores["lnk"] == scores["cpy"] == 0
    assert scores["junk"] == scores["big"] == scores["cy"]


def test_grading_names_the_refused_notebooks_and_no_honest_student(graded):
    how, _, lines = graded
    if how == "course autograde":
        assert {s for s in ("ada", "late") if any(f"student {s!r}" in line for line in lines)} == set()
        for student in ("lnk", "cpy"):
            assert [line for line in lines if f"student {student!r}" in line] == [
                f"student {student!r}: no {ASSIGNMENT}.ipynb in the submission; it scores zero"]
        assert not any("tampering" in line or "extra file" in line for line in lines), lines


def test_a_submission_during_grading_waits_for_the_next_collect(graded):
    how, (root, _, _, _, _), _ = graded
    if how != "course autograde":
        pytest.skip("only `course autograde` is run with a submission arriving")
    assert not (root / "submitted" / "dan").exists()
    assert collect(root, ASSIGNMENT) == []
    assert (root / "submitted" / "dan" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()


def test_report_and_export_carry_the_honest_grades(graded, tmp_path):
    from course.cli import main
    from course.grading.trainer.status import assignment_status

    _, (root, _, _, _, _), _ = graded
    late = assignment_status(ASSIGNMENT, root).not_autograded  # a submission collected after the grading run
    for student in late:
        assert main(["autograde", ASSIGNMENT, "--course", str(root), "--student", student]) == 0
    output = tmp_path / "grades.csv"
    assert main(["export", ASSIGNMENT, "--course", str(root), "--output", str(output), "--allow-unmarked"]) == 0
    rows = {row["student"]: row for row in csv.DictReader(output.open(encoding="utf-8", newline=""))}
    scores = _scores(root)
    for student in HONEST + ATTACKERS:
        items = [float(v) for k, v in rows[student].items() if k.endswith(")") and v]  # "item (/2)" columns
        assert sum(items) == scores[student], student
    assert main(["report", ASSIGNMENT, "--course", str(root), "--output", str(tmp_path / "report.html")]) == 0
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert all(student in page for student in HONEST)


def test_an_honest_cohort_of_real_submissions_gives_no_warning(released, tmp_path):
    root, release, source = _course(released, tmp_path / "course")
    warnings = submitted_cohort(root, ASSIGNMENT, {"ada": answered(release, source),
                                                   "ben": answered(release, source)})
    assert warnings == []
    assert sorted(p.name for p in (root / "submitted" / "ada" / ASSIGNMENT).iterdir()) == [
        "risk_factors.ipynb", "submission_secret.txt", "timestamp.txt"]
    outcomes, messages = autograde_with_log(ASSIGNMENT, root)
    assert messages == [] and [o.status for o in outcomes] == ["graded", "graded"]


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give folders to other Unix accounts")
def test_a_folder_claiming_a_classmate_is_refused_and_its_owner_named(released, tmp_path):
    """Unix accounts as a hub's learners (daemon and bin submit; sys submits as bin, `--student=bin`, later):
    bin's own submission is collected and sys's is set aside, naming sys."""
    import pwd

    root, release, source = _course(released, tmp_path / "course")
    good = answered(release, source)
    blank = answered(release, source, **{f"answer_q{i}": "" for i in range(1, 7)})
    inbound = submit(root, ASSIGNMENT, {"daemon": good, "bin": good})
    for student in ("daemon", "bin"):
        os.chown(_inbound_folder(inbound, student), pwd.getpwnam(student).pw_uid, -1)
    (tmp_path / "sys" / ASSIGNMENT).mkdir(parents=True)
    from support.grading import write_submission

    write_submission(tmp_path / "sys-home" / ASSIGNMENT, ASSIGNMENT, blank, stamped=False)
    attack = subprocess.run(student_command(ASSIGNMENT, root, "--student=bin"), cwd=tmp_path / "sys-home",
                            capture_output=True, text=True, env=dict(os.environ, PATH=os.path.dirname(sys.executable)
                                                                     + os.pathsep + os.environ["PATH"]))
    assert attack.returncode == 0, attack.stdout + attack.stderr
    newest = max(inbound.glob(f"bin+{ASSIGNMENT}+*"), key=lambda p: p.name)
    os.chown(newest, pwd.getpwnam("sys").pw_uid, -1)
    warnings = collect(root, ASSIGNMENT)
    assert len(warnings) == 1 and "'bin'" in warnings[0] and "'sys'" in warnings[0], warnings
    outcomes, _ = autograde_with_log(ASSIGNMENT, root, progress=None)
    assert {o.student: o.score for o in outcomes}["bin"] == {o.student: o.score for o in outcomes}["daemon"] > 0


def test_a_fifo_and_a_huge_sparse_file_beside_a_notebook_in_submitted_never_stop_grading(released, tmp_path, caplog):
    root, release, source = _course(released, tmp_path / "course")
    submitted_cohort(root, ASSIGNMENT, {"ada": answered(release, source), "eve": answered(release, source)})
    folder = root / "submitted" / "eve" / ASSIGNMENT
    os.mkfifo(folder / "pipe")
    with open(folder / "huge.bin", "wb") as sparse:
        sparse.truncate(64 << 30)
    from course.grading.tamper import TamperDetected

    with caplog.at_level(logging.WARNING, logger="course.grading"), pytest.raises(TamperDetected) as stopped:
        autograde_with_log(ASSIGNMENT, root, progress=None)
    assert "huge.bin" in str(stopped.value) and "'eve'" in str(stopped.value) and "'ada'" not in str(stopped.value)
    scores = _scores(root)
    assert scores["ada"] == scores["eve"] > 0
    assert not (root / "autograded" / "eve" / ASSIGNMENT / "huge.bin").exists()


def test_plain_nbgrader_autograde_sets_aside_a_student_with_a_device_link_or_huge_file_in_submitted(released,
                                                                                                    tmp_path):
    """A link to /dev/zero, a 64 GiB sparse file and a FIFO put in eve's submitted/ folder by other means (the
    collect never copies them): does plain `nbgrader autograde` stop at AutogradeLimits.max_file_size (the course's
    pre-convert hook), name eve, and grade ada? (Run under a larger `prlimit --fsize` backstop, so a broken hook
    cannot fill the disk; the hook itself is then run where it limits, in `nbgrader autograde`'s process, and where
    it must not, a process such as `course autograde` or the formgrader's server that goes on working.)"""
    root, release, source = _course(released, tmp_path / "course")
    submitted_cohort(root, ASSIGNMENT, {"ada": answered(release, source), "eve": answered(release, source)})
    folder = root / "submitted" / "eve" / ASSIGNMENT
    (folder / "data.bin").symlink_to("/dev/zero")
    with open(folder / "huge.bin", "wb") as sparse:
        sparse.truncate(64 << 30)
    os.mkfifo(folder / "pipe")
    bound, backstop = 20_000_000, 300_000_000
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    result = subprocess.run(["prlimit", f"--fsize={backstop}", "--", sys.executable, "-m", "nbgrader", "autograde",
                             ASSIGNMENT, "--force", f"--AutogradeLimits.max_file_size={bound}"], cwd=root, env=env,
                            capture_output=True, text=True, timeout=300)
    log = result.stdout + result.stderr
    assert result.returncode == 1, log[-3000:]
    assert "There was an error processing assignment 'risk_factors' for student 'eve'" in log
    assert "student 'ada'" not in log and "File too large" in log
    scores = _scores(root)
    assert scores["ada"] > 0
    written = [p.stat().st_size for p in (root / "autograded").rglob("*") if p.is_file() and not p.is_symlink()]
    assert max(written) < bound
    assert "Running pre-convert hook" in log and "Pre-convert hook failed" not in log
    assert os.path.getsize(root / "submitted" / "eve" / ASSIGNMENT / "huge.bin") == 64 << 30  # never changed
    assert not (root / "autograded" / "eve" / ASSIGNMENT / "data.bin").exists()
    hook = ("import resource, sys\nfrom course.grading.nbgrader.write_bound import bound_written_files as hook\n"
            "if sys.argv[1] == 'nbgrader autograde':\n    from nbgrader.apps.autogradeapp import AutogradeApp\n"
            "    AutogradeApp.instance().config.AutogradeLimits.max_file_size = 12345\n"
            "hook(assignment='a', student='*', notebooks=[])\nprint(resource.getrlimit(resource.RLIMIT_FSIZE)[0])")
    for process, limit in (("nbgrader autograde", "12345"), ("course autograde", str(resource.RLIM_INFINITY))):
        found = subprocess.run([sys.executable, "-c", hook, process], capture_output=True, text=True, timeout=60)
        assert found.stdout.split() == [limit], (process, found.stderr[-2000:])
