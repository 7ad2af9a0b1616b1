"""Module 02 as a learner meets it in JupyterLab: scenarios answered by mouse and by keyboard alone, and a
reflection that is still there when the notebook is opened again in a new kernel."""

from __future__ import annotations

import pytest
from accessibility import describe, serious_violations
from learner import Notebook, ran_notebook

from course.content import load_content
from course.progress import Progress

pytestmark = pytest.mark.browser

NOTEBOOK = "notebooks/02_reading_cues.ipynb"
SCENARIO_CELL = "cue_scenarios()"
SORT_CELL = "cue_sort()"
REFLECTION_CELL = 'reflection("02-cues"'


@pytest.fixture(scope="module")
def reading_cues(browser, lab):
    """Module 02 after Run All, in one tab the tests below share."""
    with ran_notebook(browser, lab, NOTEBOOK) as notebook:
        yield notebook


def shown_scenario(activity):
    """The scenario record the activity is showing, found by the title on the page."""
    title = activity.locator("h4").first.inner_text().strip()
    for record in load_content()["scenarios"]:
        if record.module == "02" and record.title == title:
            return record
    raise AssertionError(f"the page shows a scenario titled {title!r} that data/scenarios.yaml does not have")


def option_text(question, option_id: str) -> str:
    return next(o.text for o in question.options if o.id == option_id)


def feedback(activity) -> str:
    return activity.locator('[role="status"]').last.inner_text()


def test_a_scenario_can_be_completed_with_the_mouse(reading_cues, lab, screenshots):
    """Can a learner answer a scenario by clicking, read why a wrong answer is wrong, and then get it right?"""
    activity = reading_cues.output_of(SCENARIO_CELL).locator(".sa-activity")
    scenario = shown_scenario(activity)
    first, *others = scenario.questions
    wrong = next(o for o in first.options if o.id != first.correct)
    activity.get_by_role("radio", name=wrong.text, exact=True).click()
    for question in others:
        activity.get_by_role("radio", name=option_text(question, question.correct), exact=True).click()
    activity.get_by_role("button", name="Check answer").click()
    said = activity.locator(".sa-not-quite").first
    said.wait_for()
    assert said.inner_text().startswith("✗ Not quite")
    assert wrong.feedback.split(".")[0] in feedback(activity)
    reading_cues.picture(activity, screenshots / "cue-scenario.png")

    activity.get_by_role("button", name="Try again").click()
    activity.get_by_role("radio", name=option_text(first, first.correct), exact=True).click()
    for question in others:
        activity.get_by_role("radio", name=option_text(question, question.correct), exact=True).click()
    activity.get_by_role("button", name="Check answer").click()
    activity.locator(".sa-right").first.wait_for()
    verdicts = [v.inner_text() for v in activity.locator(".sa-feedback").all()]
    assert len(verdicts) == len(scenario.questions) and all(v.startswith("✓ Right") for v in verdicts), verdicts

    recorded = [(a.item, a.answer, a.correct) for a in Progress(lab.course_home).attempts(activity="cue-scenarios")]
    asked = len(scenario.questions)
    assert recorded[-2 * asked:] == [
        *[(f"{scenario.id}/{q.id}", wrong.id if q is first else q.correct, q is not first) for q in scenario.questions],
        *[(f"{scenario.id}/{q.id}", q.correct, True) for q in scenario.questions]]


def test_a_scenario_can_be_completed_with_the_keyboard_alone(reading_cues, lab):
    """Can a learner who cannot use a mouse answer a scenario with Tab, the arrow keys, Space and Enter?"""
    page = reading_cues.page
    activity = reading_cues.output_of(SCENARIO_CELL).locator(".sa-activity")
    next_button = activity.get_by_role("button", name="Next scenario")
    if next_button.is_enabled():
        next_button.focus()
        page.keyboard.press("Enter")
        activity.get_by_role("button", name="Check answer").and_(activity.locator(":enabled")).wait_for()
    scenario = shown_scenario(activity)
    # The learner has tabbed into the activity: focus is on the first question's radio group. A group is one
    # tab stop; the arrow keys choose within it (Space chooses the first), Tab goes on to the next group.
    activity.get_by_role("radio").first.focus()
    for number, question in enumerate(scenario.questions):
        group = activity.locator(".sa-choice").nth(number)
        labels = [label.inner_text().strip() for label in group.locator("label").all()]
        position = labels.index(option_text(question, question.correct))
        if position == 0:
            page.keyboard.press("Space")
        for _ in range(position):
            page.keyboard.press("ArrowDown")
        assert group.get_by_role("radio").nth(position).is_checked(), f"arrows did not choose {labels[position]!r}"
        if number < len(scenario.questions) - 1:
            page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert activity.get_by_role("button", name="Check answer").evaluate("b => b === document.activeElement")
    page.keyboard.press("Enter")
    activity.locator(".sa-right").first.wait_for()
    verdicts = [v.inner_text() for v in activity.locator(".sa-feedback").all()]
    assert len(verdicts) >= len(scenario.questions) and all(v.startswith("✓ Right") for v in verdicts[:2]), verdicts

    recorded = [(a.item, a.answer, a.correct) for a in Progress(lab.course_home).attempts(activity="cue-scenarios")]
    assert recorded[-len(scenario.questions):] == [(f"{scenario.id}/{q.id}", q.correct, True)
                                                  for q in scenario.questions]


def test_right_and_wrong_differ_by_more_than_colour(reading_cues, lab):
    """With colours forced off, does sorting feedback still say right or wrong in a word, a symbol and the border?"""
    page = reading_cues.page
    sort = reading_cues.output_of(SORT_CELL).locator(".sa-activity")
    cues = load_content()["cue_sort"]
    for button in sort.get_by_role("button", name="Engagement", exact=True).all():
        button.click()
    sort.get_by_role("button", name="Check my sorting").click()
    sort.locator(".sa-not-quite").first.wait_for()
    page.emulate_media(forced_colors="active")
    try:
        shown = {"right": [], "wrong": []}
        for verdict in sort.locator(".sa-feedback.sa-right, .sa-feedback.sa-not-quite").all():
            kind = "right" if "sa-right" in verdict.get_attribute("class") else "wrong"
            shown[kind].append((verdict.inner_text(), verdict.evaluate("e => getComputedStyle(e).borderLeftStyle")))
    finally:
        page.emulate_media(forced_colors="none")
    assert len(shown["right"]) + len(shown["wrong"]) == len(cues)
    assert shown["right"] and shown["wrong"], "sorting every cue one way should get some right and some wrong"
    assert all(text.startswith("✓ Right") and edge == "solid" for text, edge in shown["right"]), shown["right"]
    assert all(text.startswith("✗ Not quite") and edge == "dashed" for text, edge in shown["wrong"]), shown["wrong"]
    recorded = Progress(lab.course_home).attempts(activity="cue-sort")
    assert sorted(a.item for a in recorded) == sorted(c.id for c in cues)
    assert sum(a.correct for a in recorded) == len(shown["right"])
    violations = serious_violations(page)
    assert violations == [], describe(violations)


def test_a_reflection_is_kept_when_the_notebook_is_opened_again(reading_cues, lab):
    """Is a reflection typed and saved still there after the notebook is closed, its kernel shut down and re-run?"""
    page = reading_cues.page
    words = "The baby turned away and arched her back; next time I will pause and wait for her to look back."
    box = reading_cues.output_of(REFLECTION_CELL).get_by_role("textbox")
    box.click()
    box.press_sequentially(words, delay=5)
    reading_cues.output_of(REFLECTION_CELL).get_by_role("button", name="Save reflection").click()
    status = reading_cues.output_of(REFLECTION_CELL).locator('[role="status"]')
    status.filter(has_text="Saved in your learning record").wait_for()
    assert status.inner_text().startswith("✓ Saved in your learning record")
    assert Progress(lab.course_home).reflection("02-cues").text == words

    first_kernel = reading_cues.kernel_id()
    reading_cues.close_and_shut_down()
    reopened = Notebook(page, lab, NOTEBOOK).open().run_all()
    assert reopened.kernel_id() != first_kernel
    assert reopened.problems() == []
    assert reopened.output_of(REFLECTION_CELL).get_by_role("textbox").input_value() == words
    status = reopened.output_of(REFLECTION_CELL).locator('[role="status"]')
    assert "Saved in your learning record" in status.inner_text()


def test_the_next_module_link_opens_the_next_notebook(reading_cues):
    """Does the 'Next' link at the end of module 02 open module 03's notebook in JupyterLab?"""
    modules = list(load_content()["modules"])
    following = modules[[m.id for m in modules].index("02") + 1]
    page = reading_cues.page
    # JupyterLab's sanitiser drops aria-label from markdown, so the navigation is found by its class here.
    navigation = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) nav.sa-module-navigation")
    navigation.get_by_role("link", name=f"Module {following.id}: {following.title}").click()
    page.wait_for_function("""name => {
      const current = window.jupyterapp.shell.currentWidget;
      return current && current.title.label === name;
    }""", arg=following.notebook)
