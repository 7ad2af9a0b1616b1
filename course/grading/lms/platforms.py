"""What each learning platform's files look like: the participant list it gives a trainer, and the grade file it
takes back. One place to change when a platform changes its format.

The rules followed, from each platform's own source or documentation:

- **Canvas** (instructure/canvas-lms). Export layout from ``lib/gradebook_exporter.rb`` (``csv_data``): a header
  ``Student, ID, SIS User ID, SIS Login ID, Section`` then one column per assignment titled ``Title (id)``
  (``Assignment#title_with_id``); a second row whose first cell is ``Points Possible``; one row per student with
  the sortable name ("Last, First"). Import rules from ``app/models/gradebook_importer.rb``: the header is
  valid when its first cell contains "Student", its second "ID", and the last student column is "Section"
  (``row_has_student_headers?``, ``header?``, ``update_column_count``); an assignment column is matched by the id
  in ``Title (id)``, else by exact title, else a NEW assignment is created (``parse_assignments``); a row whose
  first cell contains "Points Possible" sets points (``check_for_non_student_row``); a student is matched by
  Canvas user ID, then SIS User ID, then SIS Login ID, then name, else becomes a new user (``process_student``);
  a blank grade or "-" means no score (``no_score?``); comma-separated unless semicolons fit better
  (``identify_delimiter``). So we write Canvas's own header, the ``Title (id)`` column and every ID.
- **Moodle** (moodle/moodle ``grade/import/csv``). ``classes/load_data.php``: the trainer maps one column to a
  user field (``userid``, ``useridnumber``, ``useremail`` or ``username``; ``map_user_data_with_value``), each
  grade column to a grade item and a feedback column to that item's feedback; a user who is not found aborts
  the WHOLE import (``check_user_exists`` → ``usermappingerrorusernotfound``); a grade of "" or "-" is "no
  grade" (``update_grade_item``); a number is read with ``unformat_float``. The file is read through
  ``csv_import_reader`` in the encoding and separator the trainer picks (UTF-8 and comma by default), which
  drops a UTF-8 byte-order mark. So the file has only roster students, a unique user identifier (username
  when every student has one, else email, else ID number), the grade and a feedback column; UTF-8 with a BOM
  so that Excel, which Moodle's own participant download targets, opens the names intact.
- **Blackboard Learn Grade Centre** ("Uploading or downloading Grade Centre items for working offline",
  library.blackboard.com): the student is identified by Username; a column by the Column ID after ``|`` in
  its header (a column without one is created as a 0-point text column); a header row then one row per
  student; "Blackboard recommends tab-delimited files", which need no quote character and open in Excel.
  We write the layout of its own Full Grade Centre download (``Last Name, First Name, Username, Title [Total
  Pts: N Score] |id``), tab-delimited, UTF-16 with a byte-order mark as that download is, as ``.xls``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from course.grading.identity import bad_id, clean_name

__all__ = ["PLATFORMS", "Column", "Member", "PlatformGrade", "RosterFileError", "decode_rows", "detect_platform",
           "grade_text", "moodle_identifier", "platform_file", "read_members", "safe_text"]

PLATFORMS = ("canvas", "moodle", "blackboard")
DEFAULT_ID_COLUMN = {"canvas": "SIS Login ID", "moodle": "Username", "blackboard": "Username"}
CANVAS_STUDENT_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
CANVAS_TITLE_WITH_ID = re.compile(r"^(.*)\s\((\d+)\)$")
CANVAS_TOTALS = re.compile(r"Current Score|Current Points|Current Grade|Final Score|Final Points|Final Grade|"
                           r"Override Score|Override Grade|Override Status")
CANVAS_TEST_STUDENT = "Student, Test"
BLACKBOARD_COLUMN = re.compile(r"^(.*?)\s*(?:\[Total Pts:\s*([\d.]+)[^\]]*\])?\s*\|(\d+)$")
MOODLE_ID_COLUMNS = ("Username", "Email address", "ID number")
MOODLE_NO_USERNAME = (". Moodle's participant download shows only the fields its site lists under 'Show user identity'"
                      ": ask your Moodle administrator to include Username there (Site administration → Users → "
                      "Permissions → User policies → Show user identity) and download the list again, or pass "
                      "--id-column 'ID number' if that column holds each student's JupyterHub login. An email "
                      "address is not used as a student id.")
NAME_FIELDS = {"Student", "Section"}  # shown, not matched on: guarded with safe_text when written
MOODLE_GRADE_COLUMN = re.compile(r"^(?:[^:]+:\s*)?(.*?)\s*\((?:Real|Percentage|Letter)\)$")


class RosterFileError(ValueError):
    """Problems with a participant file: one message per problem, each naming its row."""

    def __init__(self, problems: Sequence[str]):
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Member:
    """One student of the roster: the nbgrader id, the names, and how the platform knows them."""

    student_id: str
    first_name: str
    last_name: str
    email: str = ""
    platform: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or self.student_id


@dataclass(frozen=True)
class Column:
    """A grade column the platform's file already had: its title, the platform's id for it, its points."""

    title: str
    id: str = ""
    points: str = ""


@dataclass(frozen=True)
class PlatformGrade:
    """One roster student's line in a platform file: ``grade`` is None when no grade may be given."""

    member: Member
    grade: float | None
    feedback: str = ""


# ------------------------------------------------------------------------------------------- reading rosters

def decode_rows(data: bytes) -> tuple[list[list[str]], str]:
    """The file's rows, decoded by its byte-order mark (UTF-16 or UTF-8) or as UTF-8, and its delimiter.

    Every line that is not valid text is reported with its row number, all at once.
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            row = data[:error.start].decode("utf-16", errors="ignore").count("\n") + 1
            raise RosterFileError([f"row {row}: not valid UTF-16 text: download the file again"]) from None
    else:
        problems, lines = [], []
        for number, line in enumerate(data.removeprefix(b"\xef\xbb\xbf").split(b"\n"), start=1):
            try:
                lines.append(line.decode("utf-8"))
            except UnicodeDecodeError as error:
                problems.append(f"row {number}: byte 0x{line[error.start]:02x} at character {error.start + 1} is "
                                "not UTF-8 text: save the file as UTF-8 (in Excel: CSV UTF-8) and import it again")
        if problems:
            raise RosterFileError(problems)
        text = "\n".join(lines)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first else ";" if first.count(";") > first.count(",") else ","
    rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    return rows, delimiter


def detect_platform(header: Sequence[str]) -> str | None:
    """Which platform wrote a file with this header, or None."""
    cells = [h.strip() for h in header]
    if len(cells) > 3 and "Student" in cells[0] and "ID" in cells[1]:
        return "canvas"
    if len(cells) > 4 and cells[0] == "LastName" and cells[1] == "FirstName" and "ID" in cells[2]:
        return "canvas"
    if {"Username", "Last Name", "First Name"} <= set(cells):
        return "blackboard"
    if "First name" in cells and ({"Last name", "Surname"} & set(cells)):
        return "moodle"
    return None


def _split_sortable(name: str) -> tuple[str, str]:
    """Canvas's sortable name "Last, First" as (first, last), split at the last comma (a suffix such as "Jr."
    belongs to the last name); a name without a comma is all last name."""
    last, comma, first = name.rpartition(", ")
    return (first.strip(), last.strip()) if comma else ("", name.strip())


def _columns(platform: str, header: list[str], rows: list[list[str]]) -> list[Column]:
    if platform == "canvas":
        points = next((r for r in rows if r and "Points Possible" in r[0]), [])
        found = []
        for index, title in enumerate(header):
            match = CANVAS_TITLE_WITH_ID.match(title.strip())
            if match and not CANVAS_TOTALS.search(title):
                found.append(Column(match.group(1), match.group(2), points[index] if index < len(points) else ""))
        return found
    if platform == "blackboard":
        return [Column(m.group(1), m.group(3), m.group(2) or "") for h in header
                if (m := BLACKBOARD_COLUMN.match(h.strip()))]
    return [Column(m.group(1)) for h in header if (m := MOODLE_GRADE_COLUMN.match(h.strip()))]


def _identity_problem(id_column: str, student_id: str, who: str, identity: dict[str, str],
                      seen: dict[str, int]) -> str | None:
    """What is wrong with a row's id or platform identifiers (``identity``: the one rule for ids; an identifier
    is written exactly in exports, so one that starts like a formula is refused here), or None."""
    if not student_id:
        return f"{who} has no {id_column}"
    if (reason := bad_id(student_id)) is not None:
        return f"{id_column} of {who} cannot be an nbgrader student id: {reason}"
    if formula := [k for k, v in identity.items() if formula_like(v) and k not in NAME_FIELDS]:
        return (f"{formula[0]} of {who} starts like a spreadsheet formula ({identity[formula[0]][:1]!r}); an "
                "identifier must stay exact, so fix it in the platform")
    if student_id in seen:
        return f"{id_column} {student_id!r} of {who} is already on row {seen[student_id]}"
    return None


@dataclass(frozen=True)
class _Table:
    """A participant file's header, to read a row's cells by column name (the first column of a name wins)."""

    header: list[str]

    @property
    def index(self) -> dict[str, int]:
        return {name: i for i, name in reversed(list(enumerate(self.header)))}

    def cell(self, row: list[str], name: str) -> str:
        i = self.index.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    def identity(self, row: list[str], names: Sequence[str]) -> dict[str, str]:
        return {k: self.cell(row, k) for k in names if k in self.index}


# One reader per platform: a row's (first name, last name, email, the platform's ids), or None for a row that is
# not a student.
Person = tuple[str, str, str, dict[str, str]]


def _canvas_person(table: _Table, row: list[str]) -> Person | None:
    if "Points Possible" in row[0] or all(re.match(r"^\s*(Muted|Manual Posting.*)?\s*$", c, re.I) for c in row):
        return None
    if table.cell(row, "Student") == CANVAS_TEST_STUDENT:
        return None
    first, last = ((table.cell(row, "FirstName"), table.cell(row, "LastName")) if "LastName" in table.index
                   else _split_sortable(table.cell(row, "Student")))
    return first, last, "", table.identity(row, CANVAS_STUDENT_COLUMNS)


def _blackboard_person(table: _Table, row: list[str]) -> Person:
    return (table.cell(row, "First Name"), table.cell(row, "Last Name"), table.cell(row, "Email"),
            table.identity(row, ("Username", "Student ID")))


def _moodle_person(table: _Table, row: list[str]) -> Person:
    return (table.cell(row, "First name"), table.cell(row, "Last name") or table.cell(row, "Surname"),
            table.cell(row, "Email address"), table.identity(row, MOODLE_ID_COLUMNS))


PERSON_READERS = {"canvas": _canvas_person, "blackboard": _blackboard_person, "moodle": _moodle_person}


def _header(data: bytes, platform: str | None, id_column: str | None) -> tuple[list[list[str]], str, str]:
    """(rows from the header on, platform, id column), or RosterFileError saying what to give."""
    rows, _ = decode_rows(data)
    while rows and not any(cell.strip() for cell in rows[0]):
        rows.pop(0)
    if not rows:
        raise RosterFileError(["the file is empty: download the participant list or gradebook again"])
    header = [h.strip() for h in rows[0]]
    detected = detect_platform(header)
    if platform is None:
        if detected is None:
            raise RosterFileError([f"row 1: the header ({', '.join(header[:6])}) is not one Canvas, Moodle or "
                                   "Blackboard writes: give --format canvas|moodle|blackboard"])
        platform = detected
    elif platform not in PLATFORMS:
        raise RosterFileError([f"--format {platform!r}: expected one of {', '.join(PLATFORMS)}"])
    id_column = id_column or DEFAULT_ID_COLUMN[platform]
    if id_column not in header:
        raise RosterFileError([f"row 1: no column {id_column!r} for the nbgrader student id (the columns are: "
                               f"{', '.join(header)}): name the right one with --id-column"
                               + (MOODLE_NO_USERNAME if platform == "moodle" and id_column == "Username" else "")])
    return rows, platform, id_column


def read_members(data: bytes, platform: str | None = None, id_column: str | None = None, *,
                 set_aside: list[str] | None = None) -> tuple[str, str, list[Member], list[Column]]:
    """(platform, id column, members, grade columns) from a participant file; RosterFileError lists every bad row,
    unless ``set_aside`` is given: then each bad row is described there and left out, so one student's row never
    stops the rest (a file that cannot be read at all, or holds no good row, still raises).

    Row numbers are the file's own, counting the header as row 1.
    """
    rows, platform, id_column = _header(data, platform, id_column)
    table = _Table([h.strip() for h in rows[0]])
    person = PERSON_READERS[platform]
    members, problems, seen = [], [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row) or (found := person(table, row)) is None:
            continue
        if len(row) > len(table.header):
            problems.append(f"row {number}: {len(row)} fields but the header has {len(table.header)} (a name with "
                            "a comma that is not in quotes?)")
            continue
        first, last, email, identity = found
        first, last, email = clean_name(first), clean_name(last), clean_name(email)
        identity = {k: clean_name(v) for k, v in identity.items()}
        student_id = table.cell(row, id_column)
        who = " ".join(p for p in (first, last) if p) or "a student with no name"
        if problem := _identity_problem(id_column, student_id, who, identity, seen):
            problems.append(f"row {number}: {problem}")
        else:
            seen[student_id] = number
            members.append(Member(student_id, first, last, email, identity))
    if problems and (set_aside is None or not members):
        raise RosterFileError(problems)
    if not members:
        raise RosterFileError(["no students in the file: download the participant list with its students"])
    if set_aside is not None:
        set_aside.extend(problems)
    return platform, id_column, members, _columns(platform, table.header, rows[1:])


# ------------------------------------------------------------------------------------------ writing grades

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """A name or message as a spreadsheet shows it but never runs it (CWE-1236): control characters dropped
    (a tab or line break becomes a space, so no row breaks), and one starting like a formula (``= + - @``) gets
    a leading apostrophe (OWASP's advice on CSV injection; Canvas's exporter guards names the same way in
    ``student_name``). Used for every field a student can influence except the identifiers the platform
    matches on, which must stay exact: those are checked at ``course roster import`` instead (an id by
    ``identity.bad_id``, a platform identifier may not start like a formula), so they are safe as they are."""
    text = "".join(" " if char in "\t\n\r\v\f" else char for char in str(text))
    text = "".join(char for char in text if unicodedata.category(char)[0] != "C").strip()
    return "'" + text if text.startswith(FORMULA_START) else text


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula (an identifier like this is refused at import)."""
    return text.startswith(FORMULA_START)


def grade_text(grade: float | None) -> str:
    """A grade exactly as the gradebook holds it ("3", "1.3333333333333333"); empty for no grade, never 0."""
    if grade is None:
        return ""
    return str(int(grade)) if float(grade).is_integer() else repr(float(grade))


def _canvas(title: str, column_id: str, points: float, grades: Sequence[PlatformGrade]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CANVAS_STUDENT_COLUMNS + [f"{title} ({column_id})"])
    writer.writerow(["    Points Possible", "", "", "", "", grade_text(points)])
    for g in grades:
        who = g.member.platform
        writer.writerow([safe_text(who.get("Student") or ", ".join(p for p in (g.member.last_name,
                                                                              g.member.first_name) if p)),
                         who.get("ID", ""), who.get("SIS User ID", ""), who.get("SIS Login ID", ""),
                         safe_text(who.get("Section", "")), grade_text(g.grade)])
    return out.getvalue().encode("utf-8")


def moodle_identifier(members: Sequence[Member]) -> str:
    """The user field every roster student has, preferring the unique username."""
    for column in MOODLE_ID_COLUMNS:
        if all(m.platform.get(column) or (column == "Email address" and m.email) for m in members):
            return column
    raise ValueError("the Moodle roster has no column every student has (Username, Email address or ID number):"
                     " download the participant list with usernames or email addresses")


def _moodle(title: str, grades: Sequence[PlatformGrade]) -> bytes:
    identifier = moodle_identifier([g.member for g in grades])
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([identifier, "First name", "Last name", title, f"{title} (feedback)"])
    for g in grades:
        value = g.member.platform.get(identifier) or (g.member.email if identifier == "Email address" else "")
        writer.writerow([value, safe_text(g.member.first_name), safe_text(g.member.last_name), grade_text(g.grade),
                         safe_text(g.feedback)])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def _blackboard(title: str, column_id: str, points: float, grades: Sequence[PlatformGrade]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter="\t", quoting=csv.QUOTE_NONE, quotechar=None, lineterminator="\r\n")
    writer.writerow(["Last Name", "First Name", "Username", f"{title} [Total Pts: {grade_text(points)} Score] "
                                                            f"|{column_id}"])
    for g in grades:
        username = g.member.platform.get("Username") or g.member.student_id
        writer.writerow([safe_text(g.member.last_name), safe_text(g.member.first_name), username,
                         grade_text(g.grade)])
    return out.getvalue().encode("utf-16")


def platform_file(platform: str, title: str, column_id: str, points: float,
                  grades: Sequence[PlatformGrade]) -> bytes:
    """The bytes of the grade file ``platform`` imports: one roster student a row, in roster order."""
    if platform == "canvas":
        return _canvas(title, column_id, points, grades)
    if platform == "moodle":
        return _moodle(title, grades)
    if platform == "blackboard":
        return _blackboard(title, column_id, points, grades)
    raise ValueError(f"unknown platform {platform!r}: expected one of {', '.join(PLATFORMS)}")
