"""What every hub step shares: the trainer's settings, running commands, messages, the hub's own paths."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HUB = Path(__file__).resolve().parents[1]
REPO = HUB.parent
# JupyterHub passes no PATH to servers it starts (since 6); every server gets this one, the venv's tools first.
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"


class HubError(RuntimeError):
    """A step that cannot go on, with what to do about it."""


def load_settings(path: str | os.PathLike | None = None) -> dict:
    """The trainer's settings file as a dict of its upper-case names."""
    path = Path(path or os.environ.get("COURSE_HUB_SETTINGS") or HUB / "settings.py")
    namespace: dict = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    settings = {k: v for k, v in namespace.items() if k.isupper()}
    settings["SETTINGS_FILE"] = str(path.resolve())
    if str(settings.get("EXTRA_CONFIG", "")).strip():
        raise HubError(f"{path}: EXTRA_CONFIG (text run as code) is no longer read: put those lines in a JupyterHub "
                       "config file of their own and name it in EXTRA_CONFIG_FILE")
    return settings


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), check=True, **kwargs)


def quietly(*args: str) -> None:
    """Run a noisy installer, showing its output only when it fails."""
    result = subprocess.run(list(args), capture_output=True, text=True)
    if result.returncode != 0:
        raise HubError(f"{' '.join(args[:4])} ... failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


def say(message: str) -> None:
    print(f"[hub] {message}", flush=True)


def require_root() -> None:
    if not sys.platform.startswith("linux"):
        raise HubError("the hub runs on Linux only (real Unix users, one per learner)")
    if os.geteuid() != 0:
        raise HubError("run as root: the hub creates Unix users and starts each learner's server as that user")


def venv_dir(s: dict) -> Path:
    return Path(s["INSTALL_DIR"]) / "venv"


def graders_config_dir(s: dict) -> Path:
    return Path(s["INSTALL_DIR"]) / "graders"


def demo_names(s: dict) -> list[str]:
    prefix = s.get("DEMO_STUDENT_PREFIX", "student")
    return list(s["INSTRUCTORS"]) + [f"{prefix}{i:02d}" for i in range(1, s["DEMO_STUDENTS"] + 1)]
