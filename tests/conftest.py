"""Shared fixtures: every test gets its own learner folder, so no test touches a real learner's progress.

``COURSE_DATA`` is left as it is: behaviour tests read their expectations from whatever content is loaded, and
the content tests (marked ``content``) check that content, so a trainer can run them on their own copy.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def course_home(tmp_path_factory, monkeypatch) -> Path:
    """A fresh, empty COURSE_HOME for each test."""
    home = tmp_path_factory.mktemp("course_home")
    monkeypatch.setenv("COURSE_HOME", str(home))
    return home


@pytest.fixture
def progress(course_home):
    from course.progress import Progress

    return Progress(course_home)
