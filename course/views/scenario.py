"""Turn scenario records into activity items, so any module can run the scenario engine."""

from __future__ import annotations

import html
from collections.abc import Sequence

from course.content import Record, load_content
from course.models.activity import ActivityRun, Item, Question, paragraphs
from course.progress import Progress
from course.views.activity import ActivityWidget

__all__ = ["scenario_item", "scenario_activity", "scenario_widget", "scenarios_for"]


def scenario_item(record: Record) -> Item:
    body = (f"<p><strong>Baby's age:</strong> {html.escape(record.age)}</p>"
            f"<p><strong>The moment:</strong> {html.escape(record.context)}</p>"
            f"<p><strong>What the baby does:</strong></p>{paragraphs(record.baby_does)}")
    return Item(record.id, record.title, body, tuple(Question.from_record(q) for q in record.questions),
                tuple(record.references))


def scenario_activity(records: Sequence[Record], activity: str, module: str, title: str,
                      progress: Progress) -> ActivityWidget:
    run = ActivityRun(activity, module, [scenario_item(r) for r in records], noun="scenario", progress=progress)
    return ActivityWidget(run, title)


def scenarios_for(collection: str, module: str, topic: str | None, what: str) -> list[Record]:
    """One module's scenarios from one data file, optionally only those on one topic.

    A topic with no scenarios is an error that lists the topics there are, so a learner's typo is easy to fix.
    """
    scenarios = [s for s in load_content()[collection] if s.module == module]
    if topic is None:
        return scenarios
    chosen = [s for s in scenarios if s.topic == topic]
    if not chosen:
        topics = sorted({s.topic for s in scenarios})
        raise ValueError(f"There are no {what} on {topic!r}. "
                         f"Try one of: {', '.join(map(repr, topics))}, or leave the brackets empty for all.")
    return chosen


def scenario_widget(collection: str, activity: str, module: str, topic: str | None, what: str, title: str,
                    progress: Progress) -> ActivityWidget:
    """A module's scenarios from ``collection`` (optionally one topic) as an activity titled ``title``."""
    scenarios = scenarios_for(collection, module, topic, what)
    return scenario_activity(scenarios, activity, module, title + (f" about {topic}" if topic else ""), progress)
