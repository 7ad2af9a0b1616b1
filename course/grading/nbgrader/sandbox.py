"""Run a submitted notebook where it can harm nothing: a bubblewrap sandbox (Debian's ``bubblewrap``).

Grading never needs this (answers are read as literals, see ``static_grading``). It is for showing the
outputs of a student's own cells, when a trainer switches ``ShowStudentOutputs`` on. Inside the sandbox:

- only a scratch copy of that one submission is visible, and writable; Python, the installed packages and the
  ``course`` package are read-only; the course folder, gradebook, source assignments, exchange and every other
  submission are simply absent;
- no network (its own network namespace), a clean environment, its own PID namespace (a process left
  running, detached or not, is killed when the sandbox ends), ``--die-with-parent``;
- as root, it runs as ``nobody``; memory, CPU-time and process-count limits apply (``prlimit``), and the whole
  run has a wall-clock limit.

Where bubblewrap cannot run, ``SandboxUnavailable`` says why and how to fix it; nothing falls back to running
student code unsandboxed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Float, Integer

from course.grading.cells import is_course_cell
from course.grading.regions import HIDDEN, MARK_SCHEME, without_regions

__all__ = ["Limits", "SandboxUnavailable", "ShowStudentOutputs", "execute_notebook", "require_sandbox",
           "run_sandboxed"]

NOBODY = 65534
INSIDE = "/submission"
SETUP_HINT = "install it with `make sandbox` (as root: apt-get install bubblewrap)"
RUN_NOTEBOOK = """
import sys, nbformat
from nbclient import NotebookClient
notebook = nbformat.read(sys.argv[1], as_version=4)
client = NotebookClient(notebook, timeout=float(sys.argv[3]), allow_errors=True, kernel_name="python3",
                        interrupt_on_timeout=True, resources={"metadata": {"path": "."}})
try:
    client.execute()
finally:
    nbformat.write(notebook, sys.argv[2])
"""


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create a sandbox here; the message says what to do."""


@dataclass(frozen=True)
class Limits:
    """What one sandboxed run may use: bytes of memory, seconds of CPU per process, processes, wall seconds."""

    memory: int = 2 * 1024 ** 3
    cpu_seconds: int = 60
    processes: int = 64
    wall_seconds: float = 120


def _bwrap() -> str:
    path = shutil.which("bwrap")
    if path is None:
        raise SandboxUnavailable(f"bubblewrap (bwrap) is not installed: {SETUP_HINT}")
    return path


def _read_only_paths() -> list[Path]:
    """What Python needs to run a kernel: the system, this Python, this environment and the course package."""
    import course

    paths = [Path(p) for p in ("/usr", "/lib", "/lib64", "/bin", "/sbin", "/etc/alternatives", "/etc/ld.so.cache")]
    paths += [Path(sys.base_prefix), Path(sys.prefix), Path(course.__file__).resolve().parent]
    paths += [Path(sys.executable).resolve().parent]
    return [p for p in dict.fromkeys(paths) if p.exists() or p.is_symlink()]


def _processes_of_this_user() -> int:
    uid = os.getuid()
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                count += entry.stat().st_uid == uid
            except OSError:
                pass
    return count


def _command(inner: list[str], scratch: Path, limits: Limits) -> list[str]:
    root = os.getuid() == 0
    command = [_bwrap(), "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
               "--die-with-parent", "--new-session", "--clearenv", "--proc", "/proc", "--dev", "/dev",
               "--tmpfs", "/tmp", "--bind", str(scratch), INSIDE, "--chdir", INSIDE]
    command += [] if root else ["--unshare-user"]
    paths = _read_only_paths()
    for folder in sorted({a for p in paths for a in p.parents if a != Path("/")}, key=lambda a: len(a.parts)):
        command += ["--perms", "0755", "--dir", str(folder)]  # bwrap would make them root-only
    for path in paths:
        if path.is_symlink() and path.parent == Path("/"):
            command += ["--symlink", os.readlink(path), str(path)]
        else:
            command += ["--ro-bind", str(path), str(path)]
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": INSIDE, "LANG": "C.UTF-8",
           "JUPYTER_RUNTIME_DIR": "/tmp/jupyter", "IPYTHONDIR": "/tmp/ipython", "MPLCONFIGDIR": "/tmp/mpl",
           "JUPYTER_PLATFORM_DIRS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    for name, value in env.items():
        command += ["--setenv", name, value]
    processes = limits.processes if root else _processes_of_this_user() + limits.processes
    limit = ["prlimit", f"--as={limits.memory}", f"--cpu={limits.cpu_seconds}", f"--nproc={processes}",
             "--core=0", "--"]
    if root:  # nobody, not root: the process limit only binds other users, and no file is root's to read
        command += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--",
                    "setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--inh-caps=-all",
                    "--bounding-set=-all", "--"]
    else:
        command += ["--"]
    return command + limit + inner


def run_sandboxed(inner: list[str], scratch: Path, limits: Limits = Limits()) -> subprocess.CompletedProcess:
    """Run ``inner`` in a sandbox that sees only ``scratch`` (as ``/submission``, its working folder).

    On the wall-clock limit everything in it is killed and ``TimeoutExpired`` raised.
    """
    scratch = Path(scratch)
    if os.getuid() == 0:
        for path in [scratch, *scratch.rglob("*")]:
            os.chown(path, NOBODY, NOBODY, follow_symlinks=False)
    command = _command(inner, scratch, limits)
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          start_new_session=True, env={"PATH": "/usr/bin:/bin"}) as process:
        try:
            output, _ = process.communicate(timeout=limits.wall_seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # bwrap's PID namespace takes every process in it along
            process.communicate()
            raise
    return subprocess.CompletedProcess(command, process.returncode, output)


def require_sandbox() -> None:
    """Raise ``SandboxUnavailable`` with the reason unless a sandbox can be made here."""
    with tempfile.TemporaryDirectory(prefix="sandbox-check-") as scratch:
        try:
            result = run_sandboxed([sys.executable, "-c", "print('ok')"], Path(scratch),
                                   Limits(wall_seconds=60))
        except OSError as error:
            raise SandboxUnavailable(f"bubblewrap could not start ({error}): {SETUP_HINT}") from None
        if result.returncode != 0 or "ok" not in result.stdout:
            raise SandboxUnavailable(
                "bubblewrap is installed but cannot make a sandbox here (it needs root, or unprivileged user "
                f"namespaces; in a container, permission to create namespaces): {result.stdout.strip()[-400:]}")


def execute_notebook(notebook: NotebookNode, files: Path | None = None, *, cell_timeout: float = 30,
                     limits: Limits = Limits()) -> NotebookNode:
    """Run a notebook in a fresh sandbox, beside a copy of ``files`` (a submission folder, its notebooks left
    out), and return it run.

    Cells that fail keep their error as output; a sandbox that is stopped or writes no notebook raises
    ``RuntimeError`` with its last output.
    """
    _bwrap()
    with tempfile.TemporaryDirectory(prefix="sandbox-") as tmp:
        scratch = Path(tmp) / "submission"
        if files is not None:  # its notebooks are left out: a graded copy holds the hidden tests
            shutil.copytree(files, scratch, symlinks=True, ignore=shutil.ignore_patterns("*.ipynb"))
        else:
            scratch.mkdir()
        nbformat.write(notebook, scratch / "_to_run.ipynb")
        result = run_sandboxed([Path(sys.executable).name, "-c", RUN_NOTEBOOK, "_to_run.ipynb", "_run.ipynb",
                                str(cell_timeout)], scratch, limits)
        ran = scratch / "_run.ipynb"
        if not ran.is_file() or ran.is_symlink() or ran.stat().st_size > limits.memory:
            raise RuntimeError(f"the sandbox wrote no notebook (exit {result.returncode}): {result.stdout[-500:]}")
        return nbformat.read(ran, as_version=4)


_CHECKED: list[bool] = []


class ShowStudentOutputs(NbGraderPreprocessor):
    """Run the student's notebook in the sandbox and show the outputs of the student's own cells in the graded
    copy (hidden tests are cut out first). Never touches a grade cell, so never a score. Off by default."""

    enabled = Bool(False, help="run submissions in a bubblewrap sandbox to show their own outputs").tag(config=True)
    cell_timeout = Float(30, help="seconds one cell may run in the sandbox").tag(config=True)
    memory = Integer(Limits.memory, help="bytes of memory the sandbox may use").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources):
        if not _CHECKED:
            require_sandbox()
            _CHECKED.append(True)
        copy = nbformat.from_dict(nbformat.v4.new_notebook(cells=[], metadata={}))
        for cell in nb.cells:
            shown = nbformat.from_dict(dict(cell))
            shown.source = without_regions(cell.source, HIDDEN, MARK_SCHEME)
            if shown.cell_type == "code":
                shown.outputs, shown.execution_count = [], None
            copy.cells.append(shown)
        copy.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
        folder = resources.get("metadata", {}).get("path")
        try:
            ran = execute_notebook(copy, Path(folder) if folder else None, cell_timeout=self.cell_timeout,
                                   limits=Limits(memory=self.memory))
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            self.log.warning("student %r: the sandbox run stopped (%s); no outputs shown",
                             resources["nbgrader"]["student"], str(error).splitlines()[0][:200])
            return nb, resources
        for cell, run in zip(nb.cells, ran.cells, strict=False):
            if cell.cell_type == "code" and run.cell_type == "code" and not is_course_cell(cell):
                cell.outputs = run.get("outputs", [])
        return nb, resources
