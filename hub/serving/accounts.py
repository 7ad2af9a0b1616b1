"""Unix groups and accounts: the graders' and learners' groups, the grader account, demo and added learners."""

from __future__ import annotations

import grp
import os
import pwd
import secrets
from pathlib import Path

from .common import demo_names, run, say


def ensure_group(name: str) -> None:
    try:
        grp.getgrnam(name)
    except KeyError:
        run("groupadd", name)


def user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def ensure_user(name: str, group: str, *, system: bool = False) -> bool:
    """A Unix user with a private home (0700); True when newly made."""
    created = False
    if not user_exists(name):
        args = ["useradd", "--create-home", "--shell", "/bin/bash", "--gid" if system else "--groups", group]
        if system:
            args += ["--system", "--home-dir", f"/home/{name}"]
        run(*args, name)
        created = True
    else:
        run("usermod", "--append", "--groups", group, name)
    os.chmod(pwd.getpwnam(name).pw_dir, 0o700)
    return created


def demo_users(s: dict) -> list[tuple[str, str]]:
    """Instructors and demo students with generated passwords; new ones are printed once and kept root-only."""
    new: list[tuple[str, str]] = []
    names = [(n, s["GRADERS_GROUP"]) for n in s["INSTRUCTORS"]]
    prefix = s.get("DEMO_STUDENT_PREFIX", "student")
    names += [(f"{prefix}{i:02d}", s["LEARNERS_GROUP"]) for i in range(1, s["DEMO_STUDENTS"] + 1)]
    for name, group in names:
        if ensure_user(name, group):
            password = secrets.token_urlsafe(12)
            run("chpasswd", input=f"{name}:{password}\n", text=True)
            new.append((name, password))
    if new:
        store = Path(s["STATE_DIR"]) / "demo-passwords.txt"
        fd = os.open(store, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a") as fh:
            fh.writelines(f"{name} {password}\n" for name, password in new)
        os.chmod(store, 0o600)
        say(f"new accounts (shown once; kept in {store}, readable by root only):")
        for name, password in new:
            print(f"    {name:16} {password}")
    return new


def add_learner(s: dict, name: str) -> None:
    ensure_group(s["LEARNERS_GROUP"])
    ensure_user(name, s["LEARNERS_GROUP"])
    say(f"{name} is a learner; with the pam authenticator set a password with: passwd {name}")


def known_course_users(s: dict) -> list[str]:
    members: set[str] = set()
    for group in (s["GRADERS_GROUP"], s["LEARNERS_GROUP"]):
        try:
            members.update(grp.getgrnam(group).gr_mem)
        except KeyError:
            pass
    return sorted(members | set(demo_names(s)))


