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


def _probe_folder(tmp_path: Path) -> Path:
    """A folder with one quick page, probe.ipynb."""
    import nbformat

    folder = tmp_path / "notebooks"
    folder.mkdir()
    probe = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                              "language": "python"}})
    probe.cells = [nbformat.v4.new_markdown_cell("# Probe"), nbformat.v4.new_code_cell("1 + 1")]
    nbformat.write(probe, folder / "probe.ipynb")
    return folder


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
    manager = CourseKernelManager(max_kernels=2, spare_kernels=0)
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


def test_a_kernel_whose_page_went_away_ends_after_the_grace_unless_it_comes_back(monkeypatch):
    """Is a kernel whose page's last connection closed shut down ``leave_seconds`` later, while one whose page
    reconnected within that time (a dropped connection, not a page left) keeps running?"""
    import asyncio

    manager = CourseKernelManager(leave_seconds=0.2)
    ended = []

    async def shut_down(self, kernel_id, *args, **kwargs):
        ended.append(kernel_id)

    monkeypatch.setattr(AsyncMappingKernelManager, "shutdown_kernel", shut_down)
    monkeypatch.setattr(CourseKernelManager, "__contains__", lambda self, kernel_id: kernel_id in {"left", "back"})

    async def scenario():
        manager._kernel_connections.update(left=0, back=0)
        for kernel in ("left", "back"):
            manager.notify_connect(kernel)
            manager.notify_disconnect(kernel)
        await asyncio.sleep(0.05)
        manager.notify_connect("back")  # the page's connection came back in time
        await asyncio.sleep(0.4)

    run_coroutine(scenario())
    assert ended == ["left"]


def test_a_warm_spare_is_given_to_the_next_page_without_counting_against_the_bound_or_being_culled(monkeypatch):
    """Is a spare kernel started before any page asks, given to the next page, another spare started only once
    that page has connected (not while it is being drawn), the spares left out of the bound on pages and out of
    idle culling, and is a page past the bound still refused?"""
    import asyncio

    manager = CourseKernelManager(max_kernels=1, spare_kernels=1, warm_up="", refill_after_seconds=0.05)
    kernels, culled = [], []

    async def start(self, *args, kernel_id=None, **kwargs):
        kernels.append(kernel_id or f"page-{len(kernels)}")
        return kernels[-1]

    async def cull(self, kernel_id):
        culled.append(kernel_id)

    monkeypatch.setattr(AsyncMappingKernelManager, "start_kernel", start)
    monkeypatch.setattr(AsyncMappingKernelManager, "cull_kernel_if_idle", cull)
    monkeypatch.setattr(CourseKernelManager, "list_kernel_ids", lambda self: list(kernels))
    monkeypatch.setattr(CourseKernelManager, "__contains__", lambda self, kernel_id: kernel_id in kernels)

    async def scenario():
        manager.fill_spares(("python3", ""))
        await manager._warming
        spare = kernels[0]
        given = await manager.start_kernel(kernel_name="python3", path="")
        await asyncio.sleep(0.1)
        started_while_drawn = len(kernels) - 1
        manager.notify_connect(given)
        await asyncio.sleep(0.1)
        await manager._warming
        for kernel in kernels:
            await manager.cull_kernel_if_idle(kernel)
        with pytest.raises(TooManyPages):
            await manager.start_kernel(kernel_name="python3", path="")
        return spare, given, started_while_drawn

    spare, given, started_while_drawn = run_coroutine(scenario())
    assert started_while_drawn == 0, "the next spare started while the page was still being drawn"
    assert given == spare and len(kernels) == 2, "the page did not get the warm spare, or no new spare followed"
    assert culled == [spare], "only the kernel given to a page may be culled when idle, not the new spare"


def test_each_page_template_is_compiled_once_until_it_is_edited(monkeypatch, tmp_path):
    """Does a page's exporter (a new one for every page) reuse the templates compiled for an earlier page, and
    compile a template again once its source has changed?"""
    import jinja2

    from course.learner_mode.server import PageExporter

    template = tmp_path / "probe.j2"
    template.write_text("first {{ 1 + 1 }}")
    compiled = []
    compile_source = jinja2.Environment.compile

    def counting(self, source, name=None, *args, **kwargs):
        compiled.append(name)
        return compile_source(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)

    def page() -> str:
        environment = PageExporter(extra_template_paths=[str(tmp_path)]).environment
        return run_coroutine(environment.get_template("probe.j2").render_async())

    assert [page(), page()] == ["first 2", "first 2"]
    assert compiled == ["probe.j2"], "the second page compiled the template again"
    template.write_text("edited {{ 1 + 1 }}")
    assert page() == "edited 2" and compiled == ["probe.j2", "probe.j2"]


def test_the_course_page_templates_are_compiled_before_the_first_page(monkeypatch):
    """After the server's start-up compile, does the first page's exporter find the course's page template and
    the lab template it extends already compiled?"""
    import jinja2
    from voila.paths import collect_template_paths

    from course.learner_mode.server import PageExporter, compile_page_templates

    monkeypatch.setenv("JUPYTER_PATH", environment()["JUPYTER_PATH"])
    paths = collect_template_paths(["voila", "nbconvert"], TEMPLATE)
    assert compile_page_templates(paths, TEMPLATE) >= 2
    compiled = []
    compile_source = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile",
                        lambda self, source, name=None, *a, **k: compiled.append(name) or compile_source(
                            self, source, name, *a, **k))
    exporter = PageExporter(template_paths=paths, template_name=TEMPLATE)
    page = exporter.template
    assert page.filename.startswith(str(JUPYTER_DIR))
    exporter.environment.get_template("lab/index.html.j2")
    assert compiled == []


def test_warming_up_reads_nothing_of_the_learners(monkeypatch, tmp_path):
    """Does a spare kernel's warm-up load the activities and the content without touching the progress folder?"""
    import importlib
    import sys

    from course.learner_mode.warm_up import warm_up

    monkeypatch.setenv("COURSE_HOME", str(tmp_path / "progress"))
    monkeypatch.delitem(sys.modules, "course.widgets.glossary", raising=False)
    warm_up()
    assert "course.widgets.glossary" in sys.modules and importlib.import_module("course.widgets.glossary")
    assert not (tmp_path / "progress").exists()


def test_the_course_server_accepts_a_left_pages_request_and_answers_bad_addresses_in_its_words(tmp_path):
    """Served as `make learn` serves it: does a page get the xsrf cookie with which its leave request is accepted
    (and its kernel ends), does a stale token get the course's page saying how to open the course again, and is
    every `..` under /voila/templates/ a 404 with no traceback in the log?"""
    import http.client
    import http.cookiejar

    from course.learner_mode.__main__ import server_command

    folder = _probe_folder(tmp_path)
    port, token = free_port(), "leave-test-token"
    env = environment({**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
                       "COURSE_HOME": str(tmp_path / "progress")})
    log = tmp_path / "server.log"
    with log.open("w") as out, running(server_command(folder, port, token), env=env, stdout=out,
                                       stderr=subprocess.STDOUT) as server:
        base = f"http://127.0.0.1:{port}"
        wait_until_answering(f"{base}/?token={token}", server, 60)
        cookies = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
        with browser.open(f"{base}/voila/render/probe.ipynb?token={token}", timeout=120) as response:
            kernel = re.search(r'"kernelId": "([0-9a-f-]{36})"', response.read().decode()).group(1)
        xsrf = next(c.value for c in cookies if c.name == "_xsrf")
        kernel_url = f"{base}/api/kernels/{kernel}?token={token}"
        assert urllib.request.urlopen(kernel_url, timeout=30).status == 200
        leave = urllib.request.Request(f"{base}/voila/api/shutdown/{kernel}", data=f"_xsrf={xsrf}".encode(),
                                       method="POST")
        with browser.open(leave, timeout=60) as response:
            assert response.status == 204
        with pytest.raises(urllib.error.HTTPError) as gone:
            urllib.request.urlopen(kernel_url, timeout=30)
        assert gone.value.code == 404

        with pytest.raises(urllib.error.HTTPError) as stale:
            urllib.request.urlopen(f"{base}/voila/render/probe.ipynb?token=an-old-bookmark", timeout=60)
        page = stale.value.read().decode()
        assert stale.value.code == 403 and urlsplit(stale.value.geturl()).path == "/login"
        assert "make learn" in page and "Open the course again" in page and "Password" not in page

        for path in ("/voila/templates/../../../etc/passwd", "/voila/templates/secure-attachment/../../etc/passwd",
                     "/voila/templates/secure-attachment/static/../../../../../etc/passwd",
                     "/voila/templates/%2e%2e/%2e%2e/etc/passwd", "/voila/templates/secure-attachment"):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", path)
            assert connection.getresponse().status == 404, path
        with urllib.request.urlopen(f"{base}/voila/templates/secure-attachment/static/course.css", timeout=30) as css:
            assert css.status == 200
    assert "Traceback" not in log.read_text()


def test_the_options_carry_the_limits_and_the_template():
    """Do the server options name the course's template and the culling and kernel limits asked for?"""
    options = voila_options(ServerLimits(idle_seconds=120, check_every_seconds=15, max_kernels=3))
    assert f"--VoilaConfiguration.template={TEMPLATE}" in options
    assert {"--MappingKernelManager.cull_idle_timeout=120", "--MappingKernelManager.cull_interval=15",
            "--MappingKernelManager.cull_connected=False", "--CourseKernelManager.max_kernels=3",
            "--CourseKernelManager.leave_seconds=10"} <= set(options)
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
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(address.split("?")[0], timeout=60)
        assert refused.value.code == 403, "the page opened without the token"
        assert urlsplit(refused.value.geturl()).path == "/login" and "make learn" in refused.value.read().decode()
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
    from course.learner_mode.__main__ import server_command

    folder = _probe_folder(tmp_path)
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
