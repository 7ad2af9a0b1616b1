"""axe-core over the course's own widget output, with the one upstream defect we cannot fix named exactly.

Only serious and critical violations count. A violation is forgiven only when every element it names
matches a known defect in a library the course uses; anything else, or the same rule elsewhere, fails.
"""

from __future__ import annotations

import re
import warnings

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

COURSE_OUTPUT = ".jp-NotebookPanel .jp-OutputArea-output > .jupyter-widgets"
SERIOUS = {"serious", "critical"}
# (axe rule, CSS class of the element) -> why it is not the course's to fix.
UPSTREAM = {
    ("aria-input-field-name", "noUi-handle"):
        "ipywidgets 8 draws sliders with noUiSlider and gives the handle no accessible name "
        "(noUiSlider only names it through its handleAttributes option, which ipywidgets does not pass); "
        "the course's sliders carry a visible description next to them",
}


class UpstreamAccessibilityWarning(UserWarning):
    """A serious axe violation inside a third-party control the course uses, not in the course's own markup."""


def _is_upstream(violation: dict) -> str | None:
    for (rule, css_class), why in UPSTREAM.items():
        has_class = re.compile(rf'class="[^"]*\b{re.escape(css_class)}\b')
        if violation["id"] == rule and all(has_class.search(node["html"]) for node in violation["nodes"]):
            return why
    return None


def describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['impact']} {v['id']}: {v['help']} at "
                     f"{', '.join(str(t) for n in v['nodes'] for t in n['target'])}" for v in violations)


def serious_violations(page: Page, selector: str = COURSE_OUTPUT) -> list[dict]:
    """The serious and critical axe violations in the elements matching ``selector``; upstream ones only warn."""
    results = Axe().run(page, context={"include": [[selector]]}).response
    if not (results["passes"] or results["incomplete"] or results["violations"]):
        raise AssertionError(f"axe found nothing to check in {selector!r}")
    serious = [v for v in results["violations"] if v["impact"] in SERIOUS]
    upstream = [(v, why) for v in serious if (why := _is_upstream(v))]
    for violation, why in upstream:
        warnings.warn(f"{describe([violation])} (upstream: {why})", UpstreamAccessibilityWarning, stacklevel=2)
    return [v for v in serious if not _is_upstream(v)]
