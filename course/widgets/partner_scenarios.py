"""Module 05's scenarios: everyday moments where a father or partner is the baby's main carer."""

from __future__ import annotations

from course.activity_view import ActivityWidget
from course.content import load_content
from course.progress import Progress
from course.scenario import scenario_activity

__all__ = ["partner_scenarios"]

MODULE = "05"


def partner_scenarios(topic: str | None = None, *, progress: Progress | None = None) -> ActivityWidget:
    """Work through the father-and-partner scenarios one at a time, optionally only those on one topic."""
    scenarios = [s for s in load_content()["partner_scenarios"] if s.module == MODULE]
    if topic is not None:
        topics = sorted({s.topic for s in scenarios})
        scenarios = [s for s in scenarios if s.topic == topic]
        if not scenarios:
            raise ValueError(f"There are no partner scenarios on {topic!r}. "
                             f"Try one of: {', '.join(map(repr, topics))}, or leave the brackets empty for all.")
    title = "Fathers and partners as main carers: scenarios" + (f" about {topic}" if topic else "")
    return scenario_activity(scenarios, "partner-scenarios", MODULE, title, progress=progress)
