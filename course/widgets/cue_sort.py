"""Module 02's sorting activity: is each cue engagement ("more, please") or disengagement ("I need a break")?

All the cues are on screen at once; ``course.models.cue_sort.CueSortRun`` is the plain-Python model (sort,
check, record, try the wrong ones again) and ``CueSortWidget`` only draws it.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from course.content import load_content
from course.models.cue_sort import GROUPS, Cue, CueSortRun
from course.progress import Progress, learner_progress
from course.views.activity import NOTE, RIGHT, WRONG, feedback_html, live_region

__all__ = ["cue_sort"]

class CueSortWidget(widgets.VBox):
    """A labelled two-way choice per cue, one Check button, per-cue feedback and a score."""

    def __init__(self, run: CueSortRun):
        self.run = run
        intro = widgets.HTML(
            "<h3>Sort the cues</h3><p>For each cue, choose <strong>Engagement</strong> (the baby wants to "
            "interact) or <strong>Disengagement</strong> (the baby needs a break). Then press "
            "<em>Check my sorting</em>. These cues are examples, not a checklist: in real life, read them "
            "together and in context.</p>")
        self.controls: dict[str, widgets.ToggleButtons] = {}
        for cue in run.cues:
            control = widgets.ToggleButtons(
                options=[(label, group) for group, label in GROUPS.items()], value=None, description=cue.text,
                tooltips=["The baby wants to interact", "The baby needs a break"],
                style={"description_width": "initial", "button_width": "11em"},
                layout=widgets.Layout(width="auto"))
            control.observe(lambda change, c=cue.id: self.run.place(c, change["new"]), names="value")
            self.controls[cue.id] = control
        self.answer_controls = list(self.controls.values())
        self.check_button = widgets.Button(description="Check my sorting", icon="check", button_style="primary",
                                           tooltip="Check every cue and see why",
                                           layout=widgets.Layout(width="auto"))
        self.try_again_button = widgets.Button(description="Try again", icon="undo", disabled=True,
                                               tooltip="Sort the cues you got wrong again",
                                               layout=widgets.Layout(width="auto"))
        self.feedback = widgets.HTML(value=live_region(""))
        self.check_button.on_click(lambda _: self._check())
        self.try_again_button.on_click(lambda _: self._try_again())
        super().__init__([intro, widgets.VBox(self.answer_controls),
                          widgets.HBox([self.check_button, self.try_again_button]), self.feedback],
                         layout=widgets.Layout(max_width="820px"))
        self.add_class("sa-activity")

    def _check(self) -> None:
        missing = self.run.unsorted()
        if missing:
            names = "; ".join(f"“{c.text}”" for c in missing)
            self.feedback.value = live_region(feedback_html(
                NOTE, f"Choose Engagement or Disengagement for {len(missing)} more cue(s) first: {names}.",
                "Not sorted yet"))
            return
        results = self.run.check()
        parts = [f"<p><strong>{html.escape(self.run.score_text)}.</strong></p>"]
        for cue_id, correct in results.items():
            cue = self.run.cue(cue_id)
            if correct:
                heading = f"Right: “{cue.text}” is {cue.group_phrase}"
            else:
                heading = f"Not quite: “{cue.text}” is {cue.group_phrase}"
            parts.append(feedback_html(RIGHT if correct else WRONG, cue.explanation, heading))
        if self.run.finished:
            parts.append(feedback_html(NOTE, f"Every cue is sorted. {self.run.score_text}.", "Well done"))
        else:
            parts.append("<p>Press <em>Try again</em> to sort the ones marked ✗ Not quite again.</p>")
        self.feedback.value = live_region("".join(parts))
        self._sync()

    def _try_again(self) -> None:
        for cue in self.run.try_again():
            self.controls[cue.id].value = None
        self.feedback.value = live_region(feedback_html(
            NOTE, f"{len(self.run.open_cues)} cue(s) to sort again; the ones you got right stay as they are.",
            "Try again"))
        self._sync()

    def _sync(self) -> None:
        checked = self.run.checked
        for cue_id, control in self.controls.items():
            control.disabled = checked or cue_id in self.run.right
        self.check_button.disabled = checked
        self.try_again_button.disabled = not checked or self.run.finished


def cue_sort(*, progress: Progress | None = None) -> CueSortWidget:
    """Sort baby cues into engagement and disengagement, with a reason for every cue."""
    cues = [Cue.from_record(r) for r in load_content()["cue_sort"]]
    return CueSortWidget(CueSortRun(cues, progress=progress or learner_progress()))
