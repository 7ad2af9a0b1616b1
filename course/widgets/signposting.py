"""Who to contact and how soon: contacts from data/signposting.yaml, so a trainer elsewhere can swap in local
contacts, and the words for each level of urgency from data/urgency.yaml, the course's one urgency rule."""

from __future__ import annotations

import html
from collections.abc import Iterable

import ipywidgets as widgets

from course.content import Record, load_content

__all__ = ["signposting"]

# Most urgent first, so the contacts for danger are the first thing a reader sees. Each level is said in
# words (urgency.yaml), never by colour.
URGENCIES = ("emergency", "urgent", "soon", "routine")


def levels() -> dict[str, Record]:
    """The levels of the urgency rule by id, most urgent first, as urgency.yaml words them."""
    records = {r.id: r for r in load_content()["urgency"] if r.kind == "level"}
    return {level: records[level] for level in URGENCIES if level in records}


def contact_html(contact: Record) -> str:
    """One contact as a list item: its name, then when to use it and how, all escaped."""
    return (f"<li><strong>{html.escape(contact.name)}</strong>. <em>When:</em> {html.escape(contact.when)} "
            f"<em>How:</em> {html.escape(contact.how)}</li>")


def where_to_turn(topics: Iterable[str]) -> list[tuple[Record, list[Record]]]:
    """Each level of the urgency rule with the contacts filed under it for any of these topics, most urgent
    first; a level with no such contact is left out."""
    wanted = set(topics)
    contacts = [c for c in load_content()["signposting"] if wanted & set(c.get("topics", ()))]
    found = [(words, [c for c in contacts if c.urgency == level]) for level, words in levels().items()]
    return [(words, group) for words, group in found if group]


def contacts_by_urgency(contacts: Iterable[Record]) -> str:
    """The contacts grouped under their urgency, most urgent first; empty groups are left out."""
    contacts = list(contacts)
    sections = []
    for level, words in levels().items():
        group = [c for c in contacts if c.urgency == level]
        if group:
            sections.append(f'<section class="sa-urgency-{level}"><h4>{html.escape(words.heading)}</h4>'
                            f"<p>{html.escape(words.meaning)}</p><ul>{''.join(map(contact_html, group))}</ul>"
                            "</section>")
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
