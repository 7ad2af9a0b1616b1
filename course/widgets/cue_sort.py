"""Module 02's sorting activity: is each cue engagement ("more, please") or disengagement ("I need a break")?

All the cues are on screen at once, so this is not a one-item-at-a-time ``ActivityRun``. ``CueSortRun`` is
the plain-Python model (sort, check, record, try the wrong ones again); ``CueSortWidget`` only draws it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field

import ipywidgets as widgets

from course.activity_view import NOTE, RIGHT, WRONG, feedback_html, live_region
from course.content import Record, load_content
from course.progress import Progress, learner_progress

__all__ = ["cue_sort"]

MODULE = "02"
ACTIVITY = "cue-sort"
GROUPS = {"engagement": "Engagement", "disengagement": "Disengagement"}


@dataclass(frozen=True)
class Cue:
    id: str
    text: str
    group: str
    kind: str | None
    explanation: str

    @classmethod
    def from_record(cls, record: Record) -> Cue:
        return cls(record.id, record.cue, record.group, record.get("kind"), record.explanation)

    @property
    def group_phrase(self) -> str:
        """The right group in words, e.g. 'a subtle disengagement cue'."""
        if self.group == "disengagement":
            return f"{'an' if self.kind == 'obvious' else 'a'} {self.kind} disengagement cue"
        return "an engagement cue"


@dataclass
class CueSortRun:
    """One learner's sorting: where each cue has been put, what has been checked, and what was right."""

    cues: Sequence[Cue]
    progress: Progress | None = None
    placed: dict[str, str | None] = field(default_factory=dict)
    results: dict[str, bool] | None = None
    first_try: dict[str, bool] = field(default_factory=dict)

    def __post_init__(self):
        if not self.cues:
            raise ValueError("there are no cues to sort: data/cue_sort.yaml is empty")
        if self.progress is None:
            self.progress = learner_progress()
        self.right: set[str] = set()

    def cue(self, cue_id: str) -> Cue:
        for cue in self.cues:
            if cue.id == cue_id:
                return cue
        raise ValueError(f"{cue_id!r} is not a cue in this activity (cues: {', '.join(c.id for c in self.cues)})")

    def place(self, cue_id: str, group: str | None) -> None:
        """Put a cue in a group (or take it out with ``None``); a cue already sorted right stays put."""
        self.cue(cue_id)
        if group is not None and group not in GROUPS:
            raise ValueError(f"{group!r} is not a group: choose one of {', '.join(map(repr, GROUPS))}")
        if cue_id not in self.right:
            self.placed[cue_id] = group

    @property
    def open_cues(self) -> list[Cue]:
        """The cues still to be sorted right."""
        return [c for c in self.cues if c.id not in self.right]

    def unsorted(self) -> list[Cue]:
        return [c for c in self.open_cues if not self.placed.get(c.id)]

    @property
    def checked(self) -> bool:
        return self.results is not None

    @property
    def finished(self) -> bool:
        return len(self.right) == len(self.cues)

    def check(self) -> dict[str, bool]:
        """Mark every cue not yet sorted right, and record each as an attempt."""
        if self.checked:
            raise ValueError("These cues are already checked: try again to sort the ones marked wrong")
        missing = self.unsorted()
        if missing:
            raise ValueError(f"Sort every cue first: {len(missing)} still to sort "
                             f"({'; '.join(c.text for c in missing)})")
        self.results = {}
        for cue in self.open_cues:
            chosen = self.placed[cue.id]
            correct = chosen == cue.group
            self.results[cue.id] = correct
            self.first_try.setdefault(cue.id, correct)
            self.progress.record_attempt(MODULE, ACTIVITY, cue.id, chosen, correct)
        self.right |= {cue_id for cue_id, correct in self.results.items() if correct}
        return self.results

    def try_again(self) -> list[Cue]:
        """Clear the wrongly sorted cues so they can be sorted again; the right ones stay."""
        if not self.checked:
            raise ValueError("Check your sorting before trying again")
        wrong = [self.cue(i) for i, correct in self.results.items() if not correct]
        for cue in wrong:
            self.placed[cue.id] = None
        self.results = None
        return wrong

    @property
    def score_text(self) -> str:
        text = f"{len(self.right)} of {len(self.cues)} sorted correctly"
        first = sum(self.first_try.values())
        return text + (f" ({first} right first time)" if first < len(self.right) else "")


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
    return CueSortWidget(CueSortRun(cues, progress=progress))
