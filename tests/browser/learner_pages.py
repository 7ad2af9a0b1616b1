"""What a learner does in learner mode (Voilà): open a module's page, wait until it is ready, look at it.

Every request the page makes is recorded, so a test can check that nothing is fetched from anywhere but the
course's own server.
"""

from __future__ import annotations

import ast
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
from learner import NOT_RENDERED, VIEWPORT
from playwright.sync_api import Browser, Locator, Page, TimeoutError, expect

from course.progress import Progress

REPO = Path(__file__).resolve().parents[2]
READY_SECONDS = 90
# The two ways a learner reads the course: a laptop's window, and a phone held upright (touch, no mouse).
DESKTOP = {"viewport": VIEWPORT}
PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
SMALLEST_TEXT_PX = 16
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
        self.page.wait_for_function("""() => { const cells = document.getElementById('rendered_cells');
          return cells ? cells.offsetParent !== null : document.readyState === 'complete'; }""",
                                    timeout=READY_SECONDS * 1000)
        if not self.page.locator("#rendered_cells").count():  # the server answered with a page of its own
            raise AssertionError(f"{self.page.url} is not a course page: {self.page.title()!r}, "
                                 f"{self.page.locator('body').inner_text()[:300]!r}")
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
        lost = self.kernel_lost_alert().inner_text().strip()
        if lost:
            found.append(f"says its kernel has gone: {lost[:120]!r}")
        expected = widget_calls(self.server.root / self.current_notebook())
        drawn = self.page.evaluate(f"() => {_SHOWN_WIDGETS}")
        if drawn != expected:
            found.append(f"{expected} widget(s) called for, {drawn} drawn")
        return found

    def kernel_lost_alert(self) -> Locator:
        """The alert the page shows when its kernel has gone (empty until then)."""
        return self.page.locator("#sa-kernel-lost[role=alert]")

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
def learner_tab(browser: Browser, server, notebook: str, device: dict | None = None) -> Iterator[LearnerPage]:
    """The module's page in a fresh tab (own cookies) on ``device`` (default: the laptop's window), ready; the tab
    is closed afterwards."""
    context = browser.new_context(**(device or DESKTOP), locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        yield LearnerPage(page, server, notebook).open()
    finally:
        context.close()


# --- what every page must be, read on any device ------------------------------------------------------------

# Every element drawn on screen that holds text of its own (a text node as its child), measured one by one: a
# <small> inside a 16 px paragraph is its own element.
_SMALL_TEXT_JS = """least => {
  const found = [];
  for (const e of document.body.querySelectorAll('*')) {
    if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(e.tagName) || !e.getClientRects().length) continue;
    const style = getComputedStyle(e);
    if (style.visibility === 'hidden') continue;
    const own = [...e.childNodes].filter(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    if (own.length && parseFloat(style.fontSize) < least)
      found.push(`${e.tagName.toLowerCase()}.${e.className} at ${style.fontSize}: `
                 + own[0].textContent.trim().slice(0, 50));
  }
  return found;
}"""


def text_below_smallest(page: Page) -> list[str]:
    """Each element with text of its own drawn smaller than 16 px."""
    return page.evaluate(_SMALL_TEXT_JS, SMALLEST_TEXT_PX)


# Where the page is once a smooth scroll already under way has ended.
_SCROLL_SETTLED_JS = """() => new Promise(done => { let last = -1;
  const look = () => {
    if (window.scrollY === last) done(last); else { last = window.scrollY; setTimeout(look, 150); }
  };
  look(); })"""


def keys_that_do_not_scroll(page: Page) -> list[str]:
    """Of Page Down, Space and the down arrow, pressed from the moment the page is ready (no click or Tab first),
    the ones that did not move the page down. Returns the page to its top."""
    still = []
    for key in ("PageDown", "Space", "ArrowDown"):
        before = page.evaluate(_SCROLL_SETTLED_JS)
        page.keyboard.press(key)
        try:
            page.wait_for_function("before => window.scrollY > before", arg=before, timeout=3_000)
        except TimeoutError:
            focus = page.evaluate("() => document.activeElement.outerHTML.slice(0, 80)")
            still.append(f"{key} (focus on {focus})")
    page.evaluate("() => window.scrollTo(0, 0)")
    return still


def sideways_scrolling(page: Page) -> list[str]:
    """What makes the page wider than the window, or a figure wider than its column: nothing on a phone."""
    return page.evaluate("""() => {
      const width = document.documentElement.clientWidth, wide = document.documentElement.scrollWidth, found = [];
      if (wide > width + 1) found.push(`the page is ${wide} px wide in a ${width} px window`);
      for (const img of document.querySelectorAll('main img')) {
        const box = img.getBoundingClientRect();
        if (box.width && (box.left < -1 || box.right > width + 1))
          found.push(`a figure (${img.alt.slice(0, 40)}) runs ${Math.round(box.right - width)} px off the side`);
      }
      return found;
    }""")


def wide_regions_unreachable(page: Page) -> list[str]:
    """What scrolls sideways with nothing in it the keyboard can reach (so arrow keys cannot scroll it), or that
    takes the focus itself with no name to say what it is (a text box is named by its label, which axe checks)."""
    return page.evaluate("""() => [...document.querySelectorAll('main *')].filter(e => {
        const s = getComputedStyle(e);
        return ['auto', 'scroll'].includes(s.overflowX) && e.scrollWidth > e.clientWidth + 1;
      }).filter(e => !e.matches('input, textarea, select')).filter(e => e.tabIndex >= 0 ? !e.getAttribute('aria-label')
                     : !e.querySelector('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])'))
        .map(e => e.outerHTML.slice(0, 100))""")


def page_calls(notebook: str) -> list[tuple[str, tuple, dict]]:
    """The course calls a page makes, in page order, with their arguments (``signposting(topic="crying")``)."""
    calls = []
    for source in code_cells(REPO / "notebooks" / notebook):
        for node in ast.parse(source).body:
            call = node.value if isinstance(node, ast.Expr) else None
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Name):
                calls.append((call.func.id, tuple(ast.literal_eval(a) for a in call.args),
                              {k.arg: ast.literal_eval(k.value) for k in call.keywords}))
    return calls


def answered_rightly(course_home, widget) -> None:
    """Every question of every item reached the progress store, and its last answer there is right."""
    last = {a.item: a for a in Progress(course_home).attempts(activity=widget.run.activity)}
    wanted = {f"{item.id}/{q.id}" for item in widget.run.items for q in item.questions}
    assert wanted <= last.keys(), f"not in the progress store: {sorted(wanted - last.keys())}"
    assert [i for i in sorted(wanted) if not last[i].correct] == []


# --- the learner's keyboard ----------------------------------------------------------------------------

# What has the keyboard focus, and the name a screen reader would give it (its label, or a button's words).
_FOCUSED_JS = """() => { const e = document.activeElement;
  const said = (label) => { const copy = label.cloneNode(true);
    copy.querySelectorAll('[aria-hidden=true], input, select, textarea').forEach(n => n.remove());
    return copy.textContent; };
  const label = (e.labels && e.labels.length ? said(e.labels[0]) : e.getAttribute('aria-label')) || '';
  return {tag: e.tagName, type: e.type || '', text: (e.innerText || '').trim().slice(0, 200), value: e.value ?? '',
          name: (label || e.innerText || '').trim().slice(0, 200),
          seen: e === document.body || (s => (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1)
                                          || s.boxShadow !== 'none')(getComputedStyle(e))}; }"""
TAB_LIMIT = 400


class Keyboard:
    """The learner's keyboard on one page: Tab, Shift+Tab, arrows, Space, Enter and typing, nothing else.

    Where focus is, is only looked at (to know when to stop pressing Tab), never set, except that ``from_top``
    puts it on the page's body, as a learner arriving on the page starts there."""

    def __init__(self, page: Page):
        self.page = page
        self.unseen: set[str] = set()  # controls Tab reached that showed no focus outline

    def from_top(self) -> Keyboard:
        self.page.evaluate("""() => { const body = document.body; body.tabIndex = -1; body.focus();
                                      body.removeAttribute('tabindex'); window.scrollTo(0, 0); }""")
        return self

    def focused(self) -> dict:
        return self.page.evaluate(_FOCUSED_JS)

    def press(self, *keys: str) -> Keyboard:
        for key in keys:
            self.page.keyboard.press(key)
        return self

    def type(self, text: str) -> Keyboard:
        self.page.keyboard.type(text, delay=2)
        return self

    def tab_until(self, test: str, arg=None, what: str = "", backwards: bool = False) -> dict:
        """Press Tab (or Shift+Tab) until the JavaScript ``test`` of the focused element holds."""
        key = "Shift+Tab" if backwards else "Tab"
        path = []
        for _ in range(TAB_LIMIT):
            self.page.keyboard.press(key)
            reached = self.page.evaluate(test, arg)
            now = self.focused()
            if not now["seen"]:
                self.unseen.add(f"{now['tag']} {now['name'][:60]!r}")
            if reached:
                return now
            path.append(now["name"][:40] or now["tag"])
            if len(path) > 3 and len(set(path[-3:])) == 1 and now["tag"] == "BODY":
                break
        raise AssertionError(f"{key} never reached {what or test}; focus went through {path[-30:]}")

    def tab_to(self, name: str, backwards: bool = False) -> dict:
        """Tab to the control a screen reader would call ``name`` (its label, or a button's words)."""
        return self.tab_until(f"name => ({_FOCUSED_JS})().name === name", name, repr(name), backwards)

    def tab_into(self, element: Locator) -> dict:
        """Tab forward to the first control inside ``element``."""
        return self.tab_until("root => root.contains(document.activeElement) && document.activeElement !== root",
                              element.element_handle(), f"a control in {element}")

    def choose(self, option_ids: list[str], chosen: str) -> Keyboard:
        """Choose ``chosen`` in a radio group the focus has just entered (its first option, none chosen yet)."""
        position = option_ids.index(chosen)
        self.press("Space" if position == 0 else "ArrowDown")
        return self.press(*["ArrowDown"] * max(position - 1, 0))

    def tick(self, option_ids: list[str], ticked) -> Keyboard:
        """Tick ``ticked`` of a row of tick boxes, starting on the first; ends after the last box."""
        for number, option in enumerate(option_ids):
            if option in ticked:
                self.press("Space")
            if number < len(option_ids) - 1:
                self.press("Tab")
        return self


def activity_on(page: Page, title: str) -> Locator:
    """The course activity whose heading is ``title``."""
    return page.locator(".sa-activity").filter(has=page.get_by_role("heading", name=title, exact=True))


def answer_every_item_by_keyboard(keyboard: Keyboard, activity: Locator, widget) -> list[str]:
    """Answer every item of an activity (``widget`` is the same activity built in Python: its items, its buttons'
    words) rightly with the keyboard alone, from the first answer of the first item to the last check. Returns
    the feedback the learner read, item by item; raises if any of it is not said to be right."""
    run, said = widget.run, []
    keyboard.tab_into(activity)
    for number, item in enumerate(run.items):
        expect(activity.locator("h4").first).to_have_text(item.title)
        try:  # after Next, the widget puts the focus on the new item's first answer
            keyboard.page.wait_for_function(
                "root => root.contains(document.activeElement) && document.activeElement.tagName === 'INPUT'",
                arg=activity.element_handle(), timeout=5_000)
        except TimeoutError:
            raise AssertionError(f"{item.id}: the focus is on {keyboard.focused()}, not on the first answer") from None
        for question in item.questions:
            options = [o.id for o in question.options]
            if question.multiple:
                keyboard.tick(options, question.correct)
            else:
                keyboard.choose(options, next(iter(question.correct)))
            keyboard.press("Tab")
        assert keyboard.focused()["name"] == widget.check_button.description, f"{item.id}: {keyboard.focused()}"
        keyboard.press("Enter")
        feedback = activity.locator("[role=status] .sa-feedback")
        feedback.first.wait_for()
        words = activity.locator("[role=status]").inner_text()
        said.append(words)
        marks = [f.inner_text().strip()[:1] for f in feedback.all()]
        assert "✗" not in marks and marks.count("✓") >= len(item.questions), f"{item.id}: {words}"
        for question in item.questions:
            for option in question.options:
                if option.id in question.correct:
                    assert option.text in words, f"{item.id}: the right answer {option.text!r} is not named"
        if number < len(run.items) - 1:
            # The buttons' new states follow the feedback from the kernel a moment later.
            expect(activity.get_by_role("button", name=widget.next_button.description, exact=True)).to_be_enabled()
            keyboard.press("Tab")
            assert keyboard.focused()["name"] == widget.next_button.description, keyboard.focused()
            keyboard.press("Enter")
    return said


def write_by_keyboard(keyboard: Keyboard, box: Locator, words: str, save: str) -> None:
    """Tab into ``box`` (a reflection or any form whose first field is a text box), type, and Tab on to the
    ``save`` button and press Enter."""
    where = keyboard.tab_into(box)
    assert where["tag"] in {"TEXTAREA", "INPUT"}, where
    keyboard.type(words)
    keyboard.tab_to(save)
    keyboard.press("Enter")
