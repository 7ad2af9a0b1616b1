"""Each module's learning outcomes mapped to the NMC standards they serve: in the data, at the top of each module,
in `course standards` and docs/standards.md, and refused with a precise error when the mapping is wrong."""

from __future__ import annotations

import html
import io
import re
from contextlib import redirect_stdout

import nbformat
import pytest
from support.checkout import REPO, needs_checkout
from support.content import content_folder, rewrite

from course.content import ContentError, load_content, notebooks_directory
from course.models.standards import module_standards, standards_served, standards_table


def outcomes_cell(module) -> str:
    """The module notebook's learning outcomes (module 00 lists the course's), as one line of text."""
    folder = notebooks_directory(load_content().directory)
    if folder is None:
        pytest.skip("no notebooks/ folder beside the content")
    cells = nbformat.read(folder / module.notebook, as_version=4).cells
    cell = next(c for c in cells if c.cell_type == "markdown"
                and ("## Learning outcomes" in c.source or "## What you will be able to do" in c.source))
    return " ".join(cell.source.split())


@pytest.mark.content
def test_every_module_maps_its_own_learning_outcomes_to_standards():
    """Does every module have a mapping whose outcomes are the module's own, word for word, each serving at
    least one Future nurse proficiency?"""
    content = load_content()
    for module in content["modules"]:
        mapped = module_standards(module.id, content)
        text = outcomes_cell(module)
        assert mapped and all(" ".join(o.outcome.split()) in text for o in mapped), module.id
        assert all(any(s.framework.startswith("Future nurse") for s in o.standards) for o in mapped), module.id


@pytest.mark.content
def test_every_module_serves_the_midwives_standards():
    """Does every module map at least one outcome to the NMC standards for midwives (2019), so a midwifery course
    leader can adopt any module? SCPHN (2022) is not required: its numbering has not been checked (standards.yaml)."""
    content = load_content()
    lacking = [m.id for m in content["modules"]
               if not any(s.framework.startswith("Midwives") for o in module_standards(m.id, content)
                          for s in o.standards)]
    assert not lacking, f"modules with no midwives' standard: {lacking}"


@pytest.mark.parametrize("module", ["02", "04"])
def test_the_module_page_shows_the_standards_the_module_serves(module):
    """Does the box at the top of a module list each standard the data maps it to, by framework and number,
    with what it asks and which outcomes serve it, and no standard the module is not mapped to?"""
    from course import standards_mapping

    shown = html.unescape(standards_mapping(module).value)
    served = standards_served(module)
    outcomes = module_standards(module)
    for standard in served:
        numbers = ", ".join(str(i) for i, o in enumerate(outcomes, 1) if standard in o.standards)
        assert f"{standard.label}</strong>: {standard.summary} <small>(learning outcomes {numbers})" in shown
    others = {s.label for m in load_content()["modules"] for s in standards_served(m.id)} - {s.label for s in served}
    assert not [label for label in others if f"<strong>{label}</strong>" in shown]
    assert f"Professional standards this module serves ({len(served)})" in shown


def test_each_module_notebook_shows_its_own_mapping_under_its_outcomes():
    """Does every module notebook call standards_mapping with its own module id, after its learning outcomes?"""
    content = load_content()
    folder = notebooks_directory(content.directory)
    if folder is None:
        pytest.skip("no notebooks/ folder beside the content")
    for module in content["modules"]:
        sources = [c.source for c in nbformat.read(folder / module.notebook, as_version=4).cells]
        calls = [i for i, s in enumerate(sources) if s.startswith("standards_mapping(")]
        assert [sources[i] for i in calls] == [f'standards_mapping("{module.id}")'], module.id
        outcomes = next(i for i, s in enumerate(sources) if "## Learning outcomes" in s or "able to do by" in s)
        assert outcomes < calls[0]


@pytest.mark.parametrize("change, field, says", [
    (lambda r: next(m for m in r if m.get("module") == "03").update(module="09"), "module",
     "'09' is not a module in modules.yaml"),
    (lambda r: next(m for m in r if "module" in m)["outcomes"][0]["standards"].__setitem__(0, "future-nurse-3.9"),
     "outcomes[0].standards[0]", "expected a standard named by its published NMC number: future-nurse-P-N"),
    (lambda r: next(m for m in r if "module" in m)["outcomes"][0]["standards"].append("future-nurse-7-1"),
     "outcomes[0].standards[", "'future-nurse-7-1' is not a standard in standards.yaml"),
    (lambda r: next(s for s in r if "framework" in s).update(number="3.8"), "number", "does not match the id"),
])
def test_a_bad_mapping_is_refused_with_file_field_and_what_was_expected(tmp_path, change, field, says):
    """A mapping to an unknown module, a standard written in the wrong form, an undefined standard or a number
    that disagrees with its id: does loading fail naming standards.yaml, the line, the field and the fix?"""
    folder = content_folder(tmp_path, "standards")
    rewrite(folder, "standards", change)
    with pytest.raises(ContentError) as raised:
        load_content(folder)
    problems = [str(p) for p in raised.value.problems]
    assert any(re.match(r"\S*standards\.yaml:\d+: ", p) and field in p and says in p for p in problems), problems


def test_a_module_without_a_mapping_is_named(tmp_path):
    """Does a module left out of standards.yaml fail validation, naming the module?"""
    folder = content_folder(tmp_path, "standards")
    records = rewrite(folder, "standards", lambda r: r.remove(next(m for m in r if m.get("module") == "05")))
    assert all(r.get("module") != "05" for r in records)
    with pytest.raises(ContentError, match=r"standards\.yaml.*has no mapping for module\(s\) 05"):
        load_content(folder)


@needs_checkout
def test_the_trainers_table_in_docs_is_the_one_the_command_prints():
    """Is docs/standards.md exactly what `course standards --format markdown` prints from the data, and does the
    plain table name every module and every standard it serves?"""
    from course.cli import main

    printed = io.StringIO()
    with redirect_stdout(printed):
        assert main(["standards", "--format", "markdown"]) == 0
    assert printed.getvalue() == (REPO / "docs" / "standards.md").read_text(encoding="utf-8"), \
        "docs/standards.md is out of date: run `course standards --format markdown > docs/standards.md`"
    text = standards_table()
    for module in load_content()["modules"]:
        assert f"Module {module.id}: {module.title}" in text
        assert all(f"  {s.label}: outcomes " in text for s in standards_served(module.id))
