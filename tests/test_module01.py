"""Module 01, what secure attachment is: the attachment-patterns figure and the check-your-understanding quiz."""

from __future__ import annotations

import html
import re

import pytest
from matplotlib.colors import to_hex
from support.content import content_folder
from support.shown import caption, image_alt, text_of

from course import attachment_patterns, understanding_check
from course.content import data_directory, load_content, notebooks_directory
from course.plots import OKABE_ITO
from course.plots.attachment_patterns import Share, load_patterns, patterns_figure

UNVERIFIED_SPLIT = re.compile(r"\b62\s*%?\s*[/,–-]\s*15\s*%?\s*[/,–-]\s*9\s*%?\s*[/,–-]\s*15\b")


def studies() -> list:
    return [r for r in load_content()["attachment_patterns"] if r.kind == "study"]


def numbers_in_words(study) -> list[str]:
    """Each share of each group of a study as the figure's words should give it (from the content)."""
    return [Share.from_record(share).text for group in study.groups for share in group.shares]


# --- the attachment-patterns figure ------------------------------------------------------------------------

def test_figure_is_an_image_with_alt_text_and_a_caption_giving_every_number():
    """Does a learner who cannot see the figure get every number, study and sample from its alt text and caption?"""
    widget = attachment_patterns()
    shown = widget.figure.value
    assert shown.count("<img ") == 1 and 'src="data:image/png;base64,' in shown
    for words in (image_alt(shown), caption(shown)):
        for study in studies():
            assert study.label in words and study.sample in words
            for number in numbers_in_words(study):
                assert number in words


@pytest.mark.content
def test_the_figure_gives_the_published_numbers():
    """Does the figure's caption state the numbers the studies published (evidence brief), word for word?"""
    words = caption(attachment_patterns().figure.value)
    for number in ("66% secure", "22% avoidant", "12% resistant", "53.5% secure", "14% avoidant",
                   "11% ambivalent", "21.5% disorganised/controlling", "about 15% disorganised",
                   "2 to 3 times the low-risk share"):
        assert number in words
    for study in ("Ainsworth et al. 1978", "106 infants", "Deneault et al. 2023", "van IJzendoorn et al. 1999"):
        assert study in words


def test_choosing_one_study_redraws_the_figure_and_caption_for_that_study():
    """When the learner picks one study from the menu, do the image and caption change to that study alone?"""
    first, second = studies()[:2]
    widget = attachment_patterns()
    side_by_side = widget.figure.value
    widget.study_control.value = second.id
    chosen = widget.figure.value
    assert re.search(r"base64,([^\"]+)", chosen).group(1) != re.search(r"base64,([^\"]+)", side_by_side).group(1)
    assert all(n in caption(chosen) for n in numbers_in_words(second)) and first.label not in caption(chosen)
    assert second.label in text_of(widget.notes.value) and first.label not in text_of(widget.notes.value)
    widget.study_control.value = first.id
    assert all(n in caption(widget.figure.value) for n in numbers_in_words(first))
    assert second.label not in caption(widget.figure.value)


def test_screen_reader_hears_which_study_is_shown_after_choosing():
    """After the menu changes, does a live region announce which study the figure now shows?"""
    labels = [s.label for s in studies()]
    widget = attachment_patterns()
    assert 'role="status"' in widget.status.value
    assert f"Showing the figures from {', '.join(labels[:-1])} and {labels[-1]}." in text_of(widget.status.value)
    last = studies()[-1]
    widget.study_control.value = last.id
    assert f"Showing the figures from {last.label}." in text_of(widget.status.value)
    assert all(n in caption(widget.figure.value) for n in numbers_in_words(last))


def test_study_menu_is_labelled_and_offers_each_study_and_all_side_by_side():
    """Is the menu labelled, naming each study by its citation, with a side-by-side choice?"""
    widget = attachment_patterns()
    assert widget.study_control.label == "Study"
    labels = [label for label, _ in widget.study_control.options]
    assert labels == [s.label for s in studies()] + [f"All {len(studies())} studies side by side"]
    assert widget.study_control.value == "all"


def test_each_pattern_is_explained_in_plain_english_with_its_source():
    """Does the activity explain what each of the four patterns looks like, citing its source?"""
    patterns = [r for r in load_content()["attachment_patterns"] if r.kind == "pattern"]
    references = load_content().references
    shown = html.unescape(attachment_patterns(studies()[0].id).explanations.value)
    for pattern in patterns:
        assert f"<strong>{pattern.name}</strong>" in shown
        assert all(references[r].cite in shown for r in pattern.references)


def test_patterns_differ_by_hatching_as_well_as_by_okabe_ito_colour():
    """In the figure as drawn, could a reader who cannot tell the colours apart still tell the patterns apart?"""
    patterns, studies = load_patterns()
    figure = patterns_figure(list(studies.values()), patterns)
    axes = figure.axes[0]
    drawn = {(to_hex(bar.get_facecolor(), keep_alpha=False), bar.get_hatch() or "") for bar in axes.patches
             if to_hex(bar.get_facecolor(), keep_alpha=False) != "#ffffff"}
    colours, hatches = {colour for colour, _ in drawn}, {hatch for _, hatch in drawn}
    assert len(drawn) == len(colours) == len(hatches) == 4
    assert colours <= {c.lower() for c in OKABE_ITO.values()}
    assert [text.get_text() for text in axes.get_legend().get_texts()] == [
        "Secure", "Insecure-avoidant", "Insecure-resistant (also called ambivalent)", "Disorganised"]


def test_unknown_study_is_a_clear_error():
    """Does asking for a study the course does not have name the study and list the ones it has?"""
    with pytest.raises(ValueError, match=r"no study 'bowlby-1969'.*'ainsworth-1978'"):
        attachment_patterns("bowlby-1969")


@pytest.mark.content
def test_unverified_62_15_9_15_split_appears_nowhere_in_data_or_notebooks():
    """Is the often-quoted but unverified 62/15/9/15 split kept out of everything learners read?"""
    data = data_directory()
    notebooks = notebooks_directory(data)
    files = sorted(data.glob("*.yaml")) + (sorted(notebooks.glob("*.ipynb")) if notebooks else [])
    assert any(f.name == "attachment_patterns.yaml" for f in files)
    assert UNVERIFIED_SPLIT.search("the 62/15/9/15 split") and UNVERIFIED_SPLIT.search("62%, 15%, 9%, 15%")
    found = [f.name for f in files if UNVERIFIED_SPLIT.search(f.read_text(encoding="utf-8"))]
    assert found == []


# --- the check-your-understanding quiz ---------------------------------------------------------------------

def module_checks(module: str = "01") -> list:
    return [c for c in load_content()["checks"] if c.module == module]


@pytest.mark.content
def test_module_01_has_five_to_seven_questions_each_with_feedback_on_every_option():
    """Does module 01's quiz ask 5 to 7 questions, every option explaining itself?"""
    checks = module_checks()
    assert 5 <= len(checks) <= 7
    assert all(len(option.feedback) > 40 for c in checks for option in c.options)


def test_the_quiz_asks_the_module_questions_in_order_and_says_how_many():
    """Does the quiz show the module's questions in the content's order, saying which one of how many?"""
    checks = module_checks()
    widget = understanding_check("01")
    assert [item.id for item in widget.run.items] == [c.id for c in checks]
    assert f"Question 1 of {len(checks)}" in widget.header.value
    assert text_of(widget.body.value).startswith(checks[0].topic)
    assert text_of(widget.questions_box.children[0].value) == text_of(checks[0].prompt)


def test_wrong_answer_says_why_and_is_recorded_then_right_answer_moves_on(progress):
    """Does a wrong choice show ✗ with its reason, get recorded, and can the learner retry and go on?"""
    checks = module_checks()
    first = checks[0]
    wrong = next(o for o in first.options if o.id != first.correct)
    right = next(o for o in first.options if o.id == first.correct)
    widget = understanding_check("01", progress=progress)
    widget.answer_controls[0].value = wrong.id
    widget.check_button.click()
    shown = text_of(widget.feedback.value)
    assert 'role="status"' in widget.feedback.value
    assert f"✗ Not quite: you chose “{text_of(wrong.text)}”" in shown
    assert text_of(wrong.feedback) in shown
    assert not widget.try_again_button.disabled and not widget.show_answer_button.disabled

    widget.try_again_button.click()
    widget.answer_controls[0].value = right.id
    widget.check_button.click()
    shown = text_of(widget.feedback.value)
    assert "✓ Right: you chose" in shown and text_of(right.feedback) in shown

    attempts = progress.attempts(module="01", activity="understanding-check")
    assert [(a.item, a.answer, a.correct) for a in attempts] == [
        (f"{first.id}/{first.id}", wrong.id, False), (f"{first.id}/{first.id}", right.id, True)]
    widget.next_button.click()
    assert f"Question 2 of {len(checks)}" in widget.header.value
    assert text_of(widget.body.value).startswith(checks[1].topic)
    assert "Right first time: 0 of 1 answered" in widget.header.value


def test_learner_can_finish_the_quiz_and_see_the_score(progress):
    """Answering every question right first time, does the learner reach the end with every one right?"""
    total = len(module_checks())
    widget = understanding_check("01", progress=progress)
    for _ in widget.run.items:
        question = widget.answer_controls[0].question
        widget.answer_controls[0].value = next(iter(question.correct))
        widget.check_button.click()
        if not widget.next_button.disabled:
            widget.next_button.click()
    assert f"You have finished all {total} questions. Right first time: {total} of {total} answered." in \
        text_of(widget.feedback.value)
    assert len(progress.attempts(module="01")) == total


def test_checking_without_choosing_asks_for_an_answer_and_records_nothing(progress):
    """If the learner presses Check before choosing, are they told what to do, with nothing recorded?"""
    widget = understanding_check("01", progress=progress)
    widget.check_button.click()
    assert "Nothing chosen yet" in widget.feedback.value
    assert progress.attempts() == []


def test_unknown_module_is_a_clear_error():
    """Does asking for a module without questions say so and list the modules that have some?"""
    with pytest.raises(ValueError) as caught:
        understanding_check("99")
    message = str(caught.value)
    assert "no check-your-understanding questions for module '99'" in message
    assert "'01'" in message and "data/checks.yaml" in message


def test_any_module_with_checks_gets_its_own_quiz(tmp_path, monkeypatch, progress):
    """Can another module reuse the quiz simply by adding questions with its module number?"""
    content = load_content()
    module = next(m for m in content["modules"] if m.id not in {c.module for c in content["checks"]})
    folder = content_folder(tmp_path, "checks")
    extra = f"""
- id: who-to-call
  module: "{module.id}"
  topic: Getting support
  prompt: Who should a tired, low parent talk to first?
  options:
    - {{id: health-visitor, text: Their health visitor or GP., feedback: They can assess and support.}}
    - {{id: nobody, text: Nobody; it will pass., feedback: Low mood that lasts needs support.}}
  correct: health-visitor
  references: [{content["references"][0].id}]
"""
    with open(folder / "checks.yaml", "a", encoding="utf-8") as checks:
        checks.write(extra)
    monkeypatch.setenv("COURSE_DATA", str(folder))
    widget = understanding_check(module.id, progress=progress)
    assert f"Check your understanding: {module.title}" in text_of(widget.header.value)
    assert "Question 1 of 1" in widget.header.value
    widget.answer_controls[0].value = "nobody"
    widget.check_button.click()
    assert "Low mood that lasts needs support." in widget.feedback.value
    attempts = [(a.module, a.item, a.correct) for a in progress.attempts()]
    assert attempts == [(module.id, "who-to-call/who-to-call", False)]
