"""Test a claim against the evidence: weigh each piece of evidence, then give a verdict.

Practitioners meet confident claims in leaflets and on social media; this activity practises the habit of
asking what each study actually shows before deciding whether a claim holds.
"""

from __future__ import annotations

import html

from course import keys
from course.content import Content, Record, load_content
from course.models.activity import ActivityRun, Choice, Item, Question
from course.progress import Progress, learner_progress
from course.views.activity import ActivityWidget

__all__ = ["claim_check"]

BEARINGS = {"supports": "Supports the claim", "weakens": "Weakens the claim", "neither": "Says nothing either way"}
SAYS = {"supports": "supports the claim", "weakens": "weakens the claim", "neither": "says nothing either way"}
VERDICTS = {"supported": "Supported by the evidence", "unsupported": "Not supported by the evidence",
            "mixed": "Mixed: partly supported, partly not"}


def evidence_question(number: int, evidence: Record, content: Content) -> Question:
    """How one piece of evidence bears on the claim; every option's feedback explains the evidence."""
    cites = "; ".join(content.references[r].cite for r in evidence.references)
    prompt = f"Evidence {number}: {evidence.text.rstrip('.')} ({cites}). How does this bear on the claim?"
    options = tuple(Choice(bears, text, evidence.why if bears == evidence.bears
                           else f"Look again: this evidence {SAYS[evidence.bears]}. {evidence.why}")
                    for bears, text in BEARINGS.items())
    return Question(evidence.id, prompt, options, frozenset({evidence.bears}))


def claim_item(claim: Record, content: Content) -> Item:
    body = (f"<p><strong>The claim:</strong> “{html.escape(claim.claim)}”</p>"
            f"<p><strong>Where you might meet it:</strong> {html.escape(claim.where_from)}</p>"
            "<p>Weigh each piece of evidence, then give your verdict on the claim as a whole.</p>")
    verdict = Question("verdict", "Your verdict: what does the evidence as a whole say about the claim?",
                       tuple(Choice(v, text, claim.verdict_feedback[v]) for v, text in VERDICTS.items()),
                       frozenset({claim.verdict}))
    questions = tuple(evidence_question(n, e, content) for n, e in enumerate(claim.evidence, 1)) + (verdict,)
    references = tuple(dict.fromkeys(r for e in claim.evidence for r in e.references))
    return Item(claim.id, claim.title, body, questions, references)


def claim_check(module: str = "05", *, progress: Progress | None = None) -> ActivityWidget:
    """Test the module's claims against the evidence, one claim at a time."""
    content = load_content()
    claims = [c for c in content["claims"] if c.module == module]
    if not claims:
        having = sorted({c.module for c in content["claims"]})
        raise ValueError(f"There are no claims to check for module {module!r} in data/claims.yaml. "
                         f"Modules with claims: {', '.join(map(repr, having))}.")
    run = ActivityRun(keys.CLAIM_CHECK, module, [claim_item(c, content) for c in claims], noun="claim",
                      progress=progress or learner_progress())
    return ActivityWidget(run, "Claim or evidence? Test a claim against the research")
