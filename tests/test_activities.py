"""Every choice activity, driven as a learner would on whatever content is loaded: wrong, then right, to the end.

Expectations come from the content (``COURSE_DATA`` or data/), so these hold when a trainer renames, adds or
rewrites scenarios and questions.
"""

from __future__ import annotations

import pytest
from support.activity import choose, right_answers, wrong_answers
from support.shown import text_of

from course import (
    claim_check,
    cue_scenarios,
    keys,
    knowledge_check,
    myth_or_fact,
    partner_scenarios,
    risk_vignettes,
    stress_scenarios,
    understanding_check,
)
from course.content import load_content


def first_module_with(collection: str) -> str:
    return load_content()[collection][0].module


# factory, its activity id, and the ids of the records it should ask about, in order (from the content)
ACTIVITIES = {
    "cue_scenarios": (lambda p: cue_scenarios(progress=p), keys.CUE_SCENARIOS, "scenarios", "02"),
    "stress_scenarios": (lambda p: stress_scenarios(progress=p), keys.STRESS_SCENARIOS, "stress_scenarios", "03"),
    "partner_scenarios": (lambda p: partner_scenarios(progress=p), keys.PARTNER_SCENARIOS, "partner_scenarios",
                          "05"),
    "risk_vignettes": (lambda p: risk_vignettes(progress=p), keys.RISK_VIGNETTES, "vignettes", "04"),
    "myth_or_fact": (lambda p: myth_or_fact(progress=p), keys.MYTH_OR_FACT, "myths", "06"),
    "understanding_check": (lambda p: understanding_check(first_module_with("checks"), progress=p),
                            keys.UNDERSTANDING_CHECK, "checks", None),
    "claim_check": (lambda p: claim_check(first_module_with("claims"), progress=p), keys.CLAIM_CHECK, "claims",
                    None),
    "knowledge_check": (lambda p: knowledge_check("before", progress=p), keys.KNOWLEDGE_CHECK["before"],
                        "knowledge_check", "all"),
}


def expected_ids(collection: str, module: str | None) -> list[str]:
    records = load_content()[collection]
    module = module or records[0].module
    return [r.id for r in records if module == "all" or r.module == module]


@pytest.mark.parametrize("name", sorted(ACTIVITIES))
def test_the_activity_asks_about_every_record_of_its_module_in_order(name, progress):
    """Does the activity show the content's records for its module, in the content's order, saying how many?"""
    make, _, collection, module = ACTIVITIES[name]
    widget = make(progress)
    ids = expected_ids(collection, module)
    assert [item.id for item in widget.run.items] == ids
    assert f"1 of {len(ids)}" in widget.header.value


@pytest.mark.parametrize("name", sorted(ACTIVITIES))
def test_a_wrong_answer_says_why_and_is_recorded(name, progress):
    """Does a wrong choice show ✗ in words with the chosen option and its reason, and get recorded as wrong?"""
    make, activity, _, _ = ACTIVITIES[name]
    widget = make(progress)
    item = widget.run.item
    choose(widget, wrong_answers)
    widget.check_button.click()
    shown = text_of(widget.feedback.value)
    assert 'role="status"' in widget.feedback.value
    for question in item.questions:
        wrong = question.option(wrong_answers(question)[0])
        assert f"“{text_of(wrong.text)}”" in shown and text_of(wrong.feedback) in shown
    assert "✗" in shown
    recorded = [(a.activity, a.item, a.correct) for a in progress.attempts()]
    assert recorded == [(activity, f"{item.id}/{q.id}", False) for q in item.questions]


@pytest.mark.parametrize("name", sorted(ACTIVITIES))
def test_right_answers_lead_to_the_end_with_full_marks(name, progress):
    """Answering everything right first time, does the learner reach the end with every item right?"""
    make, activity, _, _ = ACTIVITIES[name]
    widget = make(progress)
    total = len(widget.run.items)
    for number in range(1, total + 1):
        assert f"{number} of {total}" in widget.header.value
        choose(widget, right_answers)
        widget.check_button.click()
        assert "✗" not in text_of(widget.feedback.value)
        if number < total:
            widget.next_button.click()
    assert f"You have finished all {total}" in text_of(widget.feedback.value)
    assert f"Right first time: {total} of {total}" in text_of(widget.feedback.value)
    assert {a.activity for a in progress.attempts()} == {activity}
