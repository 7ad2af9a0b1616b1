"""The glossary: plain-English meanings a learner can search, checked as content, and reachable from every module."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from support.content import content_folder

from course import glossary
from course.content import check_content, load_content
from course.widgets.glossary import GLOSSARY_PAGE, find_terms

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "glossary"
NOTEBOOKS = REPO / "notebooks"


@pytest.fixture
def fixture_glossary(tmp_path, monkeypatch):
    """The course's content with the glossary swapped for three fixture entries, as a trainer's copy would be."""
    data = content_folder(tmp_path)
    shutil.copy(FIXTURES / "glossary.yaml", data / "glossary.yaml")
    monkeypatch.setenv("COURSE_DATA", str(data))
    return load_content(data)["glossary"]


def shown_terms(widget) -> list[str]:
    return re.findall(r"<dt><strong>(.*?)</strong>", widget.entries.value)


def test_typing_a_word_shows_its_meaning(fixture_glossary):
    """When a learner types a word, does the list narrow to the matching entry, with its definition and a count?"""
    page = glossary()
    assert len(shown_terms(page)) == len(fixture_glossary)
    page.search.value = "Effect Size"
    effect = next(e for e in fixture_glossary if e.id == "effect-size")
    assert shown_terms(page) == [effect.term]
    assert effect.definition in page.entries.value
    assert f"Showing 1 of {len(fixture_glossary)} terms." in page.count.value
    assert 'role="status"' in page.count.value
    page.search.value = ""
    assert len(shown_terms(page)) == len(fixture_glossary)


def test_a_symbol_finds_only_its_own_term(fixture_glossary):
    """Does typing "r" find correlation only, not every definition with an r in it?"""
    page = glossary()
    page.search.value = "r"
    assert shown_terms(page) == ["correlation (r)"]
    page.search.value = "d "
    assert shown_terms(page) == ["effect size (d)"]


def test_a_word_in_a_definition_or_example_is_found_after_names(fixture_glossary):
    """Does a search find entries whose meaning or example uses the word, after any entry named by it?"""
    page = glossary()
    page.search.value = "correlat"
    assert shown_terms(page) == ["correlation (r)"]
    page.search.value = "families"
    assert shown_terms(page) == ["health visitor"]


def test_topics_filter_and_no_match_is_said_in_words(fixture_glossary):
    """Does choosing a topic show only its terms, and does a search with no match say what to try?"""
    page = glossary()
    page.topic.value = "practice"
    assert shown_terms(page) == ["health visitor"]
    page.search.value = "effect size"
    assert shown_terms(page) == []
    assert "No term matches “effect size”" in page.count.value and "All topics" in page.count.value
    page.topic.value = "all"
    assert shown_terms(page) == ["effect size (d)"]


def test_controls_are_labelled_and_a_bad_topic_is_refused():
    """Are the search box and the topic list labelled, and is an unknown topic an error that lists the topics?"""
    page = glossary()
    assert page.search.description and page.topic.description
    with pytest.raises(ValueError, match="'maths' is not a glossary topic. Use one of: 'all', 'attachment'"):
        glossary(topic="maths")


def test_bad_glossary_data_names_file_record_and_field(tmp_path):
    """Does a broken glossary give one problem per mistake, each naming the file, record and field?"""
    data = content_folder(tmp_path, "glossary")
    shutil.copy(FIXTURES / "bad_glossary.yaml", data / "glossary.yaml")
    _, problems = check_content(data)
    assert [str(p) for p in problems] == [
        "data/glossary.yaml:4: record 'effect-size', field 'topic': expected one of 'attachment', 'research', "
        "'practice', got text 'statistics'",
        "data/glossary.yaml:6: record 'no-meaning', field 'definition': is missing (this field is required)",
        "data/glossary.yaml:14: record 'cohen', field 'references[0]': 'nobody-2099' is not an id in "
        "references.yaml"]
    shutil.copy(FIXTURES / "glossary.yaml", data / "glossary.yaml")
    (data / "glossary.yaml").write_text((data / "glossary.yaml").read_text().replace("also: [r]", "also: [D]"))
    _, problems = check_content(data)
    assert [str(p) for p in problems] == [
        "data/glossary.yaml:9: record 'correlation', field 'also[0]': 'D' is already a name of the entry "
        "'effect-size'; give each name to one entry only"]


def test_every_module_links_to_the_glossary_near_its_top():
    """Does every module's notebook link to the glossary page in its first few cells, and does the page exist?"""
    assert (NOTEBOOKS / GLOSSARY_PAGE).exists()
    for module in load_content()["modules"]:
        cells = nbformat.read(NOTEBOOKS / module.notebook, as_version=4).cells
        linking = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and f"]({GLOSSARY_PAGE})" in c.source]
        assert linking and linking[0] <= 4, f"module {module.id} has no glossary link near its top"


# A statistic as the modules write it, and what a learner would type to look it up.
STATISTICS = {r"\br\s*=\s*[−-]?\d*\.\d": "r", r"\bd\s*=\s*[−-]?\d*\.\d": "d", r"\bN\s*=\s*\d": "N",
              r"meta-analys[ei]s": "meta-analysis", r"confidence interval|\b95% CI\b": "confidence interval",
              r"\beffect size\b": "effect size", r"\bcorrelat": "correlation"}


def test_every_statistic_a_module_uses_has_a_glossary_entry():
    """For each statistic a module's text uses (r = .24, d = 0.67, N = ..., meta-analysis), does a search for it
    find a glossary entry?"""
    entries = load_content()["glossary"]
    used, missing = set(), []
    for module in load_content()["modules"]:
        cells = nbformat.read(NOTEBOOKS / module.notebook, as_version=4).cells
        text = " ".join(c.source for c in cells if c.cell_type == "markdown")
        for pattern, search in STATISTICS.items():
            if re.search(pattern, text):
                used.add(search)
                if not find_terms(entries, search):
                    missing.append(f"module {module.id} uses {search!r}")
    assert used, "no statistic found in any module: the patterns no longer match how modules write them"
    assert missing == []


def test_the_glossary_page_lists_every_source_its_entries_cite():
    """Does the glossary page's reference list include every reference a glossary entry cites?"""
    cells = nbformat.read(NOTEBOOKS / GLOSSARY_PAGE, as_version=4).cells
    listed = {arg.value for c in cells if c.cell_type == "code" for node in ast.walk(ast.parse(c.source))
              if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "reference_list"
              for arg in node.args}
    cited = {r for e in load_content()["glossary"] for r in e.get("references", ())}
    assert sorted(cited - listed) == []


def test_every_definition_reads_at_grade_10_or_below():
    """Is each glossary definition plain English: Flesch-Kincaid grade 10 or below (figures printed with -s)?"""
    textstat = pytest.importorskip("textstat")
    grades = {e.id: textstat.flesch_kincaid_grade(e.definition) for e in load_content()["glossary"]}
    print("\n".join(f"{grade:5.1f}  {entry}" for entry, grade in sorted(grades.items(), key=lambda g: -g[1])))
    assert {entry: grade for entry, grade in grades.items() if grade > 10} == {}
