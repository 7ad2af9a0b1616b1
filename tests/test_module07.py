"""Module 07's learning record: its numbers come from the learner's progress, and it copes with an empty record."""

from __future__ import annotations

import html
import re

from support.activity import right_option, wrong_option
from support.shown import image_alt

from course import learning_record, myth_or_fact, reflection
from course.content import load_content


def row(widget, module: str) -> list[str]:
    """The cells of one module's row in the record's table, as text."""
    match = re.search(rf"<tr><th scope='row'[^>]*>{module} [^<]*</th>(.*?)</tr>", widget.table.value)
    assert match, f"no row for module {module}"
    return re.findall(r"<td>(.*?)</td>", match.group(1))


def test_an_empty_record_says_nothing_is_recorded_yet(progress):
    """With nothing done yet, does the record show zeros, no chart, and say so in words?"""
    record = learning_record(progress=progress)
    modules = load_content()["modules"]
    assert record.table.value.count("<tr><th scope='row'") == len(modules)
    for module in modules:
        assert row(record, module.id) == ["0", "0", "—", "0", "—"]
    assert "Nothing recorded yet" in record.figure.value
    assert "<img" not in record.figure.value
    assert "No reflections saved yet" in record.reflections.value
    assert "not taken yet" in record.knowledge_check.value


def test_attempts_and_reflections_show_up_with_the_right_counts(progress):
    """After attempts in two activities and a reflection, are the counts, scores and dates right?"""
    progress.record_attempt("06", "myth-or-fact", "a/verdict", "myth", True)
    progress.record_attempt("06", "myth-or-fact", "b/verdict", "fact", False)
    progress.record_attempt("06", "myth-or-fact", "b/verdict", "myth", True)
    progress.record_attempt("06", "other-activity", "c/q", "x", True)
    progress.record_attempt("02", "cue-scenarios", "d/meaning", "y", False)
    progress.save_reflection("06-repair", "06", "A father turned his baby to face him.\n\nShe smiled.")
    record = learning_record(progress=progress)
    activities, items, right, reflections, last = row(record, "06")
    assert (activities, items, reflections) == ("2", "3", "1")
    assert right == "67% (2 of 3)"
    assert re.fullmatch(r"\d\d \w{3} \d{4}, \d\d:\d\d UTC", last)
    assert row(record, "02")[:4] == ["1", "1", "0% (0 of 1)", "0"]
    assert row(record, "01") == ["0", "0", "—", "0", "—"]
    assert "<p>A father turned his baby to face him.</p><p>She smiled.</p>" in record.reflections.value
    assert f"Module 06: {load_content().record('modules', '06').title}" in html.unescape(record.reflections.value)


def test_the_figure_has_alt_text_and_a_caption_saying_the_same_in_words(progress):
    """Does the chart come with alt text and a caption that give each module's numbers in words?"""
    progress.record_attempt("06", "myth-or-fact", "a/verdict", "myth", True)
    progress.record_attempt("06", "myth-or-fact", "b/verdict", "fact", False)
    record = learning_record(progress=progress)
    alt = image_alt(record.figure.value)
    modules = load_content()["modules"]
    title = next(m.title for m in modules if m.id == "06")
    assert f"module 06 ({title}): 2 tried, 1 right first time" in alt
    others = [m.id for m in modules if m.id != "06"]
    assert f"No items tried yet in modules {', '.join(others[:-1])}, {others[-1]}." in alt
    assert f"<figcaption>{alt}</figcaption>" in record.figure.value


def test_work_done_in_the_activities_reaches_the_record(progress):
    """Answering a myth-or-fact statement and saving a reflection in the widgets: does the record show both?"""
    quiz = myth_or_fact(progress=progress)
    (radio,) = quiz.answer_controls
    radio.value = wrong_option(radio.question).id
    quiz.check_button.click()
    quiz.try_again_button.click()
    radio.value = right_option(radio.question).id
    quiz.check_button.click()
    note = reflection("06-repair", "How would you point out a repair?", progress=progress)
    note.text.value = "Name it when it happens."
    note.save_button.click()
    record = learning_record(progress=progress)
    assert row(record, "06")[:4] == ["1", "1", "0% (0 of 1)", "1"]
    assert "Name it when it happens." in record.reflections.value


def test_refresh_picks_up_new_work(progress):
    """Doing more after the record is open: does Refresh record bring the new work in?"""
    record = learning_record(progress=progress)
    assert row(record, "03")[1] == "0"
    progress.record_attempt("03", "stress-scenarios", "s/q", "calm", True)
    record.refresh_button.click()
    assert row(record, "03")[:3] == ["1", "1", "100% (1 of 1)"]
    assert "<img" in record.figure.value


def test_knowledge_check_before_and_after_are_compared(progress):
    """With both knowledge checks begun, does the record give each one's right-first-time score?"""
    progress.record_attempt("00", "knowledge-check-before", "q1/q", "a", False)
    progress.record_attempt("00", "knowledge-check-before", "q2/q", "a", True)
    progress.record_attempt("07", "knowledge-check-after", "q1/q", "b", True)
    progress.record_attempt("07", "knowledge-check-after", "q2/q", "a", True)
    record = learning_record(progress=progress)
    assert ("before the course, 1 of 2 right first time; after the course, 2 of 2 right first time"
            in record.knowledge_check.value)


def test_another_learners_progress_is_not_shown(progress, tmp_path):
    """Are the numbers read from this learner's progress only, not from anyone else's?"""
    from course.progress import Progress

    Progress(tmp_path / "someone-else").record_attempt("06", "myth-or-fact", "a/verdict", "myth", True)
    record = learning_record(progress=progress)
    assert row(record, "06")[1] == "0"
