"""The learning-record figure: for each module, items tried and items right first time.

Two bars per module that differ by colour and by pattern (plain against hatched), with the numbers written
on the bars, so the chart can be read without telling the colours apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from course.plots import HATCHES, OKABE_ITO, new_figure

__all__ = ["learning_record_figure", "describe"]

TRIED = {"color": OKABE_ITO["sky"], "hatch": HATCHES[1], "edgecolor": OKABE_ITO["black"], "label": "items tried"}
RIGHT = {"color": OKABE_ITO["blue"], "hatch": HATCHES[0], "edgecolor": OKABE_ITO["black"],
         "label": "right first time"}


class ModuleCounts(Protocol):
    module: str
    title: str
    items: int
    right_first_time: int


def describe(rows: Sequence[ModuleCounts]) -> str:
    """The figure in words: what was tried and got right first time in each module, and what is not started."""
    done = [r for r in rows if r.items]
    if not done:
        return "No activities tried yet, so there is nothing to chart."
    parts = [f"module {r.module} ({r.title}): {r.items} tried, {r.right_first_time} right first time" for r in done]
    untried = [r.module for r in rows if not r.items]
    text = "Items tried and right first time, by module: " + "; ".join(parts) + "."
    if untried:
        text += f" No items tried yet in module{'s' if len(untried) > 1 else ''} {', '.join(untried)}."
    return text


def learning_record_figure(rows: Sequence[ModuleCounts]) -> Figure:
    """A horizontal bar pair per module, top to bottom in course order."""
    fig, ax = new_figure(7.5, 0.5 + 0.45 * max(len(rows), 1))
    positions = list(range(len(rows)))[::-1]
    height = 0.38
    tried = ax.barh([p + height / 2 for p in positions], [r.items for r in rows], height, linewidth=0.6, **TRIED)
    right = ax.barh([p - height / 2 for p in positions], [r.right_first_time for r in rows], height, linewidth=0.6,
                    **RIGHT)
    ax.bar_label(tried, padding=3, fontsize=9)
    ax.bar_label(right, padding=3, fontsize=9)
    ax.set_yticks(positions, [f"{r.module} {r.title}" for r in rows])
    ax.set_xlabel("Items (questions) in the module's activities")
    ax.set_title("Your learning record: items tried and right first time", fontsize=12)
    ax.set_xlim(0, max([r.items for r in rows] + [1]) * 1.15)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.9 / max(len(rows), 1) - 0.12), ncol=2, frameon=False,
              fontsize=9)
    return fig
