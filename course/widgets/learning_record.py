"""Module 07's learning record: what the learner has done so far, module by module, from their progress only.

The counting (``module_records``, in ``course.models.cpd`` so the CPD record's PDF says the same) is plain Python that
can be checked without Jupyter; the widget draws it as a table, a figure with a text alternative, and the
reflections the learner has saved.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

import ipywidgets as widgets

from course.content import load_content
from course.models.activity import paragraphs
from course.models.cpd import ModuleRecord, knowledge_check_scores, module_records
from course.plots import figure_html
from course.plots.learning_record import describe, learning_record_figure
from course.progress import Progress, Reflection, learner_progress
from course.views.activity import NOTE, feedback_html

__all__ = ["learning_record"]

def _when(stamp: str | None) -> str:
    return datetime.fromisoformat(stamp).strftime("%d %b %Y, %H:%M UTC") if stamp else "—"


def table_html(rows: Sequence[ModuleRecord]) -> str:
    head = ("<tr><th scope='col'>Module</th><th scope='col'>Activities attempted</th><th scope='col'>Items tried</th>"
            "<th scope='col'>Right first time</th><th scope='col'>Reflections saved</th>"
            "<th scope='col'>Last active</th></tr>")
    body = "".join(
        f"<tr><th scope='row' style='text-align:left'>{html.escape(r.module)} {html.escape(r.title)}</th>"
        f"<td>{r.activities}</td><td>{r.items}</td>"
        f"<td>{'—' if r.percent_right is None else f'{r.percent_right}% ({r.right_first_time} of {r.items})'}</td>"
        f"<td>{r.reflections}</td><td>{_when(r.last_active)}</td></tr>" for r in rows)
    return (f"<table class='sa-record'><caption>Your learning record, module by module</caption>"
            f"<thead>{head}</thead><tbody>{body}</tbody></table>")


def skipped_html(skipped: Sequence[Reflection], titles: dict[str, str]) -> str:
    if not skipped:
        return ""
    items = "".join(f"<li>Module {html.escape(note.module)}: {html.escape(titles.get(note.module, ''))} "
                    f"({html.escape(note.prompt)})</li>" for note in skipped)
    return f"<p>Skipped by choice (every reflection is optional):</p><ul class='sa-skipped-reflections'>{items}</ul>"


def reflections_html(reflections: Sequence[Reflection], titles: dict[str, str],
                     skipped: Sequence[Reflection] = ()) -> str:
    if not reflections:
        return ("<h3>Your reflections</h3><p>No reflections saved yet. Each module ends with one: write a few "
                "sentences and press <em>Save reflection</em>, and they will appear here.</p>"
                + skipped_html(skipped, titles))
    parts = ["<h3>Your reflections</h3>", skipped_html(skipped, titles)]
    for note in reflections:
        module = f"Module {note.module}: {titles.get(note.module, '')}".rstrip(": ")
        parts.append(f"<section class='sa-saved-reflection'><h4>{html.escape(module)} "
                     f"<small>({html.escape(note.prompt)}, saved {_when(note.updated)})</small></h4>"
                     f"{paragraphs(note.text)}</section>")
    return "".join(parts)


class LearningRecordWidget(widgets.VBox):
    """The table, the figure (or a note when nothing is done yet) and the saved reflections, with a refresh."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.rows: list[ModuleRecord] = []
        self.knowledge_check = widgets.HTML()
        self.table = widgets.HTML()
        self.figure = widgets.HTML()
        self.reflections = widgets.HTML()
        self.refresh_button = widgets.Button(description="Refresh record", icon="refresh",
                                             tooltip="Read your progress again, after doing more activities")
        self.refresh_button.on_click(lambda _: self.refresh())
        super().__init__([widgets.HTML("<h3>Your learning record</h3>"), self.refresh_button, self.knowledge_check,
                          self.table, self.figure, self.reflections], layout=widgets.Layout(max_width="900px"))
        self.add_class("sa-learning-record")
        self.refresh()

    def refresh(self) -> None:
        modules = load_content()["modules"]
        titles = {m.id: m.title for m in modules}
        self.rows = module_records(self.progress, modules)
        saved = self.progress.reflections()
        self.table.value = table_html(self.rows)
        self.knowledge_check.value = self._knowledge_check_html()
        if any(r.items for r in self.rows):
            alt = describe(self.rows)
            self.figure.value = figure_html(learning_record_figure(self.rows), alt, alt)
        else:
            self.figure.value = feedback_html(
                NOTE, "You have not tried any activities yet, so there is no chart to show. Work through a module's "
                "activities and press Refresh record: your progress will appear here.", "Nothing recorded yet")
        self.reflections.value = reflections_html(saved, titles, self.progress.skipped_reflections())

    def _knowledge_check_html(self) -> str:
        scores = knowledge_check_scores(self.progress)
        if not scores:
            return "<p>Knowledge check: not taken yet.</p>"
        said = [f"{'before' if stage == 'before' else 'after'} the course, {right} of {tried} right first time"
                for stage, (right, tried) in scores.items()]
        return f"<p><strong>Knowledge check:</strong> {html.escape('; '.join(said))}.</p>"


def learning_record(*, progress: Progress | None = None) -> LearningRecordWidget:
    """Show what you have done so far: every module's activities, scores and your saved reflections."""
    return LearningRecordWidget(progress or learner_progress())
