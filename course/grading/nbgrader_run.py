"""Run nbgrader's own command-line apps from the course's Python, in a given course folder."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["GradingError", "db_url", "nbgrader"]


class GradingError(Exception):
    """The course folder is not ready for this step; the message says what to do next."""


def nbgrader(args: Sequence[str], root: Path, *, timeout: float | None = None) -> subprocess.CompletedProcess:
    """``nbgrader ARGS`` run in ``root`` with this Python; stdout and stderr together in ``.stdout``.

    nbgrader creates a gradebook by running ``alembic`` from PATH, so this Python's scripts folder goes first.
    """
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, env=env, timeout=timeout,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def db_url(root: Path) -> str:
    """The gradebook of the course in ``root`` (nbgrader's default place)."""
    return f"sqlite:///{Path(root).resolve() / 'gradebook.db'}"
