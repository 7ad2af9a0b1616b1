"""The accessible controls (slider, choice group) behave like widgets from Python, and always have a label.

What the browser draws (a native range input inside its label; a native radio group that the arrow keys move in) is
checked in the browser, by tests/browser/test_repair_simulator_in_lab.py and the keyboard tests of module 02 in
JupyterLab and in learner mode, not by reading the JavaScript."""

from __future__ import annotations

import pytest
import traitlets

from course.views.controls import ChoiceGroup, LabelledSlider


def test_setting_the_value_snaps_to_a_step_stays_in_range_and_is_said_in_words():
    """Does a value set from Python snap to the step, stay within bounds, and update its words?"""
    slider = LabelledSlider("Caregiver stress (0 = calm, 1 = very stressed)", 0.3)
    changes = []
    slider.observe(lambda change: changes.append(change["new"]), names="value")
    slider.value = 0.77
    assert (slider.value, slider.value_text) == (0.8, "0.8")
    slider.value = 5
    assert (slider.value, slider.value_text) == (1.0, "1.0")
    assert changes == [0.8, 1.0]


def test_a_slider_must_say_what_it_changes():
    """Is a slider without a label, or starting out of range, refused with a message that says why?"""
    with pytest.raises(ValueError, match="needs a label"):
        LabelledSlider("  ", 0.3)
    with pytest.raises(ValueError, match="Stress: the starting value must be between 0.0 and 1.0, not 2"):
        LabelledSlider("Stress", 2)


def test_a_choice_accepts_only_its_own_options():
    """Can a choice be set to one of its options and back to none, and is anything else refused by name?"""
    choice = ChoiceGroup("How is the baby feeling?", [("Content", "content"), ("Hungry", "hungry")])
    assert choice.value is None
    choice.value = "hungry"
    assert choice.value == "hungry"
    choice.value = None
    with pytest.raises(traitlets.TraitError, match=r"How is the baby feeling\?: 'tired' is not one of the options"):
        choice.value = "tired"
    assert [text for text, _ in choice.options] == ["Content", "Hungry"]


def test_a_choice_needs_a_question_and_options():
    """Is a choice with no question, or nothing to choose from, refused with a clear reason?"""
    with pytest.raises(ValueError, match="says what is being asked"):
        ChoiceGroup("  ", [("Yes", "yes")])
    with pytest.raises(ValueError, match="at least one option"):
        ChoiceGroup("Is it a cue?", [])


def test_scenario_answers_are_native_radio_groups_named_by_their_question(tmp_path):
    """Does each one-answer question of an activity draw a radio group (one tab stop, arrow keys) named by it?"""
    from course.progress import Progress
    from course.widgets.cue_scenarios import cue_scenarios

    widget = cue_scenarios(progress=Progress(tmp_path))
    single = [q for q in widget.run.item.questions if not q.multiple]
    controls = [c for c in widget.answer_controls if isinstance(c, ChoiceGroup)]
    assert single and [c.label for c in controls] == [q.prompt for q in single]
    for question, control in zip(widget.run.item.questions, widget.answer_controls, strict=True):
        if question.multiple:
            for box in control.children:
                box.value = box.option_id in question.correct
        else:
            control.value = next(iter(question.correct))
    widget.check_button.click()
    recorded = Progress(tmp_path).attempts(activity="cue-scenarios")
    assert recorded and all(a.correct for a in recorded)
    assert all(c.disabled for c in controls), "a checked answer should no longer change"


def test_a_choice_made_in_the_page_arrives_as_a_message_and_is_checked():
    """Does an option chosen in the page (sent as a message) become the value, unless the group is disabled
    or the message names no option?"""
    choice = ChoiceGroup("How is the baby feeling?", [("Content", "content"), ("Hungry", "hungry")])
    choice._handle_custom_msg({"choose": "hungry"}, [])
    assert choice.value == "hungry"
    choice.disabled = True
    choice._handle_custom_msg({"choose": "content"}, [])
    assert choice.value == "hungry"
    choice.disabled = False
    choice._handle_custom_msg({"choose": "tired"}, [])
    choice._handle_custom_msg({"something": "else"}, [])
    assert choice.value == "hungry"
