"""Module 03's first activity: moments when the caregiver is stressed, and what helps both of them calm down."""

from __future__ import annotations

from course import keys
from course.progress import Progress, learner_progress
from course.views.activity import ActivityWidget
from course.views.scenario import scenario_activity, scenarios_for

__all__ = ["stress_scenarios"]

MODULE = "03"


def stress_scenarios(topic: str | None = None, *, progress: Progress | None = None) -> ActivityWidget:
    """Work through the caregiver-stress scenarios, optionally only those on one topic ("stress" or "caregiver")."""
    scenarios = scenarios_for("stress_scenarios", MODULE, topic, "caregiver-stress scenarios")
    title = "Caring for the caregiver: scenarios" + (f" about {topic}" if topic else "")
    return scenario_activity(scenarios, keys.STRESS_SCENARIOS, MODULE, title, progress=progress or learner_progress())
