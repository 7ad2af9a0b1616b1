"""The cohort report and its mark scheme page as HTML, from Jinja2 templates shipped in the package.

Both pages are self-contained (the histogram is embedded, nothing is fetched) and escape everything they show:
the templates autoescape, so a student's answer or name can never become markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from course.grading.report import cohort_statistics as stats
from course.grading.report.cohort_statistics import CohortReport, Item
from course.grading.report.item_names import ItemText

__all__ = ["mark_scheme_href", "mark_scheme_html", "report_html"]


@cache
def _environment() -> Environment:
    return Environment(loader=PackageLoader("course.grading.report", "templates"), autoescape=select_autoescape(["j2"]),
                       trim_blocks=True, lstrip_blocks=True)


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def mark_scheme_href(assignment: str) -> str:
    """The mark scheme page's file name, written beside the report and linked from it."""
    return f"{assignment}-mark-scheme.html"


def _histogram(report: CohortReport) -> str:
    from course.plots import HATCHES, OKABE_ITO, figure_html, new_figure

    dist = report.distribution
    labels = [label for label, _ in dist.bands]
    counts = [count for _, count in dist.bands]
    fig, ax = new_figure(7.0, 3.6)
    bars = ax.bar(labels, counts, color=OKABE_ITO["blue"], edgecolor=OKABE_ITO["black"], hatch=HATCHES[1])
    ax.bar_label(bars, labels=[str(c) for c in counts], padding=2)
    ax.set_xlabel(f"Share of the {dist.max_points:g} automatic points earned")
    ax.set_ylabel("Students")
    ax.set_title(f"{report.assignment}: score distribution ({len(dist.totals)} graded)")
    ax.set_ylim(0, max(counts + [1]) * 1.2)
    words = "; ".join(f"{label}: {count} student{'s' if count != 1 else ''}" for label, count in dist.bands)
    alt = (f"Bar chart of how many of the {len(dist.totals)} graded students earned each share of the "
           f"{dist.max_points:g} automatic points. {words}.")
    caption = (f"Score distribution of the {len(dist.totals)} graded students, by share of the automatic points: "
               f"{words}. Mean {_number(dist.mean)}, median {_number(dist.median)}, lowest {_number(dist.lowest)}, "
               f"highest {_number(dist.highest)} of {dist.max_points:g}.")
    return figure_html(fig, alt, caption)


def report_html(report: CohortReport) -> str:
    """The report as one self-contained HTML page."""
    wrong = sorted((s for s in report.items if s.full_marks < s.students), key=lambda s: s.difficulty)
    return _environment().get_template("report.html.j2").render(
        title=f"Cohort report: {report.assignment}", report=report, demo=report.demo, dist=report.distribution,
        hardest=report.hardest(), wrong=wrong, number=_number, mark_scheme_href=mark_scheme_href(report.assignment),
        histogram=Markup(_histogram(report)) if report.distribution.totals else "",  # figure_html escapes its text
        difficulty_explained=stats.DIFFICULTY_EXPLAINED, discrimination_explained=stats.DISCRIMINATION_EXPLAINED,
        discrimination_method=stats.DISCRIMINATION_METHOD, easy=stats.EASY, hard=stats.HARD,
        low_discrimination=stats.LOW_DISCRIMINATION) + "\n"


@dataclass(frozen=True)
class _Entry:
    id: str
    label: str
    points: float
    question: str
    key: str
    explanation: str


def mark_scheme_html(assignment: str, items: Sequence[Item], texts: Mapping[str, ItemText], *,
                     demo: bool = False) -> str:
    """The trainer-only page: every item's question, key and explanation, each at an anchor named by its id."""
    entries = []
    for item in items:
        text = texts.get(item.id)
        entries.append(_Entry(item.id, item.name, item.points, text.question if text else "",
                              text.key if text else "", text.explanation if text else ""))
    return _environment().get_template("mark_scheme.html.j2").render(
        title=f"Mark scheme: {assignment} (trainer only)", assignment=assignment, texts=entries, demo=demo) + "\n"
