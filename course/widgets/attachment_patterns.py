"""Module 01's first activity: explore how often each attachment pattern was found, one study at a time
or side by side, with every number also given in words."""

from __future__ import annotations

import html

import ipywidgets as widgets

from course.content import load_content
from course.plots import figure_html
from course.plots.attachment_patterns import PATTERN_ORDER, describe, load_patterns, patterns_figure
from course.views.activity import live_region
from course.views.controls import ChoiceGroup

__all__ = ["attachment_patterns"]

ALL = "all"


class AttachmentPatternsWidget(widgets.VBox):
    """A study menu, the figure for the chosen studies, and what each pattern looks like."""

    def __init__(self, study: str):
        content = load_content()
        self.references = content.references
        self.patterns, self.studies = load_patterns(content)
        choices = [(s.label, s.id) for s in self.studies.values()]
        choices.append((f"All {len(self.studies)} studies side by side", ALL))
        known = [value for _, value in choices]
        if study not in known:
            raise ValueError(f"There is no study {study!r} in data/attachment_patterns.yaml. "
                             f"Try one of: {', '.join(map(repr, known))}.")
        # A radio group, not a drop-down menu: each study is a row a finger can tap (a phone's menu of long
        # citations is a pop-up list outside the page), and the arrow keys still choose.
        self.study_control = ChoiceGroup("Study", choices, value=study)
        heading = widgets.HTML("<p><strong>Study</strong>: choose one to see its figures, or all side by side.</p>")
        self.status = widgets.HTML()
        self.figure = widgets.HTML()
        self.figure.add_class("sa-figure-widget")
        self.notes = widgets.HTML()
        self.explanations = widgets.HTML(self._explanations_html())
        self.study_control.observe(lambda _: self._draw(), names="value")
        super().__init__([heading, self.study_control, self.status, self.figure, self.notes, self.explanations],
                         layout=widgets.Layout(max_width="820px"))
        self.add_class("sa-activity")
        self._draw()

    def chosen(self) -> list:
        value = self.study_control.value
        return list(self.studies.values()) if value == ALL else [self.studies[value]]

    def caption(self) -> str:
        return "Figures reported by the studies (not a simulation). " + describe(self.chosen())

    def alt_text(self) -> str:
        return ("Horizontal bar chart: each bar is a group of children, split into the attachment patterns "
                "found. " + describe(self.chosen()))

    def _draw(self) -> None:
        studies = self.chosen()
        labels = [s.label for s in studies]
        shown = labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"
        self.status.value = live_region(f"<p>Showing the figures from {html.escape(shown)}.</p>")
        self.figure.value = figure_html(patterns_figure(studies, self.patterns), self.alt_text(), self.caption())
        notes = "".join(f"<li><strong>{html.escape(s.label)}:</strong> {html.escape(s.note)}</li>"
                        for s in studies if s.get("note"))
        self.notes.value = f"<p><strong>Reading the numbers</strong></p><ul>{notes}</ul>" if notes else ""

    def _explanations_html(self) -> str:
        items = []
        for name in PATTERN_ORDER:
            pattern = self.patterns[name]
            cites = "; ".join(self.references[r].cite for r in pattern.get("references", ()))
            source = f" ({html.escape(cites)})" if cites else ""
            items.append(f"<dt><strong>{html.escape(pattern.name)}</strong></dt>"
                         f"<dd>{html.escape(pattern.explanation)}{source}</dd>")
        return f"<p><strong>What each pattern looks like</strong></p><dl>{''.join(items)}</dl>"


def attachment_patterns(study: str = ALL) -> AttachmentPatternsWidget:
    """Show the attachment-pattern figures, for all studies side by side or for one study by its id."""
    return AttachmentPatternsWidget(study)
