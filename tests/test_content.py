"""Content is validated on load, and every problem is reported precisely enough for a trainer to fix."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from course.cli import main
from course.content import ContentError, Record, check_content, data_directory, load_content

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "content"


@pytest.fixture
def content_dir(tmp_path) -> Path:
    """A small valid content folder: the real schemas, references and modules, and one scenario."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data" / "schema", data / "schema")
    for name in ("references.yaml", "modules.yaml"):
        shutil.copy(REPO / "data" / name, data / name)
    shutil.copy(FIXTURES / "valid.yaml", data / "scenarios.yaml")
    return data


def problems_with(content_dir: Path, fixture: str) -> list[str]:
    shutil.copy(FIXTURES / f"{fixture}.yaml", content_dir / "scenarios.yaml")
    content, problems = check_content(content_dir)
    assert content is None
    return [str(p) for p in problems]


EXPECTED = {
    "missing_field": "data/scenarios.yaml:2: record 'early-hunger-cues', field 'context': "
                     "is missing (this field is required)",
    "unknown_field": "data/scenarios.yaml:55: record 'early-hunger-cues', field 'colour': is not a known field "
                     "(expected one of: age, baby_cues, baby_does, caregiver_cues, context, cue_kinds, id, module, "
                     "needs, questions, references, states, title, topic)",
    "wrong_type": "data/scenarios.yaml:14: record 'early-hunger-cues', field 'questions[0].options': "
                  "expected a list, got text 'hungry'",
    "duplicate_id": "data/scenarios.yaml:55: record 'early-hunger-cues', field 'id': "
                    "duplicate id 'early-hunger-cues' (already used by record #1)",
    "correct_not_an_option": "data/scenarios.yaml:43: record 'early-hunger-cues', field 'questions[1].correct': "
                             "'sing-to-her' is not one of this question's options (feed-now, wait-for-crying, dummy)",
    "unknown_reference": "data/scenarios.yaml:54: record 'early-hunger-cues', field 'references[1]': "
                         "'smith-2099' is not an id in references.yaml",
    "yaml_syntax": "data/scenarios.yaml:5: YAML syntax error: while scanning a quoted scalar that starts here, "
                   "found unexpected end of stream (line 55)",
}


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_each_kind_of_problem_is_named_exactly(content_dir, fixture):
    """Does each kind of mistake give one message naming the file, line, record, field and what was expected?"""
    assert problems_with(content_dir, fixture) == [EXPECTED[fixture]]


@pytest.mark.content
def test_the_course_content_is_valid():
    """Does the content (COURSE_DATA, else the course's data/) pass its own validation?"""
    content, problems = check_content(data_directory())
    assert [str(p) for p in problems] == []
    assert {"references", "modules", "signposting", "scenarios"} <= set(content)


def test_all_problems_are_reported_at_once(content_dir):
    """Are problems in several files and records reported together rather than one at a time?"""
    shutil.copy(FIXTURES / "unknown_reference.yaml", content_dir / "scenarios.yaml")
    modules = re.sub(r"(id: \"01\"(?:\n  .*)*?\n  minutes: )\d+", r"\1thirty",
                     (content_dir / "modules.yaml").read_text(), count=1)
    (content_dir / "modules.yaml").write_text(modules)
    _, problems = check_content(content_dir)
    assert [p.file for p in problems] == ["data/modules.yaml", "data/scenarios.yaml"]
    assert problems[0].record == "'01'" and problems[0].field == "minutes"
    assert "expected a whole number, got text 'thirty'" in problems[0].message


def test_a_key_given_twice_is_caught(content_dir):
    """Is a field written twice in one record reported, instead of the first silently lost?"""
    text = (content_dir / "scenarios.yaml").read_text().replace("  age: 3 weeks\n", "  age: 3 weeks\n  age: 4 weeks\n")
    (content_dir / "scenarios.yaml").write_text(text)
    _, problems = check_content(content_dir)
    assert [str(p) for p in problems] == [
        "data/scenarios.yaml:7: YAML syntax error: the key 'age' appears twice in one record (first on line 6)"]


def test_an_unknown_module_is_caught(content_dir):
    """Does a record that names a module the course does not have get reported?"""
    text = (content_dir / "scenarios.yaml").read_text().replace("module: '02'", "module: '12'", 1)
    (content_dir / "scenarios.yaml").write_text(text)
    _, problems = check_content(content_dir)
    assert [str(p) for p in problems] == [
        "data/scenarios.yaml:3: record 'early-hunger-cues', field 'module': '12' is not a module in modules.yaml"]


def test_a_data_file_without_a_schema_is_caught(content_dir):
    """Is a data file that nothing can validate reported rather than used unchecked?"""
    (content_dir / "notes.yaml").write_text("- id: a\n")
    _, problems = check_content(content_dir)
    assert [str(p) for p in problems] == ["data/notes.yaml: has no schema: expected data/schema/notes.schema.json"]


def test_a_file_that_is_not_a_list_is_caught(content_dir):
    (content_dir / "scenarios.yaml").write_text("id: lonely\n")
    _, problems = check_content(content_dir)
    assert [str(p) for p in problems] == ["data/scenarios.yaml: expected a list of records, got a mapping"]


def test_broken_content_is_never_half_loaded(content_dir):
    """Does loading refuse broken content outright, listing every problem, rather than use the valid part?"""
    first = load_content(content_dir)
    assert len(first["scenarios"]) >= 1
    shutil.copy(FIXTURES / "duplicate_id.yaml", content_dir / "scenarios.yaml")
    with pytest.raises(ContentError) as raised:
        load_content(content_dir)
    assert "duplicate id 'early-hunger-cues'" in str(raised.value)
    assert len(raised.value.problems) == 1


def test_records_are_read_only_and_name_what_is_missing():
    """Can a widget read fields as attributes but not change content, and does a bad id say what exists?"""
    content = load_content()
    module = content.record("modules", "02")
    assert module.title == "Reading cues"
    with pytest.raises(AttributeError):
        module.title = "Something else"
    with pytest.raises(KeyError, match="modules.yaml has no record '99'"):
        content.record("modules", "99")
    assert isinstance(content["scenarios"][0].questions[0], Record)


def test_validate_command_summarises_good_content(capsys):
    """Does `course validate` exit 0 with a one-line summary of what it loaded?"""
    assert main(["validate"]) == 0
    summary, notebooks = capsys.readouterr().out.strip().splitlines()
    assert summary.startswith("OK: ") and "modules" in summary and "references" in summary
    assert notebooks.startswith(("Notebooks checked: ", "No notebooks/ folder beside the content"))


def test_validate_command_lists_problems(content_dir, capsys):
    """Does `course validate DIR` exit 1 and list every problem when the content is broken?"""
    shutil.copy(FIXTURES / "correct_not_an_option.yaml", content_dir / "scenarios.yaml")
    assert main(["validate", str(content_dir)]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == ["1 problem(s) in the course content:", f"  - {EXPECTED['correct_not_an_option']}"]
