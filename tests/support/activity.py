"""Answers chosen from the loaded content, so activity tests hold whatever a trainer writes in data/."""

from __future__ import annotations


def correct_ids(question) -> set[str]:
    """The option ids a question record (or model question) counts as right."""
    correct = question.correct
    return {correct} if isinstance(correct, str) else set(correct)


def right_option(question):
    """The first option of a question that is right."""
    return next(o for o in question.options if o.id in correct_ids(question))


def wrong_option(question):
    """The first option of a question that is wrong."""
    return next(o for o in question.options if o.id not in correct_ids(question))


def choose(widget, pick) -> None:
    """Answer every question of the item on screen as a learner would: ``pick(question)`` gives the option ids
    (radio buttons get the first, tick boxes are ticked for each)."""
    for control in widget.answer_controls:
        chosen = pick(control.question)
        if control.question.multiple:
            for box in control.children:
                box.value = box.option_id in chosen
        else:
            control.value = chosen[0]


def right_answers(question) -> list[str]:
    return [o.id for o in question.options if o.id in correct_ids(question)]


def wrong_answers(question) -> list[str]:
    return [wrong_option(question).id]
