"""The professional standards a module serves, shown under its learning outcomes: a course leader sees what a
module maps to, and a learner sees which proficiencies the module can count towards in a portfolio."""

from __future__ import annotations

import html

import ipywidgets as widgets

from course.models.standards import module_standards, standards_served

__all__ = ["standards_mapping"]


def standards_mapping(module_id: str) -> widgets.HTML:
    """A closed box (opened with a click or the keyboard) listing the NMC standards the module serves, each with
    what it asks in plain words and the learning outcomes that serve it, read from data/standards.yaml."""
    outcomes = module_standards(module_id)
    rows = []
    for standard in standards_served(module_id):
        served = ", ".join(str(i) for i, o in enumerate(outcomes, 1) if standard in o.standards)
        rows.append(f"<li><strong>{html.escape(standard.label)}</strong>: {html.escape(standard.summary)} "
                    f"<small>(learning outcomes {served})</small></li>")
    widget = widgets.HTML(
        "<details class='sa-standards'><summary>Professional standards this module serves "
        f"({len(rows)})</summary><p>The NMC standards of proficiency below, by their published numbers. "
        "Learning outcomes are numbered in the order listed above.</p>"
        f"<ul>{''.join(rows)}</ul></details>")
    widget.add_class("sa-standards")
    return widget
