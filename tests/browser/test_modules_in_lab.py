"""Every module in data/modules.yaml, as a learner meets it: opened in JupyterLab, run from the menu, checked.

Each notebook runs once; the checks below then look at that one run. A screenshot of each module after it
runs goes to test-artifacts/screenshots/ for a person to inspect.
"""

from __future__ import annotations

import pytest
from accessibility import describe, serious_violations
from learner import ran_notebook

from course.content import load_content

pytestmark = pytest.mark.browser

MODULES = load_content()["modules"]


@pytest.fixture(scope="module", params=MODULES, ids=[f"{m.id}-{m.notebook.removesuffix('.ipynb')}" for m in MODULES])
def module_run(request, browser, lab, screenshots):
    """The module's notebook after Run All from the menu, in its own tab, with a screenshot taken."""
    module = request.param
    with ran_notebook(browser, lab, f"notebooks/{module.notebook}") as notebook:
        notebook.screenshot(screenshots / f"module-{module.id}.png")
        yield notebook


def test_every_cell_runs_without_error(module_run):
    """After Run All from the menu, has every code cell run, with no error shown?"""
    cells = module_run.cells()
    assert [c for c in cells if c.type == "code"], "the notebook has no code to run"
    problems = module_run.run_problems()
    assert problems == [], "\n".join(problems)


def test_every_widget_is_shown(module_run):
    """Does every widget the notebook sends appear on the page, not 'Loading widget…' or 'model not found'?"""
    cells = module_run.cells()
    sent = sum(c.widget_outputs for c in cells)
    problems = module_run.widget_problems()
    assert problems == [], "\n".join(problems)
    assert module_run.course_widgets().count() == sent, "a widget output area holds no widget view"


def test_widget_output_has_no_serious_accessibility_violation(module_run):
    """Does axe-core find no serious or critical violation in the course's own widget output?"""
    if module_run.course_widgets().count() == 0:
        pytest.skip("this module shows no widgets")
    violations = serious_violations(module_run.page)
    assert violations == [], describe(violations)


def test_every_figure_has_a_text_alternative(module_run):
    """Does every image the course draws carry alt text, and every figure a visible caption?"""
    images = module_run.page.locator(".jp-NotebookPanel .jp-OutputArea-output img")
    missing = [i for i in range(images.count()) if not (images.nth(i).get_attribute("alt") or "").strip()]
    assert missing == [], f"{len(missing)} of {images.count()} image(s) have no alt text"
    figures = module_run.page.locator(".jp-NotebookPanel .jp-OutputArea-output figure")
    for i in range(figures.count()):
        caption = figures.nth(i).locator("figcaption")
        assert caption.count() == 1 and caption.inner_text().strip(), f"figure {i + 1} has no visible caption"
