"""Module 03's second activity: the learner builds a self-care plan, keeps it, and prints it.

A plan is only useful if it is there when it is needed, so it is saved in the learner's progress and
comes back whenever the activity is opened again, and it can be written out as a plain, printable page.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from datetime import UTC, datetime

import ipywidgets as widgets

from course import keys
from course.content import Record, load_content
from course.models.self_care import MODULE, SelfCarePlan, when
from course.progress import Progress, learner_progress, write_atomically
from course.views.activity import NOTE, RIGHT, WRONG, feedback_html, live_region
from course.widgets.signposting import where_to_turn

__all__ = ["self_care_plan"]

EXPORT_NAME = "self-care-plan.html"
# The contacts printed under the plan: those signposting.yaml files under these topics, at every level.
PLAN_TOPICS = ("mental-health", "self-harm", "danger")


class SelfCarePlanWidget(widgets.VBox):
    """Tick boxes and a text box per area, with Save and Print; ``plan`` is the model behind it."""

    def __init__(self, areas: Sequence[Record], progress: Progress):
        self.progress = progress
        self.plan = SelfCarePlan.from_document(areas, progress.document(keys.SELF_CARE_PLAN))
        self.export_path = progress.home / "exports" / EXPORT_NAME
        self.strategy_boxes: dict[str, dict[str, widgets.Checkbox]] = {}
        self.own_text: dict[str, widgets.Textarea] = {}
        rows: list[widgets.Widget] = [widgets.HTML("<h3>My self-care plan</h3><p>For each area, tick the "
                                                   "ideas that would work for you and add your own.</p>")]
        for area in areas:
            chosen = set(self.plan.chosen.get(area.id, []))
            boxes = {s.id: widgets.Checkbox(value=s.id in chosen, description=s.text, indent=False,
                                            layout=widgets.Layout(width="auto")) for s in area.strategies}
            own = widgets.Textarea(value=self.plan.own.get(area.id, ""), description=f"My own ideas: {area.title}",
                                   placeholder="Write your own ideas here, one per line",
                                   style={"description_width": "initial"}, continuous_update=False,
                                   layout=widgets.Layout(width="100%", height="4em"))
            self.strategy_boxes[area.id], self.own_text[area.id] = boxes, own
            rows += [widgets.HTML(f"<h4>{html.escape(area.title)}</h4><p>{html.escape(area.prompt)}</p>"),
                     widgets.VBox(list(boxes.values())), own]
        self.save_button = widgets.Button(description="Save my plan", icon="save", button_style="primary",
                                          tooltip="Keep this plan in your learning record")
        self.print_button = widgets.Button(description="Print my plan", icon="print",
                                           tooltip="Save the plan and write it as a page you can print")
        self.status = widgets.HTML(live_region(self._saved_note()))
        self.save_button.on_click(lambda _: self.save())
        self.print_button.on_click(lambda _: self.print_plan())
        tick_boxes = [box for area_boxes in self.strategy_boxes.values() for box in area_boxes.values()]
        for control in [*tick_boxes, *self.own_text.values()]:
            control.observe(lambda _change: self._changed(), names="value")
        rows += [widgets.HBox([self.save_button, self.print_button]), self.status]
        super().__init__(rows, layout=widgets.Layout(max_width="820px"))
        self.add_class("sa-self-care-plan")

    def _saved_note(self) -> str:
        if not self.plan.saved:
            return "<p>Not saved yet.</p>"
        return feedback_html(NOTE, "This is the plan you saved. Change it and save again at any time.",
                             f"Your plan, saved on {when(self.plan.saved)}")

    def _changed(self) -> None:
        self.status.value = live_region(feedback_html(
            NOTE, "Press Save my plan to keep them in your learning record.", "You have changes not saved yet"))

    def _read_controls(self) -> None:
        for area in self.plan.areas:
            self.plan.chosen[area.id] = [sid for sid, box in self.strategy_boxes[area.id].items() if box.value]
            self.plan.own[area.id] = self.own_text[area.id].value

    def _keep(self) -> bool:
        self._read_controls()
        if self.plan.is_empty:
            self.status.value = live_region(feedback_html(
                NOTE, "Tick at least one idea, or write your own, before saving.", "Your plan is empty"))
            return False
        self.plan.saved = datetime.now(UTC).isoformat(timespec="seconds")
        self.progress.save_document(keys.SELF_CARE_PLAN, MODULE, self.plan.to_document())
        return True

    def save(self) -> None:
        if self._keep():
            self.status.value = live_region(feedback_html(
                RIGHT, "It will be here when you open this activity again.", "Saved in your learning record"))

    def print_plan(self) -> None:
        if not self._keep():
            return
        page = self.plan.html_page(where_to_turn(PLAN_TOPICS))
        try:
            write_atomically(self.export_path, page)
        except OSError as exc:
            self.status.value = live_region(feedback_html(
                WRONG, f"Your plan is saved, but the printable page could not be written to {self.export_path} "
                f"({exc}). Any earlier printed copy is unchanged.", "Could not write the page"))
            return
        encoded = base64.b64encode(page.encode("utf-8")).decode("ascii")
        where = html.escape(str(self.export_path))
        self.status.value = live_region(
            feedback_html(RIGHT, f"Your plan is saved and written as a printable page: {self.export_path}",
                          "Ready to print")
            + f'<p><a download="{EXPORT_NAME}" href="data:text/html;base64,{encoded}">Download your '
              f"printable plan</a> (also kept at <code>{where}</code>), open it in your browser and print "
              "it.</p>")


def self_care_plan(*, progress: Progress | None = None) -> SelfCarePlanWidget:
    """Build or review your self-care plan; a saved plan is shown again whenever you open this."""
    return SelfCarePlanWidget(load_content()["self_care"], progress or learner_progress())
