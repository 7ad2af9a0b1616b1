"""Every point of the parent guide the course grew from is taught by a module (data/source_points.yaml)."""

from __future__ import annotations

import re
from collections import Counter

import nbformat
import pytest
from support.content import content_folder

from course.content import check_content, data_directory, load_content, notebooks_directory

pytestmark = pytest.mark.content

NOTEBOOKS = notebooks_directory(data_directory())

# How many items each bulleted or numbered list of the guide has, so a point left off the map is noticed.
SOURCE_LISTS = {"secure-insecure": 2, "outcomes": 5, "calming-steps": 3, "risk-factors": 6, "partner-roles": 4,
                "myths": 4}
# The guide's paragraphs that every map must include, by the claim they make.
REQUIRED_POINTS = {"corpus-callosum-claim", "enough-sleep", "support-around-the-house", "me-time",
                   "anxious-caregiver", "quiet-alert", "brain-development-claim", "partner-as-primary-caregiver",
                   "contact-health-visitor-or-gp", "caregiver-cues", "baby-signals", "needs-food-warmth-affection"}

POINTS = load_content()["source_points"]
MODULES = {m.id: m for m in load_content()["modules"]}


def normalise(text: str) -> str:
    """Lower case, one space between words, straight quotes and apostrophes, so line wrapping never matters."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).lower()


def notebook_markdown(module_id: str) -> str:
    path = NOTEBOOKS / MODULES[module_id].notebook
    notebook = nbformat.read(path, as_version=4)
    return normalise("\n".join(c.source for c in notebook.cells if c.cell_type == "markdown"))


def missing_phrases(point, text: str) -> list[str]:
    """The point's key phrases (each with its alternatives) that the text does not contain."""
    return [phrase for phrase in point.key_phrases
            if not any(normalise(alt.strip()) in text for alt in phrase.split("|"))]


@pytest.mark.parametrize("point", POINTS, ids=[p.id for p in POINTS])
def test_point_is_taught_in_its_module(point):
    """Does the module this point is mapped to have its notebook, and does the notebook's text teach the point?"""
    assert point.module in MODULES, f"{point.id}: module {point.module!r} is not in data/modules.yaml"
    path = NOTEBOOKS / MODULES[point.module].notebook
    assert path.exists(), f"{point.id}: module {point.module}'s notebook {path.name} is missing"
    missing = missing_phrases(point, notebook_markdown(point.module))
    assert missing == [], (f"{point.id} ({point.summary}) is not taught in {path.name}: "
                           f"its text lacks {', '.join(map(repr, missing))}")


def test_every_list_in_the_guide_is_mapped_item_by_item():
    """Does the map have one point per item of each of the guide's lists, and its key paragraphs?"""
    counts = Counter(p.section for p in POINTS)
    assert {section: counts[section] for section in SOURCE_LISTS} == SOURCE_LISTS
    assert REQUIRED_POINTS <= {p.id for p in POINTS}


def test_every_taught_module_has_points_and_the_map_uses_only_teaching_modules():
    """Is every teaching module from 01 to 06 given points of the guide, and no point sent to 00 or 07?"""
    used = {p.module for p in POINTS}
    assert used == {"01", "02", "03", "04", "05", "06"}


def test_phrase_matching_ignores_case_line_breaks_and_takes_alternatives():
    """Does a phrase match across a line break and in any case, and does any one alternative do?"""
    point = type("Point", (), {"key_phrases": ("Quiet alert|quiet, alert", "peek-a-boo|peekaboo", "sling")})
    text = normalise("Babies in a QUIET\nALERT state enjoy peekaboo.")
    assert missing_phrases(point, text) == ["sling"]


def test_a_point_sent_to_an_unknown_module_is_reported(tmp_path):
    """Would a point mapped to a module that does not exist be named, with the file, record and field?"""
    data = content_folder(tmp_path, "source_points")
    (data / "source_points.yaml").write_text(
        "- id: stray\n  section: myths\n  summary: A point.\n  module: \"09\"\n  key_phrases: [a, b]\n",
        encoding="utf-8")
    _, problems = check_content(data)
    assert [str(p) for p in problems] == [
        "data/source_points.yaml:4: record 'stray', field 'module': '09' is not a module in modules.yaml"]
