"""A reflection prompt whose answer is kept in the learner's progress and shown again next time.

Reflections may touch a learner's own life (the course covers suicide, abuse and neglect), so every one can be
answered about a case instead, or skipped: a skip is the learner's choice, kept and said in their record.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from course.progress import Progress, learner_progress
from course.views.activity import live_region

__all__ = ["reflection"]

OPT_OUT = ("You can answer about a family you have met or read about, or an imagined one: you never have to draw "
           "on your own life. You can also skip this reflection. Nothing in the course needs it.")


class ReflectionWidget(widgets.VBox):
    def __init__(self, prompt_id: str, module: str, prompt: str, progress: Progress):
        self.prompt_id, self.module, self.progress = prompt_id, module, progress
        saved = progress.reflection(prompt_id)
        # Sent when the box loses focus rather than keystroke by keystroke: ipywidgets holds a keystroke's update
        # back while the previous one is unanswered, so Save pressed straight after typing could save the text
        # without its last words. Leaving the box (Tab, or clicking Save) sends all of it first.
        self.text = widgets.Textarea(value=saved.text if saved else "", placeholder="Write your reflection here",
                                     description="Your reflection", style={"description_width": "initial"},
                                     continuous_update=False, layout=widgets.Layout(width="100%", height="8em"))
        self.save_button = widgets.Button(description="Save reflection", icon="save", button_style="primary",
                                          tooltip="Keep this reflection in your learning record")
        self.skip_button = widgets.Button(description="Skip this reflection", icon="forward",
                                          layout=widgets.Layout(width="auto"),
                                          tooltip="Leave this reflection out; your record will say you chose to")
        skipped = None if saved else self._skipped()
        self.status = widgets.HTML(self._skipped_status(skipped.updated) if skipped
                                   else self._status(saved.updated if saved else None))
        self.save_button.on_click(lambda _: self.save())
        self.skip_button.on_click(lambda _: self.skip())
        super().__init__([widgets.HTML(f"<p><strong>Reflect:</strong> {html.escape(prompt)}</p>"
                                       f"<p><small>{html.escape(OPT_OUT)}</small></p>"),
                          self.text, widgets.HBox([self.save_button, self.skip_button]), self.status],
                         layout=widgets.Layout(max_width="820px"))
        self.add_class("sa-reflection")

    def _skipped(self):
        return next((r for r in self.progress.skipped_reflections() if r.prompt == self.prompt_id), None)

    @staticmethod
    def _status(updated: str | None, note: str = "") -> str:
        said = f"✓ Saved in your learning record ({updated} UTC). {note}" if updated else "Not saved yet."
        return live_region(html.escape(said.strip()))

    @staticmethod
    def _skipped_status(updated: str) -> str:
        return live_region(html.escape(f"↷ Skipped by choice ({updated} UTC). Your learning record says so. You can "
                                       "still write a reflection here and save it at any time."))

    def save(self) -> None:
        text = self.text.value.strip()
        if not text:
            self.status.value = live_region("ℹ Nothing to save yet: write a few sentences first.")
            return
        saved = self.progress.save_reflection(self.prompt_id, self.module, text)
        self.status.value = self._status(saved.updated, "It will be here when you come back.")

    def skip(self) -> None:
        """Skip by choice; writing in the box is never thrown away unless the learner clears it first."""
        if self.text.value.strip():
            self.status.value = live_region(
                "ℹ To skip, first clear the box. What you have written stays until you do. If you saved it before, "
                "skipping takes it out of your learning record.")
            return
        skipped = self.progress.skip_reflection(self.prompt_id, self.module)
        self.status.value = self._skipped_status(skipped.updated)


def reflection(prompt_id: str, prompt: str, *, module: str | None = None,
               progress: Progress | None = None) -> ReflectionWidget:
    """Ask the learner to reflect; ``prompt_id`` such as ``"02-cues"`` keeps answers apart (its first two
    characters are the module unless ``module`` is given). The learner may skip it by choice."""
    return ReflectionWidget(prompt_id, module or prompt_id[:2], prompt, progress or learner_progress())
