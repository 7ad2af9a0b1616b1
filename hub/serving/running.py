"""Starting and stopping the hub, and ending what it left running."""

from __future__ import annotations

import os
import pwd
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from .accounts import known_course_users
from .common import SYSTEM_PATH, HubError, say, venv_dir
from .software import install_proxy


def pid_file(s: dict) -> Path:
    return Path(s["STATE_DIR"]) / "jupyterhub.pid"


def running_pid(s: dict) -> int | None:
    try:
        pid = int(pid_file(s).read_text())
        os.kill(pid, 0)
        return pid
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None


def hub_url(s: dict) -> str:
    return f"http://{s['HUB_IP']}:{s['HUB_PORT']}"


def start(s: dict, wait: float = 90) -> int:
    """Start the hub in its own session (a hub started with & from a shell ignores SIGINT), wait until it answers."""
    pid = running_pid(s)
    if pid:
        say(f"the hub is already running (pid {pid}) at {hub_url(s)}")
        return pid
    state = Path(s["STATE_DIR"])
    proxy = install_proxy()
    env = {"PATH": f"{venv_dir(s)}/bin:{Path(proxy).parent}:{SYSTEM_PATH}", "LANG": "C.UTF-8",
           "COURSE_HUB_SETTINGS": s["SETTINGS_FILE"]}
    log = open(state / "jupyterhub.log", "ab")
    process = subprocess.Popen(
        [str(venv_dir(s) / "bin" / "jupyterhub"), "-f", str(Path(s["INSTALL_DIR"]) / "hub" / "jupyterhub_config.py")],
        cwd=state, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    pid_file(s).write_text(str(process.pid))
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise HubError(f"the hub stopped at start (exit {process.returncode}); see {state / 'jupyterhub.log'}")
        try:
            urllib.request.urlopen(f"{hub_url(s)}/hub/api/", timeout=2)
            say(f"the hub is up at {hub_url(s)} (pid {process.pid}); the formgrader for graders is at "
                f"{hub_url(s)}/services/{s['COURSE_ID']}/formgrader")
            return process.pid
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    stop(s)
    raise HubError(f"the hub did not answer within {wait:.0f} s; see {state / 'jupyterhub.log'}")


def stop(s: dict, wait: float = 20) -> None:
    """Stop the hub, its proxy, the formgrader service and every learner's server it started."""
    pid = running_pid(s)
    if pid is None:
        say("the hub is not running")
    else:
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and running_pid(s):
            time.sleep(0.2)
        if running_pid(s):
            os.killpg(pid, signal.SIGKILL)
        say("the hub has stopped")
    pid_file(s).unlink(missing_ok=True)
    # The proxy runs in its own session; the hub stops it when it stops cleanly, this covers a hub that crashed.
    proxy_pid = Path(s["STATE_DIR"]) / "proxy.pid"
    try:
        os.kill(int(proxy_pid.read_text()), signal.SIGTERM)
    except (FileNotFoundError, ValueError, ProcessLookupError):
        pass
    proxy_pid.unlink(missing_ok=True)
    # Learners' servers run in their own sessions as their own users; end any the hub left behind.
    for name in [*known_course_users(s), s["GRADER_ACCOUNT"]]:
        end_processes_of(name, signal.SIGTERM)


def end_processes_of(name: str, sig: int) -> None:
    """Signal each process (by its id) that runs as this course account."""
    try:
        uid = pwd.getpwnam(name).pw_uid
    except KeyError:
        return
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if proc.stat().st_uid == uid:
                os.kill(int(proc.name), sig)
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            pass


