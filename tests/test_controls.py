"""The accessible slider behaves like a widget slider from Python, and always has a label and words."""

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
    with pytest.raises(ValueError, match="needs a label"):
        LabelledSlider("  ", 0.3)
    with pytest.raises(ValueError, match="Stress: the starting value must be between 0.0 and 1.0, not 2"):
        LabelledSlider("Stress", 2)


def test_the_browser_side_ties_the_label_to_a_native_range_input():
    """Does the front end draw an <input type=range> inside its <label>, with aria-valuetext?"""
    esm = LabelledSlider._esm
    assert 'input.type = "range"' in esm and "label.append(text, input, readout)" in esm
    assert 'setAttribute("aria-valuetext"' in esm
    assert 'setAttribute("data-lm-suppress-shortcuts", "true")' in esm
