"""The state machine behind every choice activity: question, answer, feedback, record.

Scenarios, quizzes and vignettes are all a sequence of items, each with one or more questions whose
options carry their own feedback. Keeping this plain Python (no widgets) means every rule about
marking and recording can be tested without Jupyter; ``course.views.activity`` only draws it.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from course.content import Record
from course.progress import Progress

__all__ = ["ActivityRun", "Choice", "Item", "Question", "Verdict", "paragraphs"]


def paragraphs(text: str) -> str:
    """Plain content text as HTML paragraphs, escaped, so content can never inject markup."""
    return "".join(f"<p>{html.escape(p.strip())}</p>" for p in str(text).split("\n\n") if p.strip())


@dataclass(frozen=True)
class Choice:
    id: str
    text: str
    feedback: str


@dataclass(frozen=True)
class Question:
    id: str
    prompt: str
    options: tuple[Choice, ...]
    correct: frozenset[str]
    multiple: bool = False

    @classmethod
    def from_record(cls, record: Record) -> Question:
        correct = record.correct
        multiple = isinstance(correct, tuple)
        return cls(record.id, record.prompt,
                   tuple(Choice(o.id, o.text, o.feedback) for o in record.options),
                   frozenset(correct if multiple else (correct,)), multiple)

    def option(self, option_id: str) -> Choice:
        for choice in self.options:
            if choice.id == option_id:
                return choice
        raise ValueError(f"{option_id!r} is not an option of question {self.id!r} "
                         f"(options: {', '.join(o.id for o in self.options)})")

    def check(self, answer: str | Iterable[str] | None) -> Verdict:
        chosen = self.normalise(answer)
        return Verdict(self, chosen, bool(chosen) and set(chosen) == set(self.correct))

    def normalise(self, answer: str | Iterable[str] | None) -> tuple[str, ...]:
        if answer is None:
            return ()
        ids = (answer,) if isinstance(answer, str) else tuple(answer)
        for option_id in ids:
            self.option(option_id)
        ordered = [o.id for o in self.options if o.id in ids]
        return tuple(ordered)


@dataclass(frozen=True)
class Verdict:
    """How one answer to one question went, with the reasons to show the learner."""

    question: Question
    chosen: tuple[str, ...]
    correct: bool

    @property
    def chosen_feedback(self) -> list[tuple[Choice, bool]]:
        """Each chosen option with whether it was right to choose it."""
        return [(self.question.option(i), i in self.question.correct) for i in self.chosen]

    @property
    def missed(self) -> list[Choice]:
        """Right options the learner did not choose (only shown for tick-all-that-apply questions)."""
        return [o for o in self.question.options if o.id in self.question.correct and o.id not in self.chosen]


@dataclass(frozen=True)
class Item:
    """One scenario, statement or vignette: what the learner reads, then the questions about it."""

    id: str
    title: str
    body_html: str
    questions: tuple[Question, ...]
    references: tuple[str, ...] = ()


@dataclass
class ActivityRun:
    """A learner's way through a sequence of items, recording each check in their progress."""

    activity: str
    module: str
    items: Sequence[Item]
    noun: str = "question"
    progress: Progress = field(kw_only=True)
    index: int = 0
    answers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    verdicts: list[Verdict] | None = None
    revealed: bool = False
    first_try: dict[str, bool] = field(default_factory=dict)

    def __post_init__(self):
        if not self.items:
            raise ValueError(f"the activity {self.activity!r} has no items to show")

    @property
    def item(self) -> Item:
        return self.items[self.index]

    @property
    def position(self) -> str:
        return f"{self.noun.capitalize()} {self.index + 1} of {len(self.items)}"

    @property
    def score(self) -> int:
        """Items answered fully right at the first check."""
        return sum(self.first_try.values())

    @property
    def score_text(self) -> str:
        return f"Right first time: {self.score} of {len(self.first_try)} answered"

    @property
    def checked(self) -> bool:
        return self.verdicts is not None

    @property
    def all_right(self) -> bool:
        return bool(self.verdicts) and all(v.correct for v in self.verdicts)

    @property
    def is_last(self) -> bool:
        return self.index == len(self.items) - 1

    @property
    def finished(self) -> bool:
        return self.is_last and self.checked and (self.all_right or self.revealed)

    def choose(self, question_id: str, answer: str | Iterable[str] | None) -> None:
        question = self._question(question_id)
        self.answers[question_id] = question.normalise(answer)

    def unanswered(self) -> list[Question]:
        return [q for q in self.item.questions if not self.answers.get(q.id)]

    def check(self) -> list[Verdict]:
        """Mark every question of the current item and record the attempt."""
        missing = self.unanswered()
        if missing:
            raise ValueError("Choose an answer first: " + "; ".join(q.prompt for q in missing))
        self.verdicts = [q.check(self.answers[q.id]) for q in self.item.questions]
        self.first_try.setdefault(self.item.id, all(v.correct for v in self.verdicts))
        for verdict in self.verdicts:
            answer = list(verdict.chosen) if verdict.question.multiple else verdict.chosen[0]
            self.progress.record_attempt(self.module, self.activity, f"{self.item.id}/{verdict.question.id}",
                                         answer, verdict.correct)
        return self.verdicts

    def reveal(self) -> list[Question]:
        """Give up on the current item: the questions whose right answers should now be shown."""
        if not self.checked:
            raise ValueError("Check an answer before asking for the right one")
        self.revealed = True
        return list(self.item.questions)

    def try_again(self) -> list[Question]:
        """Clear the answers that were wrong (keeping the right ones) and return those questions."""
        wrong = [v.question for v in self.verdicts or () if not v.correct]
        for question in wrong:
            self.answers.pop(question.id, None)
        self.verdicts = None
        self.revealed = False
        return wrong

    def next(self) -> None:
        if self.is_last:
            raise ValueError(f"this is the last {self.noun}")
        self.index += 1
        self.answers = {}
        self.verdicts = None
        self.revealed = False

    def _question(self, question_id: str) -> Question:
        for question in self.item.questions:
            if question.id == question_id:
                return question
        raise ValueError(f"{question_id!r} is not a question of {self.item.id!r}")
