"""The three learning platforms as the tests see them: the participant files each one gives a trainer, and each
one's grade import, rewritten in Python from the platform's own source or documentation (cited per function).

Nothing here imports ``course``: an export is checked by rules written independently of the code that writes it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class PlatformUser:
    """A platform account: Canvas user id, login, names, email, and the nbgrader id it stands for."""

    canvas_id: str
    login: str
    first: str
    last: str
    email: str
    sis_id: str = ""


class ImportAborted(Exception):
    """The platform would refuse the whole file."""


# --------------------------------------------------------------------------------- files the platforms give

def canvas_gradebook_export(users: list[PlatformUser], columns: list[tuple[str, str, float]]) -> bytes:
    """A Canvas "Export Entire Gradebook" file, laid out as ``lib/gradebook_exporter.rb`` (``csv_data``) writes it:
    sortable names, SIS columns, ``Title (id)`` columns, the "Points Possible" row, the total columns, the
    Test Student, and a byte-order mark (``include_bom``)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    totals = ["Current Score", "Unposted Current Score", "Final Score", "Unposted Final Score"]
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] +
                    [f"{title} ({cid})" for title, cid, _ in columns] + totals)
    writer.writerow(["    Points Possible", "", "", "", ""] + [f"{p:.2f}" for *_, p in columns] + ["(read only)"] * 4)
    for user in users:
        writer.writerow([f"{user.last}, {user.first}", user.canvas_id, user.sis_id, user.login, "Cohort A"] +
                        ["" for _ in columns] + ["", "", "", ""])
    writer.writerow(["Student, Test", "999", "", "", "Cohort A"] + ["" for _ in columns] + ["", "", "", ""])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def moodle_participants(users: list[PlatformUser]) -> bytes:
    """Moodle's participants page, "Download table data as CSV": UTF-8 with a BOM, comma-separated."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["First name", "Last name", "Username", "Email address", "Roles", "Groups"])
    for user in users:
        writer.writerow([user.first, user.last, user.login, user.email, "Student", "No groups"])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def blackboard_download(users: list[PlatformUser], columns: list[tuple[str, str, float]]) -> bytes:
    """Blackboard's Grade Centre "Work Offline → Download": tab-delimited, UTF-16 with a byte-order mark."""
    lines = ["\t".join(["Last Name", "First Name", "Username", "Student ID", "Last Access", "Availability"] +
                       [f"{title} [Total Pts: {points:g} Score] |{cid}" for title, cid, points in columns])]
    for user in users:
        lines.append("\t".join([user.last, user.first, user.login, user.sis_id, "2026-11-20", "Available"] +
                               ["" for _ in columns]))
    return ("\r\n".join(lines) + "\r\n").encode("utf-16")


# ------------------------------------------------------------------------------------ the platforms' imports

CANVAS_TITLE_AND_ID = re.compile(r"\A(.*)\s\((\d+)\)\Z")  # Assignment.title_and_id
CANVAS_NON_ASSIGNMENT = re.compile("Current Score|Current Points|Current Grade|Final Score|Final Points|"
                                   "Final Grade|Override Score|Override Grade|Override Status")


def _canvas_number(field: str) -> str:
    """``CSV::Converters[:decimal_comma_to_period]`` in ``app/models/gradebook_importer.rb``."""
    if re.match(r"^-?[0-9.,]+%?$", field):
        parts = re.split(r"[,.]", field)
        last = parts.pop()
        return last if not parts else "".join(parts) + "." + last
    return field


def canvas_import(data: bytes, users: list[PlatformUser], assignment_ids: set[str]) -> dict:
    """Canvas's gradebook importer (instructure/canvas-lms ``app/models/gradebook_importer.rb``) on ``data``.

    Returns {"grades": {canvas user id: {assignment id: grade or None}}, "new_students": [...],
    "new_assignments": [...], "points": {assignment id: points}}. Rules: ``identify_delimiter`` (comma or
    semicolon); header valid per ``row_has_student_headers?`` and ``header?`` (last student column "Section");
    ``update_column_count`` for the SIS columns; ``strip_non_assignment_columns``; ``parse_assignments`` (id in
    ``Title (id)``, else title, else new); ``check_for_non_student_row`` (Points Possible, muted rows);
    ``process_student`` (ID, SIS User ID, SIS Login ID, then name); ``no_score?`` (blank or "-").
    """
    text = data.decode("utf-8")  # Ruby's CSV keeps a BOM in the first cell; the header checks use include?
    first_lines = text.splitlines()[:3]

    def fields(separator):
        counts = {len(next(csv.reader([line], delimiter=separator))) for line in first_lines}
        return counts.pop() if len(counts) == 1 else 0

    separator = ";" if fields(";") > fields(",") else ","
    rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=separator)
            if not re.match(r"^[;, ]+$", separator.join(r)) and r]
    header = rows[0]
    if not (len(header) > 3 and "Student" in header[0] and "ID" in header[1]):
        raise ImportAborted("Invalid header row")
    student_columns, sis_user, sis_login = 3, None, None
    if re.search(r"SIS\s+Login\s+ID", header[2]):
        sis_login, student_columns = 2, 4
    elif re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3]):
        sis_user, sis_login, student_columns = 2, 3, 5
    if "Section" not in header[student_columns - 1]:
        raise ImportAborted("Invalid header row")
    assignments = []
    for index, title in enumerate(header):
        if index < student_columns or CANVAS_NON_ASSIGNMENT.search(title):
            continue
        match = CANVAS_TITLE_AND_ID.match(title)
        assignments.append((index, match.group(2) if match and match.group(2) in assignment_ids else None, title))
    result = {"grades": {}, "new_students": [], "new_assignments": [t for _, a, t in assignments if a is None],
              "points": {}}
    by_id = {u.canvas_id: u for u in users}
    by_sis = {u.sis_id: u for u in users if u.sis_id}
    by_login = {u.login: u for u in users}
    for row in rows[1:]:
        if row[0] and "Points Possible" in row[0]:
            result["points"] = {a: row[i] for i, a, _ in assignments if a}
            continue
        if all(re.match(r"^\s*(Muted|Manual Posting.*)?\s*$", c, re.I) for c in row):
            continue
        user = by_id.get(row[1]) if row[1] else None
        user = user or (by_sis.get(row[sis_user]) if sis_user is not None and row[sis_user] else None)
        user = user or (by_login.get(row[sis_login]) if sis_login is not None and row[sis_login] else None)
        user = user or next((u for u in users if row[0] in (f"{u.first} {u.last}", f"{u.last}, {u.first}")), None)
        if user is None:
            result["new_students"].append(row[0])
            continue
        grades = {}
        for index, assignment, _ in assignments:
            if assignment:
                grade = _canvas_number((row[index] if index < len(row) else "").strip())
                grades[assignment] = None if grade in ("", "-") else grade
        result["grades"][user.canvas_id] = grades
    return result


def moodle_import(data: bytes, users: list[PlatformUser], mapfrom: str, mapto: str, grade_column: str,
                  feedback_column: str) -> dict[str, tuple[str | None, str]]:
    """Moodle's CSV grade import (moodle/moodle ``grade/import/csv/classes/load_data.php``) with the mapping a
    trainer picks in its form: ``mapfrom`` column → ``mapto`` user field (``username``, ``useremail``,
    ``useridnumber``), the grade column to the grade item, the feedback column to its feedback.

    ``csv_import_reader`` drops a UTF-8 BOM; ``trim_headers``; lines with one field or fewer are skipped; a user
    not found aborts the whole import (``check_user_exists``); "" or "-" is no grade, else ``unformat_float``
    (a decimal comma is accepted). Returns {username: (grade or None, feedback)}.
    """
    text = data.decode("utf-8").removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = [h.strip() for h in rows[0]]
    field = {"username": "login", "useremail": "email", "useridnumber": "sis_id"}[mapto]
    found = {}
    for line in rows[1:]:
        if len(line) <= 1:
            continue
        values = dict(zip(header, (v.strip() for v in line), strict=True))
        key = values[mapfrom]
        user = next((u for u in users if getattr(u, field) == key), None) if key else None
        if user is None:
            raise ImportAborted(f"User mapping error: could not find user with {mapto} {key!r}")
        grade = values[grade_column]
        if grade not in ("", "-"):
            try:
                float(grade.replace(",", "."))
            except ValueError:
                raise ImportAborted(f"bad grade {grade!r}") from None
        found[user.login] = (None if grade in ("", "-") else grade.replace(",", "."), values[feedback_column])
    return found


BLACKBOARD_COLUMN_ID = re.compile(r"\|(\d+)\s*$")


def blackboard_upload(data: bytes, users: list[PlatformUser], column_ids: set[str]) -> dict:
    """Blackboard Grade Centre "Work Offline → Upload" as its instructor help describes it: a header row then one
    record a line; tab-delimited fields need no quote character; the student is matched by Username, a column
    by the Column ID after "|" (without one a new text column is made). Returns {"grades": {username: {column
    id: grade or None}}, "unknown_users": [...], "new_columns": [...]}.
    """
    text = data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data.decode("utf-8-sig")
    lines = [line for line in text.split("\r\n") if line]
    header = lines[0].split("\t")
    if "Username" not in header:
        raise ImportAborted("the file has no Username column")
    username = header.index("Username")
    columns = {i: m.group(1) for i, h in enumerate(header) if (m := BLACKBOARD_COLUMN_ID.search(h))}
    result = {"grades": {}, "unknown_users": [],
              "new_columns": [h for i, h in enumerate(header) if i > username and i not in columns],
              "names": {}}
    logins = {u.login for u in users}
    for line in lines[1:]:
        cells = line.split("\t")
        if len(cells) != len(header):
            raise ImportAborted(f"a row has {len(cells)} fields, the header {len(header)}")
        if cells[username] not in logins:
            result["unknown_users"].append(cells[username])
            continue
        result["grades"][cells[username]] = {cid: (cells[i] or None) for i, cid in columns.items()
                                             if cid in column_ids}
        result["names"][cells[username]] = (cells[header.index("First Name")], cells[header.index("Last Name")])
    return result
