"""The names a learner's saved work is kept under in their progress: activity ids and document keys.

A learner's answers, plans and accounts are found again by these names after the course is upgraded, so a
released name never changes (``tests/test_keys.py`` pins them): add a new name rather than rename one.
Reflections are kept under the prompt ids the notebooks give (``reflection("02-cues", ...)``).
"""

from __future__ import annotations

__all__ = ["ACTIVITIES", "CLAIM_CHECK", "CUE_SCENARIOS", "CUE_SORT", "DOCUMENTS", "KNOWLEDGE_CHECK", "MYTH_OR_FACT",
           "PARTNER_SCENARIOS", "REFLECTIVE_ACCOUNT", "RISK_VIGNETTES", "SELF_CARE_PLAN", "STRESS_SCENARIOS",
           "UNDERSTANDING_CHECK"]

# Activity ids: every attempt is recorded under one (with the module and the item's own content id).
CUE_SCENARIOS = "cue-scenarios"
CUE_SORT = "cue-sort"
STRESS_SCENARIOS = "stress-scenarios"
PARTNER_SCENARIOS = "partner-scenarios"
RISK_VIGNETTES = "risk-vignettes"
MYTH_OR_FACT = "myth-or-fact"
UNDERSTANDING_CHECK = "understanding-check"
CLAIM_CHECK = "claim-check"
KNOWLEDGE_CHECK = {"before": "knowledge-check-before", "after": "knowledge-check-after"}

# Document keys: a saved document (a whole plan or account) is kept under one, with its module.
SELF_CARE_PLAN = "03-self-care-plan"
REFLECTIVE_ACCOUNT = "07-reflective-account"

ACTIVITIES = (CUE_SCENARIOS, CUE_SORT, STRESS_SCENARIOS, PARTNER_SCENARIOS, RISK_VIGNETTES, MYTH_OR_FACT,
              UNDERSTANDING_CHECK, CLAIM_CHECK, *KNOWLEDGE_CHECK.values())
DOCUMENTS = (SELF_CARE_PLAN, REFLECTIVE_ACCOUNT)
