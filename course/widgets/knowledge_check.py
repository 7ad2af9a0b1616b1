"""The same short knowledge check before the course and after it, so learners can see what they learned."""

from __future__ import annotations

from course import keys
from course.content import load_content
from course.models.activity import ActivityRun, Item, Question
from course.progress import Progress, learner_progress
from course.views.activity import ActivityWidget

__all__ = ["knowledge_check"]

STAGES = {"before": ("00", keys.KNOWLEDGE_CHECK["before"], "before you start"),
          "after": ("07", keys.KNOWLEDGE_CHECK["after"], "after the course")}


def knowledge_check(stage: str = "before", *, progress: Progress | None = None) -> ActivityWidget:
    """Ten questions across the course; ``stage`` is "before" (module 00) or "after" (module 07)."""
    if stage not in STAGES:
        raise ValueError(f"knowledge_check() takes 'before' or 'after', not {stage!r}")
    module, activity, when = STAGES[stage]
    content = load_content()
    titles = {m.id: m.title for m in content["modules"]}
    items = [Item(r.id, f"Topic: {titles[r.module]} (module {r.module})", "",
                  (Question.from_record(r.question),), tuple(r.references))
             for r in content["knowledge_check"]]
    run = ActivityRun(activity, module, items, noun="question", progress=progress or learner_progress())
    return ActivityWidget(run, f"Knowledge check, {when}")
