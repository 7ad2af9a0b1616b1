"""A trainer's edits do not break the code's tests: the behaviour tests pass on an edited copy of the content."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.content import edited_copy

from course.content import check_content

TESTS = Path(__file__).resolve().parent
BEHAVIOUR = ("not content and not browser and not nbgrader and not notebook and not install and not checkout "
             "and not edited_content and not hub")


@pytest.mark.edited_content
def test_behaviour_tests_pass_with_a_scenario_renamed_and_a_question_added(tmp_path):
    """With one scenario renamed and one question added in a copy of the content, does every behaviour test pass?"""
    folder = edited_copy(tmp_path)
    assert check_content(folder)[1] == [], "the edited copy is itself valid content"
    env = {**os.environ, "COURSE_DATA": str(folder)}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-m", BEHAVIOUR,
                             str(TESTS), "--ignore", str(TESTS / "browser")],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-4000:]
    assert " passed" in result.stdout.splitlines()[-1]
