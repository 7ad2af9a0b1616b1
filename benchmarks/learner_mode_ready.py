"""How long each module takes to be ready in learner mode, against a one-widget page in the same run.

Starts learner mode as ``make learn`` does (Voilà on 127.0.0.1, the course's template and limits) over a copy of
the notebooks, opens each module in a fresh Chromium tab and times it from the request to every activity
drawn. The baseline is a page with a single button: what Voilà itself costs (a kernel started, a page sent,
the widget libraries loaded), so each ratio says how much the module's own content adds. Best of ``--repeat``
runs per page. Needs Chromium (``$CHROMIUM`` or /usr/bin/chromium).

    .venv/bin/python benchmarks/learner_mode_ready.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
from playwright.sync_api import sync_playwright

from course.content import load_content
from course.learner_mode import ServerLimits, environment
from course.learner_mode.__main__ import server_command

REPO = Path(__file__).resolve().parent.parent
BASELINE = "baseline.ipynb"
WIDGETS = "document.querySelectorAll('main .jp-OutputArea-output > .jupyter-widgets').length"


def widget_calls(path: Path) -> int:
    cells = nbformat.read(path, as_version=4).cells
    return sum(c.cell_type == "code" and not re.match(r"\s*(from|import)\s", c.source) for c in cells)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not os.access(chromium, os.X_OK):
        print(f"No Chromium at {chromium}: set CHROMIUM=/path/to/chromium", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as scratch:
        root, home = Path(scratch) / "notebooks", Path(scratch) / "home"
        shutil.copytree(REPO / "notebooks", root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        baseline = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                     "language": "python"}})
        baseline.cells = [nbformat.v4.new_markdown_cell("# Baseline"),
                          nbformat.v4.new_code_cell("__import__('ipywidgets').Button(description='Baseline')")]
        nbformat.write(baseline, root / BASELINE)
        port, token = free_port(), secrets.token_hex(16)
        env = environment({**os.environ, "COURSE_HOME": str(home)})
        limits = ServerLimits(idle_seconds=5, check_every_seconds=2)
        server = subprocess.Popen(server_command(root, port, token, limits), env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            for _ in range(240):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/?token={token}", timeout=2)
                    break
                except OSError:
                    time.sleep(0.25)
            pages = [BASELINE, *[m.notebook for m in load_content()["modules"]]]
            times = {page: [] for page in pages}
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
                for _ in range(args.repeat):
                    for page_name in pages:
                        context = browser.new_context()
                        page = context.new_page()
                        started = time.perf_counter()
                        page.goto(f"http://127.0.0.1:{port}/voila/render/{page_name}?token={token}")
                        page.locator("#rendered_cells").wait_for(state="visible", timeout=120_000)
                        page.wait_for_function(f"() => {WIDGETS} >= {widget_calls(root / page_name)}",
                                               timeout=120_000)
                        times[page_name].append(time.perf_counter() - started)
                        context.close()
                browser.close()
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(30)
    base = min(times[BASELINE])
    print(f"{'page':44} {'ready (s)':>9} {'× baseline':>10}")
    for page_name, seconds in times.items():
        print(f"{page_name:44} {min(seconds):9.2f} {min(seconds) / base:10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
