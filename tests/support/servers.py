"""Servers a test starts (JupyterLab, Voilà, `make learn`): a free port on 127.0.0.1, waiting until one answers,
and stopping it with everything it started."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answering(url: str, server: subprocess.Popen, seconds: float) -> tuple[int, bytes] | None:
    """Poll ``url`` until it answers (returning its status and body), the server exits, or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read()
        except OSError:
            time.sleep(0.25)
    return None


@contextmanager
def running(command: list[str], **popen) -> Iterator[subprocess.Popen]:
    """Start ``command`` in a process group of its own; on the way out stop the whole group (SIGTERM, then
    SIGKILL after 30 s), so no kernel or child server outlives the test."""
    server = subprocess.Popen(command, start_new_session=True, **popen)
    try:
        yield server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
