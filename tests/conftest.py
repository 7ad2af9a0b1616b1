"""Shared fixtures: every test gets its own learner folder, so no test touches a real learner's progress."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def course_home(tmp_path_factory, monkeypatch) -> Path:
    """A fresh, empty COURSE_HOME for each test."""
    home = tmp_path_factory.mktemp("course_home")
    monkeypatch.setenv("COURSE_HOME", str(home))
    monkeypatch.delenv("COURSE_DATA", raising=False)
    return home


@pytest.fixture
def progress(course_home):
    from course.progress import Progress

    return Progress(course_home)
