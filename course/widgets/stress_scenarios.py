"""Module 03's first activity: moments when the caregiver is stressed, and what helps both of them calm down."""

from __future__ import annotations

from course.activity_view import ActivityWidget
from course.content import load_content
from course.progress import Progress
from course.scenario import scenario_activity

__all__ = ["stress_scenarios"]

MODULE = "03"


def stress_scenarios(topic: str | None = None, *, progress: Progress | None = None) -> ActivityWidget:
    """Work through the caregiver-stress scenarios, optionally only those on one topic ("stress" or "caregiver")."""
    scenarios = [s for s in load_content()["stress_scenarios"] if s.module == MODULE]
    if topic is not None:
        topics = sorted({s.topic for s in scenarios})
        scenarios = [s for s in scenarios if s.topic == topic]
        if not scenarios:
            raise ValueError(f"There are no caregiver-stress scenarios on {topic!r}. "
                             f"Try one of: {', '.join(map(repr, topics))}, or leave the brackets empty for all.")
    title = "Caring for the caregiver: scenarios" + (f" about {topic}" if topic else "")
    return scenario_activity(scenarios, "stress-scenarios", MODULE, title, progress=progress)
