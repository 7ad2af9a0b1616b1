"""``python -m course.learner_mode [NOTEBOOKS]``: serve the course as web pages and open the course map.

The server listens on 127.0.0.1 only, with a fresh secret token in the address, so nobody else on the network
(or another user of a shared computer) can open the learner's pages. Ctrl+C stops it.
"""

from __future__ import annotations

import argparse
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import webbrowser
from pathlib import Path

from course.learner_mode import START_PAGE, ServerLimits, environment, hub_config, render_path, voila_options

START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_command(notebooks: Path, port: int, token: str, limits: ServerLimits | None = None) -> list[str]:
    """The command serving every notebook in ``notebooks`` (so modules can link to each other) with Voilà as the
    course sets it up (``course.learner_mode.server``)."""
    return [sys.executable, "-m", "course.learner_mode.server", str(notebooks), "--no-browser", "--Voila.ip=127.0.0.1",
            f"--Voila.port={port}", "--Voila.port_retries=0", f"--Voila.token={token}", *voila_options(limits)]


def wait_until_answering(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"The course's web server stopped (exit code {process.returncode}); see above.")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers, even if only to say the token is missing
        except (urllib.error.URLError, OSError):
            time.sleep(0.25)
    raise SystemExit(f"The course's web server did not answer within {START_SECONDS} s.")


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.learner_mode",
                                     description="Open the course as web pages, with no code on screen.")
    parser.add_argument("notebooks", nargs="?", default="notebooks", help="the folder of modules (default: notebooks)")
    parser.add_argument("--port", type=int, default=0, help="the port to serve on (default: any free one)")
    parser.add_argument("--no-browser", action="store_true", help="print the address instead of opening it")
    parser.add_argument("--hub-config", metavar="FOLDER", nargs="?", const="notebooks",
                        help="print lines for jupyterhub_config.py instead (FOLDER: the notebooks folder relative to "
                             "each user's server root; default notebooks)")
    args = parser.parse_args(argv)
    if args.hub_config is not None:
        print(hub_config(args.hub_config), end="")
        return 0
    notebooks = Path(args.notebooks).resolve()
    if not (notebooks / START_PAGE).is_file():
        parser.error(f"{notebooks} has no {START_PAGE}: give the course's notebooks folder")
    port, token = args.port or free_port(), secrets.token_urlsafe(24)
    start = f"http://127.0.0.1:{port}/{render_path(START_PAGE)}?token={token}"
    process = subprocess.Popen(server_command(notebooks, port, token), env=environment())
    # Stopped by the system rather than Ctrl+C: stop the server (and with it the kernels) all the same.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        wait_until_answering(f"http://127.0.0.1:{port}/", process)
        print(f"\nThe course is open at\n    {start}\nKeep this window open while you study; press Ctrl+C here "
              "to stop.\n", flush=True)
        if not args.no_browser:
            webbrowser.open(start)
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        try:
            return process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            return 1


if __name__ == "__main__":
    sys.exit(main())
