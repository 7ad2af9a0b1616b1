"""Learner progress survives restarts, concurrent notebooks, crashes and a corrupt file, and nothing is lost."""

from __future__ import annotations

import multiprocessing
import sqlite3
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from course.progress import CorruptProgressWarning, Progress, course_home


def test_attempts_and_reflections_survive_a_restart(course_home):
    """Does a new session (a new Progress on the same folder) see what an earlier one kept?"""
    first = Progress(course_home)
    first.record_attempt("02", "cue-scenarios", "early-hunger-cues/meaning", "hungry", True)
    first.record_attempt("02", "cue-sort", "yawning", ["disengagement"], False, score=0.0)
    first.save_reflection("02-cues", "02", "I will watch for early hunger cues.")
    first.save_document("03-self-care-plan", "03", {"sleep": ["go to bed early"]})

    again = Progress(course_home)
    attempts = again.attempts()
    assert [(a.activity, a.item, a.answer, a.correct) for a in attempts] == [
        ("cue-scenarios", "early-hunger-cues/meaning", "hungry", True),
        ("cue-sort", "yawning", ["disengagement"], False)]
    assert [a.item for a in again.attempts(activity="cue-sort")] == ["yawning"]
    assert again.attempts(module="05") == []
    assert again.reflection("02-cues").text == "I will watch for early hunger cues."
    assert again.document("03-self-care-plan") == {"sleep": ["go to bed early"]}


def test_a_reflection_saved_again_replaces_the_old_text(progress):
    """Is the latest version of a reflection the one kept, without duplicates?"""
    progress.save_reflection("01-attachment", "01", "first thoughts")
    progress.save_reflection("01-attachment", "01", "second thoughts")
    assert [(r.prompt, r.text) for r in progress.reflections()] == [("01-attachment", "second thoughts")]


def test_course_home_follows_the_environment(monkeypatch, tmp_path):
    """Does COURSE_HOME decide where progress goes, with the per-user data folder as the default?"""
    monkeypatch.setenv("COURSE_HOME", str(tmp_path / "elsewhere"))
    assert course_home() == tmp_path / "elsewhere"
    monkeypatch.delenv("COURSE_HOME")
    assert course_home().name == "secure-attachment-course"


def _write_many(home: str, writer: int, count: int) -> None:
    progress = Progress(home)
    for i in range(count):
        progress.record_attempt("02", "cue-scenarios", f"w{writer}-{i}", i, i % 2 == 0)
        progress.save_reflection(f"w{writer}", "02", f"note {i}")


def test_two_kernels_writing_at_once_lose_nothing(course_home):
    """When two processes write at the same moment, is every attempt and reflection kept?"""
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_write_many, args=(str(course_home), w, 150)) for w in range(2)]
    for process in writers:
        process.start()
    for process in writers:
        process.join(120)
        assert process.exitcode == 0
    attempts = Progress(course_home).attempts()
    assert len(attempts) == 300
    assert {a.item for a in attempts} == {f"w{w}-{i}" for w in range(2) for i in range(150)}
    assert {r.prompt: r.text for r in Progress(course_home).reflections()} == {"w0": "note 149", "w1": "note 149"}


CRASH = """
import os, sqlite3, sys
from course.progress import Progress
progress = Progress(sys.argv[1])
for i in range(20):
    progress.record_attempt("02", "cue-scenarios", f"item-{i}", i, True)
conn = sqlite3.connect(progress.path, isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO attempts (at, module, activity, item, answer, correct) "
             "VALUES ('x', '02', 'a', 'half', '0', 1)")
os._exit(1)
"""


def test_a_crash_mid_write_leaves_every_finished_record_and_no_half_one(course_home):
    """If the kernel dies in the middle of a write, is the file still readable with all finished records?"""
    result = subprocess.run([sys.executable, "-c", CRASH, str(course_home)], capture_output=True, text=True)
    assert result.returncode == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        items = [a.item for a in Progress(course_home).attempts()]
    assert items == [f"item-{i}" for i in range(20)]


def test_a_corrupt_file_is_kept_aside_and_a_new_one_started(course_home):
    """Is an unreadable progress file moved aside (byte for byte) with a warning saying where, never deleted?"""
    course_home.mkdir(exist_ok=True)
    damaged = b"this is not a database " * 100
    (course_home / "progress.db").write_bytes(damaged)
    with pytest.warns(CorruptProgressWarning) as caught:
        progress = Progress(course_home)
        progress.record_attempt("02", "cue-scenarios", "after", "x", True)
    aside = [p for p in course_home.iterdir() if p.name.startswith("progress.db.corrupt-")]
    assert len(aside) == 1 and aside[0].read_bytes() == damaged
    message = str(caught[0].message)
    assert str(aside[0]) in message and "nothing is lost" in message
    assert [a.item for a in Progress(course_home).attempts()] == ["after"]


def test_a_damaged_database_page_is_caught(course_home):
    """Is a file that looks like SQLite but is damaged inside also set aside rather than half-read?"""
    progress = Progress(course_home)
    for i in range(300):
        progress.record_attempt("02", "cue-scenarios", f"item-{i}", "x" * 200, True)
    conn = sqlite3.connect(progress.path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    raw = bytearray(progress.path.read_bytes())
    for page in range(1, len(raw) // 4096):
        raw[page * 4096: page * 4096 + 12] = b"\xff" * 12
    progress.path.write_bytes(bytes(raw))
    with pytest.warns(CorruptProgressWarning):
        fresh = Progress(course_home)
        assert fresh.attempts() == []
    assert any(p.name.startswith("progress.db.corrupt-") for p in Path(course_home).iterdir())


FIXTURES = Path(__file__).parent / "fixtures" / "progress"


def test_a_record_from_before_schema_versions_survives_the_migration(course_home):
    """Does a learner's progress.db written by the course before it had a schema version (kept in
    tests/fixtures/progress/schema-0.db, as that course wrote it) keep every attempt, reflection, skip and
    document when a newer course opens it, and come out stamped with the current version?"""
    from course.progress import SCHEMA_VERSION

    course_home.mkdir(parents=True, exist_ok=True)
    (course_home / "progress.db").write_bytes((FIXTURES / "schema-0.db").read_bytes())
    with sqlite3.connect(course_home / "progress.db") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
        before = {table: conn.execute(f"SELECT * FROM {table}").fetchall()
                  for table in ("attempts", "reflections", "skipped_reflections", "documents")}

    progress = Progress(course_home)
    assert [(a.item, a.answer, a.correct) for a in progress.attempts()] == [
        (row[4], __import__("json").loads(row[5]), bool(row[6])) for row in before["attempts"]]
    assert [(r.prompt, r.text) for r in progress.reflections()] == [(row[0], row[2]) for row in before["reflections"]]
    assert [r.prompt for r in progress.skipped_reflections()] == [row[0] for row in before["skipped_reflections"]]
    assert progress.document(before["documents"][0][0]) is not None
    with sqlite3.connect(course_home / "progress.db") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert not [p for p in course_home.iterdir() if "corrupt" in p.name]


def test_a_record_from_a_newer_course_is_left_untouched(course_home):
    """Does a progress file stamped by a newer course stop this one with a plain message, changing nothing?"""
    from course.progress import SCHEMA_VERSION, NewerProgressError

    Progress(course_home).record_attempt("02", "cue-scenarios", "x", "y", True)
    with sqlite3.connect(course_home / "progress.db") as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = (course_home / "progress.db").read_bytes()
    with pytest.raises(NewerProgressError, match="newer version of the course"):
        Progress(course_home).attempts()
    assert (course_home / "progress.db").read_bytes() == before
