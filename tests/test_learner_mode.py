"""Learner mode's server: `make learn` serves the course on 127.0.0.1 behind a token with the course's template;
its limits (idle culling, a bound on kernels) are what the options say; each user's progress is their own."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from support.checkout import needs_checkout
from support.coroutines import run_coroutine
from support.servers import free_port, running, wait_until_answering

from course.learner_mode import JUPYTER_DIR, TEMPLATE, ServerLimits, environment, voila_options
from course.learner_mode.kernels import CourseKernelManager, TooManyPages
from course.progress import course_home

REPO = Path(__file__).resolve().parent.parent


class _Text(HTMLParser):
    """The text a reader sees on a page: everything outside scripts and styles, tags (highlighting) removed."""

    def __init__(self) -> None:
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style", "template")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style", "template") and self.hidden > 0

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def code_on_screen(page: str, notebook: Path) -> list[str]:
    """Each line of the notebook's code cells that a reader of the page can see (none, in learner mode)."""
    reader = _Text()
    reader.feed(page)
    shown = " ".join("".join(reader.parts).split())
    lines = {" ".join(line.split()) for cell in nbformat.read(notebook, as_version=4).cells
             if cell.cell_type == "code" for line in cell.source.splitlines()}
    return sorted(line for line in lines if len(line) > 3 and line in shown)


def test_code_on_screen_is_found_however_it_is_highlighted():
    """Would a code line split into highlighting tags (as JupyterLab's and nbconvert's pages show code) be found?"""
    notebook = REPO / "notebooks" / "00_start_here.ipynb"
    line = next(line for cell in nbformat.read(notebook, as_version=4).cells if cell.cell_type == "code"
                for line in cell.source.splitlines() if len(line) > 3)
    highlighted = f'<pre><span class="kn">{line[:2]}</span><span class="n">{line[2:]}</span></pre>'
    assert code_on_screen(f"<main>{highlighted}</main>", notebook) == [" ".join(line.split())]
    assert code_on_screen(f"<main><script>{line}</script></main>", notebook) == []


def test_a_page_past_the_bound_is_refused_with_a_plain_message(monkeypatch):
    """Does the server start kernels up to its bound, then refuse the next page saying what to do?"""
    manager = CourseKernelManager(max_kernels=2)
    started = []

    async def start(self, *args, kernel_id=None, **kwargs):
        started.append(kernel_id)
        return "new-kernel"

    monkeypatch.setattr(AsyncMappingKernelManager, "start_kernel", start)
    monkeypatch.setattr(manager, "list_kernel_ids", lambda: ["first"])
    assert run_coroutine(manager.start_kernel(kernel_name="python3")) == "new-kernel"
    monkeypatch.setattr(manager, "list_kernel_ids", lambda: ["first", "second"])
    with pytest.raises(TooManyPages) as refused:
        run_coroutine(manager.start_kernel(kernel_name="python3"))
    assert refused.value.status_code == 503
    assert "You already have 2 course pages open. Close a course page you are not using" in refused.value.message
    assert started == [None]


def test_the_options_carry_the_limits_and_the_template():
    """Do the server options name the course's template and the culling and kernel limits asked for?"""
    options = voila_options(ServerLimits(idle_seconds=120, check_every_seconds=15, max_kernels=3))
    assert f"--VoilaConfiguration.template={TEMPLATE}" in options
    assert {"--MappingKernelManager.cull_idle_timeout=120", "--MappingKernelManager.cull_interval=15",
            "--MappingKernelManager.cull_connected=False", "--CourseKernelManager.max_kernels=3"} <= set(options)
    with pytest.raises(ValueError, match="must all be positive"):
        ServerLimits(idle_seconds=0)


def test_the_template_is_found_first_on_the_jupyter_path():
    """Is the course's template folder put first on JUPYTER_PATH, keeping what was there, with its files in it?"""
    env = environment({"JUPYTER_PATH": "/srv/jupyter", "HOME": "/home/learner"})
    assert env["JUPYTER_PATH"].split(os.pathsep) == [str(JUPYTER_DIR), "/srv/jupyter"]
    folder = JUPYTER_DIR / "voila" / "templates" / TEMPLATE
    assert {"conf.json", "index.html.j2", "static"} <= {p.name for p in folder.iterdir()}


def test_each_user_has_their_own_progress_folder(monkeypatch, tmp_path):
    """With no COURSE_HOME set (a hub user's own server), is progress kept inside that user's own home?"""
    monkeypatch.delenv("COURSE_HOME", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    homes = {}
    for user in ("amina", "ben"):
        monkeypatch.setenv("HOME", str(tmp_path / user))
        homes[user] = course_home()
        assert homes[user].is_relative_to(tmp_path / user)
    assert homes["amina"] != homes["ben"]


@needs_checkout
@pytest.mark.skipif(not (REPO / ".venv" / "bin" / "python").exists(),
                    reason="make would create .venv: run `make learn` or `make test` once first")
def test_make_learn_serves_the_course_map_on_localhost_behind_a_token(tmp_path):
    """Does `make learn` print a 127.0.0.1 address with a token that opens module 00 as a page with no code,
    while the same page without the token is refused?"""
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "COURSE_HOME": str(tmp_path / "home"),
           "PYTHONUNBUFFERED": "1"}
    port = free_port()
    with running(["make", "--no-print-directory", "learn", f"LEARN_ARGS=--no-browser --port {port}"],
                 cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as server:
        address, deadline = None, time.monotonic() + 90
        while address is None and time.monotonic() < deadline and server.poll() is None:
            line = server.stdout.readline()
            if match := re.match(r"\s+(http://\S+)", line):
                address = match.group(1)
        assert address, "make learn printed no address within 90 seconds"
        parts = urlsplit(address)
        assert (parts.hostname, parts.port, parts.path) == ("127.0.0.1", port, "/voila/render/00_start_here.ipynb")
        assert re.fullmatch(r"token=[\w-]{20,}", parts.query)
        with urllib.request.urlopen(address.split("?")[0], timeout=60) as refused:
            assert urlsplit(refused.geturl()).path == "/login", "the page opened without the token"
        with urllib.request.urlopen(address, timeout=120) as response:
            page = response.read().decode()
        assert "<title>Module 00: Start here</title>" in page and '<main id="course-page">' in page
        assert code_on_screen(page, REPO / "notebooks" / "00_start_here.ipynb") == []
        assert not re.search(r'(src|href)="(https?:)?//', page), "the page loads something from another host"


class _Config:
    """Stands in for JupyterHub's ``c``: attribute chains that remember what was set."""

    def __getattr__(self, name):
        value = _Config()
        setattr(self, name, value)
        return value


def test_the_hub_config_lands_learners_on_learner_mode_of_their_own_server():
    """Do the printed jupyterhub_config.py lines set the start page, the server options and the template path?"""
    from course.learner_mode import hub_config, server_options

    c = _Config()
    exec(hub_config("course/notebooks/"), {"c": c})  # noqa: S102 - the lines a trainer pastes into their config
    assert c.Spawner.default_url == "/voila/render/course/notebooks/00_start_here.ipynb"
    assert c.Spawner.args == server_options()
    assert c.Spawner.environment == {"JUPYTER_PATH": str(JUPYTER_DIR)}


def test_a_jupyter_server_with_the_hub_options_serves_learner_mode(tmp_path):
    """Does a Jupyter server started with the hub's options (as a hub user's server is) render module 00 with
    the course's template at /voila/render/, behind its token?"""
    from course.learner_mode import server_options

    port, token = free_port(), "hub-test-token"
    root = tmp_path / "home"
    root.mkdir()
    os.symlink(REPO / "notebooks", root / "notebooks")
    env = environment({**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
                       "COURSE_HOME": str(tmp_path / "progress")})
    command = [sys.executable, "-m", "jupyter", "server", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={root}", "--ServerApp.allow_root=True", *server_options()]
    with running(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as server:
        url = f"http://127.0.0.1:{port}/voila/render/notebooks/00_start_here.ipynb"
        wait_until_answering(f"http://127.0.0.1:{port}/api/status?token={token}", server, 60)
        with urllib.request.urlopen(f"{url}?token={token}", timeout=120) as response:
            page = response.read().decode()
        assert "<title>Module 00: Start here</title>" in page and '<main id="course-page">' in page
        assert "How a notebook works" not in page, "a cell for JupyterLab only is on the page"


def test_a_page_past_the_kernel_bound_says_what_to_do(tmp_path):
    """With the bound at one kernel, is a second page refused with a page that says in words what to do, and
    fetches nothing from another host?"""
    import nbformat

    from course.learner_mode.__main__ import server_command

    folder = tmp_path / "notebooks"
    folder.mkdir()
    probe = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                              "language": "python"}})
    probe.cells = [nbformat.v4.new_markdown_cell("# Probe"), nbformat.v4.new_code_cell("1 + 1")]
    nbformat.write(probe, folder / "probe.ipynb")
    port, token = free_port(), "bound-test-token"
    env = environment({**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
                       "COURSE_HOME": str(tmp_path / "progress")})
    limits = ServerLimits(idle_seconds=600, check_every_seconds=60, max_kernels=1)
    with running(server_command(folder, port, token, limits), env=env, stdout=subprocess.DEVNULL,
                 stderr=subprocess.DEVNULL) as server:
        page = f"http://127.0.0.1:{port}/voila/render/probe.ipynb?token={token}"
        wait_until_answering(f"http://127.0.0.1:{port}/?token={token}", server, 60)
        with urllib.request.urlopen(page, timeout=120) as first:
            assert first.status == 200
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(page, timeout=60)
        said = refused.value.read().decode()
        assert refused.value.code == 503
        assert "You already have 1 course page open. Close a course page you are not using" in said
        assert not re.search(r'(src|href)="(https?:)?//', said), "the error page loads something from another host"
