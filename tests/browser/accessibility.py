"""axe-core over the course's own widget output: any serious or critical violation fails.

Only the course's widget output areas are checked, not JupyterLab's own interface.
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

COURSE_OUTPUT = ".jp-NotebookPanel .jp-OutputArea-output > .jupyter-widgets"
SERIOUS = {"serious", "critical"}


def describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['impact']} {v['id']}: {v['help']} at "
                     f"{', '.join(str(t) for n in v['nodes'] for t in n['target'])}" for v in violations)


def serious_violations(page: Page, selector: str = COURSE_OUTPUT) -> list[dict]:
    """The serious and critical axe violations in the elements matching ``selector``."""
    results = Axe().run(page, context={"include": [[selector]]}).response
    if not (results["passes"] or results["incomplete"] or results["violations"]):
        raise AssertionError(f"axe found nothing to check in {selector!r}")
    return [v for v in results["violations"] if v["impact"] in SERIOUS]
