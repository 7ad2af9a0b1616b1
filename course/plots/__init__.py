"""Shared figure style: a colour-blind-safe palette, and figures that always carry a text alternative.

A figure is shown as an ``<img>`` with ``alt`` text plus a visible caption, so a screen-reader user and
a sighted user get the same information. Each figure lives in its own module in this package.
"""

from __future__ import annotations

import base64
import html
import io

import ipywidgets as widgets
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = ["OKABE_ITO", "HATCHES", "new_figure", "figure_html", "figure_widget"]

# Okabe & Ito's palette: distinguishable under the common colour-vision deficiencies.
OKABE_ITO = {
    "blue": "#0072B2", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "vermilion": "#D55E00", "purple": "#CC79A7", "black": "#000000",
}
# Patterns to pair with colours, so series differ by more than colour.
HATCHES = ["", "//", "..", "xx", "\\\\", "oo"]


def new_figure(width: float = 7.5, height: float = 4.0) -> tuple[Figure, Axes]:
    """A figure in the course style (large readable text, no chart junk).

    Built without pyplot, so it never touches the learner's plotting state or appears twice in a notebook.
    """
    fig = Figure(figsize=(width, height), dpi=100)
    ax = fig.subplots()
    ax.spines[["top", "right"]].set_visible(False)
    for item in [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.get_xticklabels(), *ax.get_yticklabels()]:
        item.set_fontsize(11)
    return fig, ax


def figure_html(fig: Figure, alt: str, caption: str) -> str:
    """The figure as an image with alt text and a visible caption."""
    if not alt.strip() or not caption.strip():
        raise ValueError("every figure needs alt text and a caption")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f'<figure class="sa-figure" style="margin:0">'
            f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" '
            f'style="max-width:100%">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def figure_widget(fig: Figure, alt: str, caption: str) -> widgets.HTML:
    widget = widgets.HTML(figure_html(fig, alt, caption))
    widget.add_class("sa-figure-widget")
    return widget
