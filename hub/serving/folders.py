"""The course root (graders only), the exchange (nbgrader's documented permissions) and the hub's state folder."""

from __future__ import annotations

import grp
import os
import pwd
import shutil
from pathlib import Path

from .accounts import ensure_group, ensure_user
from .common import REPO


def prepare_folders(s: dict) -> None:
    """Course root for graders only; the exchange with nbgrader's documented permissions."""
    for group in (s["GRADERS_GROUP"], s["LEARNERS_GROUP"]):
        ensure_group(group)
    ensure_user(s["GRADER_ACCOUNT"], s["GRADERS_GROUP"], system=True)
    grader = pwd.getpwnam(s["GRADER_ACCOUNT"])
    graders_gid = grp.getgrnam(s["GRADERS_GROUP"]).gr_gid
    root = Path(s["COURSE_ROOT"])
    root.mkdir(parents=True, exist_ok=True)
    # Never overwrite a trainer's edited assignment sources or gradebook; add what is missing.
    for item in ("assignments",):
        if not (root / item).exists():
            shutil.copytree(REPO / item, root / item, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy2(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    for path in [root, *root.rglob("*")]:
        os.chown(path, grader.pw_uid, graders_gid, follow_symlinks=False)
        if path.is_dir() and not path.is_symlink():
            os.chmod(path, 0o2770)
        elif path.is_file():
            os.chmod(path, 0o660)
    os.chmod(root.parent, 0o755)
    exchange = Path(s["EXCHANGE_ROOT"])
    exchange.mkdir(parents=True, exist_ok=True)
    # nbgrader: "the exchange directory must be readable and writable by everyone". The sticky bit and a course
    # folder made here for the grader account stop a student making, renaming or removing the course's folder.
    os.chmod(exchange, 0o1777)
    course_exchange = exchange / s["COURSE_ID"]
    course_exchange.mkdir(exist_ok=True)
    os.chown(course_exchange, grader.pw_uid, graders_gid)
    os.chmod(course_exchange, 0o755)
    state = Path(s["STATE_DIR"])
    state.mkdir(parents=True, exist_ok=True)
    os.chmod(state, 0o700)


