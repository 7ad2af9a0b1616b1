"""nbgrader's exchange for a shared server, with each submission private to its student and the graders, and a
record of every submission as collected.

nbgrader's own submit leaves a submission folder world-writable (0777), hidden only by an unguessable name. On a
hub the inbound folder is set-group-id to the graders' group, so a new submission folder belongs to that group:
this class closes the folder to everyone else (0770), so another student cannot enter it, read it or change it,
even knowing its name. Files inside stay 0644: some (the timestamp) belong to the student's own group, and the
graders reach them only through the folder, which nobody else can.
"""

from __future__ import annotations

import os
import stat

from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.exchange.default.submit import ExchangeSubmit
from nbgrader.utils import get_username

from course.grading.identity import bad_id

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
    """Collect as nbgrader does, then record the hashes of each submission as collected (``tamper.record_collected``),
    so grading and feedback can tell whether anyone changed it afterwards."""

    def do_copy(self, src, dest, log=None):
        super().do_copy(src, dest, log)
        from course.grading.tamper import record_collected

        student, assignment = os.path.split(os.path.dirname(dest))[1], os.path.basename(dest)
        record_collected(self.coursedir.root, assignment, student, dest)
