"""Every module ends with the way to the previous module, the next one and the course map, from modules.yaml."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from course.content import load_content
from course.navigation import navigation_markdown, write_navigation

REPO = Path(__file__).resolve().parent.parent
MODULES = load_content()["modules"]


class Module:
    def __init__(self, id, title, notebook):  # noqa: A002
        self.id, self.title, self.notebook = id, title, notebook


FIXTURE = [Module("00", "Welcome", "00_welcome.ipynb"), Module("01", "Cues & states", "01_cues.ipynb"),
           Module("02", "Repair", "02_repair.ipynb")]


def links(markdown: str) -> list[tuple[str, str]]:
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', markdown)


@pytest.mark.parametrize("module", MODULES, ids=[m.id for m in MODULES])
def test_every_module_ends_with_its_navigation(module):
    """Is the last cell of each module its navigation, as modules.yaml says today, linking notebooks that exist?"""
    notebook = nbformat.read(REPO / "notebooks" / module.notebook, as_version=4)
    last = notebook.cells[-1]
    assert last.cell_type == "markdown" and last.source == navigation_markdown(module.id), (
        f"{module.notebook}: the last cell is not the module's navigation; run `python -m course.navigation notebooks`")
    for target, _ in links(last.source):
        assert (REPO / "notebooks" / target).is_file(), f"{module.notebook} links to {target}, which does not exist"


def test_the_middle_module_links_both_ways_and_to_the_start():
    """Does a module in the middle link to the previous and next modules by title, and to the course map?"""
    shown = navigation_markdown("01", FIXTURE)
    assert links(shown) == [("00_welcome.ipynb", "Module 00: Welcome"), ("02_repair.ipynb", "Module 02: Repair"),
                            ("00_welcome.ipynb", "All modules, and how far you have got")]
    assert 'rel="prev"' in shown and 'rel="next"' in shown and 'aria-label="Modules"' in shown


def test_the_first_and_last_modules_link_only_where_there_is_somewhere_to_go():
    """Does the first module offer only a next module, and the last no next module?"""
    assert links(navigation_markdown("00", FIXTURE)) == [("01_cues.ipynb", "Module 01: Cues &amp; states")]
    assert [text for _, text in links(navigation_markdown("02", FIXTURE))] == [
        "Module 01: Cues &amp; states", "All modules, and how far you have got"]


def test_an_unknown_module_is_named():
    with pytest.raises(ValueError, match=r"no module '09' in data/modules.yaml \(it has 00, 01, 02\)"):
        navigation_markdown("09", FIXTURE)


def test_writing_navigation_adds_or_updates_only_the_last_cell(tmp_path):
    """Does rewriting add the navigation once, update a stale one in place, and leave the rest alone?"""
    for module in MODULES:
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_markdown_cell(f"# Module {module.id}")]
        nbformat.write(notebook, tmp_path / module.notebook)
    assert write_navigation(tmp_path) == [m.notebook for m in MODULES]
    assert write_navigation(tmp_path) == []
    path = tmp_path / MODULES[1].notebook
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[-1].source = notebook.cells[-1].source.replace("Next:", "Onwards:")
    nbformat.write(notebook, path)
    assert write_navigation(tmp_path) == [MODULES[1].notebook]
    cells = nbformat.read(path, as_version=4).cells
    assert [c.source for c in cells] == [f"# Module {MODULES[1].id}", navigation_markdown(MODULES[1].id)]
