"""Learner mode: the modules as web pages with no code on screen, served by Voilà on this computer only.

``python -m course.learner_mode`` (what ``make learn`` runs) serves the notebooks folder on 127.0.0.1 with the
course's page template and opens the course map in the learner's browser. The same settings, as command-line
options, make a JupyterHub learner's own server show learner mode (see ``docs/hub.md``).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["TEMPLATE", "JUPYTER_DIR", "START_PAGE", "ServerLimits", "voila_options", "server_options",
           "environment", "render_path", "hub_config"]

TEMPLATE = "secure-attachment"
# Holds voila/templates/secure-attachment: put it on JUPYTER_PATH and Voilà finds the template by name.
JUPYTER_DIR = Path(__file__).resolve().parent / "jupyter"
START_PAGE = "00_start_here.ipynb"
# What a spare kernel runs before a page asks for it (course.learner_mode.warm_up).
WARM_UP = "from course.learner_mode.warm_up import warm_up; warm_up()"
# JupyterLab extensions that only work inside JupyterLab (on a course page they would only fill the browser
# console with warnings), and code highlighting, which a page with no code on it only spends time loading.
LAB_ONLY_EXTENSIONS = ["@jupyter/nbgrader", "@jupyter-notebook/lab-extension", "@voila-dashboards/jupyterlab-preview",
                       "jupyterlab_pygments"]


class ServerLimits:
    """How long a kernel outlives its page, and how many kernels one learner may have.

    A page being left asks for its kernel to be shut down; whether or not that request arrives (a phone or a
    killed tab may never send it), a kernel whose page's connection closed and did not come back within
    ``leave_seconds`` is shut down. A kernel no page ever connected to is shut down once it has been idle for
    ``idle_seconds``. A page left open keeps its kernel (it is connected), so the learner can come back to it;
    ``max_kernels`` bounds how many one learner can hold. ``spare_kernels`` are kept started and warmed up for
    the next page (0: each page starts its own, as Voilà does).
    """

    def __init__(self, idle_seconds: int = 180, check_every_seconds: int = 30, max_kernels: int = 6,
                 leave_seconds: int = 10, spare_kernels: int = 1):
        if min(idle_seconds, check_every_seconds, max_kernels, leave_seconds) <= 0 or spare_kernels < 0:
            raise ValueError("idle_seconds, check_every_seconds, max_kernels and leave_seconds must all be positive")
        self.spare_kernels = spare_kernels
        self.idle_seconds = idle_seconds
        self.check_every_seconds = check_every_seconds
        self.max_kernels = max_kernels
        self.leave_seconds = leave_seconds


def voila_options(limits: ServerLimits | None = None) -> list[str]:
    """Command-line options that give a standalone Voilà the course's template, idle-kernel culling and the
    kernel bound."""
    return [*_shared_options(limits),
            "--VoilaConfiguration.multi_kernel_manager_class=course.learner_mode.kernels.CourseKernelManager"]


def server_options(limits: ServerLimits | None = None) -> list[str]:
    """The same for a Jupyter server with Voilà's server extension (a JupyterHub learner's own server): learner
    mode at ``/voila/render/...``, JupyterLab still at ``/lab`` for whoever needs it."""
    return [*_shared_options(limits),
            "--ServerApp.kernel_manager_class=course.learner_mode.kernels.CourseKernelManager"]


def _shared_options(limits: ServerLimits | None) -> list[str]:
    limits = limits or ServerLimits()
    return [
        f"--VoilaConfiguration.template={TEMPLATE}",
        "--VoilaConfiguration.theme=light",
        "--VoilaConfiguration.show_tracebacks=False",
        *[f"--VoilaConfiguration.extension_denylist={name}" for name in LAB_ONLY_EXTENSIONS],
        f"--MappingKernelManager.cull_idle_timeout={limits.idle_seconds}",
        f"--MappingKernelManager.cull_interval={limits.check_every_seconds}",
        "--MappingKernelManager.cull_connected=False",
        f"--CourseKernelManager.max_kernels={limits.max_kernels}",
        f"--CourseKernelManager.leave_seconds={limits.leave_seconds}",
        f"--CourseKernelManager.spare_kernels={limits.spare_kernels}",
        f"--CourseKernelManager.warm_up={WARM_UP}",
    ]


def environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) with the course's template folder first on JUPYTER_PATH."""
    env = dict(os.environ if base is None else base)
    paths = [str(JUPYTER_DIR), *[p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p]]
    env["JUPYTER_PATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


def render_path(notebook: str) -> str:
    """The address path at which Voilà shows ``notebook`` (relative to the folder it serves)."""
    return f"voila/render/{notebook}"


def hub_config(notebooks: str = "notebooks", limits: ServerLimits | None = None) -> str:
    """Lines for ``jupyterhub_config.py`` that land each learner on learner mode of their own server.

    ``notebooks`` is the course's notebooks folder relative to each user's server root (their home, by
    default). Progress needs nothing: with no ``COURSE_HOME`` set, each user's is kept in their own home.
    """
    folder = notebooks.strip("/")
    start = "/" + render_path(f"{folder}/{START_PAGE}" if folder else START_PAGE)
    return "\n".join([
        "# Secure Attachment course: learners land on learner mode (Voilà) of their own server.",
        f"c.Spawner.default_url = {start!r}",
        f"c.Spawner.args = {server_options(limits)!r}",
        "# Voilà finds the course's page template here (the course must be installed in the users' environment).",
        f"c.Spawner.environment = {{'JUPYTER_PATH': {str(JUPYTER_DIR)!r}}}",
    ]) + "\n"
