"""Module 06's rupture-and-repair simulator as a learner meets it in JupyterLab: move a slider and watch the
figure and its words change together, to what the teaching model gives for those settings."""

from __future__ import annotations

import pytest
from learner import ran_notebook

from course.models.repair import simulate

pytestmark = pytest.mark.browser

NOTEBOOK = "notebooks/06_myths_mismatch_and_repair.ipynb"
SIMULATOR_CELL = "repair_simulator()"


@pytest.fixture(scope="module")
def simulator(browser, lab):
    """The simulator after Run All of module 06, in its own tab."""
    with ran_notebook(browser, lab, NOTEBOOK) as notebook:
        yield notebook.output_of(SIMULATOR_CELL).locator(".sa-activity")


def shown(simulator) -> dict:
    """What the learner can see of the current run: the picture, its alt text and caption, and the summary."""
    image = simulator.locator("figure img")
    return {"image": image.get_attribute("src"), "alt": image.get_attribute("alt"),
            "caption": simulator.locator("figcaption").inner_text(),
            "summary": simulator.locator('[role="status"]').inner_text()}


def slider(simulator, label: str):
    """The range input a screen reader would announce by this label (found by its label, as a learner would)."""
    return simulator.get_by_role("slider", name=label)


def readout(simulator, label: str) -> str:
    return simulator.locator(".sa-slider").filter(has_text=label).locator("output").inner_text()


def focus_on(control) -> None:
    """Put the keyboard focus on a control and make sure it stays there (JupyterLab may refocus the notebook
    just after a click elsewhere in it)."""
    for _ in range(5):
        control.focus()
        control.page.wait_for_timeout(200)
        if control.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError("the slider would not keep the keyboard focus")


def wait_for_caption(simulator, text: str) -> None:
    simulator.locator("figcaption").filter(has_text=text).wait_for()


def test_dragging_a_slider_changes_the_figure_and_its_summary(simulator, screenshots):
    """Does dragging the responsiveness slider to the end redraw the figure and rewrite its words to match?"""
    before = shown(simulator)
    control = slider(simulator, "Caregiver responsiveness")
    control.scroll_into_view_if_needed()
    box = control.bounding_box()
    mouse = simulator.page.mouse
    mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    mouse.down()
    mouse.move(box["x"] + box["width"] + 20, box["y"] + box["height"] / 2, steps=8)
    mouse.up()
    wait_for_caption(simulator, "responsiveness 1.0")
    after = shown(simulator)
    expected = simulate(1.0, float(readout(simulator, "Caregiver stress")), seed=1).summary
    assert readout(simulator, "Caregiver responsiveness") == "1.0"
    assert control.get_attribute("aria-valuetext") == "1.0"
    assert after["image"] != before["image"], "the figure was not redrawn"
    assert after["summary"] != before["summary"], "the summary did not change"
    for said in ("alt", "caption", "summary"):
        assert expected in after[said], f"the {said} does not say what the model gives: {after[said]!r}"
    assert "teaching model" in after["alt"].lower() and "teaching model" in after["caption"].lower()
    simulator.screenshot(path=screenshots / "repair-simulator.png")


def test_the_arrow_keys_move_a_slider_too(simulator):
    """Can a learner without a mouse move the stress slider with the arrow keys and see the result change?"""
    before = shown(simulator)
    control = slider(simulator, "Caregiver stress")
    start = float(readout(simulator, "Caregiver stress"))
    focus_on(control)
    control.press("ArrowRight")
    control.press("ArrowRight")
    wanted = min(start + 0.2, 1.0)
    wait_for_caption(simulator, f"stress {wanted:.1f}")
    after = shown(simulator)
    assert readout(simulator, "Caregiver stress") == f"{wanted:.1f}"
    assert control.get_attribute("aria-valuetext") == f"{wanted:.1f}"
    assert after["image"] != before["image"] and after["summary"] != before["summary"]
