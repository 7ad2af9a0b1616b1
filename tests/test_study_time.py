"""Module times are derived from content, and the times learners plan by (and the CPD record shows) stay honest."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from course.content import Record, load_content
from course.models.study_time import (
    QUESTION,
    READING_WORDS_PER_MINUTE,
    REFLECTION,
    SORT_ITEM,
    TICK_ALL,
    TOLERANCE,
    UnknownActivity,
    module_time,
    words,
)

REPO = Path(__file__).resolve().parent.parent


def test_every_module_time_is_within_a_quarter_of_its_derived_estimate():
    """Is each module's time in modules.yaml within 25% of the time derived from its content?"""
    rows, off = [], []
    for module in load_content()["modules"]:
        derived = module_time(module)
        gap = derived.gap(module.minutes)
        rows.append(f"{module.id}: stated {module.minutes:3d} min, derived {derived.minutes:5.1f} min "
                    f"(suggest {derived.rounded}), {gap:+.0%}   [{derived.breakdown()}]")
        if abs(gap) > TOLERANCE:
            off.append(module.id)
    print("\n".join(rows))
    assert off == [], "more than 25% off (update data/modules.yaml, the notebooks' Time lines and the README):\n" + \
        "\n".join(rows)


def test_notebook_time_lines_and_the_readme_say_the_same_minutes():
    """Do each module's "Time: about N minutes" line and the README's table give the minutes in modules.yaml?"""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"{READING_WORDS_PER_MINUTE} words a minute" in readme
    for module in load_content()["modules"]:
        first = nbformat.read(REPO / "notebooks" / module.notebook, as_version=4).cells[0].source
        assert re.search(rf"\*\*Time:\*\* about {module.minutes} minutes\b", first), module.notebook
        assert f"| {module.id} | {module.title} | {module.minutes} min |" in readme, module.id


def test_course_times_prints_the_figures_and_fails_when_a_module_is_off(tmp_path, monkeypatch, capsys):
    """Does `course times` print stated and derived minutes, exit 0 when all are close and 1 when one is not?"""
    import shutil

    from course.cli import main

    assert main(["times"]) == 0
    out = capsys.readouterr().out
    for module in load_content()["modules"]:
        assert f"{module.id} {module.title}: stated {module.minutes} min, derived" in out
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    first = load_content()["modules"][0]
    text = (data / "modules.yaml").read_text()
    (data / "modules.yaml").write_text(text.replace(f"minutes: {first.minutes}\n", "minutes: 180\n", 1))
    monkeypatch.setenv("COURSE_DATA", str(data))
    assert main(["times"]) == 1
    assert f"{first.id} {first.title}: stated 180 min" in capsys.readouterr().out


def fixture_module(tmp_path: Path, prose: str, *calls: str) -> Record:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(prose), *(nbformat.v4.new_code_cell(c) for c in calls)]
    nbformat.write(notebook, tmp_path / "99_fixture.ipynb")
    return Record({"id": "02", "title": "Fixture", "notebook": "99_fixture.ipynb", "minutes": 5, "summary": "x"})


def test_the_estimate_counts_prose_and_each_activity_from_the_content_it_loads(tmp_path):
    """Are 360 words two minutes, and each cue, scenario question and reflection counted from the loaded content?"""
    content = load_content()
    prose = " ".join(["word"] * 360) + " [a link](https://example.org/page) `code`"
    topic = content["scenarios"][0].topic
    module = fixture_module(tmp_path, prose, "from course import cue_sort", "cue_sort()",
                            f"cue_scenarios({topic!r})", 'reflection("02-x", "A prompt?")')
    timed = module_time(module, content, notebooks=tmp_path)
    assert timed.prose_words == 362
    assert timed.reading_minutes == pytest.approx(362 / READING_WORDS_PER_MINUTE)
    chosen = [s for s in content["scenarios"] if s.module == "02" and s.topic == topic]
    situation = sum(words(f"{s.age} {s.context} {s.baby_does}") for s in chosen) / READING_WORDS_PER_MINUTE
    questions = sum(TICK_ALL if isinstance(q.correct, tuple) else QUESTION for s in chosen for q in s.questions)
    assert [a.call for a in timed.activities] == ["cue_sort", "cue_scenarios", "reflection"]
    assert [a.minutes for a in timed.activities] == pytest.approx(
        [len(content["cue_sort"]) * SORT_ITEM, situation + questions, REFLECTION])
    assert timed.minutes == pytest.approx(timed.reading_minutes + sum(a.minutes for a in timed.activities))


def test_an_activity_with_no_stated_time_is_named(tmp_path):
    """Does a notebook that calls an activity the estimate does not know fail, naming the call?"""
    module = fixture_module(tmp_path, "Some words.", "mystery_activity()")
    with pytest.raises(UnknownActivity, match=r"99_fixture.ipynb calls mystery_activity\(\)"):
        module_time(module, notebooks=tmp_path)


def test_words_leave_out_links_code_and_table_rules():
    """Are only the words a reader reads counted, not HTML, URLs, code or table markup?"""
    assert words("| State | What you see |\n|---|---|\n| Deep sleep | Still |") == 7
    assert words("See the [glossary](glossary.ipynb) and `reflection()` at https://x.org/y.") == 5
    assert words("Baby's cues, face-to-face: 6–8 weeks.") == 5
    assert words('<nav aria-label="Modules"><li>Next: <a href="03_x.ipynb" rel="next">Module 03</a></li></nav>') == 3


def test_the_cpd_record_compares_with_the_planned_time_of_the_modules_worked_on(progress):
    """Does the CPD record give the planned minutes of just the modules worked on, in its PDF too?"""
    from pypdf import PdfReader

    from course.models.cpd import build_cpd_record, duration_text
    from course.views.cpd_pdf import write_pdf

    content = load_content()
    progress.record_attempt("00", "knowledge-check-before", "q1/q", "a", True)
    progress.save_reflection("06-repair", "06", "A note.")
    record = build_cpd_record(progress, content)
    planned = sum(m.minutes for m in content["modules"] if m.id in ("00", "06"))
    assert record.planned_minutes == planned
    write_pdf(record, progress.home / "record.pdf")
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(progress.home / "record.pdf").pages))
    assert f"the course plans about {duration_text(planned)} for the modules worked on" in text
    from course import cpd_record

    assert f"the course plans about {duration_text(planned)} for the modules worked on" in \
        cpd_record(progress=progress).estimate_note.value
