"""Who to contact and how soon, from data/signposting.yaml, so a trainer elsewhere can swap in local contacts."""

from __future__ import annotations

import html
from collections.abc import Iterable

import ipywidgets as widgets

from course.content import Record, load_content

__all__ = ["signposting"]

# Most urgent first, so the contacts for danger are the first thing a reader sees. Each level is said in
# words, never by colour.
URGENCIES = {
    "emergency": ("Emergency: act now", "Someone is in immediate danger. Do not wait."),
    "urgent": ("Urgent: today", "Get advice or help the same day."),
    "soon": ("Soon: within a few days", "Book an appointment; ask for a same-day one if things are worse."),
    "routine": ("Routine: at the next contact", "Raise it at a planned visit or when it suits you."),
}


def contact_html(contact: Record) -> str:
    """One contact as a list item: its name, then when to use it and how, all escaped."""
    return (f"<li><strong>{html.escape(contact.name)}</strong>. <em>When:</em> {html.escape(contact.when)} "
            f"<em>How:</em> {html.escape(contact.how)}</li>")


def contacts_by_urgency(contacts: Iterable[Record]) -> str:
    """The contacts grouped under their urgency, most urgent first; empty groups are left out."""
    contacts = list(contacts)
    sections = []
    for level, (heading, meaning) in URGENCIES.items():
        group = [c for c in contacts if c.urgency == level]
        if group:
            sections.append(f'<section class="sa-urgency-{level}"><h4>{html.escape(heading)}</h4>'
                            f"<p>{html.escape(meaning)}</p><ul>{''.join(map(contact_html, group))}</ul></section>")
    return "".join(sections)


def signposting(urgency: str | None = None, topic: str | None = None) -> widgets.HTML:
    """The contacts grouped by urgency, most urgent first; ``urgency`` or ``topic`` (e.g. "crying") narrows them."""
    if urgency is not None and urgency not in URGENCIES:
        raise ValueError(f"{urgency!r} is not an urgency. Use one of: {', '.join(map(repr, URGENCIES))}.")
    contacts = load_content()["signposting"]
    if topic is not None:
        topics = sorted({t for c in contacts for t in c.get("topics", ())})
        if topic not in topics:
            raise ValueError(f"No contact in data/signposting.yaml is for {topic!r}. "
                             f"Topics with contacts: {', '.join(map(repr, topics))}.")
        contacts = [c for c in contacts if topic in c.get("topics", ())]
    shown = [c for c in contacts if urgency in (None, c.urgency)]
    widget = widgets.HTML("<h3>Who to contact, and how soon</h3>" + contacts_by_urgency(shown),
                          layout=widgets.Layout(max_width="820px"))
    widget.add_class("sa-signposting")
    return widget
