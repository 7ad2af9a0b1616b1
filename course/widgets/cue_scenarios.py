"""Module 02's signature activity: read a baby's cues in realistic moments, and choose what to do."""

from __future__ import annotations

from course.activity_view import ActivityWidget
from course.content import load_content
from course.progress import Progress
from course.scenario import scenario_activity

__all__ = ["cue_scenarios"]

MODULE = "02"


def cue_scenarios(topic: str | None = None, *, progress: Progress | None = None) -> ActivityWidget:
    """Work through the cue-reading scenarios one at a time, optionally only those on one topic."""
    scenarios = [s for s in load_content()["scenarios"] if s.module == MODULE]
    if topic is not None:
        topics = sorted({s.topic for s in scenarios})
        scenarios = [s for s in scenarios if s.topic == topic]
        if not scenarios:
            raise ValueError(f"There are no cue-reading scenarios on {topic!r}. "
                             f"Try one of: {', '.join(map(repr, topics))}, or leave the brackets empty for all.")
    title = "Reading cues: scenarios" + (f" about {topic}" if topic else "")
    return scenario_activity(scenarios, "cue-scenarios", MODULE, title, progress=progress)
