"""A learner's saved work is found again after an upgrade: the names it is kept under never change."""

from __future__ import annotations

from course import keys

# The names released so far. Learners' progress files hold these: a change here orphans their work.
RELEASED_ACTIVITIES = {
    "cue-scenarios", "cue-sort", "stress-scenarios", "partner-scenarios", "risk-vignettes", "myth-or-fact",
    "understanding-check", "claim-check", "knowledge-check-before", "knowledge-check-after",
}
RELEASED_DOCUMENTS = {"03-self-care-plan", "07-reflective-account"}


def test_every_released_activity_id_is_still_used():
    """Is every activity id a learner may already have answers under still one the course records under?"""
    assert RELEASED_ACTIVITIES <= set(keys.ACTIVITIES)
    assert keys.KNOWLEDGE_CHECK == {"before": "knowledge-check-before", "after": "knowledge-check-after"}


def test_every_released_document_key_is_still_used():
    """Are the self-care plan and the reflective account still kept under the keys they were released with?"""
    assert (keys.SELF_CARE_PLAN, keys.REFLECTIVE_ACCOUNT) == ("03-self-care-plan", "07-reflective-account")
    assert RELEASED_DOCUMENTS <= set(keys.DOCUMENTS)


def test_no_two_activities_or_documents_share_a_name():
    """Could two activities' answers (or two documents) ever be mixed up under one name?"""
    assert len(set(keys.ACTIVITIES)) == len(keys.ACTIVITIES)
    assert len(set(keys.DOCUMENTS)) == len(keys.DOCUMENTS)


def test_a_plan_saved_by_the_released_course_opens_in_this_one(progress):
    """Does a self-care plan saved under the released key, in the released format, come back ticked?"""
    from course import self_care_plan
    from course.content import load_content

    area = load_content()["self_care"][0]
    strategy = area.strategies[0]
    progress.save_document("03-self-care-plan", "03", {
        "saved": "2026-11-27T23:36:00+00:00",
        "areas": {area.id: {"chosen": [{"id": strategy.id, "text": strategy.text}], "own": "Walk at lunch"}}})
    widget = self_care_plan(progress=progress)
    assert widget.strategy_boxes[area.id][strategy.id].value is True
    assert widget.own_text[area.id].value == "Walk at lunch"


def test_an_account_saved_by_the_released_course_opens_in_this_one(progress):
    """Does a reflective account saved under the released key come back into the CPD record's fields?"""
    from course import cpd_record

    progress.save_document("07-reflective-account", "07", {
        "name": "A. Learner", "declared_hours": 2, "nature": "Online course", "learned": "Cues",
        "practice": "I wait for the quiet alert state", "themes": ["practise-effectively"], "relevance": "",
        "saved": "2026-11-27T23:36:00+00:00"})
    widget = cpd_record(progress=progress)
    assert (widget.learned.value, widget.name.value) == ("Cues", "A. Learner")
