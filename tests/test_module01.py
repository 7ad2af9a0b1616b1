"""Module 01, what secure attachment is: the attachment-patterns figure and the check-your-understanding quiz."""

from __future__ import annotations

import re
import shutil
from html import unescape
from pathlib import Path

import pytest
from matplotlib.colors import to_hex

from course import attachment_patterns, understanding_check
from course.content import ContentError, load_content
from course.plots import OKABE_ITO
from course.plots.attachment_patterns import load_patterns, patterns_figure

REPO = Path(__file__).resolve().parent.parent
UNVERIFIED_SPLIT = re.compile(r"\b62\s*%?\s*[/,–-]\s*15\s*%?\s*[/,–-]\s*9\s*%?\s*[/,–-]\s*15\b")


def copy_content(tmp_path: Path, monkeypatch, *names: str) -> Path:
    """A content folder with only these data files (plus schemas, references and modules), used via COURSE_DATA."""
    folder = tmp_path / "data"
    shutil.copytree(REPO / "data" / "schema", folder / "schema")
    for name in ("references", "modules", *names):
        shutil.copy(REPO / "data" / f"{name}.yaml", folder / f"{name}.yaml")
    monkeypatch.setenv("COURSE_DATA", str(folder))
    return folder


def img_alt(figure_html: str) -> str:
    return unescape(re.search(r'<img [^>]*alt="([^"]*)"', figure_html).group(1))


def caption(figure_html: str) -> str:
    return unescape(re.search(r"<figcaption>(.*)</figcaption>", figure_html, re.S).group(1))


# --- the attachment-patterns figure ------------------------------------------------------------------------

def test_figure_is_an_image_with_alt_text_and_a_caption_giving_every_number():
    """Does a learner who cannot see the figure get every number from its alt text and caption?"""
    widget = attachment_patterns()
    shown = widget.figure.value
    assert shown.count("<img ") == 1 and 'src="data:image/png;base64,' in shown
    for words in (img_alt(shown), caption(shown)):
        for number in ("66% secure", "22% avoidant", "12% resistant", "53.5% secure", "14% avoidant",
                       "11% ambivalent", "21.5% disorganised/controlling", "about 15% disorganised",
                       "2 to 3 times the low-risk share"):
            assert number in words
        for study in ("Ainsworth et al. 1978", "106 infants", "Deneault et al. 2023", "van IJzendoorn et al. 1999"):
            assert study in words


def test_choosing_one_study_redraws_the_figure_and_caption_for_that_study():
    """When the learner picks one study from the menu, do the image and caption change to that study alone?"""
    widget = attachment_patterns()
    side_by_side = widget.figure.value
    widget.study_control.value = "deneault-2023"
    chosen = widget.figure.value
    assert chosen != side_by_side
    assert re.search(r"base64,([^\"]+)", chosen).group(1) != re.search(r"base64,([^\"]+)", side_by_side).group(1)
    assert "53.5% secure" in caption(chosen) and "66%" not in caption(chosen)
    assert "Deneault" in widget.notes.value and "Ainsworth" not in widget.notes.value
    widget.study_control.value = "ainsworth-1978"
    assert "66% secure, 22% avoidant, 12% resistant" in caption(widget.figure.value)
    assert "53.5%" not in caption(widget.figure.value)


def test_screen_reader_hears_which_study_is_shown_after_choosing():
    """After the menu changes, does a live region announce which study the figure now shows?"""
    widget = attachment_patterns()
    assert 'role="status"' in widget.status.value
    assert ("Showing the figures from Ainsworth et al. 1978, Deneault et al. 2023 and van IJzendoorn et al. 1999."
            in widget.status.value)
    widget.study_control.value = "vanijzendoorn-1999"
    assert "Showing the figures from van IJzendoorn et al. 1999." in widget.status.value
    assert "about 15% disorganised" in caption(widget.figure.value)
    assert "Clinical or maltreating groups, about 30–45% disorganised" in caption(widget.figure.value)


def test_study_menu_is_labelled_and_offers_each_study_and_all_side_by_side():
    """Is the menu labelled, naming each study by its citation, with a side-by-side choice?"""
    widget = attachment_patterns()
    assert widget.study_control.description == "Study"
    labels = [label for label, _ in widget.study_control.options]
    assert labels == ["Ainsworth et al. 1978", "Deneault et al. 2023", "van IJzendoorn et al. 1999",
                      "All 3 studies side by side"]
    assert widget.study_control.value == "all"


def test_each_pattern_is_explained_in_plain_english_with_its_source():
    """Does the activity explain what each of the four patterns looks like, citing its source?"""
    text = unescape(attachment_patterns("ainsworth-1978").explanations.value)
    for name in ("Secure", "Insecure-avoidant", "Insecure-resistant (also called ambivalent)", "Disorganised"):
        assert f"<strong>{name}</strong>" in text
    assert text.count("(Benoit 2004") == 4


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


def test_complete_group_that_does_not_add_up_is_reported_with_file_record_and_field(tmp_path, monkeypatch):
    """If a trainer mistypes a percentage, does the error say which file, study and field, and the total?"""
    folder = copy_content(tmp_path, monkeypatch, "attachment_patterns")
    path = folder / "attachment_patterns.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("percent: 66}", "percent: 60}"), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(folder)
    assert re.search(r"data/attachment_patterns\.yaml:\d+: record 'ainsworth-1978', field 'groups\[0\]\.shares': "
                     r"a complete group's percentages must add up to 100, got 94", str(caught.value))


def test_unverified_62_15_9_15_split_appears_nowhere_in_data_or_notebooks():
    """Is the often-quoted but unverified 62/15/9/15 split kept out of everything learners read?"""
    files = sorted((REPO / "data").glob("*.yaml")) + sorted((REPO / "notebooks").glob("*.ipynb"))
    assert any(f.name == "attachment_patterns.yaml" for f in files)
    assert UNVERIFIED_SPLIT.search("the 62/15/9/15 split") and UNVERIFIED_SPLIT.search("62%, 15%, 9%, 15%")
    found = [f.name for f in files if UNVERIFIED_SPLIT.search(f.read_text(encoding="utf-8"))]
    assert found == []


# --- the check-your-understanding quiz ---------------------------------------------------------------------

def module_01_checks():
    return [c for c in load_content()["checks"] if c.module == "01"]


def test_module_01_has_five_to_seven_questions_each_with_feedback_on_every_option():
    """Does module 01's quiz ask 5 to 7 questions, every option explaining itself?"""
    widget = understanding_check("01")
    questions = [item.questions[0] for item in widget.run.items]
    assert 5 <= len(questions) == len(module_01_checks()) <= 7
    assert all(len(option.feedback) > 40 for q in questions for option in q.options)
    assert f"Question 1 of {len(questions)}" in widget.header.value


def test_wrong_answer_says_why_and_is_recorded_then_right_answer_moves_on(progress):
    """Does a wrong choice show ✗ with its reason, get recorded, and can the learner retry and go on?"""
    widget = understanding_check("01", progress=progress)
    radio = widget.answer_controls[0]
    radio.value = "love"
    widget.check_button.click()
    shown = unescape(widget.feedback.value)
    assert 'role="status"' in shown
    assert "✗ Not quite: you chose “The love a parent feels for their baby.”" in shown
    assert "A parent can love their baby deeply and the attachment" in shown
    assert not widget.try_again_button.disabled and not widget.show_answer_button.disabled

    widget.try_again_button.click()
    widget.answer_controls[0].value = "safety-when-distressed"
    widget.check_button.click()
    shown = unescape(widget.feedback.value)
    assert "✓ Right: you chose" in shown and "who the baby turns to for safety" in shown

    attempts = progress.attempts(module="01", activity="understanding-check")
    assert [(a.item, a.answer, a.correct) for a in attempts] == [
        ("what-attachment-is/what-attachment-is", "love", False),
        ("what-attachment-is/what-attachment-is", "safety-when-distressed", True)]
    widget.next_button.click()
    assert f"Question 2 of {len(module_01_checks())}" in widget.header.value
    assert "The secure base" in widget.body.value
    assert "Right first time: 0 of 1 answered" in widget.header.value


def test_learner_can_finish_the_quiz_and_see_the_score(progress):
    """Answering every question right first time, does the learner reach the end with all of them right?"""
    widget = understanding_check("01", progress=progress)
    for _ in widget.run.items:
        question = widget.answer_controls[0].question
        widget.answer_controls[0].value = next(iter(question.correct))
        widget.check_button.click()
        if not widget.next_button.disabled:
            widget.next_button.click()
    n = len(module_01_checks())
    assert f"You have finished all {n} questions. Right first time: {n} of {n} answered." in unescape(
        widget.feedback.value)
    assert len(progress.attempts(module="01")) == n


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
    folder = copy_content(tmp_path, monkeypatch, "checks")
    extra = """
- id: who-to-call
  module: "07"
  topic: Getting support
  prompt: Who should a tired, low parent talk to first?
  options:
    - {id: health-visitor, text: Their health visitor or GP., feedback: They can assess and support.}
    - {id: nobody, text: Nobody; it will pass., feedback: Low mood that lasts needs support.}
  correct: health-visitor
  references: [nice-cg192]
"""
    with open(folder / "checks.yaml", "a", encoding="utf-8") as checks:
        checks.write(extra)
    widget = understanding_check("07", progress=progress)
    assert "Check your understanding: Your learning record" in widget.header.value
    assert "Question 1 of 1" in widget.header.value
    widget.answer_controls[0].value = "nobody"
    widget.check_button.click()
    assert "Low mood that lasts needs support." in widget.feedback.value
    assert [(a.module, a.item, a.correct) for a in progress.attempts()] == [("07", "who-to-call/who-to-call", False)]
