"""Module 06's myth-or-fact quiz: statements a practitioner will hear, each settled by the evidence."""

from __future__ import annotations

import html

from course import keys
from course.content import Record, load_content
from course.models.activity import ActivityRun, Item, Question
from course.progress import Progress, learner_progress
from course.views.activity import ActivityWidget

__all__ = ["myth_or_fact"]

MODULE = "06"


class MythOrFactWidget(ActivityWidget):
    """The usual activity view, plus the evidence behind each statement once it has been checked."""

    def __init__(self, run: ActivityRun, title: str, cites: dict[str, str]):
        self.cites = cites
        super().__init__(run, title)

    def footer_html(self) -> str:
        evidence = "; ".join(self.cites[ref] for ref in self.run.item.references)
        return (f"<p><small>Evidence: {html.escape(evidence)} (full references at the end of this "
                "notebook).</small></p>")


def myth_item(record: Record) -> Item:
    body = f"<blockquote><p>“{html.escape(record.statement)}”</p></blockquote>"
    return Item(record.id, f"{record.said_by}:", body, (Question.from_record(record.question),),
                tuple(record.references))


def myth_or_fact(*, progress: Progress | None = None) -> MythOrFactWidget:
    """Decide whether each statement is a myth or a fact, and see the evidence either way."""
    content = load_content()
    records = [m for m in content["myths"] if m.module == MODULE]
    cites = {ref_id: ref.cite for ref_id, ref in content.references.items()}
    run = ActivityRun(keys.MYTH_OR_FACT, MODULE, [myth_item(r) for r in records], noun="statement",
                      progress=progress or learner_progress())
    return MythOrFactWidget(run, "Myth or fact?", cites)
