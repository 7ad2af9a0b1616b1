"""Module 04's activity: read a case, tick the risk factors present, and choose the most appropriate next step.

The tick boxes are the risk factors of data/risk_factors.yaml, so every vignette asks the same checklist a
practitioner would run through, and a vignette's ``factors`` only says why each one is or is not present.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from course import keys
from course.content import Record, load_content
from course.models.activity import ActivityRun, Choice, Item, Question, paragraphs
from course.progress import Progress, learner_progress
from course.views.activity import ActivityWidget
from course.widgets.signposting import contacts_by_urgency

__all__ = ["risk_vignettes"]

MODULE = "04"
FACTORS_PROMPT = "Which risk factors are present?"
NEXT_STEP_PROMPT = "What is the most appropriate next step?"


class VignetteWidget(ActivityWidget):
    """The usual activity view, plus who the family could contact once a case has been checked."""

    def __init__(self, run: ActivityRun, title: str, contacts: dict[str, list[Record]],
                 red_flags: dict[str, list[Record]]):
        self.contacts = contacts
        self.red_flags = red_flags
        super().__init__(run, title)

    def footer_html(self) -> str:
        flags = self.red_flags.get(self.run.item.id)
        contacts = self.contacts.get(self.run.item.id)
        parts = []
        if flags:
            items = "".join(f"<li><strong>{html.escape(f.sign)}</strong> {html.escape(f.action)}</li>" for f in flags)
            parts.append(f'<div class="sa-vignette-red-flags"><h5>Red flags in this case</h5><ul>{items}</ul></div>')
        if contacts:
            parts.append(f'<div class="sa-vignette-contacts"><h5>Who to contact</h5>{contacts_by_urgency(contacts)}'
                         "</div>")
        return "".join(parts)


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


def risk_vignettes(*, progress: Progress | None = None) -> VignetteWidget:
    """Work through the risk-factor vignettes one case at a time, seeing who to contact once each is checked."""
    content = load_content()
    vignettes = [v for v in content["vignettes"] if v.module == MODULE]
    items = [vignette_item(v, content["risk_factors"]) for v in vignettes]
    contacts = {c.id: c for c in content.get("signposting", ())}
    flags = {r.id: r for r in content["urgency"] if r.kind == "red-flag"}
    run = ActivityRun(keys.RISK_VIGNETTES, MODULE, items, noun="vignette", progress=progress or learner_progress())
    return VignetteWidget(run, f"{content.record('modules', MODULE).title}: case vignettes",
                          {v.id: [contacts[c] for c in v.get("contacts", ())] for v in vignettes},
                          {v.id: [flags[f] for f in v.get("red_flags", ())] for v in vignettes})
