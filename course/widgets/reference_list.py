"""A module's reference list, drawn from references.yaml so every citation has one source of truth."""

from __future__ import annotations

import html

import ipywidgets as widgets

from course.content import Record, load_content

__all__ = ["reference_list"]


def format_reference(ref: Record) -> str:
    """One reference in a consistent, readable style (authors, year, title, source, details)."""
    parts = [f"{html.escape(ref.authors)} ({ref.year})."]
    if ref.get("title"):
        parts.append(f"{html.escape(ref.title)}.")
    source = f"<em>{html.escape(ref.source)}</em>"
    if ref.get("details"):
        source += f" {html.escape(ref.details)}"
    parts.append(source + ".")
    if ref.get("url"):
        parts.append(f'<a href="{html.escape(ref.url)}" target="_blank" rel="noopener">{html.escape(ref.url)}</a>')
    if ref.get("note"):
        parts.append(f"<br><small>{html.escape(ref.note)}</small>")
    return " ".join(parts)


def reference_list(*ids: str) -> widgets.HTML:
    """The references with these ids, in the order given; an unknown id is an error, never skipped."""
    known = load_content().references
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise KeyError(f"not in data/references.yaml: {', '.join(unknown)}")
    items = "".join(f"<li>{format_reference(known[i])}</li>" for i in ids)
    widget = widgets.HTML(f"<h3>References</h3><ol>{items}</ol>")
    widget.add_class("sa-references")
    return widget
