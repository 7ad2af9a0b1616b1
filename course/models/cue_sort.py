"""The model behind module 02's cue sort: where each cue has been put, what was checked, and what was right.

All the cues are sorted at once, so this is not a one-item-at-a-time ``ActivityRun``; the widget
(``course.widgets.cue_sort``) only draws it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from course import keys
from course.content import Record
from course.progress import Progress

__all__ = ["GROUPS", "MODULE", "Cue", "CueSortRun"]

MODULE = "02"
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
    progress: Progress
    placed: dict[str, str | None] = field(default_factory=dict)
    results: dict[str, bool] | None = None
    first_try: dict[str, bool] = field(default_factory=dict)

    def __post_init__(self):
        if not self.cues:
            raise ValueError("there are no cues to sort: data/cue_sort.yaml is empty")
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
            self.progress.record_attempt(MODULE, keys.CUE_SORT, cue.id, chosen, correct)
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
