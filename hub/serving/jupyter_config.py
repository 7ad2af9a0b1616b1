"""The Jupyter and nbgrader settings of the hub's servers, written by the installed course (course.deployment),
so the hub and the Kubernetes image use the same settings."""

from __future__ import annotations

import grp
import os
import shutil

from .common import REPO, SYSTEM_PATH, graders_config_dir, run, venv_dir


def write_jupyter_config(s: dict) -> None:
    """System-wide settings every server and kernel reads (a learner's kernels on 127.0.0.1 drop ipykernel's
    unencrypted-TCP warning, as on a laptop), and the graders' own settings only the formgrader service reads."""
    venv = venv_dir(s)
    graders = graders_config_dir(s)
    run(str(venv / "bin" / "python"), "-m", "course.deployment",
        "--everyone", str(venv / "etc" / "jupyter"), "--graders", str(graders),
        "--lab-settings", str(venv / "share" / "jupyter" / "lab" / "settings"),
        "--exchange-root", s["EXCHANGE_ROOT"], "--course-id", s["COURSE_ID"],
        "--gradebook-url", s["GRADEBOOK_URL"], cwd="/", env={"PATH": SYSTEM_PATH, "HOME": "/nonexistent"})
    kernel_settings = venv / "etc" / "ipython"
    kernel_settings.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "etc" / "ipython" / "ipython_kernel_config.py", kernel_settings)
    gid = grp.getgrnam(s["GRADERS_GROUP"]).gr_gid
    for path in [graders, *graders.rglob("*")]:
        os.chown(path, 0, gid)
        os.chmod(path, 0o750 if path.is_dir() else 0o640)
