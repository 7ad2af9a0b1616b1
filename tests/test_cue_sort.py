"""The engagement/disengagement sort, driven as a learner would: choose, check, read why, try again."""

from __future__ import annotations

import pytest
from support.content import content_folder, rewrite

from course import cue_sort
from course.content import check_content, load_content
from course.models.cue_sort import Cue, CueSortRun

WRONG_GROUP = {"engagement": "disengagement", "disengagement": "engagement"}


@pytest.fixture
def cues():
    return {r.id: r for r in load_content()["cue_sort"]}


@pytest.fixture
def widget(progress):
    return cue_sort(progress=progress)


def sort_all(widget, cues, wrong=()):
    for cue_id, control in widget.controls.items():
        right = cues[cue_id].group
        control.value = WRONG_GROUP[right] if cue_id in wrong else right


def test_the_content_is_a_fair_sort(cues):
    """Are there 12 to 16 cues, with engagement, obvious and subtle disengagement cues all present?"""
    assert 12 <= len(cues) <= 16
    kinds = {(c.group, c.get("kind")) for c in cues.values()}
    assert kinds == {("engagement", None), ("disengagement", "obvious"), ("disengagement", "subtle")}


def test_every_cue_has_a_control_labelled_with_the_cue(widget, cues):
    """Does each cue get its own control whose label is the cue, offering both groups and no preset answer?"""
    assert list(widget.controls) == list(cues)
    for cue_id, control in widget.controls.items():
        assert control.description == cues[cue_id].cue
        assert [label for label, _ in control.options] == ["Engagement", "Disengagement"]
        assert control.value is None


def test_checking_with_cues_unsorted_says_so_and_records_nothing(widget, cues, progress):
    """Does Check with cues left unsorted name them, mark nothing and record nothing?"""
    first, *rest = cues
    widget.controls[first].value = cues[first].group
    widget.check_button.click()
    shown = widget.feedback.value
    assert "Not sorted yet" in shown
    assert f"{len(rest)} more cue(s)" in shown
    assert cues[rest[0]].cue in shown
    assert "✓" not in shown and "✗" not in shown
    assert progress.attempts() == []
    assert not widget.check_button.disabled


def test_a_wrong_cue_says_not_quite_and_why_with_its_kind(widget, cues):
    """Is a wrongly sorted cue marked ✗ Not quite, with its explanation and whether it is obvious or subtle?"""
    subtle = next(i for i, c in cues.items() if c.get("kind") == "subtle")
    obvious = next(i for i, c in cues.items() if c.get("kind") == "obvious")
    sort_all(widget, cues, wrong={subtle, obvious})
    widget.check_button.click()
    shown = widget.feedback.value
    assert f"✗ Not quite: “{cues[subtle].cue}” is a subtle disengagement cue" in shown
    assert f"✗ Not quite: “{cues[obvious].cue}” is an obvious disengagement cue" in shown
    assert cues[subtle].explanation in shown


def test_a_right_cue_says_right_and_why(widget, cues):
    """Is a correctly sorted cue marked ✓ Right, with its explanation?"""
    engagement = next(i for i, c in cues.items() if c.group == "engagement")
    sort_all(widget, cues)
    widget.check_button.click()
    assert f"✓ Right: “{cues[engagement].cue}” is an engagement cue" in widget.feedback.value
    assert cues[engagement].explanation in widget.feedback.value


def test_the_score_counts_the_cues_sorted_correctly(widget, cues):
    """Does the score say how many cues were sorted correctly out of all of them?"""
    wrong = set(list(cues)[:3])
    sort_all(widget, cues, wrong=wrong)
    widget.check_button.click()
    assert f"{len(cues) - 3} of {len(cues)} sorted correctly" in widget.feedback.value


def test_every_checked_cue_is_recorded_with_its_answer(widget, cues, progress):
    """Is each cue recorded in progress under module 02, activity cue-sort, with the group chosen?"""
    wrong = next(iter(cues))
    sort_all(widget, cues, wrong={wrong})
    widget.check_button.click()
    attempts = progress.attempts(module="02", activity="cue-sort")
    assert [a.item for a in attempts] == list(cues)
    by_item = {a.item: a for a in attempts}
    assert by_item[wrong].answer == WRONG_GROUP[cues[wrong].group]
    assert by_item[wrong].correct is False
    assert sum(a.correct for a in attempts) == len(cues) - 1


def test_try_again_reopens_only_the_wrong_cues(widget, cues, progress):
    """Does Try again clear and unlock only the wrong cues, keep the right ones, and record only the retries?"""
    wrong = set(list(cues)[1:3])
    sort_all(widget, cues, wrong=wrong)
    widget.check_button.click()
    assert all(control.disabled for control in widget.controls.values())
    widget.try_again_button.click()
    for cue_id, control in widget.controls.items():
        assert control.disabled == (cue_id not in wrong)
        assert (control.value is None) == (cue_id in wrong)
    for cue_id in wrong:
        widget.controls[cue_id].value = cues[cue_id].group
    widget.check_button.click()
    shown = widget.feedback.value
    assert f"{len(cues)} of {len(cues)} sorted correctly ({len(cues) - 2} right first time)" in shown
    assert "Well done" in shown
    assert widget.try_again_button.disabled
    retries = progress.attempts(activity="cue-sort")[len(cues):]
    assert {a.item for a in retries} == wrong and all(a.correct for a in retries)


def test_try_again_is_offered_only_after_a_mistake(widget, cues):
    """Is Try again unavailable before checking and after an all-right sort?"""
    assert widget.try_again_button.disabled
    sort_all(widget, cues)
    widget.check_button.click()
    assert widget.try_again_button.disabled
    assert "Well done" in widget.feedback.value


def test_the_model_rejects_an_unknown_cue_or_group(progress):
    """Does the model name the valid cues and groups when given one that does not exist?"""
    run = CueSortRun([Cue("smiles", "Smiles at you", "engagement", None, "Why.")], progress=progress)
    with pytest.raises(ValueError, match="'frowns' is not a cue in this activity \\(cues: smiles\\)"):
        run.place("frowns", "engagement")
    with pytest.raises(ValueError, match="'happy' is not a group: choose one of 'engagement', 'disengagement'"):
        run.place("smiles", "happy")
    with pytest.raises(ValueError, match="Sort every cue first: 1 still to sort"):
        run.check()
    run.place("smiles", "engagement")
    run.check()
    with pytest.raises(ValueError, match="already checked"):
        run.check()
    assert len(progress.attempts()) == 1


def drop_a_disengagement_kind(cues) -> dict:
    cue = next(c for c in cues if c["group"] == "disengagement")
    del cue["kind"]
    return cue


def give_an_engagement_cue_a_kind(cues) -> dict:
    cue = next(c for c in cues if c["group"] == "engagement")
    cue["kind"] = "obvious"
    return cue


@pytest.mark.parametrize("change", [drop_a_disengagement_kind, give_an_engagement_cue_a_kind],
                         ids=["disengagement-without-kind", "engagement-with-kind"])
def test_a_cue_with_the_wrong_kind_is_named_precisely(tmp_path, change):
    """Does validation name the file and record when a cue's kind does not fit its group, and say what is expected?"""
    copy = content_folder(tmp_path)
    changed = []
    rewrite(copy, "cue_sort", lambda cues: changed.append(change(cues)))
    _, problems = check_content(copy)
    ours = [str(p) for p in problems if p.file.endswith("cue_sort.yaml")]
    assert len(ours) == 1
    assert f"record '{changed[0]['id']}'" in ours[0]
    assert "a disengagement cue with a kind ('obvious' or 'subtle')" in ours[0]
