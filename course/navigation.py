"""The way between modules: previous, next and all modules, as the last cell of every module.

It is a markdown cell, not a widget, so it shows in JupyterLab before anything has run and in learner mode
alike; its links are relative to the notebook, so they open the next notebook in JupyterLab and the next page
in learner mode. The modules' order and titles come from ``data/modules.yaml``: after changing them, run
``python -m course.navigation notebooks`` to rewrite every module's last cell.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

from course.content import load_content

__all__ = ["NAVIGATION_CLASS", "navigation_markdown", "write_navigation"]

NAVIGATION_CLASS = "sa-module-navigation"


def _link(module, rel: str | None = None) -> str:
    rel_attr = f' rel="{rel}"' if rel else ""
    return (f'<a href="{html.escape(module.notebook)}"{rel_attr}>Module {html.escape(module.id)}: '
            f"{html.escape(module.title)}</a>")


def navigation_markdown(module_id: str, modules=None) -> str:
    """The last cell of module ``module_id``: links to the previous and next modules and to the course map."""
    modules = list(modules if modules is not None else load_content()["modules"])
    ids = [m.id for m in modules]
    if module_id not in ids:
        raise ValueError(f"no module {module_id!r} in data/modules.yaml (it has {', '.join(ids)})")
    at = ids.index(module_id)
    items = []
    if at > 0:
        items.append(f"<li>Previous: {_link(modules[at - 1], 'prev')}</li>")
    if at < len(modules) - 1:
        items.append(f"<li>Next: {_link(modules[at + 1], 'next')}</li>")
    if at > 0:
        items.append(f'<li><a href="{html.escape(modules[0].notebook)}">All modules, and how far you have got</a>'
                     "</li>")
    return "\n".join([f'<nav class="{NAVIGATION_CLASS}" aria-label="Modules">', "<hr>",
                      "<p><strong>Where next?</strong></p>", "<ul>", *items, "</ul>", "</nav>"])


def write_navigation(notebooks: Path) -> list[str]:
    """Make the last cell of every module in ``notebooks`` its navigation; return the notebooks changed."""
    import nbformat

    changed = []
    for module in load_content()["modules"]:
        path = notebooks / module.notebook
        notebook = nbformat.read(path, as_version=4)
        wanted = navigation_markdown(module.id)
        last = notebook.cells[-1] if notebook.cells else None
        if last is not None and last.cell_type == "markdown" and NAVIGATION_CLASS in last.source:
            if last.source == wanted:
                continue
            last.source = wanted
        else:
            cell = nbformat.v4.new_markdown_cell(wanted)
            cell.id = f"nav-{module.id}"
            notebook.cells.append(cell)
        nbformat.write(notebook, path)
        changed.append(module.notebook)
    return changed


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "notebooks")
    print("\n".join(write_navigation(folder)) or "Every module's navigation is up to date.")
