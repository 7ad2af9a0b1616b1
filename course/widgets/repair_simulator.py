"""Module 06's rupture-and-repair simulator: move the sliders and watch a teaching model of an interaction.

The model (``course.models.repair``) does the work; this view only turns the sliders into settings and
shows the result twice, as a figure and as the same result in words, so no one depends on the picture.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from course.models.repair import Interaction, simulate
from course.plots import figure_html
from course.plots.repair_timeline import TITLE, caption, repair_timeline
from course.views.activity import live_region
from course.views.controls import LabelledSlider

__all__ = ["repair_simulator"]

class RepairSimulator(widgets.VBox):
    """Two labelled sliders, a "New interaction" button, the timeline figure and a summary beside it."""

    def __init__(self, responsiveness: float, stress: float, seed: int):
        self.seed = seed
        self.result: Interaction | None = None
        self.responsiveness = LabelledSlider(
            "Caregiver responsiveness (0 = rarely responds, 1 = responds readily)", responsiveness)
        self.stress = LabelledSlider("Caregiver stress (0 = calm, 1 = very stressed)", stress)
        self.new_interaction_button = widgets.Button(
            description="New interaction", icon="refresh",
            tooltip="Run the model again with the same settings but a different interaction")
        self.figure = widgets.HTML(layout=widgets.Layout(flex="3 1 420px"))
        self.summary = widgets.HTML(layout=widgets.Layout(flex="1 1 200px"))
        self.responsiveness.observe(lambda _: self.update(), names="value")
        self.stress.observe(lambda _: self.update(), names="value")
        self.new_interaction_button.on_click(lambda _: self.new_interaction())
        heading = widgets.HTML(
            f"<h3 style='margin-bottom:2px'>{html.escape(TITLE)}</h3>"
            "<p>Each run is made up by a simple model so you can see the pattern. "
            "Its numbers are not measurements of real babies or parents.</p>")
        super().__init__([heading, self.responsiveness, self.stress, self.new_interaction_button,
                          widgets.HBox([self.figure, self.summary],
                                       layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"))],
                         layout=widgets.Layout(max_width="900px"))
        self.add_class("sa-activity")
        self.update()

    def new_interaction(self) -> None:
        self.seed += 1
        self.update()

    def update(self) -> None:
        """Run the model for the current settings and redraw the figure and the words together."""
        self.result = simulate(self.responsiveness.value, self.stress.value, self.seed)
        result = self.result
        alt = f"Timeline from a teaching model, not real data. {result.summary}"
        self.figure.value = figure_html(repair_timeline(result), alt, caption(result))
        unrepaired = result.mismatches - result.repairs
        self.summary.value = live_region(
            f"<p><strong>Interaction {result.seed}</strong> (teaching model)</p>"
            f"<p>{html.escape(result.summary)}</p>"
            f"<ul><li>In sync: {round(100 * result.in_sync_share)}% of the moments</li>"
            f"<li>Mismatches: {result.mismatches}</li><li>Repaired: {result.repairs}</li>"
            f"<li>Broke off or still open at the end: {unrepaired}</li></ul>")


def repair_simulator(responsiveness: float = 0.6, stress: float = 0.3, *, seed: int = 1) -> RepairSimulator:
    """Explore rupture and repair with a teaching model; the same settings and seed always give the same run."""
    simulate(responsiveness, stress, seed)
    return RepairSimulator(responsiveness, stress, seed)
