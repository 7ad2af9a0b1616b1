"""Module 06 as a learner meets it: the myth-or-fact quiz and the rupture-and-repair simulator."""

from __future__ import annotations

import re

import pytest
from support.activity import right_option, wrong_option
from support.content import content_folder, rewrite
from support.shown import image_alt, text_of

from course import myth_or_fact, repair_simulator
from course.content import check_content, load_content
from course.models.repair import simulate

SOURCE_MYTHS = {"attached-because-gave-birth", "secure-attachment-is-love", "cannot-read-baby-so-insecure",
                "responding-spoils-babies"}


def myths():
    return [m for m in load_content()["myths"] if m.module == "06"]


def choose(widget, option_id: str) -> None:
    (radio,) = widget.answer_controls
    radio.value = option_id


# --- content -----------------------------------------------------------------------------------------------

@pytest.mark.content
def test_there_are_enough_statements_and_a_mix_of_myths_and_facts():
    """Are there at least 10 statements, with both myths and facts among them?"""
    answers = [m.question.correct for m in myths()]
    assert len(answers) >= 10
    assert answers.count("myth") >= 3 and answers.count("fact") >= 3


@pytest.mark.content
def test_the_source_texts_four_myths_and_the_corpus_callosum_claim_are_included():
    """Are the source text's four myths, and the corpus callosum claim, statements to judge (all myths)?"""
    by_id = {m.id: m for m in myths()}
    assert SOURCE_MYTHS <= set(by_id)
    assert {m.id for m in myths() if m.from_source} == SOURCE_MYTHS
    assert "corpus callosum" in by_id["corpus-callosum-multitasking"].statement
    assert all(by_id[i].question.correct == "myth" for i in SOURCE_MYTHS | {"corpus-callosum-multitasking"})


@pytest.mark.content
def test_every_answer_explains_with_the_evidence_it_lists():
    """Does the feedback on both answers cite each reference the statement lists, and nothing it does not list?"""
    references = load_content().references
    for myth in myths():
        listed = {references[r].cite for r in myth.references}
        for option in myth.question.options:
            cited = {cite for cite in (r.cite for r in references.values()) if f"{cite}" in option.feedback}
            assert cited, f"{myth.id}/{option.id} cites nothing"
            assert cited <= listed, f"{myth.id}/{option.id} cites {cited - listed} without listing it"
        all_cited = {c for o in myth.question.options for c in listed if c in o.feedback}
        assert all_cited == listed, f"{myth.id} lists {listed - all_cited} but never cites it"


@pytest.mark.content
def test_nuance_on_crying_is_taught():
    """Does the quiz teach that responding does not spoil, yet not every cry needs an instant answer?"""
    by_id = {m.id: m for m in myths()}
    assert by_id["responding-spoils-babies"].question.correct == "myth"
    assert by_id["every-cry-instant-answer"].question.correct == "myth"
    assert by_id["leaving-to-cry-harms"].question.correct == "myth"
    assert "Bilgin & Wolke 2020" in by_id["every-cry-instant-answer"].question.options[0].feedback


@pytest.mark.content
def test_the_unverified_repair_timing_is_never_stated():
    """Is the unverified claim that repair happens 'within seconds' kept out of the statements and feedback?"""
    for myth in myths():
        text = " ".join([myth.statement] + [o.feedback for o in myth.question.options])
        assert "within seconds" not in text.lower()


# --- myth_or_fact as a learner uses it ---------------------------------------------------------------------

def test_a_right_answer_says_right_and_why(progress):
    """Choosing the right answer to the first statement: is it marked right in words and a symbol, with evidence?"""
    quiz = myth_or_fact(progress=progress)
    first = myths()[0]
    right = right_option(first.question)
    references = load_content().references
    assert text_of(first.statement) in text_of(quiz.body.value)
    choose(quiz, right.id)
    quiz.check_button.click()
    shown = text_of(quiz.feedback.value)
    assert 'role="status"' in quiz.feedback.value
    assert f"✓ Right: you chose “{right.text}”" in shown and text_of(right.feedback) in shown
    assert "Evidence: " + "; ".join(references[r].cite for r in first.references) in shown
    assert progress.attempts(module="06", activity="myth-or-fact")[0].correct is True


def test_a_wrong_answer_says_not_quite_and_why(progress):
    """Choosing the wrong answer: is it marked wrong in words and a symbol, with why, and recorded as wrong?"""
    first = myths()[0]
    wrong = wrong_option(first.question)
    quiz = myth_or_fact(progress=progress)
    choose(quiz, wrong.id)
    quiz.check_button.click()
    shown = text_of(quiz.feedback.value)
    assert f"✗ Not quite: you chose “{wrong.text}”" in shown and text_of(wrong.feedback) in shown
    (attempt,) = progress.attempts(module="06")
    assert (attempt.item, attempt.answer, attempt.correct) == (f"{first.id}/{first.question.id}", wrong.id, False)


def test_a_learner_can_work_through_every_statement(progress):
    """Answering each statement right and pressing Next: does the learner reach the end with a full score?"""
    quiz = myth_or_fact(progress=progress)
    statements = myths()
    for number, myth in enumerate(statements, start=1):
        assert f"Statement {number} of {len(statements)}" in quiz.header.value
        choose(quiz, myth.question.correct)
        quiz.check_button.click()
        assert "✓ Right" in quiz.feedback.value
        if number < len(statements):
            quiz.next_button.click()
    assert f"You have finished all {len(statements)} statements" in quiz.feedback.value
    assert f"Right first time: {len(statements)} of {len(statements)}" in quiz.header.value
    assert len(progress.attempts(activity="myth-or-fact")) == len(statements)


# --- repair_simulator --------------------------------------------------------------------------------------

def test_the_simulator_is_labelled_a_teaching_model():
    """Do the widget's title, the figure's caption and its alt text all say it is a teaching model, not data?"""
    sim = repair_simulator()
    heading = sim.children[0].value
    assert "a teaching model, not real data" in heading
    assert "A teaching model, not real data." in sim.figure.value
    assert "teaching model, not real data" in image_alt(sim.figure.value)
    assert sim.responsiveness.label.startswith("Caregiver responsiveness")
    assert sim.stress.label.startswith("Caregiver stress")


def test_the_summary_beside_the_figure_is_its_alt_text():
    """Is the same result given in words beside the figure and as the image's alt text?"""
    sim = repair_simulator(0.7, 0.2, seed=4)
    expected = simulate(0.7, 0.2, 4).summary
    assert expected in sim.summary.value
    assert expected in image_alt(sim.figure.value)
    assert 'role="status"' in sim.summary.value


def test_moving_the_sliders_changes_the_figure_and_the_summary():
    """Moving responsiveness up and stress down: do the figure and the words both change to the new result?"""
    sim = repair_simulator(0.1, 0.9, seed=2)
    before_figure, before_summary = sim.figure.value, sim.summary.value
    sim.responsiveness.value = 1.0
    sim.stress.value = 0.0
    assert sim.figure.value != before_figure
    assert sim.summary.value != before_summary
    assert simulate(1.0, 0.0, 2).summary in sim.summary.value
    assert sim.result.repairs > simulate(0.1, 0.9, 2).repairs


def test_the_same_settings_give_the_same_result():
    """Going back to the same settings, or opening a new simulator with them: is the result the same?"""
    sim = repair_simulator(0.6, 0.3, seed=1)
    first_summary, first_states = sim.summary.value, sim.result.states
    sim.stress.value = 0.8
    sim.stress.value = 0.3
    assert sim.summary.value == first_summary
    assert sim.result.states == first_states
    assert repair_simulator(0.6, 0.3, seed=1).summary.value == first_summary


def test_new_interaction_gives_a_different_run_with_the_same_settings():
    """Does "New interaction" run the model again with a new seed, keeping the slider settings?"""
    sim = repair_simulator(0.6, 0.3, seed=1)
    sim.new_interaction_button.click()
    assert sim.seed == 2
    assert "Interaction 2" in sim.summary.value
    assert (sim.responsiveness.value, sim.stress.value) == (0.6, 0.3)
    assert sim.result == simulate(0.6, 0.3, 2)


def test_bad_starting_settings_are_refused_clearly():
    """Does repair_simulator(5) say what the setting must be, rather than drawing something odd?"""
    with pytest.raises(ValueError, match="responsiveness must be from 0 to 1"):
        repair_simulator(5)


def test_a_trainers_mistake_in_a_statement_is_named_precisely(tmp_path):
    """A statement with a third option and a wrong prompt: are both reported with file, line, record and field?"""
    data = content_folder(tmp_path, "myths")

    def mistype(myths):
        myths[0]["question"]["prompt"] = "True or false?"
        myths[0]["question"]["options"][1]["id"] = "maybe"

    myths = rewrite(data, "myths", mistype)
    _, problems = check_content(data)
    assert [re.sub(r":\d+:", ":N:", str(p), count=1) for p in problems] == [
        f"data/myths.yaml:N: record '{myths[0]['id']}', field 'question.prompt': 'Myth or fact?' was expected",
        f"data/myths.yaml:N: record '{myths[0]['id']}', field 'question.options[1].id': "
        "expected one of 'myth', 'fact', got text 'maybe'"]
    assert all(p.line for p in problems)
