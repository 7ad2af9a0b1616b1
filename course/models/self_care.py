"""The model behind module 03's self-care plan: for each area, the ideas ticked and the learner's own words.

A plan must outlive content edits, so it is saved with each ticked idea's text as well as its id, and an
idea the course has since dropped comes back as the learner's own words.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from course.content import Record

__all__ = ["MODULE", "SelfCarePlan", "when"]

MODULE = "03"


@dataclass
class SelfCarePlan:
    """The plan itself: for each area, the suggestions ticked and the learner's own words."""

    areas: Sequence[Record]
    chosen: dict[str, list[str]] = field(default_factory=dict)
    own: dict[str, str] = field(default_factory=dict)
    saved: str | None = None

    @classmethod
    def from_document(cls, areas: Sequence[Record], document: dict | None) -> SelfCarePlan:
        """A saved plan; a suggestion the course has since dropped is kept as the learner's own words."""
        plan = cls(areas)
        if not document:
            return plan
        plan.saved = document.get("saved")
        saved_areas = document.get("areas", {})
        for area in areas:
            entry = saved_areas.get(area.id, {})
            known = {s.id for s in area.strategies}
            plan.chosen[area.id] = [c["id"] for c in entry.get("chosen", []) if c.get("id") in known]
            dropped = [c["text"] for c in entry.get("chosen", []) if c.get("id") not in known and c.get("text")]
            plan.own[area.id] = "\n".join([*dropped, entry.get("own", "")]).strip()
        return plan

    def to_document(self) -> dict:
        """What is kept in progress: ids to restore the ticks, and the text so a plan outlives content edits."""
        areas = {}
        for area in self.areas:
            texts = {s.id: s.text for s in area.strategies}
            areas[area.id] = {"chosen": [{"id": i, "text": texts[i]} for i in self.chosen.get(area.id, [])],
                              "own": self.own.get(area.id, "").strip()}
        return {"saved": self.saved, "areas": areas}

    @property
    def is_empty(self) -> bool:
        return not any(self.chosen.values()) and not any(t.strip() for t in self.own.values())

    def html_page(self, where_to_turn: Sequence[tuple[Record, Sequence[Record]]] = ()) -> str:
        """The plan as a plain, accessible HTML page: headings, lists and text, nothing else. ``where_to_turn``
        (each level of the urgency rule with its contacts, from the data) is printed after the plan, so the
        page gives the same routes as the course and a trainer elsewhere changes them in data alone."""
        sections = []
        for area in self.areas:
            texts = {s.id: s.text for s in area.strategies}
            lines = [texts[i] for i in self.chosen.get(area.id, [])]
            lines += [line.strip() for line in self.own.get(area.id, "").splitlines() if line.strip()]
            body = ("<ul>" + "".join(f"<li>{html.escape(t)}</li>" for t in lines) + "</ul>" if lines
                    else "<p>Nothing written here yet.</p>")
            sections.append(f"<h2>{html.escape(area.title)}</h2>\n<p>{html.escape(area.prompt)}</p>\n{body}")
        made = f"<p>Saved on {html.escape(when(self.saved))}.</p>" if self.saved else ""
        if where_to_turn:
            sections.append("<h2>Where to turn</h2>\n" + "\n".join(map(_level_html, where_to_turn)))
        return ("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<title>My self-care plan</title>\n<style>body{font-family:sans-serif;line-height:1.5;"
                "max-width:40em;margin:2em auto;padding:0 1em;color:#000;background:#fff}"
                "h2{margin-top:1.5em}@media print{body{margin:0}}</style>\n</head>\n<body>\n<main>\n"
                f"<h1>My self-care plan</h1>\n{made}\n" + "\n".join(sections) +
                "\n</main>\n</body>\n</html>\n")


def _level_html(level_and_contacts: tuple[Record, Sequence[Record]]) -> str:
    """One level of the urgency rule, in its own words, and its contacts: name, when, and how."""
    level, contacts = level_and_contacts
    said = [level.meaning, *([level.self_harm] if level.get("self_harm") else [])]
    items = "".join(f"<li><strong>{html.escape(c.name)}</strong>. {html.escape(c.when)} {html.escape(c.how)}</li>"
                    for c in contacts)
    return (f"<h3>{html.escape(level.heading)}</h3>\n" + "".join(f"<p>{html.escape(t)}</p>" for t in said)
            + f"\n<ul>{items}</ul>")


def when(saved: str) -> str:
    """An ISO timestamp as a person would say it: "27 November 2026 at 23:36 UTC"."""
    moment = datetime.fromisoformat(saved)
    return f"{moment.day} {moment:%B %Y} at {moment:%H:%M} UTC"
