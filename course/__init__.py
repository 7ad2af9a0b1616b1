"""Secure Attachment: an evidence-based Jupyter course on infant secure attachment.

Learners need one import line, so every activity factory is reachable as ``from course import <factory>``
(each module of ``course.widgets`` is named after the one factory it exports). The factories are imported on
first use, so ``import course`` and ``course validate`` never load the widget libraries; ``__all__`` and the
``TYPE_CHECKING`` imports below let IDEs and linters see them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

__all__ = [
    "attachment_patterns",
    "claim_check",
    "course_map",
    "cpd_record",
    "cue_scenarios",
    "cue_sort",
    "glossary",
    "knowledge_check",
    "learner_support",
    "learning_record",
    "learning_record_store",
    "myth_or_fact",
    "partner_scenarios",
    "reference_list",
    "reflection",
    "repair_simulator",
    "risk_vignettes",
    "self_care_plan",
    "signposting",
    "standards_mapping",
    "stress_scenarios",
    "understanding_check",
]

if TYPE_CHECKING:
    from course.widgets.attachment_patterns import attachment_patterns
    from course.widgets.claim_check import claim_check
    from course.widgets.course_map import course_map
    from course.widgets.cpd_record import cpd_record
    from course.widgets.cue_scenarios import cue_scenarios
    from course.widgets.cue_sort import cue_sort
    from course.widgets.glossary import glossary
    from course.widgets.knowledge_check import knowledge_check
    from course.widgets.learner_support import learner_support
    from course.widgets.learning_record import learning_record
    from course.widgets.learning_record_store import learning_record_store
    from course.widgets.myth_or_fact import myth_or_fact
    from course.widgets.partner_scenarios import partner_scenarios
    from course.widgets.reference_list import reference_list
    from course.widgets.reflection import reflection
    from course.widgets.repair_simulator import repair_simulator
    from course.widgets.risk_vignettes import risk_vignettes
    from course.widgets.self_care_plan import self_care_plan
    from course.widgets.signposting import signposting
    from course.widgets.standards_mapping import standards_mapping
    from course.widgets.stress_scenarios import stress_scenarios
    from course.widgets.understanding_check import understanding_check


def __getattr__(name: str):
    if name not in __all__:
        raise AttributeError(f"module 'course' has no attribute {name!r}")
    return getattr(importlib.import_module(f"course.widgets.{name}"), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
