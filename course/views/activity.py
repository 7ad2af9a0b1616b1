"""The ipywidgets view of an ``ActivityRun``: a thin layer that draws the state and forwards clicks.

Right and wrong are always said in words and with a symbol (✓ / ✗), with a solid or dashed edge as a
third cue, never by colour alone; feedback sits in a live region so screen readers announce it.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from course.models.activity import ActivityRun, Question, Verdict
from course.views.controls import ChoiceGroup

__all__ = ["ActivityWidget", "feedback_html", "live_region", "NOTE", "RIGHT", "WRONG"]

# Okabe-Ito blue and vermilion: distinguishable with every common colour-vision deficiency.
RIGHT = {"symbol": "✓", "word": "Right", "colour": "#0072B2", "edge": "solid"}
WRONG = {"symbol": "✗", "word": "Not quite", "colour": "#D55E00", "edge": "dashed"}
NOTE = {"symbol": "ℹ", "word": "Note", "colour": "#555555", "edge": "dotted"}


def feedback_html(kind: dict, text: str, heading: str | None = None) -> str:
    """One piece of feedback: symbol and word first, then the reason."""
    lead = f"{kind['symbol']} {heading or kind['word']}"
    return (f'<div class="sa-feedback sa-{kind["word"].lower().replace(" ", "-")}" '
            f'style="border-left: 6px {kind["edge"]} {kind["colour"]}; padding: 4px 10px; margin: 6px 0;">'
            f"<strong>{html.escape(lead)}</strong><br>{html.escape(text)}</div>")


def live_region(inner: str) -> str:
    return f'<div role="status" aria-live="polite">{inner}</div>'


class ActivityWidget(widgets.VBox):
    """A sequence of items to answer one at a time; ``run`` is the model behind it."""

    def __init__(self, run: ActivityRun, title: str):
        self.run = run
        self.title = title
        self.header = widgets.HTML()
        self.body = widgets.HTML()
        self.questions_box = widgets.VBox()
        self.answer_controls: list[widgets.Widget] = []
        self.feedback = widgets.HTML(value=live_region(""))
        self.check_button = widgets.Button(description="Check answer", icon="check", button_style="primary",
                                           tooltip="Check your answer and see why")
        self.try_again_button = widgets.Button(description="Try again", icon="undo",
                                               tooltip="Clear the feedback and answer again")
        self.show_answer_button = widgets.Button(description="Show answer", icon="eye",
                                                 tooltip="Show the right answer and why")
        self.next_button = widgets.Button(description=f"Next {run.noun}", icon="arrow-right",
                                          tooltip=f"Go on to the next {run.noun}")
        self.check_button.on_click(lambda _: self._check())
        self.try_again_button.on_click(lambda _: self._try_again())
        self.show_answer_button.on_click(lambda _: self._show_answer())
        self.next_button.on_click(lambda _: self._next())
        buttons = widgets.HBox([self.check_button, self.try_again_button, self.show_answer_button,
                                self.next_button])
        super().__init__([self.header, self.body, self.questions_box, buttons, self.feedback],
                         layout=widgets.Layout(max_width="820px"))
        self.add_class("sa-activity")
        self._render_item()

    # --- drawing ---------------------------------------------------------------------------------------
    def _render_header(self) -> None:
        run = self.run
        self.header.value = (f"<h3 style='margin-bottom:2px'>{html.escape(self.title)}</h3>"
                             f"<p><strong>{html.escape(run.position)}</strong> · {html.escape(run.score_text)}</p>")

    def _render_item(self) -> None:
        item = self.run.item
        self._render_header()
        self.body.value = f"<h4>{html.escape(item.title)}</h4>{item.body_html}"
        self.answer_controls = [self._control(q) for q in item.questions]
        rows = []
        for question, control in zip(item.questions, self.answer_controls, strict=True):
            hint = " (tick all that apply)" if question.multiple else ""
            rows.append(widgets.HTML(f"<p><strong>{html.escape(question.prompt)}</strong>{hint}</p>"))
            rows.append(control)
        self.questions_box.children = rows
        self.feedback.value = live_region("")
        self._sync_buttons()

    def _control(self, question: Question) -> widgets.Widget:
        if question.multiple:
            boxes = [widgets.Checkbox(value=False, description=o.text, indent=False,
                                      layout=widgets.Layout(width="auto")) for o in question.options]
            group = widgets.VBox(boxes)
            group.question = question
            for box, option in zip(boxes, question.options, strict=True):
                box.option_id = option.id
                box.observe(lambda _change, q=question, g=group: self._choose_many(q, g), names="value")
            return group
        radio = ChoiceGroup(question.prompt, [(o.text, o.id) for o in question.options])
        radio.question = question
        radio.observe(lambda change, q=question: self._choose_one(q, change["new"]), names="value")
        return radio

    def _sync_buttons(self) -> None:
        run = self.run
        checked = run.checked
        self.check_button.disabled = checked
        self.try_again_button.disabled = not checked or run.all_right
        self.show_answer_button.disabled = not checked or run.all_right or run.revealed
        self.next_button.disabled = run.is_last or not checked
        for control in self.answer_controls:
            for widget in getattr(control, "children", ()) or (control,):
                widget.disabled = checked

    # --- events ----------------------------------------------------------------------------------------
    def _choose_one(self, question: Question, option_id: str | None) -> None:
        self.run.choose(question.id, option_id)

    def _choose_many(self, question: Question, group: widgets.VBox) -> None:
        self.run.choose(question.id, [b.option_id for b in group.children if b.value])

    def _check(self) -> None:
        missing = self.run.unanswered()
        if missing:
            names = "; ".join(f"“{q.prompt}”" for q in missing)
            self.feedback.value = live_region(feedback_html(NOTE, f"Choose an answer for {names} first.",
                                                            "Nothing chosen yet"))
            return
        verdicts = self.run.check()
        self._render_header()
        self.feedback.value = live_region(self._verdicts_html(verdicts))
        self._sync_buttons()

    def _verdicts_html(self, verdicts: list[Verdict], reveal: bool = False) -> str:
        parts = []
        for verdict in verdicts:
            q = verdict.question
            parts.append(f"<p><strong>{html.escape(q.prompt)}</strong></p>")
            for choice, right in verdict.chosen_feedback:
                kind = RIGHT if right else WRONG
                label = (f"{kind['word']}: you chose “{choice.text}”" if not q.multiple
                         else f"{'Right to tick' if right else 'Not this one'}: “{choice.text}”")
                parts.append(feedback_html(kind, choice.feedback, label))
            if q.multiple and not reveal:
                missed = len(verdict.missed)
                if missed:
                    parts.append(feedback_html(WRONG, f"{missed} more option(s) also apply. Try again, or "
                                               "show the answer.", "Something missing"))
            if reveal and not verdict.correct:
                for choice in q.options:
                    if choice.id in q.correct:
                        parts.append(feedback_html(RIGHT, choice.feedback, f"The answer: “{choice.text}”"))
        parts.append(self.footer_html())
        if self.run.finished:
            parts.append(feedback_html(NOTE, f"You have finished all {len(self.run.items)} "
                                       f"{self.run.noun}s. {self.run.score_text}.", "Well done"))
        elif self.run.all_right and not self.run.is_last:
            parts.append(f"<p>Press <em>Next {html.escape(self.run.noun)}</em> to go on.</p>")
        return "".join(parts)

    def footer_html(self) -> str:
        """Anything an activity adds below the feedback once an item is checked (e.g. its evidence)."""
        return ""

    def _try_again(self) -> None:
        wrong = {q.id for q in self.run.try_again()}
        for control in self.answer_controls:
            if control.question.id not in wrong:
                continue
            if isinstance(control, ChoiceGroup):
                control.value = None
            else:
                for box in control.children:
                    box.value = False
        self.feedback.value = live_region("")
        self._sync_buttons()
        self._focus_first(c for c in self.answer_controls if c.question.id in wrong)

    def _focus_first(self, controls) -> None:
        """Put keyboard focus on the first of ``controls`` (a radio group, or the first of its tick boxes), so a
        keyboard user is not left on the button that has just been disabled."""
        for control in controls:
            (control if isinstance(control, ChoiceGroup) else control.children[0]).focus()
            return

    def _show_answer(self) -> None:
        self.run.reveal()
        self.feedback.value = live_region(self._verdicts_html(self.run.verdicts, reveal=True))
        self._sync_buttons()

    def _next(self) -> None:
        self.run.next()
        self._render_item()
        self._focus_first(self.answer_controls)
