"""Module 01's figure: how often each attachment pattern was found, study by study.

The numbers come only from ``data/attachment_patterns.yaml``, where each is tied to its study, so the
figure, its alt text and its caption can never disagree with each other or with the evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.patches import Patch

from course.content import Content, Record, load_content
from course.content.rules import PATTERN_ORDER
from course.plots import OKABE_ITO, new_figure

__all__ = ["PATTERN_STYLE", "Share", "describe", "load_patterns", "patterns_figure"]

# Colour and hatch together, so the patterns differ by more than colour.
PATTERN_STYLE = {
    "secure": (OKABE_ITO["blue"], ""),
    "avoidant": (OKABE_ITO["orange"], "//"),
    "resistant": (OKABE_ITO["sky"], ".."),
    "disorganised": (OKABE_ITO["vermilion"], "xx"),
}


@dataclass(frozen=True)
class Share:
    """The percentage (or range of percentages) of one group of children showing one pattern."""

    pattern: str
    low: float
    high: float
    label: str
    approximate: bool = False
    wording: str | None = None

    @classmethod
    def from_record(cls, record: Record) -> Share:
        low, high = record.range if "range" in record else (record.percent, record.percent)
        return cls(record.pattern, low, high, record.get("label", record.pattern),
                   record.get("approximate", False), record.get("wording"))

    @property
    def amount(self) -> str:
        number = f"{self.low:g}%" if self.low == self.high else f"{self.low:g}–{self.high:g}%"
        return f"about {number}" if self.approximate else number

    @property
    def text(self) -> str:
        said = f"{self.amount} {self.label}"
        return f"{said} ({self.wording})" if self.wording else said


def load_patterns(content: Content | None = None) -> tuple[dict[str, Record], dict[str, Record]]:
    """The pattern explanations and the studies, by id (their rules were checked when the content loaded)."""
    records = (content or load_content())["attachment_patterns"]
    return ({r.id: r for r in records if r.kind == "pattern"}, {r.id: r for r in records if r.kind == "study"})


def _rows(studies: Sequence[Record]) -> list[tuple[str, Record, list[Share]]]:
    rows = []
    for study in studies:
        for group in study.groups:
            shares = sorted((Share.from_record(s) for s in group.shares), key=lambda s: PATTERN_ORDER.index(s.pattern))
            rows.append((f"{study.label}\n{group.name}", group, shares))
    return rows


def patterns_figure(studies: Sequence[Record], patterns: dict[str, Record]) -> Figure:
    """One bar per group of children, split by pattern; a group reported only in part is drawn from the right,
    with the part the study did not report left open."""
    rows = _rows(studies)
    fig, ax = new_figure(8.0, 0.9 * len(rows) + 1.4)
    for y, (_, group, shares) in enumerate(rows):
        complete = bool(group.get("complete"))
        start = 0.0 if complete else 100.0 - sum(s.high for s in shares)
        if not complete:
            ax.barh(y, start, left=0, color="white", edgecolor="#777777", linestyle="--", height=0.6)
            ax.text(start / 2, y, "other patterns\nnot reported", ha="center", va="center", fontsize=9,
                    color="#333333")
        for share in shares:
            colour, hatch = PATTERN_STYLE[share.pattern]
            uncertain = share.high - share.low
            if uncertain:
                ax.barh(y, uncertain, left=start, color=colour, alpha=0.35, hatch=hatch, edgecolor="#222222",
                        height=0.6, linewidth=0.8)
            ax.barh(y, share.low, left=start + uncertain, color=colour, hatch=hatch, edgecolor="#222222",
                    height=0.6, linewidth=0.8)
            ax.text(start + share.high / 2, y, share.amount, ha="center", va="center", fontsize=10,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5, "alpha": 0.9})
            start += share.high
    ax.set_yticks(range(len(rows)), [label for label, _, _ in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Percentage of children in the group")
    title = "Attachment patterns: " + (studies[0].label if len(studies) == 1 else "what the studies found")
    ax.set_title(title, fontsize=12, loc="left")
    shown = {share.pattern for _, _, shares in rows for share in shares}
    handles = [Patch(facecolor=PATTERN_STYLE[p][0], hatch=PATTERN_STYLE[p][1], edgecolor="#222222",
                     label=patterns[p].name) for p in PATTERN_ORDER if p in shown]
    ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False, fontsize=10,
              title="Pattern", title_fontsize=10, alignment="left")
    return fig


def describe(studies: Sequence[Record]) -> str:
    """Every number in the figure, in sentences: the caption and the core of the alt text."""
    sentences = []
    for study in studies:
        groups = [(group.name, [Share.from_record(s) for s in group.shares]) for group in study.groups]
        if len(groups) == 1:
            found = ", ".join(s.text for s in groups[0][1])
        else:
            found = "; ".join(f"{name}, {', '.join(s.text for s in shares)}" for name, shares in groups)
        sentences.append(f"{study.label} ({study.sample}): {found}.")
    return " ".join(sentences)
