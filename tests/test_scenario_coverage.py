"""Module 02's scenarios, taken together, practise everything the module teaches."""

from __future__ import annotations

from collections import Counter

import pytest

from course.content import load_content

pytestmark = pytest.mark.content

MODULE = "02"
BABY_CUES_IN_SOURCE = {"crying", "cooing", "mimicking", "smiling", "laughing", "pointing", "yelling"}
ENGAGEMENT_CUES = {"bright-eyes", "mutual-gaze", "smooth-movements", "reaching"}
OBVIOUS_DISENGAGEMENT_CUES = {"turning-away", "arching", "pushing-away", "splayed-fingers", "coughing"}
SUBTLE_DISENGAGEMENT_CUES = {"looking-away", "yawning", "hand-to-ear", "grimacing", "faster-breathing", "glazed-look"}
CUE_KINDS = {"engagement", "disengagement-obvious", "disengagement-subtle"}
STATES = {"quiet-alert", "drowsy", "active-alert", "crying", "light-sleep"}
NEEDS = {"food", "warmth", "affection", "rest", "comfort"}
CAREGIVER_CUES = {"tone-of-voice", "gestures", "emotions", "stress"}
TOPICS = {"feeding", "crying", "play", "sleep", "comfort", "caregiver"}


@pytest.fixture(scope="module")
def scenarios():
    return [s for s in load_content()["scenarios"] if s.module == MODULE]


def tagged(scenarios, field: str) -> set[str]:
    return {tag for s in scenarios for tag in s.get(field, ())}


def test_there_are_at_least_sixteen_scenarios(scenarios):
    """Are there at least 16 module-02 scenarios to practise on?"""
    assert len(scenarios) >= 16


@pytest.mark.parametrize(("field", "required"), [
    ("baby_cues", BABY_CUES_IN_SOURCE),
    ("baby_cues", ENGAGEMENT_CUES),
    ("baby_cues", OBVIOUS_DISENGAGEMENT_CUES),
    ("baby_cues", SUBTLE_DISENGAGEMENT_CUES),
    ("cue_kinds", CUE_KINDS),
    ("states", STATES),
    ("needs", NEEDS),
    ("caregiver_cues", CAREGIVER_CUES),
    ("topic", TOPICS),
], ids=["source-cues", "engagement", "obvious-disengagement", "subtle-disengagement", "cue-kinds", "states",
        "needs", "caregiver-cues", "topics"])
def test_tags_cover_what_the_module_teaches(scenarios, field, required):
    """Does at least one scenario practise each cue, kind of cue, state, need, caregiver cue and topic?"""
    covered = {s.topic for s in scenarios} if field == "topic" else tagged(scenarios, field)
    assert required - covered == set()


def test_a_stressed_anxious_caregiver_is_practised(scenarios):
    """Is there a scenario in which the caregiver's own stress is one of the cues to read?"""
    stressed = [s.id for s in scenarios if "stress" in s.get("caregiver_cues", ())]
    assert stressed, "no module-02 scenario is tagged with the caregiver cue 'stress'"
    assert any(s.topic == "caregiver" for s in scenarios if s.id in stressed)


def test_the_quiet_alert_state_is_practised_more_than_once(scenarios):
    """Is the quiet alert state, the best time to interact, met in several scenarios?"""
    assert sum("quiet-alert" in s.get("states", ()) for s in scenarios) >= 3


def test_each_scenario_asks_meaning_then_response(scenarios):
    """Does every scenario ask what the baby is telling you, then what you would do?"""
    wrong = [s.id for s in scenarios if [q.id for q in s.questions] != ["meaning", "response"]]
    assert wrong == []


def test_every_question_has_three_to_five_options_each_with_feedback(scenarios):
    """Does every question offer 3 to 5 options, each with its own reason?"""
    problems = []
    for s in scenarios:
        for q in s.questions:
            if not 3 <= len(q.options) <= 5:
                problems.append(f"{s.id}/{q.id}: {len(q.options)} options")
            problems += [f"{s.id}/{q.id}/{o.id}: no feedback" for o in q.options if not o.feedback.strip()]
    assert problems == []


def test_right_answers_are_not_always_in_the_same_place(scenarios):
    """Is the right option spread over different positions, so position is no clue?"""
    for question_id in ("meaning", "response"):
        positions = Counter()
        for s in scenarios:
            q = next(q for q in s.questions if q.id == question_id)
            positions[[o.id for o in q.options].index(q.correct)] += 1
        assert len(positions) >= 3, f"'{question_id}' answers only in positions {sorted(positions)}"
        assert max(positions.values()) <= len(scenarios) // 2, f"'{question_id}' positions: {dict(positions)}"


def test_every_scenario_gives_an_age_and_evidence(scenarios):
    """Does every scenario say how old the baby is and name at least one reference?"""
    assert [s.id for s in scenarios if not s.age.strip() or not s.references] == []
