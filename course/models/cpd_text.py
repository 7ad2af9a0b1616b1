"""Times and dates in the words a CPD record uses ("about 1 hour 25 minutes", "27 November 2026")."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["duration_text", "estimate_text", "hours_text", "when"]


def duration_text(minutes: float) -> str:
    """Minutes as a person says them: "1 hour 25 minutes", "40 minutes", "less than a minute"."""
    whole = round(minutes)
    if whole < 1:
        return "less than a minute"
    hours, rest = divmod(whole, 60)
    parts = ([f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []) + \
        ([f"{rest} minute{'s' if rest != 1 else ''}"] if rest else [])
    return " ".join(parts)


def estimate_text(minutes: float) -> str:
    """The estimate in words: "about 1 hour 25 minutes", or "less than a minute" when there is next to nothing."""
    words = duration_text(minutes)
    return words if words == "less than a minute" else f"about {words}"


def hours_text(hours: float) -> str:
    return f"{hours:g} hour{'' if hours == 1 else 's'}"


def when(stamp: str) -> str:
    """An ISO timestamp as a date a person reads: "27 November 2026"."""
    moment = datetime.fromisoformat(stamp).astimezone(UTC)
    return f"{moment.day} {moment:%B %Y}"
