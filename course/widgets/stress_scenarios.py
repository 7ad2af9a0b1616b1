"""Module 03's first activity: moments when the caregiver is stressed, and what helps both of them calm down."""

from __future__ import annotations

from course import keys
from course.progress import Progress, learner_progress
from course.views.activity import ActivityWidget
from course.views.scenario import scenario_widget

__all__ = ["stress_scenarios"]

MODULE = "03"


def stress_scenarios(topic: str | None = None, *, progress: Progress | None = None) -> ActivityWidget:
    """Work through the caregiver-stress scenarios, optionally only those on one topic ("stress" or "caregiver")."""
    return scenario_widget("stress_scenarios", keys.STRESS_SCENARIOS, MODULE, topic, "caregiver-stress scenarios",
                           "Caring for the caregiver: scenarios", progress or learner_progress())
