"""Browser fixtures: one JupyterLab server and one Chromium for the whole run, a fresh tab for each test.

The server runs on 127.0.0.1 with a random free port and token, over a copy of the course and an empty
``COURSE_HOME``, so a run never touches a real learner's work. When no browser can be had the tests skip
with a one-line reason, except under ``CI=true``, where a missing browser is a failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from learner import tab
from playwright.sync_api import Error, sync_playwright

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
# This machine's network is closed: Chromium must not try to reach anything but the local server.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Clean, reproducible runs: no news or update checks, every cell in the page (no virtual scrolling).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                        "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}
SERVER_START_SECONDS = 60


def unavailable(reason: str) -> None:
    """Skip with a one-line reason; under CI a missing browser is a failure instead."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the browser tests must run)", pytrace=False)
    pytest.skip(reason)


def find_chromium() -> str | None:
    """``$CHROMIUM`` when set, else Debian's chromium: Playwright's own browser download does not work offline."""
    configured = os.environ.get("CHROMIUM")
    candidates = [configured] if configured else ["/usr/bin/chromium", shutil.which("chromium"),
                                                  shutil.which("chromium-browser")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        where = f"CHROMIUM={os.environ['CHROMIUM']} is not an executable" if os.environ.get("CHROMIUM") else \
            "no Chromium found"
        unavailable(f"{where} (run 'make browser' as root, or set CHROMIUM=/path/to/chromium)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        except Error as exc:
            unavailable(f"Chromium at {chromium_path} would not start: {str(exc).splitlines()[0]}")
        yield chromium
        chromium.close()


@dataclass(frozen=True)
class LabServer:
    url: str
    token: str
    root: Path
    course_home: Path
    env: dict

    def tree_url(self, path: str) -> str:
        """The address that opens ``path`` (relative to the server's root) in JupyterLab, with a clean layout."""
        return f"{self.url}/lab/tree/{path}?reset&token={self.token}"

    def api(self, method: str, path: str):
        request = urllib.request.Request(f"{self.url}/api/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self) -> None:
        """End every notebook session, so finished notebooks stop using the machine's two cores."""
        for session in self.api("GET", "sessions"):
            self.api("DELETE", f"sessions/{session['id']}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answering(url: str, token: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    request = urllib.request.Request(f"{url}/api/status", headers={"Authorization": f"token {token}"})
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with code {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.25)
    raise RuntimeError(f"JupyterLab did not answer at {url} within {SERVER_START_SECONDS} s:\n"
                       f"{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    """Stop the server and its kernels: the whole process group, politely first."""
    if process.poll() is not None:
        return
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="session")
def lab(chromium_path, tmp_path_factory) -> LabServer:
    """A real JupyterLab on 127.0.0.1 serving a copy of the course, stopped afterwards whatever happens."""
    base = tmp_path_factory.mktemp("lab")
    root, home, settings, workspaces = (base / name for name in ("course", "course_home", "settings", "workspaces"))
    shutil.copytree(REPO / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    if (REPO / "nbgrader_config.py").exists():
        # A trainer's course folder too, so the student version of an assignment can be made and validated here.
        shutil.copy2(REPO / "nbgrader_config.py", root)
        shutil.copytree(REPO / "assignments", root / "assignments", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    home.mkdir()
    for name, values in LAB_SETTINGS.items():
        target = settings / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    # The venv's own tools first on PATH: nbgrader runs `alembic` as a command. COURSE_DATA passes through, so
    # the lab shows the content the tests read their expectations from.
    env = {**os.environ, "COURSE_HOME": str(home), "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    port, token = free_port(), secrets.token_hex(24)
    url = f"http://127.0.0.1:{port}"
    log = base / "jupyterlab.log"
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={root}", "--LabApp.news_url=",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.expose_app_in_browser=True",
               "--LabApp.extension_manager=readonly", "--ServerApp.allow_root=True",
               f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={workspaces}"]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    server = LabServer(url, token, root, home, env)
    try:
        wait_until_answering(url, token, process, log)
        yield server
    finally:
        if process.poll() is None:
            with contextlib.suppress(OSError):
                server.shut_down_kernels()  # kernels run in their own process groups
        stop(process)


@dataclass(frozen=True)
class LearnerServer:
    """Learner mode as ``make learn`` serves it (the course's Voilà, template and real kernel limits), over a
    copy of the notebooks."""

    url: str
    token: str
    root: Path
    course_home: Path
    limits: object
    log: Path
    probe: str = "probe.ipynb"

    def page_url(self, notebook: str) -> str:
        return f"{self.url}/voila/render/{notebook}?token={self.token}"

    def shut_down_kernel(self, kernel_id: str) -> None:
        """Shut a kernel down through the server's REST API, as idle culling or a server admin would."""
        request = urllib.request.Request(f"{self.url}/api/kernels/{kernel_id}", method="DELETE",
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 204, response.status

    def kernel_running(self, kernel_id: str) -> bool:
        request = urllib.request.Request(f"{self.url}/api/kernels/{kernel_id}",
                                         headers={"Authorization": f"token {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status == 200
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return False
            raise


@pytest.fixture(scope="session")
def learner_server(chromium_path, tmp_path_factory) -> LearnerServer:
    """One Voilà on 127.0.0.1 for every learner-mode test, started as ``make learn`` starts it, stopped afterwards."""
    from course.learner_mode import ServerLimits, environment
    from course.learner_mode.__main__ import server_command

    base = tmp_path_factory.mktemp("learn")
    root, home = base / "notebooks", base / "course_home"
    shutil.copytree(REPO / "notebooks", root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    home.mkdir()
    # A page that is quick to open, for the tests of kernels: one button that answers when pressed.
    probe = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                              "language": "python"}})
    probe.cells = [nbformat.v4.new_markdown_cell("# Probe"), nbformat.v4.new_code_cell(
        "import ipywidgets as w\nb = w.Button(description='Press me')\n"
        "b.on_click(lambda _: setattr(b, 'description', 'Pressed'))\nb")]
    nbformat.write(probe, root / LearnerServer.probe)
    # COURSE_DATA passes through, so the pages show the content the tests read their expectations from.
    env = environment({**os.environ, "COURSE_HOME": str(home), "JUPYTER_RUNTIME_DIR": str(base / "runtime")})
    limits = ServerLimits()  # the real ones: a learner reading on must never meet the bound
    port, token = free_port(), secrets.token_hex(24)
    url = f"http://127.0.0.1:{port}"
    log = base / "voila.log"
    with log.open("w") as out:
        process = subprocess.Popen(server_command(root, port, token, limits), cwd=base, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"Voilà exited with code {process.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/?token={token}", timeout=2):
                    break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Voilà did not answer within {SERVER_START_SECONDS} s:\n"
                                       f"{log.read_text()[-3000:]}") from None
                time.sleep(0.25)
        yield LearnerServer(url, token, root, home, limits, log)
    finally:
        stop(process)


@pytest.fixture
def page(browser, lab):
    """A fresh browser tab for one test."""
    with tab(browser) as fresh:
        yield fresh


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where module screenshots go for inspection (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """When a browser test fails, keep a picture of its tab in test-artifacts/screenshots/ to see what went wrong."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    for value in item.funcargs.values():
        tab_page = getattr(value, "page", value)
        if hasattr(tab_page, "screenshot") and hasattr(tab_page, "is_closed") and not tab_page.is_closed():
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", item.name)
            tab_page.screenshot(path=SCREENSHOTS / f"failed-{name}.png")
            return
