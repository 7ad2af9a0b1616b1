"""The shared activity engine marks, explains and records answers the same way for every activity."""

from __future__ import annotations

import pytest

from course.content import Record
from course.models.activity import ActivityRun, Choice, Item, Question
from course.views.activity import ActivityWidget


def single() -> Question:
    return Question("q", "Which state is best for play?", (
        Choice("drowsy", "Drowsy", "Drifting to sleep."),
        Choice("quiet-alert", "Quiet alert", "Still and attentive: the best time."),
        Choice("crying", "Crying", "Needs soothing first.")), frozenset({"quiet-alert"}))


def multiple() -> Question:
    return Question("factors", "Which risk factors are present?", (
        Choice("depression", "Low mood", "She describes two weeks of low mood."),
        Choice("money", "Money worries", "Rent arrears are mentioned."),
        Choice("alcohol", "Alcohol", "Nothing in the case suggests this.")), frozenset({"depression", "money"}), True)


def make_run(progress, questions=None, count=2) -> ActivityRun:
    items = [Item(f"item-{i}", f"Item {i}", "<p>Text</p>", questions or (single(),)) for i in range(count)]
    return ActivityRun("demo", "02", items, noun="scenario", progress=progress)


def test_a_question_record_becomes_a_question():
    """Does a content record with a list of right answers become a tick-all-that-apply question?"""
    record = Record({"id": "f", "prompt": "P", "correct": ["a", "b"], "options": [
        {"id": "a", "text": "A", "feedback": "fa"}, {"id": "b", "text": "B", "feedback": "fb"},
        {"id": "c", "text": "C", "feedback": "fc"}]})
    question = Question.from_record(record)
    assert question.multiple and question.correct == {"a", "b"}
    assert Question.from_record(Record({**record, "correct": "a"})).multiple is False


def test_tick_all_that_apply_needs_every_right_box_and_no_wrong_one(progress):
    """Is a partly right set of ticks marked not right, with what was missed counted?"""
    question = multiple()
    partly = question.check(["depression"])
    assert not partly.correct and [c.id for c in partly.missed] == ["money"]
    assert not question.check(["depression", "money", "alcohol"]).correct
    assert question.check(["money", "depression"]).correct


def test_an_unknown_option_is_refused():
    with pytest.raises(ValueError, match="'sleepy' is not an option of question 'q' "
                                         r"\(options: drowsy, quiet-alert, crying\)"):
        single().check("sleepy")


def test_checking_records_each_question_and_scores_first_tries(progress):
    """Is every check recorded, and does the score count only items right at the first try?"""
    run = make_run(progress)
    run.choose("q", "drowsy")
    assert [v.correct for v in run.check()] == [False]
    run.try_again()
    run.choose("q", "quiet-alert")
    run.check()
    run.next()
    run.choose("q", "quiet-alert")
    run.check()
    assert run.score == 1 and run.score_text == "Right first time: 1 of 2 answered"
    assert run.finished
    assert [(a.item, a.answer, a.correct) for a in progress.attempts()] == [
        ("item-0/q", "drowsy", False), ("item-0/q", "quiet-alert", True), ("item-1/q", "quiet-alert", True)]


def test_nothing_is_recorded_without_an_answer(progress):
    run = make_run(progress)
    with pytest.raises(ValueError, match="Choose an answer first"):
        run.check()
    assert progress.attempts() == []


def test_the_widget_marks_ticks_in_words(progress):
    """Driven as a learner: tick boxes, check, and read which were right to tick and what is missing."""
    widget = ActivityWidget(make_run(progress, questions=(multiple(),)), "Risk factors")
    boxes = widget.answer_controls[0].children
    assert [b.description for b in boxes] == ["Low mood", "Money worries", "Alcohol"]
    boxes[0].value = True
    boxes[2].value = True
    widget.check_button.click()
    shown = widget.feedback.value
    assert "✓ Right to tick: “Low mood”" in shown and "✗ Not this one: “Alcohol”" in shown
    assert "1 more option(s) also apply" in shown
    widget.show_answer_button.click()
    assert "The answer: “Money worries”" in widget.feedback.value
    assert progress.attempts()[0].answer == ["depression", "alcohol"]


def test_the_widget_asks_for_an_answer_before_checking(progress):
    widget = ActivityWidget(make_run(progress), "Demo")
    widget.check_button.click()
    assert "Nothing chosen yet" in widget.feedback.value and "Which state is best for play?" in widget.feedback.value
    assert progress.attempts() == []


def test_the_widget_says_when_the_learner_has_finished(progress):
    widget = ActivityWidget(make_run(progress, count=1), "Demo")
    widget.answer_controls[0].value = "quiet-alert"
    widget.check_button.click()
    assert "✓ Right: you chose “Quiet alert”" in widget.feedback.value
    assert "You have finished all 1 scenarios" in widget.feedback.value
    assert widget.next_button.disabled and widget.check_button.disabled


def test_try_again_keeps_the_answers_that_were_right(progress):
    """After a check with one right and one wrong answer, does Try again clear only the wrong one?"""
    second = Question("next", "What would you do?", (
        Choice("talk", "Talk back", "Serve and return."), Choice("toys", "Fetch toys", "Too much.")),
        frozenset({"talk"}))
    widget = ActivityWidget(make_run(progress, questions=(single(), second)), "Demo")
    meaning, response = widget.answer_controls
    meaning.value, response.value = "quiet-alert", "toys"
    widget.check_button.click()
    widget.try_again_button.click()
    assert (meaning.value, response.value) == ("quiet-alert", None)
    assert not meaning.disabled and not widget.check_button.disabled
    response.value = "talk"
    widget.check_button.click()
    assert widget.run.all_right
    assert [a.correct for a in progress.attempts()] == [True, False, True, True]
