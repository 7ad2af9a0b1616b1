"""Learner mode: the modules as web pages with no code on screen, served by Voilà on this computer only.

``python -m course.learner_mode`` (what ``make learn`` runs) serves the notebooks folder on 127.0.0.1 with the
course's page template and opens the course map in the learner's browser. The same settings, as command-line
options, make a JupyterHub learner's own server show learner mode (see ``docs/hub.md``).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["TEMPLATE", "JUPYTER_DIR", "START_PAGE", "ServerLimits", "voila_options", "environment",
           "render_path"]

TEMPLATE = "secure-attachment"
# Holds voila/templates/secure-attachment: put it on JUPYTER_PATH and Voilà finds the template by name.
JUPYTER_DIR = Path(__file__).resolve().parent / "jupyter"
START_PAGE = "00_start_here.ipynb"
# JupyterLab extensions that only work inside JupyterLab: on a course page they would only fill the browser
# console with warnings.
LAB_ONLY_EXTENSIONS = ["@jupyter/nbgrader", "@jupyter-notebook/lab-extension", "@voila-dashboards/jupyterlab-preview"]


class ServerLimits:
    """How long a page nobody is looking at keeps its kernel, and how many kernels one learner may have.

    Voilà refuses the request a closing tab sends to shut its kernel down, so a kernel with no page connected
    is shut down once it has been idle for ``idle_seconds``. A page left open keeps its kernel (it is
    connected), so the learner can come back to it; ``max_kernels`` bounds how many one learner can hold.
    """

    def __init__(self, idle_seconds: int = 180, check_every_seconds: int = 30, max_kernels: int = 6):
        if idle_seconds <= 0 or check_every_seconds <= 0 or max_kernels <= 0:
            raise ValueError("idle_seconds, check_every_seconds and max_kernels must all be positive")
        self.idle_seconds = idle_seconds
        self.check_every_seconds = check_every_seconds
        self.max_kernels = max_kernels


def voila_options(limits: ServerLimits | None = None) -> list[str]:
    """Command-line options that give Voilà (standalone, or as a Jupyter server extension) the course's
    template, idle-kernel culling and the kernel bound."""
    limits = limits or ServerLimits()
    return [
        f"--VoilaConfiguration.template={TEMPLATE}",
        "--VoilaConfiguration.theme=light",
        "--VoilaConfiguration.show_tracebacks=False",
        *[f"--VoilaConfiguration.extension_denylist={name}" for name in LAB_ONLY_EXTENSIONS],
        "--VoilaConfiguration.multi_kernel_manager_class=course.learner_mode.kernels.CourseKernelManager",
        f"--MappingKernelManager.cull_idle_timeout={limits.idle_seconds}",
        f"--MappingKernelManager.cull_interval={limits.check_every_seconds}",
        "--MappingKernelManager.cull_connected=False",
        f"--CourseKernelManager.max_kernels={limits.max_kernels}",
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
