"""Module 05's scenarios: everyday moments where a father or partner is the baby's main carer."""

from __future__ import annotations

from course import keys
from course.progress import Progress, learner_progress
from course.views.activity import ActivityWidget
from course.views.scenario import scenario_widget

__all__ = ["partner_scenarios"]

MODULE = "05"


def partner_scenarios(topic: str | None = None, *, progress: Progress | None = None) -> ActivityWidget:
    """Work through the father-and-partner scenarios one at a time, optionally only those on one topic."""
    return scenario_widget("partner_scenarios", keys.PARTNER_SCENARIOS, MODULE, topic, "partner scenarios",
                           "Fathers and partners as main carers: scenarios", progress or learner_progress())
