"""Shared by the hub tests: they need root on Linux (real Unix users); skipped with a reason elsewhere, never in CI."""

from __future__ import annotations

import os
import sys

import pytest


def hub_unavailable() -> str | None:
    if not sys.platform.startswith("linux"):
        return "the hub tests need Linux (real Unix users, one per learner)"
    if os.geteuid() != 0:
        return "the hub tests need root (they create Unix users and run servers as them): run them in CI or as root"
    return None


@pytest.fixture(autouse=True, scope="module")
def hub_possible():
    """Skip with the reason when the hub cannot run here; under CI=true that is a failure instead."""
    reason = hub_unavailable()
    if reason and os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the hub tests must run)", pytrace=False)
    if reason:
        pytest.skip(reason)
