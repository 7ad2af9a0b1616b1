"""The urgency rule and every contact live in data/ (urgency.yaml, signposting.yaml, learner_support.yaml), so
a trainer outside England changes them without touching code: no Python file under course/ may hold a phone
number or urgency wording (issue 16)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

COURSE = Path(__file__).resolve().parent.parent / "course"
# Phone numbers (UK freephone and helpline shapes, 999, 111, Samaritans, text lines) and the rule's words.
FORBIDDEN = re.compile(
    r"\b(?:999|111|116 ?123|85258)\b|\b0\d{3}(?: ?\d){6,7}\b"
    r"|immediate danger|in danger|same[- ]day|\bA&E\b|Samaritans|NHS 111|NHS 24|act now|crisis (?:team|line)"
    r"|keep (?:yourself|herself|himself|themselves) safe|helpline|perinatal mental health team", re.I)


def python_files() -> list[Path]:
    return sorted(COURSE.rglob("*.py"))


def offending_lines(path: Path) -> list[str]:
    return [f"{path.relative_to(COURSE.parent)}:{n}: {line.strip()}"
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if FORBIDDEN.search(line)]


def test_the_search_would_find_a_number_or_urgency_wording():
    """Does the pattern catch what the footer of the self-care plan used to say (so the test can fail)?"""
    assert FORBIDDEN.search('"If anyone is in immediate danger, call 999.</p>"')
    assert FORBIDDEN.search("Call 0808 2000 247") and FORBIDDEN.search('("Urgent: today", "Get help the same day.")')


@pytest.mark.parametrize("path", python_files(), ids=lambda p: str(p.relative_to(COURSE.parent)))
def test_no_python_file_holds_a_phone_number_or_urgency_wording(path):
    """Is this Python file free of phone numbers and urgency wording (they belong in data/)?"""
    assert offending_lines(path) == []
