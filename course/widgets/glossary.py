"""The course glossary: plain-English meanings of its words and numbers, searchable and filtered by topic.

Many learners have English as an additional language, and the modules use research words (meta-analysis,
r, d) as well as practice ones (EPDS, safeguarding). The entries are content (data/glossary.yaml); finding
them is plain Python (``find_terms``), so it can be checked without Jupyter; the widget is a search box, a
topic list and the matching entries, all usable from the keyboard.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import ipywidgets as widgets

from course.content import Record, load_content
from course.content.citations import COURSE_PAGES
from course.views.activity import live_region

__all__ = ["glossary"]

GLOSSARY_PAGE = COURSE_PAGES[0]
ALL = "all"
TOPICS = {ALL: "All topics", "attachment": "Attachment: babies and carers",
          "research": "Research words and numbers", "practice": "Practice: services and tools"}
# A search this short ("r", "d", "N") is a symbol: only an exact name matches, not every definition containing it.
SHORTEST_FREE_SEARCH = 3


def names(entry: Record) -> list[str]:
    """The term and its other names, as a learner might type them."""
    return [entry.term, *entry.get("also", ())]


def find_terms(entries: Sequence[Record], search: str = "", topic: str = ALL) -> list[Record]:
    """The entries matching ``search`` (any case) in ``topic``: exact names first, then names containing the
    search, then definitions and examples containing it; in glossary order within each group."""
    chosen = [e for e in entries if topic in (ALL, e.topic)]
    wanted = " ".join(search.split()).casefold()
    if not wanted:
        return chosen
    exact = [e for e in chosen if wanted in (n.casefold() for n in names(e))]
    if len(wanted) < SHORTEST_FREE_SEARCH:
        return exact
    in_name = [e for e in chosen if e not in exact and any(wanted in n.casefold() for n in names(e))]
    in_text = [e for e in chosen if e not in exact and e not in in_name
               and wanted in f"{e.definition} {e.get('example', '')}".casefold()]
    return exact + in_name + in_text


def entry_html(entry: Record, cites: dict[str, str]) -> str:
    also = entry.get("also", ())
    parts = [f"<dt><strong>{html.escape(entry.term)}</strong>"
             + (f" <small>(also: {html.escape(', '.join(also))})</small>" if also else "") + "</dt>",
             f"<dd><p>{html.escape(entry.definition)}</p>"]
    if entry.get("example"):
        parts.append(f"<p><em>Example:</em> {html.escape(entry.example)}</p>")
    if entry.get("references"):
        parts.append(f"<p><small>Source: {html.escape('; '.join(cites[r] for r in entry.references))}</small></p>")
    parts.append("</dd>")
    return "".join(parts)


class GlossaryWidget(widgets.VBox):
    """A labelled search box and topic list above the entries that match, with the count said in words."""

    def __init__(self, entries: Sequence[Record], cites: dict[str, str], search: str, topic: str):
        self.all_entries, self.cites = tuple(entries), cites
        self.search = widgets.Text(value=search, description="Search the glossary", continuous_update=True,
                                   placeholder="Type a word, for example: effect size",
                                   style={"description_width": "initial"}, layout=widgets.Layout(width="32em"))
        self.topic = widgets.Dropdown(options=[(label, key) for key, label in TOPICS.items()], value=topic,
                                      description="Show", style={"description_width": "initial"})
        self.count = widgets.HTML()
        self.entries = widgets.HTML()
        self.shown: list[Record] = []
        self.search.observe(lambda _: self.refresh(), names="value")
        self.topic.observe(lambda _: self.refresh(), names="value")
        # No heading of its own: the glossary page's title (or a module's section) heads it.
        super().__init__([self.search, self.topic, self.count, self.entries],
                         layout=widgets.Layout(max_width="820px"))
        self.add_class("sa-glossary")
        self.refresh()

    def refresh(self) -> None:
        self.shown = find_terms(self.all_entries, self.search.value, self.topic.value)
        total = len(self.all_entries)
        if self.shown:
            said = f"Showing {len(self.shown)} of {total} terms."
        else:
            said = (f"No term matches “{self.search.value.strip()}”. Try a shorter word, check the spelling, or "
                    "choose All topics.")
        self.count.value = live_region(f"<p>{html.escape(said)}</p>")
        self.entries.value = "<dl>" + "".join(entry_html(e, self.cites) for e in self.shown) + "</dl>"


def glossary(search: str = "", topic: str = ALL) -> GlossaryWidget:
    """The glossary, optionally opened at a search (``glossary("effect size")``) or one topic."""
    if topic not in TOPICS:
        raise ValueError(f"{topic!r} is not a glossary topic. Use one of: {', '.join(map(repr, TOPICS))}.")
    content = load_content()
    cites = {ref_id: ref.cite for ref_id, ref in content.references.items()}
    return GlossaryWidget(content["glossary"], cites, search, topic)
