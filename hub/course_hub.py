#!/usr/bin/env python3
"""Serve the course to a cohort from one server: install, demo accounts, start, stop, clean (run as root).

`make hub` runs `install`, `demo-users` and `start`; `make hub-stop` runs `stop`; `make hub-clean` runs `clean`.
Standard library only, so it runs on a fresh machine before anything is installed. Every step is safe to re-run.
Settings come from hub/settings.py, or the file named by COURSE_HUB_SETTINGS. Each job is a module of
hub/serving/; this is their command line.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serving.accounts import add_learner, demo_users, user_exists  # noqa: E402
from serving.cleaning import clean  # noqa: E402
from serving.common import HubError, load_settings, require_root  # noqa: E402
from serving.folders import prepare_folders  # noqa: E402
from serving.jupyter_config import write_jupyter_config  # noqa: E402
from serving.running import end_processes_of, start, stop  # noqa: E402
from serving.software import install_proxy, install_software  # noqa: E402

__all__ = ["add_learner", "clean", "demo_users", "end_processes_of", "install", "install_software", "load_settings",
           "start", "stop", "user_exists"]


def install(s: dict) -> None:
    require_root()
    install_proxy()
    prepare_folders(s)
    install_software(s)
    write_jupyter_config(s)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["install", "demo-users", "start", "stop", "clean", "up", "add-learner"])
    parser.add_argument("name", nargs="?", help="add-learner: the learner's Unix user name")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        require_root()
        if args.step in ("install", "up"):
            install(settings)
        if args.step in ("demo-users", "up"):
            demo_users(settings)
        if args.step in ("start", "up"):
            start(settings)
        if args.step == "stop":
            stop(settings)
        if args.step == "clean":
            clean(settings)
        if args.step == "add-learner":
            if not args.name:
                parser.error("add-learner needs a NAME")
            add_learner(settings, args.name)
    except (HubError, subprocess.CalledProcessError) as exc:
        print(f"[hub] error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
