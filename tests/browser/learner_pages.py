"""What a learner does in learner mode (Voilà): open a module's page, wait until it is ready, look at it.

Every request the page makes is recorded, so a test can check that nothing is fetched from anywhere but the
course's own server.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
from learner import NOT_RENDERED, VIEWPORT
from playwright.sync_api import Browser, Page

READY_SECONDS = 90
# What Voilà shows when a cell fails, besides a traceback.
FAILED = re.compile(r"Traceback|There was an error when executing cell|An exception occurred", re.IGNORECASE)

# Each code cell of a module is one line calling the course; every such call but the import shows one widget.
_SHOWN_WIDGETS = "document.querySelectorAll('main .jp-OutputArea-output > .jupyter-widgets').length"


def code_cells(notebook: Path) -> list[str]:
    return [c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code"]


def widget_calls(notebook: Path) -> int:
    return sum(not re.match(r"\s*(from|import)\s", source) for source in code_cells(notebook))


class LearnerPage:
    """One module open in learner mode, in its own tab."""

    def __init__(self, page: Page, server, notebook: str):
        self.page, self.server, self.notebook = page, server, notebook
        self.requests: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("websocket", lambda socket: self.requests.append(socket.url))
        self.console_errors: list[str] = []
        page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        self.ready_seconds: float | None = None

    def open(self) -> LearnerPage:
        started = time.monotonic()
        self.page.goto(self.server.page_url(self.notebook))
        return self.wait_until_ready(started)

    def wait_until_ready(self, started: float | None = None) -> LearnerPage:
        """Wait until every cell has run and every widget the module calls for is drawn."""
        started = started or time.monotonic()
        self.page.locator("#rendered_cells").wait_for(state="visible", timeout=READY_SECONDS * 1000)
        expected = widget_calls(self.server.root / self.current_notebook())
        self.page.wait_for_function(f"() => {_SHOWN_WIDGETS} >= {expected}",
                                    timeout=READY_SECONDS * 1000)
        self.ready_seconds = time.monotonic() - started
        return self

    def current_notebook(self) -> str:
        return urlsplit(self.page.url).path.rsplit("/", 1)[-1]

    def kernel_id(self) -> str:
        return self.page.evaluate(
            "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")

    def text(self) -> str:
        return self.page.locator("main").inner_text()

    def problems(self) -> list[str]:
        """What a learner would see go wrong: a widget not drawn, a traceback, an error from a cell."""
        shown = self.text()
        found = [f"shows {m.group(0)!r}" for m in (NOT_RENDERED.search(shown), FAILED.search(shown)) if m]
        errors = self.page.locator("main [data-mime-type='application/vnd.jupyter.stderr']")
        found += [f"shows an error output: {errors.nth(i).inner_text()[:200]!r}" for i in range(errors.count())]
        expected = widget_calls(self.server.root / self.current_notebook())
        drawn = self.page.evaluate(f"() => {_SHOWN_WIDGETS}")
        if drawn != expected:
            found.append(f"{expected} widget(s) called for, {drawn} drawn")
        return found

    def outside_requests(self) -> list[str]:
        """Requests to any host but the course's own server (data: and blob: stay in the page)."""
        home = urlsplit(self.server.url).netloc
        return [url for url in self.requests
                if urlsplit(url).scheme not in {"data", "blob"} and urlsplit(url).netloc != home]

    def screenshot(self, path: Path, whole: bool = True) -> Path:
        """The page as the learner sees it; ``whole`` makes the window tall enough for all of it."""
        size = self.page.viewport_size
        if whole:
            height = self.page.evaluate("() => document.querySelector('main').getBoundingClientRect().height")
            self.page.set_viewport_size({"width": size["width"], "height": min(int(height) + 100, 12000)})
        try:
            self.page.screenshot(path=path)
        finally:
            self.page.set_viewport_size(size)
        return path


@contextmanager
def learner_tab(browser: Browser, server, notebook: str) -> Iterator[LearnerPage]:
    """The module's page in a fresh tab (own cookies), ready; the tab is closed afterwards."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        yield LearnerPage(page, server, notebook).open()
    finally:
        context.close()
