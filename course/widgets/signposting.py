"""Who to contact and how soon, from data/signposting.yaml, so a trainer elsewhere can swap in local contacts."""

from __future__ import annotations

import html

import ipywidgets as widgets

from course.content import load_content

__all__ = ["signposting"]

# Most urgent first, so the contacts for danger are the first thing a reader sees. Each level is said in
# words, never by colour.
URGENCIES = {
    "emergency": ("Emergency: act now", "Someone is in immediate danger. Do not wait."),
    "urgent": ("Urgent: today", "Get advice or help the same day."),
    "soon": ("Soon: within a few days", "Book an appointment; ask for a same-day one if things are worse."),
    "routine": ("Routine: at the next contact", "Raise it at a planned visit or when it suits you."),
}


def signposting(urgency: str | None = None) -> widgets.HTML:
    """The contacts grouped by urgency, most urgent first; ``urgency`` shows only one group."""
    if urgency is not None and urgency not in URGENCIES:
        raise ValueError(f"{urgency!r} is not an urgency. Use one of: {', '.join(map(repr, URGENCIES))}.")
    contacts = load_content()["signposting"]
    sections = []
    for level, (heading, meaning) in URGENCIES.items():
        group = [c for c in contacts if c.urgency == level]
        if not group or urgency not in (None, level):
            continue
        items = "".join(f"<li><strong>{html.escape(c.name)}</strong>. <em>When:</em> {html.escape(c.when)} "
                        f"<em>How:</em> {html.escape(c.how)}</li>" for c in group)
        sections.append(f'<section class="sa-urgency-{level}"><h3>{html.escape(heading)}</h3>'
                        f"<p>{html.escape(meaning)}</p><ul>{items}</ul></section>")
    widget = widgets.HTML("<h3>Who to contact, and how soon</h3>" + "".join(sections),
                          layout=widgets.Layout(max_width="820px"))
    widget.add_class("sa-signposting")
    return widget
