"""Run nbgrader's own command-line apps from the course's Python, in a given course folder (the one runner)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["GradingError", "nbgrader"]


class GradingError(Exception):
    """The course folder is not ready for this step; the message says what to do next."""


def nbgrader(args: Sequence[str], root: Path, *, timeout: float | None = None,
             on_line: Callable[[str], None] | None = None) -> subprocess.CompletedProcess:
    """``nbgrader ARGS`` run in ``root`` with this Python; stdout and stderr together in ``.stdout``.

    nbgrader creates a gradebook by running ``alembic`` from PATH, so this Python's scripts folder goes first.
    ``on_line`` sees each line of output as it comes (for progress). On ``timeout`` the whole process group is
    killed, kernels included, and ``TimeoutExpired`` is raised.
    """
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    command = [sys.executable, "-m", "nbgrader", *args]
    lines: list[str] = []
    with subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          start_new_session=True) as process:
        def read() -> None:
            for line in process.stdout:
                lines.append(line)
                if on_line is not None:
                    on_line(line)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the kernel nbgrader started too, not only nbgrader
            process.wait()
            reader.join(5)
            raise
        reader.join()
    return subprocess.CompletedProcess(command, process.returncode, "".join(lines))


