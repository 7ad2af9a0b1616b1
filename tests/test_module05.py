"""Module 05, partners and fathers: the claim-versus-evidence activity and the partner scenarios."""

from __future__ import annotations

import html
import re

import pytest
from support.activity import choose, right_answers, right_option, wrong_answers, wrong_option
from support.content import content_folder, rewrite
from support.shown import text_of

from course import claim_check, partner_scenarios
from course.content import ContentError, check_content, load_content


def answer_claim(widget, bearings: list[str], verdict: str) -> str:
    """Choose a bearing for each piece of evidence and a verdict, press Check, and return the feedback shown."""
    *evidence, verdict_control = widget.answer_controls
    assert len(evidence) == len(bearings)
    for control, bearing in zip(evidence, bearings, strict=True):
        control.value = bearing
    verdict_control.value = verdict
    widget.check_button.click()
    return html.unescape(widget.feedback.value)


# --- claim versus evidence ---------------------------------------------------------------------------------

@pytest.mark.content
def test_corpus_callosum_claim_is_taught_as_unsupported():
    """Does the course's verdict on the source's corpus callosum claim say the evidence does not support it?"""
    claim = load_content().record("claims", "corpus-callosum-multitasking")
    assert claim.verdict == "unsupported"
    assert "corpus callosum" in claim.claim and claim.module == "05"
    cited = {r for e in claim.evidence for r in e.references}
    assert {"bishop-wahlsten-1997", "luders-2014", "ingalhalikar-2014", "hanggi-2014", "hirsch-2019"} <= cited
    assert all(e.bears != "supports" for e in claim.evidence)


@pytest.mark.content
def test_module_05_has_the_callosum_claim_and_two_or_three_more_about_fathers_and_partners():
    """Does the activity test the corpus callosum claim plus 2 or 3 other claims, with each verdict used?"""
    claims = [c for c in load_content()["claims"] if c.module == "05"]
    assert claims[0].id == "corpus-callosum-multitasking"
    assert 3 <= len(claims) <= 4
    assert {c.verdict for c in claims} == {"supported", "unsupported", "mixed"}


@pytest.mark.content
def test_claim_shows_the_claim_and_every_piece_of_evidence_with_its_citation():
    """Does the learner see the claim, where it comes from, and each piece of evidence with who found it?"""
    widget = claim_check()
    assert "Claim 1 of 4" in widget.header.value
    body = html.unescape(widget.body.value)
    assert "The claim:" in body and "corpus callosum" in body and "The parent leaflet" in body
    prompts = [control.question.prompt for control in widget.answer_controls]
    assert prompts[0].startswith("Evidence 1: Reviews of the brain-scan research")
    assert "(Bishop & Wahlsten 1997; Luders et al. 2014; Ardekani et al. 2013)." in prompts[0]
    assert "(Ingalhalikar et al. 2014; Hänggi et al. 2014)." in prompts[1]
    assert "(Hirsch et al. 2019)." in prompts[2]
    assert prompts[3].startswith("Your verdict")
    assert [label for label, _ in widget.answer_controls[3].options] == [
        "Supported by the evidence", "Not supported by the evidence", "Mixed: partly supported, partly not"]


@pytest.mark.content
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


@pytest.mark.content
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


@pytest.mark.content
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
    claim = load_content().record("claims", "mothers-more-sensitive")
    assert html.escape(claim.verdict_feedback.unsupported) in shown
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
    folder = content_folder(tmp_path, "claims")
    claims = rewrite(folder, "claims", lambda claims: claims[0]["evidence"][0].update(bears="refutes"))
    content, problems = check_content(folder)
    assert content is None
    assert [str(p).split(": ", 1)[1] for p in problems] == [
        f"record '{claims[0]['id']}', field 'evidence[0].bears': expected one of 'supports', "
        "'weakens', 'neither', got text 'refutes'"]
    with pytest.raises(ContentError):
        load_content(folder)


# --- partner scenarios -------------------------------------------------------------------------------------

@pytest.mark.content
def test_partner_scenarios_have_a_father_or_partner_as_main_carer():
    """Are there 4 to 6 module 05 scenarios, each with a father or partner as the baby's main carer?"""
    scenarios = load_content()["partner_scenarios"]
    assert 4 <= len(scenarios) <= 6
    assert {s.module for s in scenarios} == {"05"}
    carers = re.compile(r"\b(dad|father|stay-at-home dad|other mum|main carer|looks after him)\b", re.I)
    assert all(carers.search(s.context) for s in scenarios)


def test_learner_reads_a_partner_scenario_answers_and_gets_reasons(progress):
    """Can the learner answer every question of a scenario, read why, and go on to the next scenario?"""
    scenarios = load_content()["partner_scenarios"]
    widget = partner_scenarios(progress=progress)
    assert f"Scenario 1 of {len(scenarios)}" in widget.header.value
    assert text_of(widget.body.value).startswith(scenarios[0].title)
    choose(widget, wrong_answers)
    widget.check_button.click()
    for question in scenarios[0].questions:
        assert text_of(wrong_option(question).feedback) in text_of(widget.feedback.value)
    widget.try_again_button.click()
    choose(widget, right_answers)
    widget.check_button.click()
    assert all(text_of(right_option(q).feedback) in text_of(widget.feedback.value) for q in scenarios[0].questions)
    widget.next_button.click()
    assert f"Scenario 2 of {len(scenarios)}" in widget.header.value
    assert text_of(widget.body.value).startswith(scenarios[1].title)


def test_partner_scenarios_can_be_filtered_by_topic_and_an_unknown_topic_is_explained():
    """Can the learner ask for one topic, and does a topic with no scenarios list the ones there are?"""
    scenarios = load_content()["partner_scenarios"]
    topic = scenarios[-1].topic
    widget = partner_scenarios(topic)
    assert f"Scenario 1 of {sum(s.topic == topic for s in scenarios)}" in widget.header.value
    assert f"about {topic}" in widget.header.value
    topics = ", ".join(repr(t) for t in sorted({s.topic for s in scenarios}))
    with pytest.raises(ValueError, match=re.escape(f"no partner scenarios on 'no-such-topic'. Try one of: {topics}")):
        partner_scenarios("no-such-topic")


def test_partner_scenario_schema_is_the_scenario_schema(tmp_path):
    """Is a partner scenario held to the scenario schema's rules (here: a scenario must give the baby's age)?"""
    folder = content_folder(tmp_path, "partner_scenarios")
    scenarios = rewrite(folder, "partner_scenarios", lambda scenarios: scenarios[0].pop("age"))
    _, problems = check_content(folder)
    assert [str(p).split(": ", 1)[1] for p in problems] == [
        f"record '{scenarios[0]['id']}', field 'age': is missing (this field is required)"]
