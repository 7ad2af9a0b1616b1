"""The start page: the course map, the knowledge check, reflections and reference lists, used as a learner would."""

from __future__ import annotations

import pytest
from support.activity import right_option, wrong_option
from support.shown import text_of

from course import course_map, knowledge_check, reference_list, reflection
from course.content import load_content


def test_course_map_lists_every_module_with_its_time_and_progress(progress):
    """Does the map show each module, its time, a link to its notebook, and the learner's progress in words?"""
    progress.record_attempt("02", "cue-scenarios", "x/meaning", "a", True)
    progress.save_reflection("02-cues", "02", "noted")
    shown = course_map(progress=progress).value
    for module in load_content()["modules"]:
        assert f'<a href="{module.notebook}">{module.title}</a>' in shown
        assert f"about {module.minutes} min" in shown
    assert "Started: 1 answer(s) checked, 1 reflection(s) saved" in shown
    assert shown.count("Not started") == len(load_content()["modules"]) - 1
    assert str(progress.path) in shown


def test_knowledge_check_before_and_after_are_kept_apart(progress):
    """Are answers before the course and after it recorded as different activities and modules?"""
    question = load_content()["knowledge_check"][0].question
    wrong, right = wrong_option(question), right_option(question)
    before = knowledge_check("before", progress=progress)
    before.answer_controls[0].value = wrong.id
    before.check_button.click()
    assert f"✗ Not quite: you chose “{text_of(wrong.text)}”" in text_of(before.feedback.value)
    after = knowledge_check("after", progress=progress)
    after.answer_controls[0].value = right.id
    after.check_button.click()
    assert "✓ Right" in after.feedback.value
    assert [(a.module, a.activity, a.correct) for a in progress.attempts()] == [
        ("00", "knowledge-check-before", False), ("07", "knowledge-check-after", True)]


def test_knowledge_check_rejects_an_unknown_stage():
    """Does asking for a stage other than before or after name the two there are?"""
    with pytest.raises(ValueError, match="knowledge_check\\(\\) takes 'before' or 'after', not 'middle'"):
        knowledge_check("middle")


def test_a_reflection_is_saved_and_shown_again(progress):
    """Is a typed reflection saved, and there again when the notebook is opened later?"""
    first = reflection("02-cues", "What will you look for?", progress=progress)
    first.save_button.click()
    assert "Nothing to save yet" in first.status.value
    first.text.value = "Early hunger cues before crying."
    first.save_button.click()
    assert "✓ Saved in your learning record" in first.status.value
    later = reflection("02-cues", "What will you look for?", progress=progress)
    assert later.text.value == "Early hunger cues before crying."
    assert progress.reflection("02-cues").module == "02"


def test_reference_list_renders_entries_and_refuses_unknown_ids():
    """Are references shown in full from references.yaml, and an unknown id an error rather than skipped?"""
    first, second = load_content()["references"][:2]
    shown = text_of(reference_list(second.id, first.id).value)
    heads = [f"{ref.authors} ({ref.year})." for ref in (second, first)]
    assert shown.index(heads[0]) < shown.index(heads[1]), "in the order given"
    for ref in (first, second):
        assert f"{ref.source} {ref.get('details', '')}".strip() + "." in shown
    with pytest.raises(KeyError, match="not in data/references.yaml: nobody-2020"):
        reference_list(first.id, "nobody-2020")


def test_every_factory_is_one_module_with_one_export():
    """Does each activity module export exactly one factory named after it, and is each one in `course.__all__`?"""
    import importlib
    import pkgutil

    import course
    import course.widgets

    modules = sorted(m.name for m in pkgutil.iter_modules(course.widgets.__path__) if not m.name.startswith("_"))
    assert sorted(course.__all__) == modules
    for name in modules:
        module = importlib.import_module(f"course.widgets.{name}")
        assert module.__all__ == [name]
        assert getattr(course, name) is getattr(module, name)
