"""Module 02's signature activity: read a baby's cues in realistic moments, and choose what to do."""

from __future__ import annotations

from course import keys
from course.progress import Progress, learner_progress
from course.views.activity import ActivityWidget
from course.views.scenario import scenario_widget

__all__ = ["cue_scenarios"]

MODULE = "02"


def cue_scenarios(topic: str | None = None, *, progress: Progress | None = None) -> ActivityWidget:
    """Work through the cue-reading scenarios one at a time, optionally only those on one topic."""
    return scenario_widget("scenarios", keys.CUE_SCENARIOS, MODULE, topic, "cue-reading scenarios",
                           "Reading cues: scenarios", progress or learner_progress())
