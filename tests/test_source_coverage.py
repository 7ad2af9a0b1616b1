"""Every point of the parent guide the course grew from is taught, with evidence, in named cells of its module."""

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


def markdown_cells(module_id: str) -> dict[str, str]:
    """The module notebook's markdown cells by cell id."""
    notebook = nbformat.read(NOTEBOOKS / MODULES[module_id].notebook, as_version=4)
    return {c.id: c.source for c in notebook.cells if c.cell_type == "markdown"}


def missing_phrases(point, text: str) -> list[str]:
    """The point's key phrases (each with its alternatives) that the text does not contain."""
    text = normalise(text)
    return [phrase for phrase in point.key_phrases
            if not any(normalise(alt.strip()) in text for alt in phrase.split("|"))]


def citations(text: str, known_cites: set[str]) -> list[str]:
    """The known references cited in parentheses in the text, e.g. (Benoit 2004; Lamb 1977)."""
    groups = re.findall(r"\(([^()]*)\)", re.sub(r"\s+", " ", text))
    return [part.strip() for group in groups for part in group.split(";") if part.strip() in known_cites]


def teaching_problems(point, cells: dict[str, str], known_cites: set[str]) -> list[str]:
    """What is wrong with the teaching of this point in these notebook cells, in words ([] if nothing)."""
    absent = [cell_id for cell_id in point.taught_in if cell_id not in cells]
    if absent:
        return [f"no markdown cell with id {', '.join(map(repr, absent))} (cells: {', '.join(cells)})"]
    text = "\n".join(cells[cell_id] for cell_id in point.taught_in)
    problems = []
    missing = missing_phrases(point, text)
    if missing:
        problems.append(f"cells {', '.join(point.taught_in)} lack {', '.join(map(repr, missing))}")
    if not getattr(point, "guide_advice", False) and not citations(text, known_cites):
        problems.append(f"cells {', '.join(point.taught_in)} cite no reference from references.yaml")
    return problems


KNOWN_CITES = {r.cite for r in load_content().references.values()}


@pytest.mark.parametrize("point", POINTS, ids=[p.id for p in POINTS])
def test_point_is_taught_in_its_module(point):
    """Do the cells this point names exist in its module's notebook, state the point and cite the evidence?"""
    assert point.module in MODULES, f"{point.id}: module {point.module!r} is not in data/modules.yaml"
    path = NOTEBOOKS / MODULES[point.module].notebook
    assert path.exists(), f"{point.id}: module {point.module}'s notebook {path.name} is missing"
    problems = teaching_problems(point, markdown_cells(point.module), KNOWN_CITES)
    assert problems == [], f"{point.id} ({point.summary}) is not taught in {path.name}: {'; '.join(problems)}"


def fixture_point(**fields):
    defaults = {"taught_in": ("c1",), "key_phrases": ("secure base", "explore|learn"), "guide_advice": False}
    return type("Point", (), {**defaults, **fields})


def test_teaching_removed_from_the_named_cell_is_caught():
    """If the cell is deleted, or keeps its words but loses its citation, or loses the point, is each reported?"""
    taught = {"c1": "A baby uses the carer as a secure base to explore from (Bretherton 1992).", "c2": "Other text."}
    point = fixture_point()
    assert teaching_problems(point, taught, {"Bretherton 1992"}) == []
    assert "no markdown cell with id 'c1'" in teaching_problems(point, {"c2": taught["c2"]}, {"Bretherton 1992"})[0]
    uncited = {"c1": "A baby uses the carer as a secure base to explore from."}
    assert teaching_problems(point, uncited, {"Bretherton 1992"}) == ["cells c1 cite no reference from references.yaml"]
    assert teaching_problems(fixture_point(guide_advice=True), uncited, {"Bretherton 1992"}) == []
    elsewhere = {"c1": "Something else (Bretherton 1992).", "c2": taught["c1"]}
    assert teaching_problems(point, elsewhere, {"Bretherton 1992"}) == ["cells c1 lack 'secure base', 'explore|learn'"]


def test_a_citation_must_name_a_known_reference():
    """Is a parenthesis that is not a known reference, such as (6 weeks) or (Smith 2099), not counted?"""
    assert citations("Babies (6 weeks) and (Smith 2099) and (Lamb 1977; Benoit 2004).", {"Lamb 1977"}) == ["Lamb 1977"]


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
    assert missing_phrases(point, "Babies in a QUIET\nALERT state enjoy peekaboo.") == ["sling"]


def test_a_point_sent_to_an_unknown_module_is_reported(tmp_path):
    """Would a point mapped to a module that does not exist be named, with the file, record and field?"""
    data = content_folder(tmp_path, "source_points")
    (data / "source_points.yaml").write_text(
        "- id: stray\n  section: myths\n  summary: A point.\n  module: \"09\"\n"
        "  taught_in: [c1]\n  key_phrases: [a, b]\n",
        encoding="utf-8")
    _, problems = check_content(data)
    assert [str(p) for p in problems] == [
        "data/source_points.yaml:4: record 'stray', field 'module': '09' is not a module in modules.yaml"]
