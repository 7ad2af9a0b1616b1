"""Support for the learner themselves, from data/learner_support.yaml: the course covers suicide, abuse and
neglect, and some learners will meet their own story in it.

Kept apart from ``signposting`` (contacts for the families learners work with), so each list can be localised
on its own. A number a learner might call must trace to the service's own page, so the loader refuses a contact
with a number and no reference (``course.content.rules``).
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from course.content import learner_contacts, load_content
from course.widgets.signposting import levels

__all__ = ["learner_support"]

# Most urgent first; each heading says in words how soon, never by colour. Danger has no heading here: it
# takes the emergency level's words from urgency.yaml, so the course says it one way everywhere.
GROUPS = {
    "danger-now": None,
    "talk-now": "If you need to talk to someone now",
    "where-you-study-or-work": "Support where you study or work",
    "your-health": "Your own health",
}


def headings() -> dict[str, str]:
    """Each group's heading, danger first, with the emergency level's words for danger."""
    return {group: heading or levels()["emergency"].heading for group, heading in GROUPS.items()}


def learner_support() -> widgets.HTML:
    """Where you can get support for yourself, most urgent first."""
    contacts = learner_contacts(load_content())
    sections = []
    for group, heading in headings().items():
        items = "".join(f"<li><strong>{html.escape(c.name)}</strong>. <em>When:</em> {html.escape(c.when)} "
                        f"<em>How:</em> {html.escape(c.how)}</li>" for c in contacts if c.group == group)
        if items:
            sections.append(f'<section class="sa-support-{group}"><h4>{html.escape(heading)}</h4><ul>{items}</ul>'
                            "</section>")
    # No heading of its own: the page puts it under one ("Support for you"), so headings stay in order.
    widget = widgets.HTML("".join(sections), layout=widgets.Layout(max_width="820px"))
    widget.add_class("sa-learner-support")
    return widget
