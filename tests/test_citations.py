"""Every factual claim a notebook cites traces to references.yaml, and every notebook's list is complete."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from course.cli import main
from course.content import data_directory, load_content, notebooks_directory
from course.content.citations import cited, notebook_problems, notebooks_problems

NOTEBOOK_FOLDER = notebooks_directory(data_directory())
NOTEBOOKS = sorted(NOTEBOOK_FOLDER.glob("*.ipynb")) if NOTEBOOK_FOLDER else []


@pytest.mark.content
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_citations_are_in_the_reference_list(path: Path):
    """Does every citation in this notebook's text name a reference listed at its end, and every id exist?"""
    module = {m.notebook: m.id for m in load_content()["modules"]}.get(path.name)
    problems = notebook_problems(path, load_content().references, needs_list=module != "00")
    assert [str(p) for p in problems] == []


@pytest.mark.content
def test_every_module_has_its_notebook_and_every_notebook_a_module():
    """Does every module in modules.yaml have its notebook, and is every notebook a module's?"""
    if NOTEBOOK_FOLDER is None:
        pytest.skip("no notebooks/ folder beside the content")
    content = load_content()
    assert notebooks_problems(NOTEBOOK_FOLDER, content["modules"], content.references) == []


def test_citation_finder_reads_grouped_citations():
    """Are grouped citations split, and non-citations such as (6 weeks) ignored?"""
    text = "Babies attach to fathers (Lamb 1977; Field 1978), from birth (6 weeks) and (Benoit 2004)."
    assert cited(text, {"Lamb 1977", "Field 1978", "Benoit 2004"}) == ["Lamb 1977", "Field 1978", "Benoit 2004"]


def notebook(path: Path, markdown: str, *ids: str) -> Path:
    cells = [nbformat.v4.new_markdown_cell(markdown),
             nbformat.v4.new_code_cell(f"reference_list({', '.join(map(repr, ids))})")]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


def test_a_citation_missing_from_the_list_and_an_unknown_id_are_named(tmp_path):
    """Does a notebook citing a reference it does not list, or listing an unknown id, get one problem for each?"""
    references = {"smith-2001": {"cite": "Smith 2001"}, "jones-2002": {"cite": "Jones 2002"}}
    path = notebook(tmp_path / "01_x.ipynb", "Babies smile (Smith 2001; Jones 2002) at 6 weeks (6 weeks).",
                    "smith-2001", "nobody-1999")
    assert [str(p) for p in notebook_problems(path, references)] == [
        "01_x.ipynb: reference_list names 'nobody-1999', which is not an id in references.yaml",
        "01_x.ipynb: cites (Jones 2002), which is not in this notebook's reference_list(...)"]


def test_a_deleted_notebook_and_an_unlisted_one_are_both_reported(tmp_path):
    """Is a module whose notebook is gone reported, and a notebook that no module names?"""
    references = {"smith-2001": {"cite": "Smith 2001"}}
    notebook(tmp_path / "01_kept.ipynb", "Text (Smith 2001).", "smith-2001")
    notebook(tmp_path / "09_stray.ipynb", "Text.", "smith-2001")
    modules = [{"id": "01", "notebook": "01_kept.ipynb"}, {"id": "02", "notebook": "02_gone.ipynb"}]
    assert [str(p) for p in notebooks_problems(tmp_path, modules, references)] == [
        f"{tmp_path.name}/02_gone.ipynb: is missing (module 02 in modules.yaml)",
        f"{tmp_path.name}/09_stray.ipynb: is not the notebook of any module in modules.yaml"]


def test_course_validate_checks_the_notebooks_too(tmp_path, capsys):
    """Does `course validate` report a notebook that cites something missing from its reference list?"""
    content = load_content()
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for module in content["modules"]:
        notebook(folder / module.notebook, "No claims here.", content["references"][0].id)
    target = content["modules"][-1].notebook
    stray = next(r.cite for r in reversed(content["references"]) if cited(f"({r.cite})", set()))
    notebook(folder / target, f"A claim ({stray}).", content["references"][0].id)
    assert main(["validate", str(content.directory), "--notebooks", str(folder)]) == 1
    assert capsys.readouterr().err.splitlines()[1:] == [
        f"  - notebooks/{target}: cites ({stray}), which is not in this notebook's reference_list(...)"]
