"""Looking after the learner: support for themselves, kept as checked data, and reflections they may skip by choice."""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
from pypdf import PdfReader
from support.content import content_folder, rewrite

from course import cpd_record, learner_support, learning_record, reflection
from course.content import check_content, learner_contacts, load_content
from course.widgets.learner_support import headings

REPO = Path(__file__).resolve().parent.parent


def words(html_text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", html_text)))


def test_support_is_shown_most_urgent_first_with_every_contact():
    """Does the support list show every contact under its heading, in words, danger first?"""
    shown = learner_support().value
    contacts = learner_contacts(load_content())
    groups = headings()
    shown_headings = [groups[g] for g in groups if any(c.group == g for c in contacts)]
    assert [shown.index(h) for h in shown_headings] == sorted(shown.index(h) for h in shown_headings)
    for contact in contacts:
        section = shown[shown.index(groups[contact.group]):]
        assert f"{contact.name}. When: {contact.when}" in words(section.split("</section>")[0])


def test_support_is_for_students_and_staff_not_only_parents():
    """Does the shipped list reach beyond parent services: a student service, staff support and a GP?"""
    groups = {c.group for c in load_content()["learner_support"]}
    assert {"danger-now", "talk-now", "where-you-study-or-work", "your-health"} <= groups


def test_a_number_without_a_source_is_refused(tmp_path):
    """Is a contact that gives a number to call but cites no page refused, naming the file, record and field?"""
    data = content_folder(tmp_path)
    (data / "learner_support.yaml").write_text(
        "- id: made-up-line\n  name: A helpline\n  how: Call 0800 000 000.\n  when: Any time.\n  group: talk-now\n"
        "- id: no-group\n  name: Someone\n  how: Ask.\n  when: Now.\n")
    _, problems = check_content(data)
    assert [str(p) for p in problems] == [
        "data/learner_support.yaml:6: record 'no-group', field 'group': is missing (this field is required)"]
    (data / "learner_support.yaml").write_text(
        "- id: made-up-line\n  name: A helpline\n  how: Call 0800 000 000.\n  when: Any time.\n  group: talk-now\n")
    _, problems = check_content(data)
    assert [(p.file, p.record, p.field) for p in problems] == [("data/learner_support.yaml", "'made-up-line'",
                                                                "references")]
    assert "'0800 000 000' is a number to call or text" in problems[0].message


def test_module_00_says_what_is_ahead_and_shows_the_support():
    """Does module 00 warn about hard topics, say pausing and skipping are fine, and show the support list?"""
    notebook = nbformat.read(REPO / "notebooks" / "00_start_here.ipynb", as_version=4)
    text = " ".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    for topic in ("suicide", "abuse", "neglect", "pause", "Skip this reflection"):
        assert topic in text, topic
    assert any(c.source.strip() == "learner_support()" for c in notebook.cells if c.cell_type == "code")
    assert reflection("00-x", "A prompt").skip_button.description == "Skip this reflection"


def test_a_reflection_can_be_skipped_by_choice_and_it_is_remembered(progress):
    """Can a learner skip a reflection, see it said in words, and find it still skipped next time?"""
    first = reflection("02-cues", "Think of a time you watched a baby.", progress=progress)
    assert "never have to draw on your own life" in first.children[0].value
    first.skip_button.click()
    assert "Skipped by choice" in first.status.value
    later = reflection("02-cues", "Think of a time you watched a baby.", progress=progress)
    assert "Skipped by choice" in later.status.value
    assert [(r.prompt, r.module) for r in progress.skipped_reflections()] == [("02-cues", "02")]
    assert progress.reflections() == []


def test_skipping_never_throws_away_writing_without_the_learner_clearing_it(progress):
    """With words in the box, does Skip refuse and keep them; once cleared, does it withdraw the saved answer?"""
    note = reflection("04-bonding", "What would you say?", progress=progress)
    note.text.value = "Something from my own childhood."
    note.save_button.click()
    note.skip_button.click()
    assert "first clear the box" in note.status.value
    assert progress.reflection("04-bonding").text == "Something from my own childhood."
    assert progress.skipped_reflections() == []
    note.text.value = ""
    note.skip_button.click()
    assert progress.reflection("04-bonding") is None
    assert [r.prompt for r in progress.skipped_reflections()] == ["04-bonding"]
    note.text.value = "About a family I met on placement instead."
    note.save_button.click()
    assert progress.skipped_reflections() == [], "saving a reflection later ends the skip"
    assert progress.reflection("04-bonding").text == "About a family I met on placement instead."


def test_records_say_skipped_by_choice_and_export_without_any_reflection(progress):
    """With every reflection skipped and none written, do the learning record and the CPD PDF say so and
    still export?"""
    progress.record_attempt("06", "myth-or-fact", "a/verdict", "myth", True)
    for prompt in ("02-cues", "06-repair"):
        reflection(prompt, "A prompt", progress=progress).skip_button.click()
    shown = learning_record(progress=progress).reflections.value
    assert "Skipped by choice" in shown
    assert "Module 02: Reading cues (02-cues)" in shown and "(06-repair)" in shown
    form = cpd_record(progress=progress)
    form.export_button.click()
    assert "✓ Exported" in words(form.status.value)
    text = " ".join(page.extract_text() for page in PdfReader(progress.home / "exports" / "cpd-record.pdf").pages)
    text = re.sub(r"-\s+", "-", re.sub(r"\s+", " ", text))  # a line may break after a hyphen
    assert "No reflections saved." in text
    assert "Skipped by choice (every reflection is optional): module 02 (02-cues); module 06 (06-repair)." in text


def test_numbers_for_learners_come_from_signposting_alone(tmp_path, monkeypatch):
    """Does a support entry that names a signposting contact show that contact's number, so a trainer changes
    a number in signposting.yaml alone, and is an unknown contact a clear error naming the choices?"""
    content = load_content()
    named = [c for c in content["learner_support"] if c.get("contact")]
    assert named and all("how" not in c for c in named), "numbers are given in signposting.yaml, not here"
    data = content_folder(tmp_path)
    first = named[0]

    def renumber(contacts):
        contact = next(c for c in contacts if c["id"] == first.contact)
        contact["how"] = "Call 0800 111 2222, a made-up local line."

    rewrite(data, "signposting", renumber)
    monkeypatch.setenv("COURSE_DATA", str(data))
    shown = words(learner_support().value)
    assert "Call 0800 111 2222, a made-up local line." in shown

    def unknown(contacts):
        next(c for c in contacts if c["id"] == first.id)["contact"] = "no-such-line"

    rewrite(data, "learner_support", unknown)
    _, problems = check_content(data)
    assert [(p.record, p.field) for p in problems] == [(f"'{first.id}'", "contact")]
    assert "'no-such-line' is not a contact in signposting.yaml (expected one of: " in problems[0].message
