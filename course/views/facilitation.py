"""The facilitator's guides as Markdown: a 45 to 60 minute group discussion for each module, on its own cases.

Solo e-learning is not participatory CPD for the NMC; a facilitated group discussion is. The guides live in
``data/facilitation.yaml``; this lays one out with each case's situation in full, so a facilitator needs nothing
else to run the session (``course facilitation``; docs/facilitation.md is this output).
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["facilitation_markdown"]

TITLE_FIELDS = ("title", "name", "statement", "claim")
SITUATION_FIELDS = ("context", "baby_does", "case", "description", "statement", "claim")


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _case(content: Mapping, reference: str) -> list[str]:
    collection, record_id = reference.split("/", 1)
    record = content.record(collection, record_id)
    title = next(_one_line(getattr(record, f)) for f in TITLE_FIELDS if getattr(record, f, None))
    situation = [_one_line(getattr(record, f)) for f in SITUATION_FIELDS
                 if getattr(record, f, None) and _one_line(getattr(record, f)) != title]
    return [f"- **{title}** (`{reference}`)" + (f": {' '.join(situation)}" if situation else "")]


def _guide(content: Mapping, guide) -> list[str]:
    module = content.record("modules", guide.module)
    lines = [f"## Module {guide.module}: {guide.title}", "",
             f"For a group who have worked through module {guide.module}, *{module.title}*. "
             f"About {guide.minutes} minutes.", "", f"**Before the session.** {_one_line(guide.prepare)}", "",
             "| Minutes | Part |", "|---|---|"]
    lines += [f"| {segment['minutes']} | {segment['title']} |" for segment in guide.segments]
    lines.append("")
    for number, segment in enumerate(guide.segments, 1):
        lines += [f"### {number}. {segment['title']} ({segment['minutes']} minutes)", "", _one_line(segment["what"]),
                  ""]
        if segment.get("cases"):
            lines += ["Cases from the module:", ""]
            for reference in segment["cases"]:
                lines += _case(content, reference)
            lines.append("")
        lines += ["Questions for the group:", ""] + [f"- {_one_line(q)}" for q in segment["questions"]] + [""]
    lines += ["### What to record", ""] + [f"- {_one_line(item)}" for item in guide.record] + [""]
    return lines


def facilitation_markdown(content: Mapping, module: str | None = None) -> str:
    """Every guide (or one module's) as one Markdown page, in module order."""
    guides = [g for g in content["facilitation"] if module in (None, g.module)]
    lines = ["# Facilitator's guides: group discussions for participatory CPD", "",
             "Working through this course alone counts towards a nurse's or midwife's CPD hours, but not towards "
             "the 20 participatory hours the NMC asks for: those need learning with other professionals (NMC "
             "revalidation guidance on CPD). Each guide below is a group discussion of one module's own cases, led "
             "by a facilitator. Participants add the session to their CPD record in module 07, with its date, its "
             "length and the facilitator's name; the facilitator keeps a list of who took part, to confirm it.", "",
             "Ground rules for every session: nobody shares anything that could identify a family, a patient or a "
             "colleague, and nobody has to share anything about their own life.", ""]
    for guide in sorted(guides, key=lambda g: g.module):
        lines += _guide(content, guide)
    return "\n".join(lines).rstrip() + "\n"
