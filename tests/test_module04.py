"""Module 04, risk factors for a secure attachment: risk-factor vignettes and signposting, used as a learner would."""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest
from support.content import content_folder, rewrite

from course import risk_vignettes, signposting
from course.content import ContentError, check_content, data_directory, load_content, notebooks_directory
from course.content.citations import listed_ids
from course.widgets.signposting import levels

SOURCE_RISK_FACTORS = {"own-attachment-history", "emotional-problems", "drugs-alcohol", "high-stress",
                       "difficult-childhood", "unsafe-environment", "negative-childhood-memories"}


def tick(group, ids) -> None:
    for box in group.children:
        box.value = box.option_id in ids


def answer(widget, factors, step) -> None:
    factor_boxes, step_radio = widget.answer_controls
    tick(factor_boxes, factors)
    step_radio.value = step
    widget.check_button.click()


def right_answers(widget):
    factors, step = widget.run.item.questions
    return set(factors.correct), next(iter(step.correct))


@pytest.mark.content
def test_every_source_risk_factor_is_listed_with_evidence():
    """Are all seven risk factors the source text names in risk_factors.yaml, each with evidence and references?"""
    factors = load_content()["risk_factors"]
    assert {f.id for f in factors} == SOURCE_RISK_FACTORS
    assert all(f.evidence and f.references for f in factors)


@pytest.mark.content
def test_vignettes_cover_every_factor_and_urgent_steps():
    """Are there at least 8 vignettes, each offering every risk factor, with same-day steps where right?"""
    vignettes = [v for v in load_content()["vignettes"] if v.module == "04"]
    assert len(vignettes) >= 8
    for vignette in vignettes:
        assert {o.id for o in vignette.factors.options} == SOURCE_RISK_FACTORS, vignette.id
    present = {f for v in vignettes for f in v.factors.correct}
    assert present == SOURCE_RISK_FACTORS, "every risk factor is the right answer in at least one vignette"
    assert {v.urgency for v in vignettes} >= {"routine", "soon", "urgent", "emergency"}
    urgent = [v for v in vignettes if v.urgency in ("urgent", "emergency")]
    assert all(re.search(r"today|now|same day|same-day", next(o.text for o in v.next_step.options
                                                                if o.id == v.next_step.correct)) for v in urgent)


def test_factor_boxes_are_the_risk_factors(progress):
    """Is the first question a tick-all-that-apply list of the risk factors, labelled with their names?"""
    widget = risk_vignettes(progress=progress)
    factor_boxes, step_radio = widget.answer_controls
    names = [f.name for f in load_content()["risk_factors"]]
    assert [b.description for b in factor_boxes.children] == names
    assert "Which risk factors are present?</strong> (tick all that apply)" in widget.questions_box.children[0].value
    assert "What is the most appropriate next step?" in widget.questions_box.children[2].value
    assert step_radio.value is None


def test_missing_a_factor_says_so_and_is_recorded(progress):
    """If a learner ticks only some of the factors, is each tick marked, the gap named, and the try recorded?"""
    widget = risk_vignettes(progress=progress)
    factors, step = right_answers(widget)
    assert len(factors) >= 1
    wrong_factor = next(b.option_id for b in widget.answer_controls[0].children if b.option_id not in factors)
    answer(widget, {wrong_factor}, step)
    shown = widget.feedback.value
    assert "✗ Not this one:" in shown
    assert f"{len(factors)} more option(s) also apply" in shown
    assert "✓ Right: you chose" in shown
    attempts = progress.attempts(module="04", activity="risk-vignettes")
    item = widget.run.item.id
    assert [(a.item, a.answer, a.correct) for a in attempts] == [
        (f"{item}/factors", [wrong_factor], False), (f"{item}/next-step", step, True)]


def test_show_answer_gives_every_factor_and_the_step(progress):
    """After a wrong try, does Show answer list each factor present and the right step, with reasons?"""
    widget = risk_vignettes(progress=progress)
    factors, step = right_answers(widget)
    wrong_step = next(o.id for o in widget.run.item.questions[1].options if o.id != step)
    not_factor = next(b.option_id for b in widget.answer_controls[0].children if b.option_id not in factors)
    answer(widget, {not_factor}, wrong_step)
    assert "✗ Not quite: you chose" in widget.feedback.value
    widget.show_answer_button.click()
    shown = widget.feedback.value
    assert shown.count("✓ The answer:") == len(factors) + 1
    assert widget.run.item.questions[1].option(step).text.split(",")[0] in shown.replace("&#x27;", "'")


def test_whole_activity_right_first_time(progress):
    """Can a learner work through every vignette, ticking and choosing rightly, and finish with full marks?"""
    widget = risk_vignettes(progress=progress)
    total = len(widget.run.items)
    for index in range(total):
        factors, step = right_answers(widget)
        answer(widget, factors, step)
        assert "✗" not in widget.feedback.value
        assert widget.feedback.value.count("✓ Right to tick") == len(factors)
        if index < total - 1:
            widget.next_button.click()
            assert widget.run.position == f"Vignette {index + 2} of {total}"
    assert f"You have finished all {total} vignettes. Right first time: {total} of {total}" in widget.feedback.value
    assert len(progress.attempts(activity="risk-vignettes")) == 2 * total


def test_unknown_risk_factor_in_a_vignette_is_named(tmp_path, monkeypatch):
    """Does a vignette that offers a factor not in risk_factors.yaml fail with file, record, field and choices?"""
    data = content_folder(tmp_path)
    text = (data / "vignettes.yaml").read_text(encoding="utf-8")
    (data / "vignettes.yaml").write_text(text.replace("- id: drugs-alcohol", "- id: drink-problem", 1),
                                         encoding="utf-8")
    monkeypatch.setenv("COURSE_DATA", str(data))
    with pytest.raises(ContentError, match=r"data/vignettes\.yaml:\d+: record 'low-mood-at-six-weeks', field "
                                           r"'factors\.options\[\d\]\.id': 'drink-problem' is not a risk factor in "
                                           r"risk_factors\.yaml \(expected one of: own-attachment-history"):
        risk_vignettes()
    _, problems = check_content(data)
    assert [p.record for p in problems] == ["'low-mood-at-six-weeks'"]


# --- signposting -----------------------------------------------------------------------------------------

def test_signposting_shows_every_contact_under_its_urgency_in_words():
    """Is every contact shown, with how and when, under a heading that says its urgency in words?"""
    shown = signposting().value
    contacts = load_content()["signposting"]
    sections = dict(re.findall(r'<section class="sa-urgency-(\w+)"><h4>(.*?)</section>', shown, re.S))
    assert list(sections) == ["emergency", "urgent", "soon", "routine"], "most urgent first"
    for contact in contacts:
        section = sections[contact.urgency]
        assert section.startswith(html.escape(levels()[contact.urgency].heading))
        for part in (contact.name, contact.how, contact.when):
            assert html.escape(part) in section
    assert "color" not in shown, "urgency is said in words, not colour"


def test_signposting_one_urgency_and_a_typo():
    """Can one urgency be shown alone, and does a misspelt urgency list the right words?"""
    contacts = load_content()["signposting"]
    urgency = contacts[-1].urgency
    shown = signposting(urgency).value
    assert html.escape(levels()[urgency].heading) in shown
    for contact in contacts:
        assert (f"<strong>{html.escape(contact.name)}</strong>" in shown) == (contact.urgency == urgency), contact.name
    assert all(html.escape(words.heading) not in shown for level, words in levels().items() if level != urgency)
    with pytest.raises(ValueError, match="'urgnet' is not an urgency. Use one of: 'emergency', 'urgent', "):
        signposting("urgnet")


# --- terms, and what helps -------------------------------------------------------------------------------

REPO = Path(__file__).resolve().parent.parent


def module04_notebook():
    folder = notebooks_directory(data_directory())
    if folder is None:
        pytest.skip("no notebooks/ folder beside the content")
    return nbformat.read(folder / load_content().record("modules", "04").notebook, as_version=4)


def module04_markdown() -> str:
    return "\n\n".join(c.source for c in module04_notebook().cells if c.cell_type == "markdown")


def test_bonding_is_said_only_where_the_parents_feelings_are_meant():
    """Module 01 defines bonding as the parent's feelings and attachment as the baby's safety: do module 04,
    its title, the risk factors and the risk_factors assignment keep to that, calling the risks (measured as
    attachment) risks to attachment, and saying "bonding" only in a sentence about the parent's feelings?"""
    content = load_content()
    module = content.record("modules", "04")
    assignment = nbformat.read(REPO / "assignments" / "risk_factors" / "risk_factors.ipynb", 4)
    texts = [module.title, module.summary, module04_markdown(),
             *(c.source for c in assignment.cells if c.cell_type == "markdown"),
             *(f"{f.name}. {f.description} {f.evidence}" for f in content["risk_factors"])]
    sentences = [s for text in texts for s in re.split(r"(?<=[.;:!?])\s+|\n\s*[-*\d.]+\s", text)]
    loose = [s for s in sentences if re.search(r"\bbond(ing)?\b", s, re.I) and not re.search(r"feel", s, re.I)]
    assert loose == []
    assert "attachment" in module.title.lower()


def test_what_helps_is_taught_with_its_evidence():
    """Does module 04 cite the evidence for each approach that helps (less is more, video feedback, Circle of
    Security, the NBO, the Solihull Approach) and list it among its references?"""
    references = load_content().references
    text = " ".join(module04_markdown().split())
    listed = listed_ids(c for c in module04_notebook().cells if c.cell_type == "code")
    for ref in ("bakermans-2003", "ohara-2019", "nice-qs133", "cassidy-2017", "nugent-2007", "douglas-2002"):
        assert references[ref].cite in text, ref
        assert ref in listed, ref


def test_what_helps_check_gives_feedback_on_every_option(progress):
    """Can a learner answer each module 04 check question, see why each option is or is not right, and finish?"""
    from html import unescape

    from course import understanding_check

    widget = understanding_check("04", progress=progress)
    total = len(widget.run.items)
    assert total >= 3
    for index in range(total):
        radio = widget.answer_controls[0]
        question = radio.question
        (right,) = question.correct
        for option in question.options:
            radio.value = option.id
            widget.check_button.click()
            shown = unescape(widget.feedback.value)
            assert " ".join(option.feedback.split())[:60] in " ".join(shown.split())
            assert ("✓ Right" in shown) == (option.id == right)
            if option.id != right:
                widget.try_again_button.click()
        if index < total - 1:
            widget.next_button.click()
    assert len(progress.attempts(module="04", activity="understanding-check")) == sum(
        len(item.questions[0].options) for item in widget.run.items)


# --- perinatal red flags ------------------------------------------------------------------------------------

@pytest.mark.content
def test_red_flags_are_taught_with_the_nice_steps_and_cited():
    """Are the perinatal red flags in the rule (urgent or emergency, cited), taught in module 04 with NICE's
    steps (tell the GP, advise the family, assessment within 4 hours, a safety plan), and checked?"""
    content = load_content()
    flags = [r for r in content["urgency"] if r.kind == "red-flag"]
    assert len(flags) >= 4 and all(f.urgency in ("urgent", "emergency") and f.references for f in flags)
    cell = next(c for c in module04_notebook().cells if c.get("id") == "m04-red-flags").source
    for cite in ("MBRRACE-UK 2015", "SIGN 169", "NICE CG192"):
        assert cite in cell
    for step in ("within 4 hours", "GP", "partner, family or carer", "safety plan"):
        assert step in cell, step
    screening = next(c for c in module04_notebook().cells if c.get("id") == "m04-05").source
    assert "not a risk score" in screening
    assert any("sign-169" in c.references for c in content["checks"] if c.module == "04")


def test_a_vignette_shows_its_red_flags_once_checked(progress):
    """Does a vignette that carries red flags show each flag's sign and action after Check, and not before?"""
    flags = {r.id: r for r in load_content()["urgency"] if r.kind == "red-flag"}
    widget = risk_vignettes(progress=progress)
    while not load_content().record("vignettes", widget.run.item.id).get("red_flags"):
        answer(widget, *right_answers(widget))
        widget.next_button.click()
    shown_flags = [flags[f] for f in load_content().record("vignettes", widget.run.item.id).red_flags]
    assert all(html.escape(f.sign) not in widget.feedback.value for f in shown_flags)
    answer(widget, *right_answers(widget))
    for flag in shown_flags:
        assert html.escape(flag.sign) in widget.feedback.value and html.escape(flag.action) in widget.feedback.value


def test_a_case_keyed_below_its_red_flag_is_refused(tmp_path):
    """Is a vignette keyed less urgent than a red flag it shows refused, naming the record, field and flag?"""
    data = content_folder(tmp_path)
    changed = []

    def under_call(vignettes):
        vignette = next(v for v in vignettes if v.get("red_flags"))
        vignette["urgency"] = "soon"
        changed.append(vignette)

    rewrite(data, "vignettes", under_call)
    _, problems = check_content(data)
    assert problems and {(p.record, p.field) for p in problems} == {(f"'{changed[0]['id']}'", "urgency")}
    assert f"is 'soon', but the red flag '{changed[0]['red_flags'][0]}' needs" in problems[0].message
