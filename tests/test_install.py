"""A non-editable install (a JupyterHub image, a conda environment) has its content and runs a module.

The wheel is built from this checkout and installed without its dependencies into a fresh virtual
environment; the dependencies come from the test environment through a ``.pth`` file, so nothing is
downloaded. Everything then runs from a folder outside the checkout, so nothing can be found beside it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
SOURCE = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE", "course", "data")
MODULE_NOTEBOOK = "06_myths_mismatch_and_repair.ipynb"

pytestmark = [pytest.mark.install]


def run(*args, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with the course's wheel installed (not editable); returns its bin folder."""
    if not (REPO / "pyproject.toml").exists():
        pytest.skip("needs the course's source (pyproject.toml) to build the wheel")
    root = tmp_path_factory.mktemp("install")
    source = root / "source"  # a copy, so the build leaves nothing in the checkout and reuses nothing from it
    source.mkdir()
    for name in SOURCE:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(REPO / name, source / name)
    built = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                "--wheel-dir", root / "dist", source, cwd=root)
    assert built.returncode == 0, built.stderr
    (wheel,) = (root / "dist").glob("*.whl")
    venv = root / "venv"
    made = run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=root)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    added = run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--quiet", wheel, cwd=root)
    assert added.returncode == 0, added.stderr
    site = run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=root).stdout.strip()
    Path(site, "test_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return venv / "bin"


@pytest.fixture
def elsewhere(tmp_path) -> tuple[Path, dict]:
    """A working folder outside the checkout, with no COURSE_DATA, and the fresh venv first on PATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("COURSE_DATA", "PYTHONPATH", "VIRTUAL_ENV")}
    return tmp_path, env


def test_the_installed_course_validates_its_own_content(installed, elsewhere):
    """Does `course validate` from a non-editable install find and pass the content shipped in the wheel?"""
    cwd, env = elsewhere
    result = run(installed / "course", "validate", cwd=cwd, env=env)
    assert result.returncode == 0, result.stderr
    assert "site-packages/course/_data" in result.stdout
    assert str(REPO) not in result.stdout


def test_the_installed_course_still_honours_course_data(installed, elsewhere, tmp_path):
    """Does COURSE_DATA still point a non-editable install at a trainer's own copy?"""
    cwd, env = elsewhere
    result = run(installed / "course", "validate", cwd=cwd, env={**env, "COURSE_DATA": str(tmp_path / "nowhere")})
    assert result.returncode == 1
    assert "nowhere" in result.stderr


def test_a_module_notebook_runs_on_the_installed_course(installed, elsewhere):
    """Does a module notebook run top to bottom in a kernel of the fresh venv, using the installed course?"""
    from nbclient import NotebookClient

    cwd, env = elsewhere
    notebook = nbformat.read(REPO / "notebooks" / MODULE_NOTEBOOK, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("import course; print(course.__file__)"))
    env["PATH"] = f"{installed}{os.pathsep}{env.get('PATH', '')}"
    client = NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(cwd)}})
    client.kernel_manager_class = _kernel_manager(installed / "python", env)
    client.execute()
    errors = [o for cell in notebook.cells for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors[0]
    where = notebook.cells[-1].outputs[0]["text"]
    assert str(installed.parent) in where and str(REPO) not in where


def _kernel_manager(python: Path, env: dict):
    """A kernel manager that starts the kernel with the fresh venv's Python and environment."""
    from jupyter_client.manager import AsyncKernelManager

    class FreshVenvKernel(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            return [str(python), *super().format_kernel_cmd(extra_arguments)[1:]]

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            kw["env"] = {**env, **{k: v for k, v in kw.get("env", {}).items() if k.startswith("JPY")}}
            return await super()._async_launch_kernel(kernel_cmd, **kw)

    return FreshVenvKernel
