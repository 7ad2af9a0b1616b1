"""Module 04's activity: read a case, tick the risk factors present, and choose the most appropriate next step.

The tick boxes are the risk factors of data/risk_factors.yaml, so every vignette asks the same checklist a
practitioner would run through, and a vignette's ``factors`` only says why each one is or is not present.
"""

from __future__ import annotations

from collections.abc import Sequence

from course.activity import ActivityRun, Choice, Item, Question, paragraphs
from course.activity_view import ActivityWidget
from course.content import Content, ContentError, Problem, Record, load_content
from course.progress import Progress

__all__ = ["risk_vignettes"]

MODULE = "04"
FACTORS_PROMPT = "Which risk factors are present?"
NEXT_STEP_PROMPT = "What is the most appropriate next step?"


def check_factor_ids(content: Content) -> None:
    """Run by content validation: every factor a vignette offers must be a risk factor of risk_factors.yaml."""
    names = [f.id for f in content.get("risk_factors", ())]
    problems = [Problem(f"{content.directory.name}/vignettes.yaml", None, f"'{v.id}'", f"factors.options[{i}].id",
                        f"'{o.id}' is not a risk factor in risk_factors.yaml (expected one of: {', '.join(names)})")
                for v in content["vignettes"] for i, o in enumerate(v.factors.options) if o.id not in names]
    if problems:
        raise ContentError(problems)


def vignette_item(vignette: Record, risk_factors: Sequence[Record]) -> Item:
    """One vignette as an activity item; its factor options appear in the order of risk_factors.yaml."""
    names = {f.id: f.name for f in risk_factors}
    feedback = {o.id: o.feedback for o in vignette.factors.options}
    factors = Question("factors", FACTORS_PROMPT,
                       tuple(Choice(fid, names[fid], feedback[fid]) for fid in names if fid in feedback),
                       frozenset(vignette.factors.correct), multiple=True)
    step = vignette.next_step
    next_step = Question("next-step", NEXT_STEP_PROMPT,
                         tuple(Choice(o.id, o.text, o.feedback) for o in step.options), frozenset((step.correct,)))
    return Item(vignette.id, vignette.title, paragraphs(vignette.case), (factors, next_step),
                tuple(vignette.references))


def risk_vignettes(*, progress: Progress | None = None) -> ActivityWidget:
    """Work through the risk-factor vignettes one case at a time."""
    content = load_content()
    vignettes = [v for v in content["vignettes"] if v.module == MODULE]
    items = [vignette_item(v, content["risk_factors"]) for v in vignettes]
    run = ActivityRun("risk-vignettes", MODULE, items, noun="vignette", progress=progress)
    return ActivityWidget(run, f"{content.record('modules', MODULE).title}: case vignettes")
