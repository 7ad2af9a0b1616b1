"""Module 03, Caring for the caregiver: the stress scenarios and the self-care plan, used as a learner would."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from course import self_care_plan, stress_scenarios
from course.content import load_content
from course.widgets import self_care_plan as plan_module


def chosen_wrong(question):
    return next(o.id for o in question.options if o.id not in question.correct)


def answer_item(widget, right: bool) -> None:
    """Pick an option in every question of the current scenario, right or wrong, and press Check."""
    for control in widget.answer_controls:
        question = control.question
        control.value = next(iter(question.correct)) if right else chosen_wrong(question)
    widget.check_button.click()


def test_module03_has_five_to_eight_stress_scenarios():
    """Does module 03 have 5 to 8 scenarios, all about a stressed caregiver, with feedback on every option?"""
    scenarios = [s for s in load_content()["stress_scenarios"] if s.module == "03"]
    assert 5 <= len(scenarios) <= 8
    assert {s.topic for s in scenarios} <= {"stress", "caregiver"}
    for scenario in scenarios:
        for question in scenario.questions:
            texts = [o.feedback.strip() for o in question.options]
            assert all(len(t.split()) >= 5 for t in texts), f"{scenario.id}: every option needs a reason"
            assert len(set(texts)) == len(texts), f"{scenario.id}: options share the same feedback"


def test_wrong_answer_says_why_and_is_recorded(progress):
    """Does a wrong answer show ✗ with the reason for that option, and is the attempt kept in progress?"""
    widget = stress_scenarios(progress=progress)
    first = widget.run.item.questions[0]
    wrong = chosen_wrong(first)
    answer_item(widget, right=False)
    shown = widget.feedback.value
    assert "✗ Not quite: you chose" in shown
    assert first.option(wrong).feedback.split(".")[0] in shown.replace("&#x27;", "'").replace("&quot;", '"')
    attempts = progress.attempts(module="03", activity="stress-scenarios")
    assert [(a.item, a.answer, a.correct) for a in attempts][0] == (f"{widget.run.item.id}/{first.id}", wrong, False)
    assert len(attempts) == len(widget.run.item.questions)


def test_show_answer_then_next(progress):
    """After a wrong try, does Show answer give the right option and its reason, and Next move on?"""
    widget = stress_scenarios(progress=progress)
    answer_item(widget, right=False)
    widget.show_answer_button.click()
    assert "✓ The answer:" in widget.feedback.value
    assert widget.next_button.disabled is False
    widget.next_button.click()
    assert widget.run.position.startswith("Scenario 2 of ")
    assert widget.feedback.value.count("sa-feedback") == 0


def test_whole_activity_right_first_time(progress):
    """Can a learner answer every scenario right, see ✓ each time, and finish with a full score recorded?"""
    widget = stress_scenarios(progress=progress)
    total = len(widget.run.items)
    for index in range(total):
        answer_item(widget, right=True)
        assert "✓ Right: you chose" in widget.feedback.value and "✗" not in widget.feedback.value
        if index < total - 1:
            widget.next_button.click()
    assert f"You have finished all {total} scenarios" in widget.feedback.value
    attempts = progress.attempts(activity="stress-scenarios")
    assert len(attempts) == 2 * total and all(a.correct for a in attempts)


def test_topic_filter_and_unknown_topic():
    """Does a topic show only its scenarios, and an unknown topic say which topics exist?"""
    widget = stress_scenarios("caregiver")
    assert {i.id for i in widget.run.items} == {s.id for s in load_content()["stress_scenarios"]
                                                if s.topic == "caregiver"}
    with pytest.raises(ValueError, match=r"no caregiver-stress scenarios on 'sleep'.*'caregiver', 'stress'"):
        stress_scenarios("sleep")


# --- the self-care plan --------------------------------------------------------------------------------

def fill_plan(widget) -> None:
    widget.strategy_boxes["sleep"]["lie-in"].value = True
    widget.strategy_boxes["calming-down"]["deep-breath"].value = True
    widget.strategy_boxes["who-to-call"]["samaritans"].value = True
    widget.own_text["time-for-me"].value = "Swim on Saturday mornings\nCall Sam <my sister> on Sundays"


def test_plan_offers_every_area():
    """Does the plan ask about sleep, support, time for me, calming down and who to call, each with ideas?"""
    widget = self_care_plan()
    assert list(widget.strategy_boxes) == ["sleep", "support", "time-for-me", "calming-down", "who-to-call"]
    assert all(len(boxes) >= 2 for boxes in widget.strategy_boxes.values())
    assert all(box.description for boxes in widget.strategy_boxes.values() for box in boxes.values())
    assert all(area.description.startswith("My own ideas") for area in widget.own_text.values())
    assert "Not saved yet" in widget.status.value


def test_saved_plan_comes_back(progress):
    """Is a saved plan kept in progress, and shown again, ticks and words, in a newly opened widget?"""
    widget = self_care_plan(progress=progress)
    fill_plan(widget)
    widget.save_button.click()
    assert "✓ Saved in your learning record" in widget.status.value
    kept = progress.document("03-self-care-plan")
    assert [c["id"] for c in kept["areas"]["sleep"]["chosen"]] == ["lie-in"]
    assert kept["areas"]["time-for-me"]["own"].startswith("Swim on Saturday")

    again = self_care_plan(progress=progress)
    ticked = {(a, s) for a, boxes in again.strategy_boxes.items() for s, box in boxes.items() if box.value}
    assert ticked == {("sleep", "lie-in"), ("calming-down", "deep-breath"), ("who-to-call", "samaritans")}
    assert again.own_text["time-for-me"].value == "Swim on Saturday mornings\nCall Sam <my sister> on Sundays"
    assert "Your plan, saved on" in again.status.value


def test_unsaved_changes_are_flagged(progress):
    """After saving, does changing the plan say there are unsaved changes, until it is saved again?"""
    widget = self_care_plan(progress=progress)
    fill_plan(widget)
    widget.save_button.click()
    widget.strategy_boxes["support"]["accept-offers"].value = True
    assert "You have changes not saved yet" in widget.status.value
    assert progress.document("03-self-care-plan")["areas"]["support"]["chosen"] == []
    widget.save_button.click()
    assert "✓ Saved in your learning record" in widget.status.value
    assert [c["id"] for c in progress.document("03-self-care-plan")["areas"]["support"]["chosen"]] == ["accept-offers"]


def test_empty_plan_is_not_saved(progress):
    """Does pressing Save with nothing chosen say so, instead of saving an empty plan?"""
    widget = self_care_plan(progress=progress)
    widget.save_button.click()
    assert "Your plan is empty" in widget.status.value
    assert progress.document("03-self-care-plan") is None


def test_print_writes_a_plain_page_with_the_plan(progress, course_home):
    """Does Print write exports/self-care-plan.html with every chosen idea, escaped, and say where it is?"""
    widget = self_care_plan(progress=progress)
    fill_plan(widget)
    widget.print_button.click()
    path = course_home / "exports" / "self-care-plan.html"
    page = path.read_text(encoding="utf-8")
    areas = {a.id: a for a in load_content()["self_care"]}
    texts = {s.id: s.text for a in areas.values() for s in a.strategies}
    for strategy in ("lie-in", "deep-breath", "samaritans"):
        assert f"<li>{texts[strategy]}</li>" in page
    assert "<li>Call Sam &lt;my sister&gt; on Sundays</li>" in page
    assert "<my sister>" not in page
    assert re.findall(r"<h2>(.*?)</h2>", page) == [a.title.replace("&", "&amp;") for a in areas.values()]
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in page and "<h1>My self-care plan</h1>" in page
    assert "<script" not in page and "<img" not in page
    assert str(path) in widget.status.value and 'download="self-care-plan.html"' in widget.status.value
    assert progress.document("03-self-care-plan") is not None, "printing also keeps the plan"


def test_failed_print_keeps_the_previous_page(progress, course_home, monkeypatch):
    """If writing the page fails, is the learner told, the earlier printed plan intact and no temporary file left?"""
    widget = self_care_plan(progress=progress)
    fill_plan(widget)
    widget.print_button.click()
    exports = course_home / "exports"
    before = (exports / "self-care-plan.html").read_text(encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    widget.strategy_boxes["support"]["accept-offers"].value = True
    widget.print_button.click()
    assert "✗ Could not write the page" in widget.status.value and "(disk full)" in widget.status.value
    assert (exports / "self-care-plan.html").read_text(encoding="utf-8") == before
    assert [p.name for p in exports.iterdir()] == ["self-care-plan.html"]
    kept = progress.document("03-self-care-plan")["areas"]["support"]["chosen"]
    assert [c["id"] for c in kept] == ["accept-offers"], "the plan itself is still saved"


def test_dropped_suggestion_is_kept_as_own_words(progress):
    """If a trainer removes a suggestion a learner had ticked, does its text stay in the learner's plan?"""
    progress.save_document("03-self-care-plan", "03", {"saved": "2026-11-01T09:30:00+00:00", "areas": {
        "sleep": {"chosen": [{"id": "retired-idea", "text": "Blackout blind"}, {"id": "lie-in", "text": "x"}],
                  "own": "Earplugs"}}})
    widget = self_care_plan(progress=progress)
    assert widget.strategy_boxes["sleep"]["lie-in"].value is True
    assert widget.own_text["sleep"].value == "Blackout blind\nEarplugs"
    assert "1 November 2026 at 09:30 UTC" in widget.status.value


def test_atomic_write_creates_its_folder(tmp_path: Path):
    """Does the atomic writer create the exports folder and leave only the finished file?"""
    target = tmp_path / "new" / "page.html"
    plan_module.write_atomically(target, "<p>hello</p>")
    assert target.read_text(encoding="utf-8") == "<p>hello</p>"
    assert [p.name for p in target.parent.iterdir()] == ["page.html"]
