"""What a learner does in JupyterLab, as steps the browser tests share: open a notebook, run it, look at it.

Each step uses the page the way a person would (menus, clicks, keys) and then waits on JupyterLab itself
(the kernel's replies and its idle state, the page's widgets), never on a fixed sleep.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, TimeoutError

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
# What ipywidgets shows instead of a widget when the widget did not arrive in the page.
NOT_RENDERED = re.compile(r"Loading widget|Error displaying widget|model not found|Failed to load model class",
                          re.IGNORECASE)
VIEWPORT = {"width": 1280, "height": 900}
RUN_SECONDS = 120
RENDER_SECONDS = 15

# Count the kernel's replies to execute requests from now on, so Run All is known to be over whatever the
# notebook file showed before (saved execution counts, old outputs).
_COUNT_REPLIES_JS = """() => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const replies = {count: 0};
  const listen = (_, args) => {
    if (args.direction === 'recv' && args.msg.header.msg_type === 'execute_reply') { replies.count += 1; }
  };
  kernel.anyMessage.connect(listen);
  replies.stop = () => kernel.anyMessage.disconnect(listen);
  window.__courseReplies = replies;
}"""
# No output area still says "Loading widget…".
_RENDERED_JS = """() => [...document.querySelectorAll('.jp-NotebookPanel .jp-OutputArea-output')].every(area =>
  !/Loading widget/i.test(area.innerText))"""

# The notebook as the page shows it, one entry per cell: what the kernel sent and what the learner sees.
_CELLS_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  return panel.content.widgets.map((cell, index) => {
    const json = cell.model.toJSON();
    const outputs = json.outputs || [];
    const areas = [...cell.node.querySelectorAll('.jp-OutputArea-output')];
    return {
      index,
      type: json.cell_type,
      source: Array.isArray(json.source) ? json.source.join('') : json.source,
      prompt: (cell.node.querySelector('.jp-InputPrompt') || {}).textContent || '',
      execution_count: json.execution_count ?? null,
      errors: outputs.filter(o => o.output_type === 'error').map(o => `${o.ename}: ${o.evalue}`),
      widget_outputs: outputs.filter(o => o.data && o.data['%WIDGET%']).length,
      widgets_shown: areas.filter(a => a.querySelector(':scope > .jupyter-widgets')).length,
      shown_text: areas.map(a => a.innerText).join('\\n'),
    };
  });
}""".replace("%WIDGET%", WIDGET_MIME)


@dataclass
class Cell:
    index: int
    type: str
    source: str
    prompt: str
    execution_count: int | None
    errors: list[str] = field(default_factory=list)
    widget_outputs: int = 0
    widgets_shown: int = 0
    shown_text: str = ""

    def __str__(self) -> str:
        first_line = self.source.strip().splitlines()[0] if self.source.strip() else ""
        return f"cell {self.index} {self.prompt.strip()} {first_line[:70]!r}"


class Notebook:
    """One notebook open in JupyterLab, in the learner's tab."""

    def __init__(self, page: Page, lab, path: str):
        self.page, self.lab, self.path = page, lab, path

    # --- what the learner does --------------------------------------------------------------------
    def open(self) -> Notebook:
        """Open the notebook with a clean layout and wait until its kernel is ready."""
        self.page.goto(self.lab.tree_url(self.path))
        self.page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for()
        self.wait_until_idle()
        return self

    def run_all(self) -> Notebook:
        """Run → Run All Cells from the menu bar, then wait until the kernel has answered every code cell
        (a cell after a failing one is answered as aborted), no prompt still shows [*] (a stray reply to
        another request must not end the wait early), and the widgets have been drawn."""
        self.page.evaluate(_COUNT_REPLIES_JS)
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        self.page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
        try:
            self.page.wait_for_function(
                """() => window.__courseReplies.count >=
                         document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell').length
                       && ![...document.querySelectorAll('.jp-NotebookPanel .jp-InputPrompt')]
                            .some(prompt => prompt.textContent.includes('*'))""",
                timeout=RUN_SECONDS * 1000)
        except TimeoutError:
            stuck = ", ".join(f"{c.index}{c.prompt.strip()}" for c in self.cells() if c.type == "code")
            raise AssertionError(f"{self.path}: Run All did not finish within {RUN_SECONDS} s "
                                 f"(cell prompts: {stuck})") from None
        finally:
            self.page.evaluate("() => window.__courseReplies.stop()")
        self.wait_until_idle()
        try:
            self.page.wait_for_function(_RENDERED_JS, timeout=RENDER_SECONDS * 1000)
        except TimeoutError:
            pass  # widget_problems() names each widget that is still missing
        return self

    def close_and_shut_down(self) -> None:
        """File → Close and Shut Down Notebook, answering the dialogs as a learner would (don't save)."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^File$")).click()
        self.page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Close and Shut Down Notebook")).click()
        for _ in range(3):
            self.page.wait_for_function("() => !document.querySelector('.jp-NotebookPanel') "
                                        "|| document.querySelector('.jp-Dialog')")
            dialog = self.page.locator(".jp-Dialog")
            if not dialog.count():
                break
            buttons = dialog.locator(".jp-Dialog-button")
            choice = buttons.filter(has_text=re.compile(r"^(Don.t Save|Discard|Shut Down|Ok|OK)$"))
            (choice.first if choice.count() else buttons.last).click()
            dialog.wait_for(state="detached")
        self.page.locator(".jp-NotebookPanel").wait_for(state="detached")

    # --- what the learner sees --------------------------------------------------------------------
    def wait_until_idle(self) -> None:
        """Wait until the notebook's kernel is connected and idle (what the status bar shows as "Idle")."""
        self.page.wait_for_function(
            """() => {
              const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
              const context = panel && panel.sessionContext;
              const kernel = context && context.isReady && context.session && context.session.kernel;
              return kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
            }""", timeout=RUN_SECONDS * 1000)

    def kernel_id(self) -> str:
        return self.page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.id")

    def cells(self) -> list[Cell]:
        return [Cell(**c) for c in self.page.evaluate(_CELLS_JS)]

    def run_problems(self) -> list[str]:
        """Code cells that did not run, or that show an error."""
        problems = []
        for cell in self.cells():
            if cell.type == "code":
                if cell.execution_count is None:
                    problems.append(f"{cell}: did not run")
                problems += [f"{cell}: shows the error {error}" for error in cell.errors]
        return problems

    def widget_problems(self) -> list[str]:
        """Widgets the kernel sent that the page does not show ("Loading widget…", "model not found", nothing)."""
        problems = []
        for cell in self.cells():
            if (match := NOT_RENDERED.search(cell.shown_text)) is not None:
                problems.append(f"{cell}: shows {match.group(0)!r} instead of its widget")
            elif cell.widgets_shown < cell.widget_outputs:
                problems.append(f"{cell}: {cell.widget_outputs} widget(s) sent, {cell.widgets_shown} shown")
        return problems

    def problems(self) -> list[str]:
        """Everything a learner would see go wrong after running all."""
        return self.run_problems() + self.widget_problems()

    def grade_id(self, index: int) -> str | None:
        """The nbgrader grade id of the cell at ``index`` (None for a cell nbgrader does not mark)."""
        return self.page.evaluate(
            """index => {
              const meta = window.jupyterapp.shell.currentWidget.content.widgets[index].model.getMetadata('nbgrader');
              return meta ? meta.grade_id : null;
            }""", index)

    def cell_indexes_by_grade_id(self, grade_ids) -> list[int]:
        wanted = set(grade_ids)
        found = [i for i in range(len(self.cells())) if self.grade_id(i) in wanted]
        assert len(found) == len(wanted), f"{self.path} lacks cells for some of {sorted(wanted)}"
        return found

    def output_of(self, source: str) -> Locator:
        """The output area of the code cell whose code contains ``source`` (the first such cell)."""
        for cell in self.cells():
            if cell.type == "code" and source in cell.source:
                return self.page.locator(".jp-NotebookPanel .jp-Cell").nth(cell.index).locator(".jp-OutputArea")
        raise AssertionError(f"{self.path} has no code cell containing {source!r}")

    def course_widgets(self) -> Locator:
        """The course's own widget output (not JupyterLab's interface)."""
        return self.page.locator(".jp-NotebookPanel .jp-OutputArea-output > .jupyter-widgets")

    def picture(self, element: Locator, path: Path) -> Path:
        """A screenshot of one element, with the window made tall enough to hold all of it."""
        size = self.page.viewport_size
        box = element.bounding_box()
        self.page.set_viewport_size({"width": size["width"], "height": max(size["height"], int(box["height"]) + 300)})
        try:
            element.scroll_into_view_if_needed()
            element.screenshot(path=path)
        finally:
            self.page.set_viewport_size(size)
        return path

    def screenshot(self, path: Path) -> Path:
        """The whole notebook, top to bottom, without the side panels."""
        self.page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
        scroller = ".jp-NotebookPanel .jp-WindowedPanel-outer"
        height = self.page.evaluate(f"() => document.querySelector('{scroller}').scrollHeight")
        size = self.page.viewport_size
        self.page.set_viewport_size({"width": size["width"], "height": min(max(height + 160, size["height"]), 12000)})
        try:
            self.page.evaluate(f"""() => new Promise(done => {{
              document.querySelector('{scroller}').scrollTop = 0;
              requestAnimationFrame(() => requestAnimationFrame(done));
            }})""")
            self.page.screenshot(path=path)
        finally:
            self.page.set_viewport_size(size)
        return path


@contextmanager
def tab(browser: Browser) -> Iterator[Page]:
    """A fresh browser tab with its own cookies and storage, closed afterwards."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        yield page
    finally:
        context.close()


@contextmanager
def ran_notebook(browser: Browser, lab, path: str) -> Iterator[Notebook]:
    """The notebook at ``path`` opened in its own tab and run from the menu; its kernel is shut down afterwards."""
    assert (lab.root / path).exists(), f"{path} is missing"
    with tab(browser) as page:
        try:
            yield Notebook(page, lab, path).open().run_all()
        finally:
            lab.shut_down_kernels()
