"""How long a learner waits for each page in learner mode, following the course's links, before and after.

Two parts, one run:

1. Where the time goes, per page, outside the browser: starting a kernel, importing matplotlib, the rest of the
   page's import line (ipywidgets, the activities), its first activity (which reads and validates the content),
   and the rest of its cells (drawing figures and widgets); then the same cells in a kernel warmed up as a spare
   is.
2. Time to ready in Chromium (from the click on the link to every cell run and every activity drawn), reading
   through the course in one tab by its own links (the course map, Next to the last module, then the glossary
   link), pausing ``--read`` seconds on each page as a reader would. Run twice, each on a fresh server: the
   baseline (Voilà's own server with the course's template and limits, no spare kernel: each page starts its
   own kernel and compiles its templates, as Voilà does) and the course's server (templates compiled once, a
   warm spare kernel handed to each page), with ratios. Each page's time is split into the server's first byte
   (kernel handed over or started, templates), the rest of the page sent (its cells run in the kernel) and the
   browser's part (Voilà's scripts, the connection to the kernel, the widgets drawn). The machine's load is
   printed beside the figures.

    .venv/bin/python benchmarks/learner_mode_ready.py [--read SECONDS] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
from jupyter_client.manager import start_new_kernel
from playwright.sync_api import sync_playwright

from course.content import load_content
from course.learner_mode import WARM_UP, ServerLimits, environment
from course.learner_mode.__main__ import free_port, server_command

REPO = Path(__file__).resolve().parent.parent
GLOSSARY = "glossary.ipynb"
WIDGETS = "document.querySelectorAll('main .jp-OutputArea-output > .jupyter-widgets').length"


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def code_cells(path: Path) -> list[str]:
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def widget_calls(path: Path) -> int:
    return sum(not re.match(r"\s*(from|import)\s", source) for source in code_cells(path))


def run_cells(client, cells: list[str]) -> list[float]:
    times = []
    for source in cells:
        started = time.perf_counter()
        client.execute_interactive(source, timeout=120, output_hook=lambda _message: None)
        times.append(time.perf_counter() - started)
    return times


MATPLOTLIB = "import matplotlib.figure, matplotlib.backends.backend_agg"


def breakdown(root: Path, pages: list[str]) -> None:
    """Part 1: seconds per stage, per page, in a cold kernel and in a warmed one."""
    print(f"\n1. Where the time goes (seconds; {load()})")
    print(f"{'page':38} {'kernel':>7} {'mpl':>6} {'imports':>8} {'1st call':>8} {'rest':>6} | {'warm: all cells':>15}")
    for name in pages:
        cells = code_cells(root / name)
        started = time.perf_counter()
        manager, client = start_new_kernel(kernel_name="python3", cwd=str(root), stderr=subprocess.DEVNULL)
        kernel = time.perf_counter() - started
        try:
            matplotlib, imports, first, *rest = run_cells(client, [MATPLOTLIB, *cells])
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
        manager, client = start_new_kernel(kernel_name="python3", cwd=str(root), stderr=subprocess.DEVNULL)
        try:
            run_cells(client, [WARM_UP])
            warm = sum(run_cells(client, cells))
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
        print(f"{name:38} {kernel:7.2f} {matplotlib:6.2f} {imports:8.2f} {first:8.2f} {sum(rest):6.2f} | "
              f"{warm:15.2f}")


def read_through(root: Path, home: Path, configuration: tuple, chromium: str, read: float) -> dict[str, tuple]:
    """Part 2 for one configuration, on a fresh server: for each page, seconds from the link's click to the page
    ready, and of those, how many until the server's first byte and until it had sent the whole page."""
    limits, server_module = configuration
    port, token = free_port(), secrets.token_hex(16)
    env = environment({**os.environ, "COURSE_HOME": str(home)})
    command = server_command(root, port, token, limits)
    command[command.index("course.learner_mode.server")] = server_module
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    modules = load_content()["modules"]
    times = {}
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/?token={token}", timeout=2)
                break
            except OSError:
                time.sleep(0.25)
        time.sleep(read)  # the learner reads the address the course printed, and opens it
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()

            def ready(name: str, started: float) -> None:
                page.wait_for_url(re.compile(re.escape(name)), timeout=120_000)
                page.locator("#rendered_cells").wait_for(state="visible", timeout=120_000)
                page.wait_for_function(f"() => {WIDGETS} >= {widget_calls(root / name)}", timeout=120_000)
                first, sent = page.evaluate("() => { const n = performance.getEntriesByType('navigation')[0];"
                                            " return [n.responseStart - n.startTime, n.responseEnd - n.startTime]"
                                            ".map(t => t / 1000); }")
                times[name] = (time.perf_counter() - started, first, sent)
                time.sleep(read)

            started = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/voila/render/{modules[0].notebook}?token={token}")
            ready(modules[0].notebook, started)
            for module in modules[1:]:
                started = time.perf_counter()
                page.get_by_role("navigation", name="Modules").get_by_role(
                    "link", name=f"Module {module.id}: {module.title}", exact=True).click()
                ready(module.notebook, started)
            started = time.perf_counter()
            page.locator(f"main a[href='{GLOSSARY}']").first.click()
            ready(GLOSSARY, started)
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--read", type=float, default=5.0, help="seconds spent on each page before the next link")
    parser.add_argument("--repeat", type=int, default=1, help="read-throughs per configuration (best kept)")
    args = parser.parse_args()
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not os.access(chromium, os.X_OK):
        print(f"No Chromium at {chromium}: set CHROMIUM=/path/to/chromium", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "notebooks"
        shutil.copytree(REPO / "notebooks", root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        os.environ["COURSE_HOME"] = str(Path(scratch) / "home-breakdown")
        pages = [m.notebook for m in load_content()["modules"]] + [GLOSSARY]
        breakdown(root, pages)
        configurations = {"baseline (Voilà's own)": (ServerLimits(spare_kernels=0), "voila"),
                          "course": (ServerLimits(), "course.learner_mode.server")}
        results: dict[str, dict[str, tuple]] = {}
        for number in range(args.repeat):
            for label in configurations:
                home = Path(scratch) / f"home-{number}-{len(results)}"
                times = read_through(root, home, configurations[label], chromium, args.read)
                best = results.setdefault(label, times)
                for name, seconds in times.items():
                    best[name] = min(best[name], seconds)
    base, new = results.values()
    print(f"\n2. Time to ready following the course's links, 1280 px ({args.read:g} s on each page; {load()});")
    print("   each split into: server's first byte (kernel, templates) + rest sent (cells run) + browser (scripts,")
    print("   kernel connection, widgets drawn)")
    print(f"{'page':36} {'baseline s':>10} {'= 1st byte':>10} {'+ cells':>7} {'+ browser':>9} | "
          f"{'course s':>8} {'= 1st byte':>10} {'+ cells':>7} {'+ browser':>9} | {'× baseline':>10}")

    def split(total: float, first: float, sent: float) -> str:
        return f"{total:10.2f} {first:10.2f} {sent - first:7.2f} {total - sent:9.2f}"

    for name in pages:
        print(f"{name:36} {split(*base[name])} | {split(*new[name])[2:]} | {new[name][0] / base[name][0]:10.2f}")
    for what, pick in (("median", statistics.median), ("max", max)):
        b, n = pick(t[0] for t in base.values()), pick(t[0] for t in new.values())
        print(f"{what:36} {b:10.2f} {'':28} | {n:8.2f} {'':28} | {n / b:10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
