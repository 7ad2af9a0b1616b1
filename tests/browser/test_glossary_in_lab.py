"""The glossary page as a learner meets it, in JupyterLab and as a web page (learner mode): type a word with the
keyboard alone, and the list narrows to its meaning; the page has no serious accessibility problem."""

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


def type_a_term(scope, term: str) -> list[str]:
    """Type ``term`` into the labelled search box as a learner would and wait until the count says the list has
    narrowed; returns the terms the glossary should then show."""
    box = scope.get_by_label("Search the glossary")
    box.focus()
    box.press_sequentially(term, delay=20)
    expected = [e.term for e in find_terms(load_content()["glossary"], term)]
    scope.locator('[role="status"]').filter(has_text=f"Showing {len(expected)} of").wait_for()
    return expected


def test_typing_a_word_by_keyboard_narrows_the_list(glossary_page):
    """With only the keyboard, does typing a term in the labelled search box show just its entries?"""
    assert glossary_page.run_problems() == []
    widget = glossary_page.output_of("glossary()").locator(".sa-glossary")
    entry = load_content()["glossary"][0]
    expected = type_a_term(widget, entry.term)
    assert widget.locator("dt strong").all_inner_texts() == expected
    assert entry.definition.split(".")[0] in widget.locator("dd").first.inner_text()


def test_the_glossary_has_no_serious_accessibility_violation(glossary_page):
    """Does axe-core find no serious or critical violation in the glossary's output?"""
    violations = serious_violations(glossary_page.page)
    assert violations == [], describe(violations)


def test_the_glossary_works_as_a_web_page_in_learner_mode(browser, learner_server):
    """In learner mode (Voilà), is the glossary a page with no code, headings in order, searchable by keyboard,
    with no serious accessibility violation and a link back to all modules?"""
    from learner_pages import learner_tab

    with learner_tab(browser, learner_server, GLOSSARY_PAGE) as shown:
        page = shown.page
        assert shown.problems() == []
        assert page.locator("main :is(.jp-CodeCell .jp-InputArea, .cm-editor)").count() == 0
        levels = [int(tag[1]) for tag in page.locator("main :is(h1, h2, h3, h4, h5, h6)").evaluate_all(
            "hs => hs.filter(h => h.offsetParent !== null).map(h => h.tagName)")]
        assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
        assert serious_violations(page, "body") == []
        entry = load_content()["glossary"][-1]
        expected = type_a_term(page, entry.term)
        assert page.locator(".sa-glossary dt strong").all_inner_texts() == expected
        assert page.get_by_role("link", name="all modules, and how far you have got").get_attribute("href") \
            .endswith("00_start_here.ipynb")
