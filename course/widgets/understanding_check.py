"""A short check-your-understanding quiz for the end of any module, drawn from data/checks.yaml."""

from __future__ import annotations

import html

from course import keys
from course.content import Content, Record, load_content
from course.models.activity import ActivityRun, Item, Question
from course.progress import Progress, learner_progress
from course.views.activity import ActivityWidget

__all__ = ["understanding_check"]



def check_item(record: Record, content: Content) -> Item:
    """One question as an activity item, naming the evidence it rests on."""
    cites = "; ".join(content.references[r].cite for r in record.references)
    body = f"<p><small>Based on: {html.escape(cites)}</small></p>"
    return Item(record.id, record.topic, body, (Question.from_record(record),), tuple(record.references))


def understanding_check(module: str, *, progress: Progress | None = None) -> ActivityWidget:
    """Ask the module's check-your-understanding questions one at a time, with feedback on every option."""
    content = load_content()
    checks = content["checks"]
    records = [c for c in checks if c.module == module]
    if not records:
        having = sorted({c.module for c in checks})
        raise ValueError(f"There are no check-your-understanding questions for module {module!r} in "
                         f"data/checks.yaml. Modules with questions: {', '.join(map(repr, having))}. "
                         "Give the module number as text with two digits, such as '01'.")
    title = content.record("modules", module).title
    run = ActivityRun(keys.UNDERSTANDING_CHECK, module, [check_item(r, content) for r in records],
                      progress=progress or learner_progress())
    return ActivityWidget(run, f"Check your understanding: {title}")
