"""Tamper evidence for a grading run: what must not change while a cohort is graded, hashed before and after.

Covered: every submitted file as ``nbgrader collect`` left it (``record_collected``, called by the course's
collect, keeps its hashes in ``grading-alerts/collected/``; ``since_collected`` compares), every submitted file
(all students) while grading runs, the assignment's sources (they hold the keys), the gradebook
rows of every student not being graded, and what students fetch from the exchange (its outbound folder; not
inbound, where a student may submit while grading runs: that submission is the next collect's). A difference
names the student (where there is one) and writes an alert that stops ``course feedback`` until a trainer has
looked.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook

from course.files import write_atomically
from course.grading.course_folder import CourseFolders, exchange_folder

__all__ = ["ALERTS", "Snapshot", "TamperDetected", "alert_file", "changes", "collected_file", "record_collected",
           "since_collected", "snapshot", "write_alert"]

ALERTS = "grading-alerts"
HASHED_BYTES = 200_000_000
SUBMITTED = "submitted"  # the label of submitted files in a difference (their folder is nbgrader's setting)


class TamperDetected(RuntimeError):
    """Something grading must never change did change: no grade or feedback can be trusted until checked."""


@dataclass(frozen=True)
class Snapshot:
    files: dict[str, str]
    rows: dict[str, tuple]


def _digest(path: Path, info: os.stat_result) -> str:
    """A regular file's SHA-256, read in chunks; past ``HASHED_BYTES`` its size and change time stand in (a
    64 GiB sparse file is never read)."""
    if info.st_size > HASHED_BYTES:
        return f"size {info.st_size} changed {info.st_mtime_ns}/{info.st_ctime_ns}"
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _hash_files(folder: Path, label: str) -> dict[str, str]:
    """Each regular file under ``folder`` (by ``lstat``: links and special files are never opened)."""
    if not folder.exists():
        return {}
    hashes = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        if stat.S_ISREG(info.st_mode):
            hashes[f"{label}/{path.relative_to(folder)}"] = _digest(path, info)
    return hashes


def _rows(root: Path, skip: set[str]) -> dict[str, tuple]:
    rows = {}
    with Gradebook(CourseFolders(root).gradebook_url) as gb:
        for assignment in gb.assignments:
            for submission in gb.assignment_submissions(assignment.name):
                student = submission.student.id
                if student in skip:
                    continue
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        rows[f"{student}/{assignment.name}/{notebook.name}/{grade.name}"] = (
                            grade.auto_score, grade.manual_score, grade.extra_credit, grade.needs_manual_grade)
    return rows


def snapshot(root: Path, assignment: str, graded: list[str]) -> Snapshot:
    """Hashes of everything that must not change while ``graded`` students' ``assignment`` is graded."""
    folders = CourseFolders(root)
    files = _hash_files(folders.submitted(), SUBMITTED)
    files |= _hash_files(folders.source(assignment), f"source/{assignment}")
    exchange = exchange_folder(root)
    if exchange is not None:  # not inbound: a student may submit while grading runs (the next collect's)
        files |= _hash_files(exchange / "outbound", "exchange/outbound")
    return Snapshot(files, _rows(root, set(graded)))


def _student(key: str) -> str | None:
    parts = key.split("/")
    if parts[0] == SUBMITTED and len(parts) > 1:
        return parts[1]
    if parts[0] == "exchange" and len(parts) > 2 and parts[1] == "inbound":
        return parts[2].split("+")[0]
    return None


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """Each difference as one line, naming the student it concerns where there is one."""
    lines = []
    for key in sorted(before.files.keys() | after.files.keys()):
        if before.files.get(key) != after.files.get(key):
            what = "added" if key not in before.files else ("removed" if key not in after.files else "changed")
            student = _student(key)
            lines.append(f"{key} was {what}" + (f" (student {student!r})" if student else ""))
    for key in sorted(before.rows.keys() | after.rows.keys()):
        if before.rows.get(key) != after.rows.get(key):
            lines.append(f"gradebook row {key} changed from {before.rows.get(key)} to {after.rows.get(key)} "
                         f"(student {key.split('/')[0]!r}, not being graded)")
    return lines


def write_alert(root: Path, assignment: str, differences: list[str]) -> Path:
    """Log each difference and write them where they stop the release of feedback (``alert_file``)."""
    import logging

    alert = alert_file(root, assignment)
    alert.parent.mkdir(exist_ok=True)
    alert.write_text("\n".join(differences) + "\n", encoding="utf-8")
    for line in differences:
        logging.getLogger("course.grading").error("tampering: %s", line)
    return alert


def alert_file(root: Path, assignment: str) -> Path:
    """Where an alert stops the release of feedback for ``assignment`` until a trainer removes it."""
    return Path(root) / ALERTS / f"{assignment}.txt"


def collected_file(root: Path, assignment: str) -> Path:
    """Hashes of each submission of ``assignment`` as collected, in the course folder (students never reach it)."""
    return Path(root) / ALERTS / "collected" / f"{assignment}.json"


def _read_collected(root: Path, assignment: str) -> dict[str, dict[str, str]]:
    path = collected_file(root, assignment)
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise TamperDetected(f"{path} is not the JSON `nbgrader collect` wrote ({error}); it was changed after "
                             "collect: check it, then collect again") from error


def record_collected(root: Path | str, assignment: str, student: str, folder: Path | str) -> None:
    """Record the hashes of ``student``'s submission in ``folder`` as just collected (replacing an earlier
    collect's), written atomically so a crash never leaves half a record."""
    path = collected_file(Path(root), assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = _read_collected(Path(root), assignment)
    record[student] = _hash_files(Path(folder), ".")
    write_atomically(path, json.dumps(record, indent=1, sort_keys=True))


def since_collected(root: Path | str, assignment: str, students: list[str]) -> tuple[list[str], list[str]]:
    """Each student's submitted files compared with their hashes at collect: (one line per difference, naming
    the student; the students with no collect-time record, collected before the course kept one)."""
    root = Path(root)
    folders = CourseFolders(root)
    record = _read_collected(root, assignment)
    lines, unrecorded = [], []
    for student in sorted(students):
        if student not in record:
            unrecorded.append(student)
            continue
        now = _hash_files(folders.submitted(student, assignment), ".")
        for key in sorted(record[student].keys() | now.keys()):
            if record[student].get(key) != now.get(key):
                what = "added" if key not in record[student] else ("removed" if key not in now else "changed")
                name = key.removeprefix("./")
                lines.append(f"submitted/{student}/{assignment}/{name} was {what} after `nbgrader collect` "
                             f"(student {student!r})")
    return lines, unrecorded
