"""Tests that need the git checkout (or run make in it) are marked ``checkout`` and skip with a reason outside one.

Deselect them with ``-m "not checkout"``; a module uses ``pytestmark = NEEDS_CHECKOUT``, a single test
``@needs_checkout``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

NEEDS_CHECKOUT = [
    pytest.mark.checkout,
    pytest.mark.skipif(not (REPO / ".git").exists() or shutil.which("git") is None,
                       reason="needs the course's git checkout (this is an installed or exported copy)"),
]


def needs_checkout(test):
    for mark in NEEDS_CHECKOUT:
        test = mark(test)
    return test
