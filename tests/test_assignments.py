"""The graded assignments' sources: structure, points, answer keys only in hidden tests, content and citations.

These tests read the source notebooks and run nothing through nbgrader (tests/test_grading_*.py do that).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest
import yaml

from course.content import load_content
from course.content.citations import cited
from course.grading.answers import AnswerFormatError, check_choice, check_ids, score_choice, score_ids
from course.grading.regions import HIDDEN, MARK_SCHEME, SOLUTION, region_lines, without_regions
from course.widgets.reference_list import format_reference

REPO = Path(__file__).resolve().parent.parent
ASSIGNMENTS = ["risk_factors", "myths_and_facts"]


def references_markdown(ids: list[str]) -> str:
    """An assignment's reference list: the same entries ``reference_list`` shows, as a markdown cell."""
    known = load_content().references
    items = "".join(f"<li>{format_reference(known[i])}</li>" for i in ids)
    return f"## References\n\n<ol>{items}</ol>"


def source(name: str):
    return nbformat.read(REPO / "assignments" / name / f"{name}.ipynb", as_version=4)


def meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def graded_tests(notebook) -> list:
    return [c for c in notebook.cells if meta(c).get("grade") and not meta(c).get("solution")]


def tasks_of(notebook) -> list:
    return [c for c in notebook.cells if meta(c).get("task")]


def setup_namespace(notebook) -> dict:
    """What the read-only setup cell defines (the printed lists of ids), by running it."""
    namespace: dict = {}
    exec(next(c for c in notebook.cells if meta(c).get("grade_id") == "setup").source, namespace)
    return namespace


def hidden_keys(cell) -> tuple[str, object, float]:
    """(function, key, points) of the one score_* call in a test cell's hidden region."""
    (line,) = [line for line in region_lines(cell.source, HIDDEN) if line.startswith("score_")]
    call = ast.parse(line.strip()).body[0].value
    points = next(k.value.value for k in call.keywords if k.arg == "points")
    return call.func.id, ast.literal_eval(call.args[1]), points


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_point_totals_stated_match_the_metadata(name):
    """Does the notebook state its point totals, and do they match the points nbgrader will give?"""
    notebook = source(name)
    text = notebook.cells[0].source
    auto = sum(meta(c)["points"] for c in graded_tests(notebook))
    manual = sum(meta(c)["points"] for c in tasks_of(notebook))
    text = " ".join(text.split())
    assert f"**Points:** {auto + manual:g} in all" in text
    assert f"**{auto:g} points are marked automatically**" in text
    assert f"**{manual:g} points are marked by your trainer**" in text


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_the_readme_states_each_assignments_points(name):
    """Does the README's description of the assignment give the totals nbgrader will give?"""
    notebook = source(name)
    auto = sum(meta(c)["points"] for c in graded_tests(notebook))
    total = auto + sum(meta(c)["points"] for c in tasks_of(notebook))
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    described = readme[readme.index(f"**`{name}`**"):][:700]
    assert f"{total:g} points, {auto:g} marked automatically" in described


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_answer_cell_is_followed_by_locked_format_tests(name):
    """Is each answer cell followed by locked tests that check the format of each of its answers?"""
    cells = source(name).cells
    answers = [i for i, c in enumerate(cells) if meta(c).get("solution") and c.cell_type == "code"]
    assert answers
    for i in answers:
        variables = re.findall(r"^(q\d+\w*) = ", without_regions(cells[i].source, SOLUTION), re.M)
        following = cells[i + 1:i + 1 + len(variables)]
        assert all(meta(c).get("grade") and meta(c).get("locked") and c.cell_type == "code" for c in following)
        for variable, test in zip(variables, following, strict=True):
            visible = without_regions(test.source, HIDDEN)
            assert re.search(rf'check_(choice|ids)\("{variable}", [A-Z_]+\)', visible), visible


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_hidden_tests_score_each_item_with_its_points(name):
    """Does every test cell hold its key only in a hidden region, scoring that item with the cell's points?"""
    for cell in graded_tests(source(name)):
        function, key, points = hidden_keys(cell)
        assert function in {"score_choice", "score_ids"}
        assert f"from course.grading.answers import {function}" in region_lines(cell.source, HIDDEN), \
            "the hidden test imports its scorer afresh, so an answer cell cannot redefine it"
        assert points == meta(cell)["points"]
        assert "score_" not in without_regions(cell.source, HIDDEN)


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_keys_and_solutions_use_only_the_printed_ids(name):
    """Are the keys and the solution answers made of ids students are shown, in the form the checks accept?"""
    notebook = source(name)
    namespace = setup_namespace(notebook)
    for cell in notebook.cells:
        if meta(cell).get("solution") and cell.cell_type == "code":
            exec("\n".join(region_lines(cell.source, SOLUTION)), namespace)
    for cell in graded_tests(notebook):
        visible = without_regions(cell.source, HIDDEN)
        exec(visible, namespace)
        function, key, points = hidden_keys(cell)
        allowed = namespace[re.search(r", ([A-Z_]+)\)", visible).group(1)]
        assert set([key] if isinstance(key, str) else key) <= set(allowed)
        *imports, score = region_lines(cell.source, HIDDEN)
        exec("\n".join(imports), namespace)
        assert eval(score, namespace) == points


def test_risk_factors_has_six_vignettes_each_with_factors_and_a_next_step():
    """Are there at least 6 cases, each asking for the factors present and one next step?"""
    notebook = source("risk_factors")
    tests = [meta(c)["grade_id"] for c in graded_tests(notebook)]
    cases = sorted({int(m.group(1)) for t in tests if (m := re.match(r"test-q(\d+)-", t))})
    assert len(cases) >= 6
    assert all({f"test-q{n}-factors", f"test-q{n}-next"} <= set(tests) for n in cases)
    keys = [hidden_keys(c)[1] for c in graded_tests(notebook) if meta(c)["grade_id"].endswith("-next")]
    assert len(set(keys)) >= 4, "the cases should call for a range of next steps"


def test_cue_reading_asks_a_sequence_of_single_choice_judgements_on_one_case():
    """Does one case ask, in order, what the baby shows, what the parent might do next and what the
    practitioner says, each a single literal id checked by check_choice and scored by one key?"""
    notebook = source("risk_factors")
    steps = [c for c in graded_tests(notebook) if meta(c)["grade_id"].startswith("test-cue-")]
    assert [meta(c)["grade_id"] for c in steps] == ["test-cue-baby", "test-cue-parent", "test-cue-say"]
    assert all(hidden_keys(c)[0] == "score_choice" and "check_choice(" in c.source for c in steps)
    (case,) = [c for c in notebook.cells if c.cell_type == "markdown" and "`cue_baby`" in c.source]
    assert case.source.index("`cue_baby`") < case.source.index("`cue_parent`") < case.source.index("`cue_say`")


def test_myths_and_facts_has_ten_statements_and_evidence_questions():
    """Are there at least 10 myth-or-fact statements, both kinds among them, and some evidence questions?"""
    keys = {meta(c)["grade_id"]: hidden_keys(c)[1] for c in graded_tests(source("myths_and_facts"))}
    statements = {k: v for k, v in keys.items() if re.fullmatch(r"test-q\d+", k)}
    assert len(statements) >= 10 and set(statements.values()) == {"myth", "fact"}
    assert len([k for k in keys if k.endswith("-evidence")]) >= 3


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_manual_question_has_a_hidden_mark_scheme_and_an_answer_cell(name):
    """Is the written question a manually graded task whose mark scheme sits between nbgrader's markers?"""
    cells = source(name).cells
    (task,) = tasks_of(source(name))
    assert meta(task)["points"] == 4 and meta(task)["locked"]
    scheme = region_lines(task.source, MARK_SCHEME)
    assert len([line for line in scheme if re.match(r"\d\. \*\*", line)]) == 4, "one mark per feature, four marks"
    after = cells[cells.index(task) + 1]
    assert after.cell_type == "markdown" and "type your answer" in after.source


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_instructions_explain_answering_validating_and_submitting(name):
    """Do the instructions tell a first-time Jupyter user how to run, answer, validate, save and submit?"""
    text = next(c.source for c in source(name).cells if c.source.startswith("## How to do this assignment"))
    for step in ("Shift + Enter", "quotes", "square brackets", "Validate", "Ctrl + S", "Assignment List", "Submit"):
        assert step in text


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_sources_are_committed_clean(name):
    """Is the source committed without outputs or execution counts, on the python3 kernel?"""
    notebook = source(name)
    assert notebook.metadata.kernelspec.name == "python3"
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_citations_are_in_the_reference_list(name):
    """Is every citation in the text listed in the notebook's references, drawn from references.yaml?"""
    references = load_content().references
    notebook = source(name)
    (cell,) = [c for c in notebook.cells if c.source.startswith("## References")]
    listed = sorted((i for i, ref in references.items() if f"<li>{format_reference(ref)}</li>" in cell.source),
                    key=lambda i: cell.source.index(format_reference(references[i])))
    assert cell.source == references_markdown(listed), "the list must be exactly these references, formatted"
    text = " ".join("\n".join(c.source for c in notebook.cells if c.cell_type == "markdown" and c is not cell).split())
    missing = set(cited(text, {r.cite for r in references.values()})) - {references[i].cite for i in listed}
    assert missing == set()


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _shingles(text: str, n: int = 7) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z']+", text.lower())
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


@pytest.mark.parametrize("name, practice", [("risk_factors", "vignettes.yaml"), ("myths_and_facts", "myths.yaml")])
def test_graded_content_is_not_copied_from_the_practice_content(name, practice):
    """Are the graded cases and statements new, sharing no 7-word run with the practice content in data/?"""
    path = load_content().directory / practice
    assert path.exists(), f"the practice content {practice} is missing"
    practice_runs = set().union(*map(_shingles, _strings(yaml.safe_load(path.read_text(encoding="utf-8")))))
    graded = [c.source for c in source(name).cells if re.match(r"## (Case|Statement) \d", c.source)]
    assert graded
    shared = [sorted(_shingles(text) & practice_runs)[:1] for text in graded if _shingles(text) & practice_runs]
    assert shared == []


# ------------------------------------------------------------------------------------------ the answer checks

def test_a_choice_in_the_wrong_form_names_the_variable_the_options_and_what_was_written():
    """Does a badly formed choice get the plain-English message, without giving the answer away?"""
    with pytest.raises(AnswerFormatError) as error:
        check_choice("q3", ["myth", "fact"], {"q3": "Myth?"})
    assert str(error.value) == "q3 should be 'myth' or 'fact' — you wrote 'Myth?'."


@pytest.mark.parametrize("value, says", [
    (1, "you wrote 1, which is a number, not text in quotes"),
    ("", "q3 is empty: type one of 'myth' or 'fact' between the quotes"),
    (["myth"], "which is a list"),
])
def test_a_choice_of_the_wrong_type_says_what_it_is(value, says):
    """Does an answer of the wrong type say what was typed and what kind of thing it is?"""
    with pytest.raises(AnswerFormatError, match=re.escape(says)):
        check_choice("q3", ["myth", "fact"], {"q3": value})


def test_a_missing_answer_says_to_run_the_answer_cell():
    """Does a missing answer (a deleted cell, or one not run) get an instruction rather than a NameError?"""
    with pytest.raises(AnswerFormatError, match="q2 has no answer yet.*run that cell"):
        check_choice("q2", ["myth", "fact"], {})


def test_a_well_formed_choice_is_accepted_forgiving_case_and_spaces(capsys):
    """Is ' Fact ' read as 'fact', with a line saying the format (only) is right?"""
    assert check_choice("q1", ["myth", "fact"], {"q1": " Fact "}) == "fact"
    assert "✓ q1 is in the right format" in capsys.readouterr().out


@pytest.mark.parametrize("value, says", [
    ("high-stress", "without the brackets"),
    (["high stress"], "'high stress' is not one of them"),
    ([1], "1 is not"),
    ([], "is empty"),
    (["none", "high-stress"], "says 'none' and also names ids"),
    ({"a": 1}, "which is a dictionary"),
])
def test_ids_in_the_wrong_form_say_what_to_fix(value, says):
    """Does each kind of badly formed list of ids get a message saying exactly what to fix?"""
    with pytest.raises(AnswerFormatError, match=re.escape(says)):
        check_ids("q1_factors", ["high-stress", "drugs-alcohol", "none"], {"q1_factors": value})


def test_ids_are_scored_item_by_item():
    """Does each right id earn its share, each wrong id cost one share, and the score never go below zero?"""
    key = ["high-stress", "drugs-alcohol"]
    assert score_ids({"high-stress", "drugs-alcohol"}, key, points=2) == 2
    assert score_ids({"high-stress"}, key, points=2) == 1
    assert score_ids({"high-stress", "bottle-feeding"}, key, points=2) == 0
    assert score_ids({"bottle-feeding", "none"}, key, points=2) == 0
    assert score_choice("call-999", "call-999", points=1) == 1 and score_choice("same-day", "call-999", points=1) == 0


def test_an_answer_built_to_equal_anything_earns_nothing():
    """Does an object whose == is always True (a trick to pass any test) score zero?"""
    class Anything(str):
        def __eq__(self, other):
            return True

        __hash__ = str.__hash__

    assert score_choice(Anything("x"), "call-999", points=1) == 0
    assert score_ids({Anything("x")}, ["high-stress"], points=2) == 0


# ----------------------------------------------------------------------- keys, mark schemes and what is taught

def score(name: str, grade_id: str, answer) -> float:
    """What the hidden test of ``grade_id`` gives ``answer``, run as nbgrader runs it (setup, check, score)."""
    notebook = source(name)
    namespace = setup_namespace(notebook)
    (test,) = [c for c in graded_tests(notebook) if meta(c)["grade_id"] == grade_id]
    variable = re.search(r'check_(?:choice|ids)\("(\w+)"', test.source).group(1)
    namespace[variable] = answer
    *lines, last = [line for line in test.source.split("\n") if line.strip() and "###" not in line]
    exec("\n".join(lines), namespace)
    return eval(last, namespace)


@pytest.mark.parametrize("answer, points", [("call-999", 1), ("same-day", 0), ("fuller-assessment", 0)])
def test_kemi_with_a_plan_and_a_goodbye_note_is_keyed_as_an_emergency(answer, points):
    """Does case 4 (a plan to kill herself, a goodbye note) give its point to 999, and none to 'same day'?"""
    assert score("risk_factors", "test-q4-next", answer) == points


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_autograded_item_has_a_mark_scheme_that_names_its_key_and_cites_a_source(name):
    """Does each hidden test say which answer earns the points, matching the key it scores, and why, citing
    the evidence or guidance (a reference's cite text, or the course data it rests on)?"""
    cites = {r.cite for r in load_content().references.values()}
    for cell in graded_tests(source(name)):
        _, key, points = hidden_keys(cell)
        scheme = " ".join(line.lstrip("# ").strip() for line in region_lines(cell.source, HIDDEN)
                          if line.startswith("#"))
        stated = re.search(r"Mark scheme\. Key: (.+?) \((\d+) points?\)", scheme)
        assert stated, f"{meta(cell)['grade_id']} has no mark scheme naming its key"
        named = ast.literal_eval(stated.group(1))
        assert (sorted(named) if isinstance(named, list) else named) == \
            (sorted(key) if isinstance(key, list) else key), meta(cell)["grade_id"]
        assert float(stated.group(2)) == points
        assert any(c in scheme for c in cites) or "data/" in scheme or "signposting" in scheme, \
            f"{meta(cell)['grade_id']}: the mark scheme cites no source"


def test_the_assignment_defines_each_risk_factor_as_the_course_teaches_it():
    """Are the risk factors the assignment lists, and their definitions, the ones data/risk_factors.yaml
    teaches (so learners are marked on the definition they were taught)?"""
    shown = setup_namespace(source("risk_factors"))["FACTORS"]
    for factor in load_content()["risk_factors"]:
        assert factor.id in shown, f"the assignment does not offer {factor.id!r}"
        assert shown[factor.id] == " ".join(factor.description.split()), factor.id


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_source_an_assignment_tests_is_taught_in_a_module(name):
    """Is every reference an assignment lists cited in some module, so no item tests something untaught?"""
    from course.content import data_directory, notebooks_directory

    folder = notebooks_directory(data_directory())
    if folder is None:
        pytest.skip("no notebooks/ folder beside the content")
    notebooks = sorted(folder.glob("*.ipynb"))
    references = load_content().references
    (cell,) = [c for c in source(name).cells if c.source.startswith("## References")]
    listed = [i for i, ref in references.items() if f"<li>{format_reference(ref)}</li>" in cell.source]
    taught = " ".join(" ".join(c.source.split()) for path in notebooks
                      for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    assert listed
    assert [references[i].cite for i in listed if references[i].cite not in taught] == []
