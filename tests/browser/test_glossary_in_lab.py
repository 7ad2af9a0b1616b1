"""The glossary page as a learner meets it in JupyterLab: type a word with the keyboard alone, and the list
narrows to its meaning; the page has no serious accessibility problem."""

from __future__ import annotations

import pytest
from accessibility import describe, serious_violations
from learner import ran_notebook

from course.content import load_content
from course.widgets.glossary import GLOSSARY_PAGE, find_terms

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def glossary_page(browser, lab):
    with ran_notebook(browser, lab, f"notebooks/{GLOSSARY_PAGE}") as notebook:
        yield notebook


def test_typing_a_word_by_keyboard_narrows_the_list(glossary_page):
    """With only the keyboard, does typing a term in the labelled search box show just its entries?"""
    assert glossary_page.run_problems() == []
    widget = glossary_page.output_of("glossary()").locator(".sa-glossary")
    entry = load_content()["glossary"][0]
    box = widget.get_by_label("Search the glossary")
    box.focus()
    box.press_sequentially(entry.term, delay=20)
    expected = [e.term for e in find_terms(load_content()["glossary"], entry.term)]
    widget.locator('[role="status"]').filter(has_text=f"Showing {len(expected)} of").wait_for()
    assert widget.locator("dt strong").all_inner_texts() == expected
    assert entry.definition.split(".")[0] in widget.locator("dd").first.inner_text()


def test_the_glossary_has_no_serious_accessibility_violation(glossary_page):
    """Does axe-core find no serious or critical violation in the glossary's output?"""
    violations = serious_violations(glossary_page.page)
    assert violations == [], describe(violations)
