"""The cue-reading scenarios, driven as a learner would: choose, check, read why, try again, move on."""

from __future__ import annotations

import html

import pytest
from support.activity import right_option, wrong_option

from course import cue_scenarios
from course.content import load_content


@pytest.fixture
def scenarios():
    return [s for s in load_content()["scenarios"] if s.module == "02"]


@pytest.fixture
def widget(progress):
    return cue_scenarios(progress=progress)


def answer(widget, scenario, right=(True, True)):
    """Choose an option for both questions: the right one, or a wrong one where ``right`` says False."""
    for control, question, is_right in zip(widget.answer_controls, scenario.questions, right, strict=True):
        control.value = (right_option(question) if is_right else wrong_option(question)).id


def test_a_wrong_reading_says_not_quite_and_why(widget, scenarios):
    """Does a wrong answer show ✗ Not quite with the feedback for the option chosen?"""
    first = scenarios[0]
    meaning = first.questions[0]
    answer(widget, first, right=(False, True))
    widget.check_button.click()
    shown = widget.feedback.value
    assert f"✗ Not quite: you chose “{html.escape(wrong_option(meaning).text)}”" in shown
    assert html.escape(wrong_option(meaning).feedback) in shown
    assert "✓ Right: you chose" in shown


def test_try_again_then_the_right_answers_say_right(widget, scenarios, progress):
    """After Try again, do the right answers show ✓ Right, and is each check recorded?"""
    first = scenarios[0]
    answer(widget, first, right=(False, False))
    widget.check_button.click()
    assert not widget.try_again_button.disabled
    widget.try_again_button.click()
    assert [c.value for c in widget.answer_controls] == [None, None]
    assert widget.feedback.value.count("✗") == 0
    answer(widget, first)
    widget.check_button.click()
    shown = widget.feedback.value
    assert shown.count("✓ Right: you chose") == 2
    assert "✗" not in shown
    assert [(a.item, a.correct) for a in progress.attempts(module="02", activity="cue-scenarios")] == [
        (f"{first.id}/meaning", False), (f"{first.id}/response", False),
        (f"{first.id}/meaning", True), (f"{first.id}/response", True)]


def test_show_answer_reveals_the_right_option(widget, scenarios):
    """After a wrong answer, does Show answer name the right option and say why?"""
    first = scenarios[0]
    answer(widget, first, right=(False, True))
    widget.check_button.click()
    widget.show_answer_button.click()
    right = right_option(first.questions[0])
    assert f"✓ The answer: “{html.escape(right.text)}”" in widget.feedback.value
    assert html.escape(right.feedback) in widget.feedback.value
    assert widget.show_answer_button.disabled


def test_next_moves_on_and_the_score_keeps_count(widget, scenarios):
    """Does Next show scenario 2 of N, and does the score count only items right first time?"""
    total = len(scenarios)
    assert f"Scenario 1 of {total}" in widget.header.value
    assert "Right first time: 0 of 0 answered" in widget.header.value
    assert widget.next_button.disabled
    answer(widget, scenarios[0])
    widget.check_button.click()
    assert "Right first time: 1 of 1 answered" in widget.header.value
    widget.next_button.click()
    assert f"Scenario 2 of {total}" in widget.header.value
    assert html.escape(scenarios[1].title) in widget.body.value
    assert [c.value for c in widget.answer_controls] == [None, None]
    answer(widget, scenarios[1], right=(True, False))
    widget.check_button.click()
    assert "Right first time: 1 of 2 answered" in widget.header.value


def test_checking_with_nothing_chosen_says_so_and_records_nothing(widget, scenarios, progress):
    """Does Check with nothing chosen ask for an answer, leave the buttons as they were and record nothing?"""
    widget.check_button.click()
    shown = widget.feedback.value
    assert "Nothing chosen yet" in shown
    assert html.escape(scenarios[0].questions[0].prompt) in shown
    assert progress.attempts() == []
    assert not widget.check_button.disabled


def test_checking_with_one_question_unanswered_names_it(widget, scenarios, progress):
    """With only the first question answered, does Check name the second one and record nothing?"""
    widget.answer_controls[0].value = right_option(scenarios[0].questions[0]).id
    widget.check_button.click()
    assert f"“{html.escape(scenarios[0].questions[1].prompt)}”" in widget.feedback.value
    assert progress.attempts() == []


def test_a_topic_shows_only_its_scenarios(progress, scenarios):
    """Does cue_scenarios("feeding") go through the feeding scenarios and no others?"""
    feeding = [s for s in scenarios if s.topic == "feeding"]
    widget = cue_scenarios("feeding", progress=progress)
    assert [item.id for item in widget.run.items] == [s.id for s in feeding]
    assert f"Scenario 1 of {len(feeding)}" in widget.header.value
    assert "about feeding" in widget.header.value


def test_an_unknown_topic_names_the_valid_ones(progress, scenarios):
    """Does a mistyped topic give an error that lists the topics there are?"""
    with pytest.raises(ValueError) as raised:
        cue_scenarios("feeds", progress=progress)
    message = str(raised.value)
    assert "'feeds'" in message
    for topic in {s.topic for s in scenarios}:
        assert repr(topic) in message
