"""The rupture-and-repair timeline: in-sync and out-of-sync stretches of one run of the teaching model.

In-sync and out-of-sync stretches differ by colour, by pattern (plain against hatched) and by row height,
and each repair is a marker with its own shape, so nothing depends on colour alone.
"""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from course.models.repair import Interaction
from course.plots import HATCHES, OKABE_ITO, new_figure

__all__ = ["repair_timeline", "TITLE"]

TITLE = "Rupture and repair: a teaching model, not real data"
IN_SYNC = {"facecolor": OKABE_ITO["blue"], "hatch": HATCHES[0], "edgecolor": OKABE_ITO["black"]}
OUT_OF_SYNC = {"facecolor": OKABE_ITO["orange"], "hatch": HATCHES[1], "edgecolor": OKABE_ITO["black"]}
REPAIR = {"marker": "^", "color": OKABE_ITO["green"], "markeredgecolor": OKABE_ITO["black"], "markersize": 11}
BREAK_OFF = {"marker": "X", "color": OKABE_ITO["vermilion"], "markeredgecolor": OKABE_ITO["black"], "markersize": 10}


def caption(result: Interaction) -> str:
    """What the figure shows, in words: the same result as the summary beside it."""
    return (f"A teaching model, not real data. {result.summary} Settings: responsiveness "
            f"{result.responsiveness:.1f}, stress {result.stress:.1f}, interaction {result.seed}, "
            f"over {result.moments} moments.")


def repair_timeline(result: Interaction) -> Figure:
    """One interaction along a time line: stretches in and out of sync, repairs and break-offs marked."""
    fig, ax = new_figure(8.0, 2.8)
    in_sync = [(s.start, s.length) for s in result.stretches if s.in_sync]
    out_of_sync = [(s.start, s.length) for s in result.stretches if not s.in_sync]
    ax.broken_barh(in_sync, (0.55, 0.9), linewidth=0.6, **IN_SYNC)
    ax.broken_barh(out_of_sync, (0.05, 0.5), linewidth=0.6, **OUT_OF_SYNC)
    repairs = result.repair_moments
    ax.plot(repairs, [1.7] * len(repairs), linestyle="none", **REPAIR)
    broken = [s.end for s in result.stretches if not s.in_sync and not s.repaired and s.end < result.moments]
    ax.plot(broken, [1.7] * len(broken), linestyle="none", **BREAK_OFF)
    ax.set_xlim(0, result.moments)
    ax.set_ylim(0, 2.0)
    ax.set_yticks([0.3, 1.0], ["out of sync", "in sync"])
    ax.set_xlabel("Moments through the interaction (model steps, not seconds)")
    ax.set_title(TITLE, fontsize=12)
    ax.legend(handles=[Patch(label="in sync", linewidth=0.6, **IN_SYNC),
                       Patch(label="out of sync (mismatch)", linewidth=0.6, **OUT_OF_SYNC),
                       Line2D([], [], linestyle="none", label="repaired", **REPAIR),
                       Line2D([], [], linestyle="none", label="broke off, started afresh", **BREAK_OFF)],
              loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=4, frameon=False, fontsize=9)
    return fig
