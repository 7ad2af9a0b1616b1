"""Removing what the hub made: demo accounts and the accounts LTI launches made, with their homes, the grader
account, groups and folders."""

from __future__ import annotations

import grp
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

from .accounts import known_course_users, user_exists
from .common import demo_names, run, say
from .running import end_processes_of, stop

# The names course.grading.lms.lti.launch.account_name gives (this runs on the system Python, without the course).
LAUNCHED_ACCOUNT = re.compile(r"lti-[0-9a-f]{12}")


def launched_accounts(s: dict) -> list[str]:
    """The accounts LTI launches made for this course: 'lti-' and 12 hex digits, in its graders' or learners' group
    (an account of that shape that is not the course's is left alone)."""
    return [name for name in known_course_users(s) if LAUNCHED_ACCOUNT.fullmatch(name)]


def clean(s: dict, keep_software: bool = False) -> None:
    """Remove the demo accounts and the accounts LTI launches made (with their homes), the grader account, groups
    and every folder the hub made."""
    stop(s)
    for name in [*demo_names(s), *launched_accounts(s), s["GRADER_ACCOUNT"]]:
        if user_exists(name):
            end_processes_of(name, signal.SIGKILL)
            time.sleep(0.2)
            run("userdel", "--remove", name, stderr=subprocess.DEVNULL)
    for group in (s["GRADERS_GROUP"], s["LEARNERS_GROUP"]):
        try:
            grp.getgrnam(group)
            subprocess.run(["groupdel", group], capture_output=True)
        except KeyError:
            pass
    for folder in (s["COURSE_ROOT"], s["EXCHANGE_ROOT"], s["STATE_DIR"]):
        shutil.rmtree(folder, ignore_errors=True)
        try:
            Path(folder).parent.rmdir()  # the folder made to hold it, when nothing else is there
        except OSError:
            pass
    if not keep_software:
        shutil.rmtree(s["INSTALL_DIR"], ignore_errors=True)
    say("demo accounts, LTI-launched accounts and folders removed")


