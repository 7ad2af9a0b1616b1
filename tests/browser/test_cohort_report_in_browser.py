"""The cohort report and its mark scheme page in a real Chromium: axe finds no serious or critical problem, the
hardest items' links land on their explanation, and a screenshot is kept for the README."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from accessibility import describe, serious_violations
from learner import tab

from course.grading.answer_reading import read_answers
from course.grading.report.cohort_statistics import Item, Student, analyse
from course.grading.report.item_names import CHECKED_NAME, item_texts
from course.grading.report.report_page import mark_scheme_href, mark_scheme_html, report_html

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.browser


def source_items(path: Path) -> tuple[list[Item], dict]:
    """The assignment's items as the report builds them, read from its source notebook (no content hard-coded)."""
    texts = item_texts(path)
    items = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("grade_id") in texts and meta.get("points") is not None:
            grade_id, text = meta["grade_id"], texts[meta["grade_id"]]
            names = tuple(CHECKED_NAME.findall("".join(cell["source"]))) if cell["cell_type"] == "code" else ()
            items.append(Item(grade_id, float(meta["points"]), names, cell["cell_type"] == "code", text.label,
                              bool(text.explanation)))
    return items, texts


def cohort(items: list[Item], keys: dict[str, object], size: int = 40) -> list[Student]:
    """A seeded cohort: stronger students more often give the key, others another key of the same kind."""
    rng = random.Random(7)
    others = list(keys.values())
    students = []
    for number in range(size):
        ability = rng.random()
        scores, answers = {}, {}
        for item in items:
            if not item.autograded:
                scores[item.id] = float(rng.randint(1, int(item.points))) if number % 4 else None
                continue
            right = rng.random() < 0.35 + 0.6 * ability
            scores[item.id] = item.points if right else 0.0
            for name in item.answers:
                key = keys.get(name)
                wrong = [o for o in others if type(o) is type(key) and o != key] or [key]
                answers[name] = key if right else rng.choice(wrong)
        if number == 3:
            answers[items[0].answers[0]] = read_answers(["x = 1 + 1"])["x"]
        students.append(Student(f"student{number:02d}", "graded", scores, answers, name=f"Student {number}"))
    students.append(Student("absent01", "missing", name="Student Absent"))
    return students


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    source = REPO / "assignments" / "risk_factors" / "risk_factors.ipynb"
    if not source.exists():
        pytest.fail(f"{source} is missing: the report's browser test needs an assignment source")
    items, texts = source_items(source)
    keys = {k: v for t in texts.values() if t.key for k, v in read_answers([t.key]).items()}
    report = analyse("risk_factors", items, cohort(items, keys))
    folder = tmp_path_factory.mktemp("report-pages")
    (folder / "risk_factors.html").write_text(report_html(report), encoding="utf-8")
    (folder / mark_scheme_href("risk_factors")).write_text(mark_scheme_html("risk_factors", items, texts),
                                                           encoding="utf-8")
    return folder, report


def test_the_report_and_mark_scheme_have_no_serious_accessibility_problem(browser, pages, screenshots):
    """Does axe find no serious or critical violation on either page, and does the report's screenshot get kept?"""
    folder, _ = pages
    with tab(browser) as page:
        page.goto((folder / "risk_factors.html").as_uri())
        assert serious_violations(page, "html") == [], describe(serious_violations(page, "html"))
        page.screenshot(path=screenshots / "cohort-report.png", clip={"x": 0, "y": 0, "width": 1280, "height": 900})
        page.goto((folder / mark_scheme_href("risk_factors")).as_uri())
        assert serious_violations(page, "html") == [], describe(serious_violations(page, "html"))


def test_a_hardest_item_link_opens_its_explanation(browser, pages):
    """Does following a hardest item's link by keyboard land on that item's section of the mark scheme page?"""
    folder, report = pages
    hardest = report.hardest()[0]
    with tab(browser) as page:
        page.goto((folder / "risk_factors.html").as_uri())
        link = page.get_by_role("link", name=hardest.item.name, exact=True)
        link.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(f"**#{hardest.item.id}")
        section = page.locator(f"section[id='{hardest.item.id}']")
        assert section.get_by_role("heading", level=2).inner_text().startswith(hardest.item.name)
        assert section.locator("pre code").inner_text() != ""
