"""nbgrader's exchange for a shared server, with each submission private to its student and the graders, and a
record of every submission as collected.

nbgrader's own submit leaves a submission folder world-writable (0777), hidden only by an unguessable name. On a
hub the inbound folder is set-group-id to the graders' group, so a new submission folder belongs to that group:
this class closes the folder to everyone else (0770), so another student cannot enter it, read it or change it,
even knowing its name. Files inside stay 0644: some (the timestamp) belong to the student's own group, and the
graders reach them only through the folder, which nobody else can.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import stat
from datetime import datetime, timedelta
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect, groupby
from nbgrader.exchange.default.submit import ExchangeSubmit
from nbgrader.utils import check_mode, get_username, parse_utc
from traitlets import Enum, Float, Integer

from course.grading.identity import bad_id
from course.grading.nbgrader.safe_copy import Refusal, copy_regular_files, last_change, read_small, survey

__all__ = ["PrivateSubmit", "RecordingCollect"]

FOLDER_MODE = stat.S_IRWXU | stat.S_IRWXG
FILE_MODE = stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IROTH


class PrivateSubmit(ExchangeSubmit):
    """Submit as nbgrader does, then close the submission's folder to everyone but its student and the graders."""

    def init_dest(self):
        student = get_username() if self.coursedir.student_id == "*" else self.coursedir.student_id
        if (reason := bad_id(student)) is not None:
            self.fail(f"cannot submit as this student: {reason}")
        super().init_dest()

    def copy_files(self):
        super().copy_files()
        submission = os.path.join(self.inbound_path, self.assignment_filename)
        self.set_perms(submission, fileperms=FILE_MODE, dirperms=FOLDER_MODE)


class RecordingCollect(ExchangeCollect):
    """Collect trusting nothing in the inbound folder, then record the hashes of each submission as collected
    (``tamper.record_collected``), so grading and feedback can tell whether anyone changed it afterwards.

    Only regular files are copied, within size limits, never through a link (``safe_copy``); on a hub a folder
    belongs to the Unix account that owns it, so one claiming another student is set aside; the submission time
    is the folder's change time when ``timestamp.txt`` (or the folder's name) claims an earlier one. Whatever is
    set aside is named in one warning line per student, and everyone else is collected.
    """

    max_file_size = Integer(20_000_000, help="Largest file (bytes) collected from a submission; larger ones are "
                            "left out and named.").tag(config=True)
    max_submission_size = Integer(100_000_000, help="Largest submission (bytes, all files); a larger one is not "
                                  "collected and is named.").tag(config=True)
    max_files = Integer(500, help="Most files and folders in a submission; one with more is not collected and is "
                        "named.").tag(config=True)
    timestamp_tolerance = Float(120.0, help="Seconds a submission's claimed time (timestamp.txt, its folder name) "
                                "may precede the folder's last change before the change time is used "
                                "instead.").tag(config=True)
    owner_check = Enum(["auto", "always", "never"], "auto", help="Whether a submission must belong to the Unix "
                       "account named in it: 'auto' checks when the inbound folder holds folders of more than one "
                       "account (a multi-user hub), never for a single-account course.").tag(config=True)

    def init_src(self):
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail(f"Course not found: {self.inbound_path}")
        if not check_mode(self.inbound_path, read=True, execute=True):
            self.fail(f"You don't have read permissions for the directory: {self.inbound_path}")
        self.set_aside: dict[str, list[str]] = {}
        records = [r for r in map(self._record, self._candidates()) if r is not None]
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                self.duedate = gb.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                self.duedate = None
        self.src_records = []
        for mine in groupby(records, lambda item: item["username"]).values():
            mine = self._sort_by_timestamp(mine)
            on_time = [r for r in mine if self.duedate is not None and r["timestamp"] <= self.duedate]
            self.src_records.append(on_time[0] if self.before_duedate and on_time else mine[0])

    def _candidates(self) -> list[str]:
        student = self.coursedir.student_id
        student = "*" if student in ("", "*") else glob.escape(student)
        assignment = glob.escape(self.coursedir.assignment_id)
        return sorted(glob.glob(os.path.join(glob.escape(self.inbound_path), f"{student}+{assignment}+*")))

    def _set_aside(self, student: str, reason: str) -> None:
        self.set_aside.setdefault(student, []).append(reason)

    def _multi_user(self) -> bool:
        """Whether folders belong to their students' own accounts: more than one account owns folders in the
        inbound folder, or the one that does is not the collector's and is named as a student there."""
        if self.owner_check != "auto":
            return self.owner_check == "always"
        if not hasattr(self, "_owners"):
            with os.scandir(self.inbound_path) as entries:
                owners = {e.name.split("+")[0]: e.stat(follow_symlinks=False).st_uid for e in entries}
            uids = set(owners.values())
            self._owners = len(uids) > 1 or any(uid != os.geteuid() and _account(uid) in owners for uid in uids)
        return self._owners

    def _record(self, path: str) -> dict | None:
        """The folder's record (student, name, trusted time), or None if it is set aside (and why)."""
        name = os.path.basename(path)
        parts = name.rsplit("+", 3)
        student = parts[0]
        if (reason := bad_id(student)) is not None:
            self._set_aside(student, f"its folder names {reason}; not collected")
            return None
        info = os.lstat(path)
        if not stat.S_ISDIR(info.st_mode):
            self._set_aside(student, f"{name!r} is not a folder (a link or special file); not collected")
            return None
        try:
            claimed = parse_utc(parts[2])
        except (ValueError, OverflowError, IndexError):
            self._set_aside(student, f"{name!r} does not end in a time as `nbgrader submit` names it; not collected")
            return None
        if self._multi_user() and info.st_uid != os.geteuid():
            owner = _account(info.st_uid)
            if owner != student:
                self._set_aside(student, f"{name!r} claims student {student!r} but belongs to the account "
                                f"{owner!r}; not collected (the submission is {owner!r}'s)")
                return None
        return {"username": student, "filename": name, "timestamp": claimed, "claimed": claimed}

    def copy_files(self):
        if not self.src_records:
            self.log.warning("No submissions of '%s' for course '%s' to collect", self.coursedir.assignment_id,
                             self.coursedir.course_id)
        for record in self.src_records:
            try:
                self._collect(record)
            except OSError as error:  # one student's folder never stops the rest
                self._set_aside(record["username"], f"{record['filename']!r} could not be read ({error}); "
                                "not collected")
        for student, reasons in sorted(self.set_aside.items()):
            self.log.warning("student %r: %s", student, "; ".join(reasons))

    def _collect(self, record: dict) -> None:
        student, assignment = record["username"], self.coursedir.assignment_id
        source = os.path.join(self.inbound_path, record["filename"])
        dest = self.coursedir.format_path(self.coursedir.submitted_directory, student, assignment)
        if os.path.isdir(dest) and not (self.update or self.before_duedate):
            return self.log.info("Submission already collected (use --update for a newer one): %s %s", student,
                                 assignment)
        try:
            found = survey(Path(source), max_file_size=self.max_file_size, max_files=self.max_files,
                           ignore=self.coursedir.ignore)
        except Refusal as refusal:
            return self._set_aside(student, f"{record['filename']!r}: {refusal}; not collected")
        if found.size > self.max_submission_size:
            return self._set_aside(student, f"{record['filename']!r} holds {found.size:,} bytes, more than "
                                   f"{self.max_submission_size:,}; not collected")
        for reason in found.left_out:
            self._set_aside(student, f"{reason}; left out")
        record["timestamp"] = self._trusted_time(student, Path(source), found, record["claimed"])
        if os.path.isdir(dest):
            existing = self.coursedir.get_existing_timestamp(dest)
            if not (self.update and (existing is None or record["timestamp"] > existing)
                    or self.before_duedate and existing != record["timestamp"]):
                return self.log.info("Submission already collected (use --update for a newer one): %s %s",
                                     student, assignment)
            shutil.rmtree(dest)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        self.log.info("Collecting submission: %s %s", student, assignment)
        for reason in copy_regular_files(Path(source), Path(dest), found, self.max_file_size):
            self._set_aside(student, f"{reason}; left out")
        with open(os.path.join(dest, "timestamp.txt"), "w", encoding="utf-8") as out:
            out.write(record["timestamp"].strftime("%Y-%m-%d %H:%M:%S.%f UTC"))
        from course.grading.tamper import record_collected

        record_collected(self.coursedir.root, assignment, student, dest)

    def _trusted_time(self, student: str, source: Path, found, claimed: datetime) -> datetime:
        """The claimed time if the folder's last change agrees with it (and with timestamp.txt), else the change
        time (a student can rewrite what they wrote, never the time the system recorded)."""
        changed = last_change(source, found)
        written = read_small(source / "timestamp.txt", 100)
        try:
            stated = parse_utc(written.decode("utf-8").strip()) if written else None
        except (ValueError, OverflowError, UnicodeDecodeError):
            stated = None
        tolerance = timedelta(seconds=self.timestamp_tolerance)
        if stated is not None and abs(stated - claimed) <= tolerance and changed - claimed <= tolerance:
            return claimed
        self._set_aside(student, f"submitted at {changed:%Y-%m-%d %H:%M:%S} UTC (the folder's last change), "
                        f"not as claimed ({str(written[:40]) if written else 'no timestamp.txt'}, folder named "
                        f"{claimed:%Y-%m-%d %H:%M:%S}); the change time is recorded")
        return changed


def _account(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"
