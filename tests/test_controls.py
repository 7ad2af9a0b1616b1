"""The accessible slider behaves like a widget slider from Python, and always has a label and words.

What the browser draws (a native range input inside its label, with aria-valuetext) is checked in the
browser, by tests/browser/test_repair_simulator_in_lab.py, not by reading the JavaScript."""

from __future__ import annotations

import pytest

from course.views.controls import LabelledSlider


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
