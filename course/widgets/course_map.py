"""The course at a glance: every module with its time, what it covers, and how far the learner has got."""

from __future__ import annotations

import html

import ipywidgets as widgets

from course.content import load_content
from course.progress import Progress, learner_progress

__all__ = ["course_map"]


def _status(attempts: int, reflections: int) -> str:
    if not attempts and not reflections:
        return "Not started"
    return f"Started: {attempts} answer(s) checked, {reflections} reflection(s) saved"


def course_map(*, progress: Progress | None = None) -> widgets.HTML:
    """A table of the modules, linked to their notebooks, with the learner's progress in words."""
    progress = progress or learner_progress()
    attempts, reflections = progress.attempts(), progress.reflections()
    rows = []
    for module in load_content()["modules"]:
        done = sum(a.module == module.id for a in attempts)
        kept = sum(r.module == module.id for r in reflections)
        link = f'<a href="{html.escape(module.notebook)}">{html.escape(module.title)}</a>'
        rows.append(f"<tr><th scope='row'>{module.id}</th><td>{link}</td><td>about {module.minutes} min</td>"
                    f"<td>{html.escape(module.summary)}</td><td>{_status(done, kept)}</td></tr>")
    total = sum(m.minutes for m in load_content()["modules"])
    table = ("<table class='sa-course-map'><caption>The modules, in order "
             f"(about {total // 60} h {total % 60} min in all)</caption>"
             "<thead><tr><th scope='col'>#</th><th scope='col'>Module</th><th scope='col'>Time</th>"
             "<th scope='col'>What it covers</th><th scope='col'>Your progress</th></tr></thead>"
             f"<tbody>{''.join(rows)}</tbody></table>"
             f"<p>Your progress is kept on this computer in <code>{html.escape(str(progress.path))}</code>.</p>")
    widget = widgets.HTML(table)
    widget.add_class("sa-course-map")
    return widget
