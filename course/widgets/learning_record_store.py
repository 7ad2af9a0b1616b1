"""Module 07's learning records for an employer's learning record store: shown first, sent only when asked.

Most learners have no learning record store (LRS) and this says so: nothing is sent. Where an employer has set
one up, the learner sees every statement that would go, in words and as sent, and presses Send themselves.
"""

from __future__ import annotations

import html
import json

import ipywidgets as widgets

from course.content import load_content
from course.models.learning_records import (
    SETTINGS_FILE,
    LrsSettingsError,
    load_settings,
    queue_progress,
    send_queued,
)
from course.progress import Progress, learner_progress
from course.views.activity import NOTE, RIGHT, WRONG, feedback_html, live_region

__all__ = ["learning_record_store"]

NEVER_SENT = ("Never sent: your reflections, your reflective account, your name, the text of any answer, and "
              "your self-care plan. They stay on this computer.")


def _in_words(statement: dict) -> str:
    name = statement["object"].get("definition", {}).get("name", {}).get("en-GB", statement["object"]["id"])
    verb = statement["verb"]["display"]["en-GB"]
    result = statement.get("result", {})
    outcome = ""
    if "success" in result:
        outcome = " (right)" if result["success"] else " (not right)"
    extensions = result.get("extensions", {})
    if extensions:
        outcome = " (" + ", ".join(f"{k.rsplit(':', 1)[-1].replace('-', ' ')}: {v:g}"
                                   for k, v in extensions.items()) + ")"
    return f"{statement['timestamp']}: {verb} {name}{outcome}"


class LearningRecordStoreWidget(widgets.VBox):
    """What would be sent, and a Send button; nothing at all when no store is set up."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.status = widgets.HTML(live_region(""))
        self.waiting = widgets.HTML()
        self.send_button = widgets.Button(description="Send my learning records", icon="upload",
                                          layout=widgets.Layout(width="auto"),
                                          tooltip="Send the statements listed above to your employer's store")
        self.send_button.on_click(lambda _: self.send())
        try:
            self.settings = load_settings(progress.home)
        except LrsSettingsError as exc:
            self.settings = None
            self.status.value = live_region(feedback_html(WRONG, str(exc), "Learning record store settings"))
        if self.settings is None:
            self.send_button.disabled = True
            about = ("<p>No learning record store is set up, so nothing from this course is sent anywhere. If your "
                     "employer keeps CPD in a learning record store (LRS), they can give you a settings file to put "
                     f"at <code>{html.escape(str(progress.home / SETTINGS_FILE))}</code>.</p>")
            super().__init__([widgets.HTML("<h3>Sending your learning records</h3>" + about), self.status])
        else:
            owner = html.escape(self.settings.organisation or "your employer")
            about = (f"<p>{owner} has set up a learning record store at <code>{html.escape(self.settings.endpoint)}"
                     f"</code>. Below is everything that would be sent, as "
                     f"<code>{html.escape(self.settings.learner_email)}</code>. Nothing goes until you press "
                     f"<strong>Send</strong>.</p><p>{html.escape(NEVER_SENT)}</p>")
            super().__init__([widgets.HTML("<h3>Sending your learning records</h3>" + about), self.waiting,
                              self.send_button, self.status])
            self.refresh()
        self.add_class("sa-learning-record-store")

    def refresh(self) -> None:
        """Queue what the progress record now shows and list what waits, in words and as it would be sent."""
        queue_progress(self.progress, load_content()["modules"])
        waiting = [json.loads(body) for _, body in self.progress.queued_statements()]
        self.send_button.disabled = not waiting
        if not waiting:
            self.waiting.value = "<p>Nothing is waiting to be sent.</p>"
            return
        items = "".join(f"<li>{html.escape(_in_words(s))}</li>" for s in waiting)
        as_sent = html.escape(json.dumps(waiting, indent=1))
        self.waiting.value = (f"<p>{len(waiting)} statement(s) waiting to be sent:</p><ul>{items}</ul>"
                              f"<details><summary>Show them exactly as they would be sent (xAPI)</summary>"
                              f"<pre>{as_sent}</pre></details>")

    def send(self) -> None:
        self.refresh()
        result = send_queued(self.progress)
        if result.problem:
            self.status.value = live_region(feedback_html(
                WRONG, f"{result.problem} {result.sent} sent; {result.waiting} wait and will go, in order, the next "
                "time you press Send.", "Not all sent"))
        else:
            self.status.value = live_region(feedback_html(RIGHT, f"{result.sent} statement(s) sent.", "Sent"))
        self.refresh()
        if not result.problem and not result.sent:
            self.status.value = live_region(feedback_html(NOTE, "Nothing was waiting to be sent.", "Up to date"))


def learning_record_store(*, progress: Progress | None = None) -> LearningRecordStoreWidget:
    """Send your learning records to your employer's learning record store, if it has one, after seeing them."""
    return LearningRecordStoreWidget(progress or learner_progress())
