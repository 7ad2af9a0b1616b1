"""A reflection prompt whose answer is kept in the learner's progress and shown again next time."""

from __future__ import annotations

import html

import ipywidgets as widgets

from course.progress import Progress, learner_progress
from course.views.activity import live_region

__all__ = ["reflection"]


class ReflectionWidget(widgets.VBox):
    def __init__(self, prompt_id: str, module: str, prompt: str, progress: Progress):
        self.prompt_id, self.module, self.progress = prompt_id, module, progress
        saved = progress.reflection(prompt_id)
        self.text = widgets.Textarea(value=saved.text if saved else "", placeholder="Write your reflection here",
                                     description="Your reflection", style={"description_width": "initial"},
                                     layout=widgets.Layout(width="100%", height="8em"))
        self.save_button = widgets.Button(description="Save reflection", icon="save", button_style="primary",
                                          tooltip="Keep this reflection in your learning record")
        self.status = widgets.HTML(self._status(saved.updated if saved else None))
        self.save_button.on_click(lambda _: self.save())
        super().__init__([widgets.HTML(f"<p><strong>Reflect:</strong> {html.escape(prompt)}</p>"),
                          self.text, self.save_button, self.status],
                         layout=widgets.Layout(max_width="820px"))
        self.add_class("sa-reflection")

    @staticmethod
    def _status(updated: str | None, note: str = "") -> str:
        said = f"✓ Saved in your learning record ({updated} UTC). {note}" if updated else "Not saved yet."
        return live_region(html.escape(said.strip()))

    def save(self) -> None:
        text = self.text.value.strip()
        if not text:
            self.status.value = live_region("ℹ Nothing to save yet: write a few sentences first.")
            return
        saved = self.progress.save_reflection(self.prompt_id, self.module, text)
        self.status.value = self._status(saved.updated, "It will be here when you come back.")


def reflection(prompt_id: str, prompt: str, *, module: str | None = None,
               progress: Progress | None = None) -> ReflectionWidget:
    """Ask the learner to reflect; ``prompt_id`` such as ``"02-cues"`` keeps answers apart (its first two
    characters are the module unless ``module`` is given)."""
    return ReflectionWidget(prompt_id, module or prompt_id[:2], prompt, progress or learner_progress())
