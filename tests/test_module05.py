"""Module 05, partners and fathers: the claim-versus-evidence activity and the partner scenarios."""

from __future__ import annotations

import re
import shutil
from html import unescape
from pathlib import Path

import pytest

from course import claim_check, partner_scenarios
from course.content import ContentError, check_content, load_content

REPO = Path(__file__).resolve().parent.parent


def answer_claim(widget, bearings: list[str], verdict: str) -> str:
    """Choose a bearing for each piece of evidence and a verdict, press Check, and return the feedback shown."""
    *evidence, verdict_control = widget.answer_controls
    assert len(evidence) == len(bearings)
    for control, bearing in zip(evidence, bearings, strict=True):
        control.value = bearing
    verdict_control.value = verdict
    widget.check_button.click()
    return unescape(widget.feedback.value)


# --- claim versus evidence ---------------------------------------------------------------------------------

def test_corpus_callosum_claim_is_taught_as_unsupported():
    """Does the course's verdict on the source's corpus callosum claim say the evidence does not support it?"""
    claim = load_content().record("claims", "corpus-callosum-multitasking")
    assert claim.verdict == "unsupported"
    assert "corpus callosum" in claim.claim and claim.module == "05"
    cited = {r for e in claim.evidence for r in e.references}
    assert {"bishop-wahlsten-1997", "luders-2014", "ingalhalikar-2014", "hanggi-2014", "hirsch-2019"} <= cited
    assert all(e.bears != "supports" for e in claim.evidence)


def test_module_05_has_the_callosum_claim_and_two_or_three_more_about_fathers_and_partners():
    """Does the activity test the corpus callosum claim plus 2 or 3 other claims, with each verdict used?"""
    claims = [c for c in load_content()["claims"] if c.module == "05"]
    assert claims[0].id == "corpus-callosum-multitasking"
    assert 3 <= len(claims) <= 4
    assert {c.verdict for c in claims} == {"supported", "unsupported", "mixed"}


def test_claim_shows_the_claim_and_every_piece_of_evidence_with_its_citation():
    """Does the learner see the claim, where it comes from, and each piece of evidence with who found it?"""
    widget = claim_check()
    assert "Claim 1 of 4" in widget.header.value
    body = unescape(widget.body.value)
    assert "The claim:" in body and "corpus callosum" in body and "The parent leaflet" in body
    prompts = [control.question.prompt for control in widget.answer_controls]
    assert prompts[0].startswith("Evidence 1: Reviews of the brain-scan research")
    assert "(Bishop & Wahlsten 1997; Luders et al. 2014; Ardekani et al. 2013)." in prompts[0]
    assert "(Ingalhalikar et al. 2014; Hänggi et al. 2014)." in prompts[1]
    assert "(Hirsch et al. 2019)." in prompts[2]
    assert prompts[3].startswith("Your verdict")
    assert [label for label, _ in widget.answer_controls[3].options] == [
        "Supported by the evidence", "Not supported by the evidence", "Mixed: partly supported, partly not"]


def test_weighing_evidence_wrongly_says_how_it_really_bears_and_is_recorded(progress):
    """If the learner misreads a piece of evidence and the verdict, are they told why, with the attempt kept?"""
    widget = claim_check(progress=progress)
    shown = answer_claim(widget, ["supports", "weakens", "neither"], "mixed")
    assert "✗ Not quite: you chose “Supports the claim”" in shown
    assert "Look again: this evidence weakens the claim. The claim starts from women's corpus callosum" in shown
    assert "✓ Right: you chose “Weakens the claim”" in shown
    assert "✗ Not quite: you chose “Mixed: partly supported, partly not”" in shown
    assert "A mixed verdict needs some good evidence for the claim." in shown
    recorded = {(a.item, a.answer, a.correct) for a in progress.attempts(module="05", activity="claim-check")}
    assert recorded == {("corpus-callosum-multitasking/callosum-size", "supports", False),
                        ("corpus-callosum-multitasking/brain-wiring", "weakens", True),
                        ("corpus-callosum-multitasking/multitasking-measured", "neither", False),
                        ("corpus-callosum-multitasking/verdict", "mixed", False)}


def test_right_verdict_explains_and_the_learner_goes_on_to_the_next_claim(progress):
    """Does weighing everything right confirm the verdict with reasons and lead on to the next claim?"""
    widget = claim_check(progress=progress)
    shown = answer_claim(widget, ["weakens", "weakens", "weakens"], "unsupported")
    assert "✗" not in shown
    assert "✓ Right: you chose “Not supported by the evidence”" in shown
    assert "Fathers and partners can learn the same caring skills" in shown
    widget.next_button.click()
    assert "Claim 2 of 4" in widget.header.value and "Right first time: 1 of 1 answered" in widget.header.value
    assert "Who a baby attaches to first" in widget.body.value


def test_mixed_claim_accepts_only_the_mixed_verdict(progress):
    """For 'mothers are naturally more sensitive', is only 'mixed' right, and does 'unsupported' say why not?"""
    widget = claim_check(progress=progress)
    for _ in range(2):
        question_ids = [c.question.id for c in widget.answer_controls]
        answer_claim(widget, ["weakens"] * (len(question_ids) - 1), "unsupported")
        widget.next_button.click()
    assert "Are mothers naturally more sensitive?" in widget.body.value
    shown = answer_claim(widget, ["supports", "weakens", "weakens"], "unsupported")
    assert "✗ Not quite: you chose “Not supported by the evidence”" in shown
    assert "there is a small average difference in mothers' favour" in shown
    widget.try_again_button.click()
    shown = answer_claim(widget, ["supports", "weakens", "weakens"], "mixed")
    assert "✓ Right: you chose “Mixed: partly supported, partly not”" in shown
    verdicts = [(a.answer, a.correct) for a in progress.attempts(activity="claim-check")
                if a.item == "mothers-more-sensitive/verdict"]
    assert verdicts == [("unsupported", False), ("mixed", True)]


def test_claim_check_for_a_module_without_claims_is_a_clear_error():
    """Does asking for claims in a module that has none say so and name the modules that do?"""
    with pytest.raises(ValueError, match=r"no claims to check for module '02' in data/claims.yaml.*'05'"):
        claim_check("02")


def test_a_claim_with_an_unknown_bearing_is_reported_precisely(tmp_path):
    """If a trainer types an unknown bearing, does validation name the file, claim, field and the choices?"""
    folder = tmp_path / "data"
    shutil.copytree(REPO / "data" / "schema", folder / "schema")
    for name in ("references", "modules"):
        shutil.copy(REPO / "data" / f"{name}.yaml", folder / f"{name}.yaml")
    text = (REPO / "data" / "claims.yaml").read_text(encoding="utf-8")
    (folder / "claims.yaml").write_text(text.replace("bears: weakens", "bears: refutes", 1), encoding="utf-8")
    content, problems = check_content(folder)
    assert content is None
    assert [str(p).split(": ", 1)[1] for p in problems] == [
        "record 'corpus-callosum-multitasking', field 'evidence[0].bears': expected one of 'supports', "
        "'weakens', 'neither', got text 'refutes'"]
    with pytest.raises(ContentError):
        load_content(folder)


# --- partner scenarios -------------------------------------------------------------------------------------

def test_partner_scenarios_have_a_father_or_partner_as_main_carer():
    """Are there 4 to 6 module 05 scenarios, each with a father or partner as the baby's main carer?"""
    scenarios = load_content()["partner_scenarios"]
    assert 4 <= len(scenarios) <= 6
    assert {s.module for s in scenarios} == {"05"}
    carers = re.compile(r"\b(dad|father|stay-at-home dad|other mum|main carer|looks after him)\b", re.I)
    assert all(carers.search(s.context) for s in scenarios)


def test_learner_reads_a_partner_scenario_answers_and_gets_reasons(progress):
    """Can the learner answer both questions of a scenario, read why, and have each answer recorded?"""
    widget = partner_scenarios(progress=progress)
    assert "Scenario 1 of 5" in widget.header.value and "Tom" in widget.body.value
    meaning, response = widget.answer_controls
    meaning.value = "finished"
    response.value = "answer-him"
    widget.check_button.click()
    shown = unescape(widget.feedback.value)
    assert "✗ Not quite: you chose “He has had enough milk and the feed is over.”" in shown
    assert "Sam is turning towards his dad, not away from the bottle." in shown
    assert "✓ Right: you chose" in shown and "This returns his \"serve\"" in shown
    assert [(a.item, a.answer, a.correct) for a in progress.attempts(module="05", activity="partner-scenarios")] == [
        ("bottle-feed-pause/meaning", "finished", False), ("bottle-feed-pause/response", "answer-him", True)]
    widget.next_button.click()
    assert "Scenario 2 of 5" in widget.header.value and "Jess" in widget.body.value


def test_partner_scenarios_can_be_filtered_by_topic_and_an_unknown_topic_is_explained():
    """Can the learner ask for one topic, and does a topic with no scenarios list the ones there are?"""
    widget = partner_scenarios("play")
    assert "Scenario 1 of 2" in widget.header.value and "about play" in widget.header.value
    with pytest.raises(ValueError, match=r"no partner scenarios on 'sleep'.*'caregiver', 'comfort', 'feeding'"):
        partner_scenarios("sleep")


def test_partner_scenario_schema_is_the_scenario_schema(tmp_path):
    """Is a partner scenario held to the scenario schema's rules (here: a scenario must give the baby's age)?"""
    folder = tmp_path / "data"
    shutil.copytree(REPO / "data" / "schema", folder / "schema")
    for name in ("references", "modules"):
        shutil.copy(REPO / "data" / f"{name}.yaml", folder / f"{name}.yaml")
    text = (REPO / "data" / "partner_scenarios.yaml").read_text(encoding="utf-8")
    (folder / "partner_scenarios.yaml").write_text(text.replace("  age: 5 weeks\n", "", 1), encoding="utf-8")
    _, problems = check_content(folder)
    assert [str(p).split(": ", 1)[1] for p in problems] == [
        "record 'bottle-feed-pause', field 'age': is missing (this field is required)"]
