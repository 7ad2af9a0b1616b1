"""The course's roster: which platform user each nbgrader student is, imported from the platform's own file.

``import_roster`` reads a Canvas gradebook export, a Moodle participants or grades download, or a Blackboard
Grade Centre download (``platforms.read_members``), checks every row first, adds the missing students of the good
rows to nbgrader's gradebook (with names and emails) and writes ``roster.json`` in the course folder, atomically.
A row breaking the rule for ids (``identity.bad_id``), a duplicate or a missing id is set aside and named, and
every other row imported: one student never stops the cohort. A file that cannot be read changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from course.grading.course_folder import require_gradebook
from course.grading.lms.platforms import Column, Member, read_members
from course.grading.nbgrader_run import GradingError

__all__ = ["ROSTER_FILE", "Roster", "RosterImport", "import_roster", "load_roster"]

ROSTER_FILE = "roster.json"
ROSTER_VERSION = 1


@dataclass(frozen=True)
class Roster:
    platform: str
    id_column: str
    source: str
    members: list[Member]
    columns: list[Column] = field(default_factory=list)

    def member(self, student_id: str) -> Member | None:
        return next((m for m in self.members if m.student_id == student_id), None)

    def to_json(self) -> str:
        return json.dumps({"version": ROSTER_VERSION, "platform": self.platform, "id_column": self.id_column,
                           "source": self.source, "students": [asdict(m) for m in self.members],
                           "columns": [asdict(c) for c in self.columns]}, ensure_ascii=False, indent=1) + "\n"


@dataclass(frozen=True)
class RosterImport:
    roster: Roster
    added: list[str]
    updated: list[str]
    path: Path
    set_aside: list[str] = field(default_factory=list)


def load_roster(course_dir: Path | str) -> Roster | None:
    """The roster last imported into the course folder, or None before any import."""
    path = Path(course_dir) / ROSTER_FILE
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Roster(data["platform"], data["id_column"], data["source"],
                      [Member(**m) for m in data["students"]], [Column(**c) for c in data.get("columns", [])])
    except (ValueError, KeyError, TypeError) as error:
        raise GradingError(f"{path} is not a roster this course wrote ({error}): run `course roster import FILE` "
                           "again") from None


def import_roster(course_dir: Path | str, file: Path | str, platform: str | None = None,
                  id_column: str | None = None) -> RosterImport:
    """Import ``file``'s good rows: every row checked first, each bad one set aside (``RosterImport.set_aside``
    says which row and why), then the gradebook and ``roster.json`` updated. A student already in the gradebook
    keeps their id and gets the platform's names. ``RosterFileError`` if no row can be imported."""
    from nbgrader.api import Gradebook, MissingEntry

    from course.files import write_atomically

    root, file = Path(course_dir), Path(file)
    try:
        data = file.read_bytes()
    except OSError as error:
        raise GradingError(f"cannot read {file}: {error.strerror}") from None
    set_aside: list[str] = []
    platform, id_column, members, columns = read_members(data, platform, id_column, set_aside=set_aside)
    roster = Roster(platform, id_column, file.name, members, columns)
    url = require_gradebook(root)
    added, updated, before = [], [], {}
    path = root / ROSTER_FILE
    with Gradebook(url) as gb:
        try:
            for member in members:
                try:
                    known = gb.find_student(member.student_id)
                    before[member.student_id] = {"first_name": known.first_name, "last_name": known.last_name,
                                                 "email": known.email}
                    updated.append(member.student_id)
                except MissingEntry:
                    added.append(member.student_id)
                gb.update_or_create_student(member.student_id, first_name=member.first_name or None,
                                            last_name=member.last_name or None, email=member.email or None)
            write_atomically(path, roster.to_json())
        except BaseException as error:
            _undo(gb, added, before)
            if isinstance(error, OSError):
                raise GradingError(f"cannot write {path} ({error.strerror}): nothing imported") from None
            raise
    return RosterImport(roster, added, updated, path, set_aside)


def _undo(gb, added: list[str], before: dict[str, dict]) -> None:
    """Put the gradebook back as it was when a write fails half-way: nothing half-imported."""
    gb.db.rollback()
    for student_id in added:
        try:
            gb.remove_student(student_id)
        except Exception:  # noqa: BLE001 (not written before the failure)
            gb.db.rollback()
    for student_id, fields in before.items():
        gb.update_or_create_student(student_id, **fields)
