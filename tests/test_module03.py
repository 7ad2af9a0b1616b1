"""Module 03, Caring for the caregiver: the stress scenarios and the self-care plan, used as a learner would."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest
from support.activity import choose, right_answers, wrong_answers, wrong_option
from support.shown import text_of

from course import keys, self_care_plan, stress_scenarios
from course.content import load_content
from course.widgets import self_care_plan as plan_module


def answer_item(widget, right: bool) -> None:
    """Pick an option in every question of the current scenario, right or wrong, and press Check."""
    choose(widget, right_answers if right else wrong_answers)
    widget.check_button.click()


@pytest.mark.content
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
    wrong = wrong_option(first).id
    answer_item(widget, right=False)
    shown = text_of(widget.feedback.value)
    assert "✗ Not quite: you chose" in shown
    assert text_of(first.option(wrong).feedback) in shown
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
    assert len(attempts) == sum(len(i.questions) for i in widget.run.items) and all(a.correct for a in attempts)


def test_topic_filter_and_unknown_topic():
    """Does a topic show only its scenarios, and an unknown topic say which topics exist?"""
    scenarios = [s for s in load_content()["stress_scenarios"] if s.module == "03"]
    topic = scenarios[-1].topic
    widget = stress_scenarios(topic)
    assert [i.id for i in widget.run.items] == [s.id for s in scenarios if s.topic == topic]
    topics = ", ".join(repr(t) for t in sorted({s.topic for s in scenarios}))
    with pytest.raises(ValueError, match=re.escape(f"no caregiver-stress scenarios on 'no-such-topic'. Try one of: "
                                                   f"{topics}")):
        stress_scenarios("no-such-topic")


# --- the self-care plan --------------------------------------------------------------------------------

OWN_WORDS = "Swim on Saturday mornings\nCall Sam <my sister> on Sundays"


def areas() -> list:
    return list(load_content()["self_care"])


def planned() -> tuple[set[tuple[str, str]], str]:
    """What fill_plan ticks, (area, idea) pairs from every other area, and the area it writes own words in."""
    return {(area.id, area.strategies[0].id) for area in areas()[::2]}, areas()[-1].id


def untouched() -> tuple[str, str]:
    """An idea fill_plan leaves unticked, in an area it ticks nothing in."""
    area = areas()[1]
    return area.id, area.strategies[-1].id


def fill_plan(widget) -> None:
    ticked, own = planned()
    for area, strategy in ticked:
        widget.strategy_boxes[area][strategy].value = True
    widget.own_text[own].value = OWN_WORDS


def test_plan_offers_every_area():
    """Does the plan ask about every area of the content, in order, each with ideas and a box for own words?"""
    widget = self_care_plan()
    assert list(widget.strategy_boxes) == [a.id for a in areas()]
    for area in areas():
        assert list(widget.strategy_boxes[area.id]) == [s.id for s in area.strategies]
    assert all(box.description for boxes in widget.strategy_boxes.values() for box in boxes.values())
    assert all(area.description.startswith("My own ideas") for area in widget.own_text.values())
    assert "Not saved yet" in widget.status.value


@pytest.mark.content
def test_the_plan_covers_the_five_areas_of_the_source():
    """Does the plan ask about sleep, support, time for me, calming down and who to call, each with ideas?"""
    assert [a.id for a in areas()] == ["sleep", "support", "time-for-me", "calming-down", "who-to-call"]
    assert all(len(a.strategies) >= 2 for a in areas())


def test_saved_plan_comes_back(progress):
    """Is a saved plan kept in progress, and shown again, ticks and words, in a newly opened widget?"""
    ticked, own = planned()
    widget = self_care_plan(progress=progress)
    fill_plan(widget)
    widget.save_button.click()
    assert "✓ Saved in your learning record" in widget.status.value
    kept = progress.document(keys.SELF_CARE_PLAN)
    assert {(a, c["id"]) for a, entry in kept["areas"].items() for c in entry["chosen"]} == ticked
    assert kept["areas"][own]["own"].startswith("Swim on Saturday")

    again = self_care_plan(progress=progress)
    shown = {(a, s) for a, boxes in again.strategy_boxes.items() for s, box in boxes.items() if box.value}
    assert shown == ticked
    assert again.own_text[own].value == OWN_WORDS
    assert "Your plan, saved on" in again.status.value


def test_unsaved_changes_are_flagged(progress):
    """After saving, does changing the plan say there are unsaved changes, until it is saved again?"""
    area, idea = untouched()
    widget = self_care_plan(progress=progress)
    fill_plan(widget)
    widget.save_button.click()
    widget.strategy_boxes[area][idea].value = True
    assert "You have changes not saved yet" in widget.status.value
    assert progress.document(keys.SELF_CARE_PLAN)["areas"][area]["chosen"] == []
    widget.save_button.click()
    assert "✓ Saved in your learning record" in widget.status.value
    assert [c["id"] for c in progress.document(keys.SELF_CARE_PLAN)["areas"][area]["chosen"]] == [idea]


def test_empty_plan_is_not_saved(progress):
    """Does pressing Save with nothing chosen say so, instead of saving an empty plan?"""
    widget = self_care_plan(progress=progress)
    widget.save_button.click()
    assert "Your plan is empty" in widget.status.value
    assert progress.document(keys.SELF_CARE_PLAN) is None


def test_print_writes_a_plain_page_with_the_plan(progress, course_home):
    """Does Print write exports/self-care-plan.html with every chosen idea, escaped, and say where it is?"""
    widget = self_care_plan(progress=progress)
    fill_plan(widget)
    widget.print_button.click()
    path = course_home / "exports" / "self-care-plan.html"
    page = path.read_text(encoding="utf-8")
    texts = {(a.id, s.id): s.text for a in areas() for s in a.strategies}
    for chosen in planned()[0]:
        assert f"<li>{html.escape(texts[chosen])}</li>" in page
    assert "<li>Call Sam &lt;my sister&gt; on Sundays</li>" in page
    assert "<my sister>" not in page
    assert re.findall(r"<h2>(.*?)</h2>", page) == [html.escape(a.title) for a in areas()] + ["Where to turn"]
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in page and "<h1>My self-care plan</h1>" in page
    assert "<script" not in page and "<img" not in page
    assert str(path) in widget.status.value and 'download="self-care-plan.html"' in widget.status.value
    assert progress.document(keys.SELF_CARE_PLAN) is not None, "printing also keeps the plan"


def test_failed_print_keeps_the_previous_page(progress, course_home, monkeypatch):
    """If writing the page fails, is the learner told, the earlier printed plan intact and no temporary file left?"""
    area, idea = untouched()
    widget = self_care_plan(progress=progress)
    fill_plan(widget)
    widget.print_button.click()
    exports = course_home / "exports"
    before = (exports / "self-care-plan.html").read_text(encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    widget.strategy_boxes[area][idea].value = True
    widget.print_button.click()
    assert "✗ Could not write the page" in widget.status.value and "(disk full)" in widget.status.value
    assert (exports / "self-care-plan.html").read_text(encoding="utf-8") == before
    assert [p.name for p in exports.iterdir()] == ["self-care-plan.html"]
    kept = progress.document(keys.SELF_CARE_PLAN)["areas"][area]["chosen"]
    assert [c["id"] for c in kept] == [idea], "the plan itself is still saved"


def test_dropped_suggestion_is_kept_as_own_words(progress):
    """If a trainer removes a suggestion a learner had ticked, does its text stay in the learner's plan?"""
    area = areas()[0]
    idea = area.strategies[0].id
    progress.save_document(keys.SELF_CARE_PLAN, "03", {"saved": "2026-11-01T09:30:00+00:00", "areas": {
        area.id: {"chosen": [{"id": "retired-idea", "text": "Blackout blind"}, {"id": idea, "text": "x"}],
                  "own": "Earplugs"}}})
    widget = self_care_plan(progress=progress)
    assert widget.strategy_boxes[area.id][idea].value is True
    assert widget.own_text[area.id].value == "Blackout blind\nEarplugs"
    assert "1 November 2026 at 09:30 UTC" in widget.status.value


def test_atomic_write_creates_its_folder(tmp_path: Path):
    """Does the atomic writer create the exports folder and leave only the finished file?"""
    target = tmp_path / "new" / "page.html"
    plan_module.write_atomically(target, "<p>hello</p>")
    assert target.read_text(encoding="utf-8") == "<p>hello</p>"
    assert [p.name for p in target.parent.iterdir()] == ["page.html"]


def test_printed_plan_gives_the_routes_of_the_urgency_rule(progress, course_home):
    """Does the printed plan give, under each level's words from urgency.yaml, every contact signposting.yaml
    files there for mental health or self-harm, so the page and the course never send a parent elsewhere?"""
    from course.widgets.self_care_plan import PLAN_TOPICS
    from course.widgets.signposting import levels

    widget = self_care_plan(progress=progress)
    fill_plan(widget)
    widget.print_button.click()
    page = (course_home / "exports" / "self-care-plan.html").read_text(encoding="utf-8")
    turn = page[page.index("<h2>Where to turn</h2>"):]
    contacts = [c for c in load_content()["signposting"] if set(PLAN_TOPICS) & set(c.get("topics", ()))]
    shown_levels = re.findall(r"<h3>(.*?)</h3>", turn)
    assert shown_levels == [html.escape(w.heading) for lv, w in levels().items()
                            if any(c.urgency == lv for c in contacts)]
    for contact in contacts:
        heading = html.escape(levels()[contact.urgency].heading)
        section = turn[turn.index(f"<h3>{heading}</h3>"):]
        section = section[:section.index("</ul>")]
        assert html.escape(contact.name) in section and html.escape(contact.how) in section, contact.id
    for level in ("emergency", "urgent"):
        assert html.escape(levels()[level].self_harm) in turn
