"""The cohort report: the statistics on a hand-made cohort whose answers we know, then `course report` end to end
on a real nbgrader cohort in a temporary course folder."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nbformat
import pytest
from support.grading import answered, cell, released_course, submitted_hashes, write_submission
from support.shown import text_of

from course.grading.cohort import autograde_cohort
from course.grading.report import NO_ANSWER, NOT_PLAIN, Item, Student, analyse, read_answers, report_html

# ------------------------------------------------------------------------------ pure computation, by hand

ITEMS = [Item("test-q1", 1, ("q1",)), Item("test-q2", 2, ("q2",)), Item("test-q3", 1, ("q3",)),
         Item("test-q4", 1, ("q4",)), Item("task-essay", 4, autograded=False)]


def student(name, q1, q2, q3, q4, essay, answers):
    scores = {"test-q1": q1, "test-q2": q2, "test-q3": q3, "test-q4": q4, "task-essay": essay}
    return Student(name, "graded", scores, answers)


# totals: ann 4, bob 4, cat 3, dan 2, eve 3 (ranked dan, cat, eve, ann, bob; top and bottom 27% = 1 student)
COHORT = [
    student("ann", 1, 2, 0, 1, 3.0, {"q1": "myth", "q2": ("x", "y"), "q3": "fact", "q4": "myth"}),
    student("bob", 1, 2, 0, 1, None, {"q1": "myth", "q2": ("x", "y"), "q3": "fact", "q4": "myth"}),
    student("cat", 0, 1, 1, 1, 2.0, {"q1": "fact", "q2": ("x",), "q3": "myth", "q4": "myth"}),
    student("dan", 0, 0, 1, 1, None, {"q1": "fact", "q2": ("z",), "q3": "myth", "q4": "myth"}),
    student("eve", 1, 0, 1, 1, None, {"q1": "myth", "q2": NOT_PLAIN, "q3": "myth", "q4": "myth"}),
    Student("fay", "ungradeable", {i.id: 0.0 for i in ITEMS}, reason="no graded copy of myths.ipynb"),
    Student("gus", "missing"),
]


@pytest.fixture
def report():
    return analyse("myths", ITEMS, COHORT)


def stats(report, item_id):
    return next(s for s in report.items if s.item.id == item_id)


def test_difficulty_is_the_share_of_the_marks_earned(report):
    """Is each item's difficulty its mean score divided by its points, over the graded students only?"""
    assert [(s.item.id, s.difficulty) for s in report.items] == [
        ("test-q1", 0.6), ("test-q2", 0.5), ("test-q3", 0.6), ("test-q4", 1.0)]
    assert [s.full_marks for s in report.items] == [3, 2, 3, 5]


def test_discrimination_is_the_upper_minus_lower_share(report):
    """Is discrimination the top 27%'s share of the marks minus the bottom 27%'s, negative when reversed?"""
    assert [(s.item.id, s.discrimination) for s in report.items] == [
        ("test-q1", 1.0), ("test-q2", 1.0), ("test-q3", -1.0), ("test-q4", 0.0)]
    assert stats(report, "test-q3").discrimination_text == "-1.00"


def test_wrong_answers_are_counted_most_common_first(report):
    """Are the answers of the students without full marks counted, most common first, ties in text order?"""
    assert stats(report, "test-q1").wrong_answers == [("'fact'", 2)]
    assert stats(report, "test-q2").wrong_answers == [("(not a plain answer)", 1), ("['x']", 1), ("['z']", 1)]
    assert stats(report, "test-q4").wrong_answers == []


def test_ids_wrongly_included_and_missed_are_counted_against_full_mark_answers(report):
    """For a list answer, are wrongly included and missed ids counted against what full-mark students gave?"""
    q2 = stats(report, "test-q2")
    assert q2.wrongly_included == [("'z'", 1)]
    assert q2.wrongly_missing == [("'y'", 2), ("'x'", 1)]


def test_items_worth_a_look_are_flagged(report):
    """Is an item everyone got right flagged, and one stronger students did worse on flagged as negative?"""
    assert stats(report, "test-q4").flags == ["almost everyone got it right"]
    assert stats(report, "test-q3").flags[0].startswith("negative discrimination")
    assert stats(report, "test-q1").flags == []


def test_score_distribution_and_who_is_left_out(report):
    """Are the totals, their summary, the bands, and the ungradeable and missing students all reported?"""
    dist = report.distribution
    assert dist.totals == {"ann": 4, "bob": 4, "cat": 3, "dan": 2, "eve": 3} and dist.max_points == 5
    assert (dist.mean, dist.median, dist.lowest, dist.highest) == (3.2, 3, 2, 4)
    assert dict(dist.bands) == {"0–19%": 0, "20–39%": 0, "40–59%": 1, "60–79%": 2, "80–100%": 2}
    assert [s.id for s in report.ungradeable] == ["fay"] and report.missing == ["gus"]
    assert report.graded == ["ann", "bob", "cat", "dan", "eve"]


def test_hand_marked_items_show_marked_and_awaiting(report):
    """Does a written item show how many are marked, how many await marking, and the mean mark so far?"""
    (essay,) = report.manual
    assert (essay.item.id, essay.marked, essay.awaiting, essay.mean_mark) == ("task-essay", 2, 3, 2.5)


def test_summary_names_the_three_hardest_items_and_their_commonest_wrong_answer(report):
    """Does the terminal summary give the count, the mean, and the hardest items with their top wrong answer?"""
    lines = report.summary().splitlines()
    assert lines[0] == "myths: 5 student(s) graded, mean 3.2 of 5 automatic points."
    assert "Could not be graded (1): fay." in lines and "No submission (1): gus." in lines
    assert lines[-3:] == ["  test-q2: difficulty 0.50; most common wrong answer (not a plain answer) (1)",
                          "  test-q1: difficulty 0.60; most common wrong answer 'fact' (2)",
                          "  test-q3: difficulty 0.60; most common wrong answer 'fact' (2)"]


@pytest.mark.parametrize("cohort", [
    [student("solo", 1, 1, 0, 1, None, {"q1": "fact"})],
    [student(name, 1, 1, 0, 1, None, {"q1": "fact"}) for name in ("a", "b", "c")],
    [],
], ids=["one student", "everyone the same", "nobody graded"])
def test_no_spread_is_reported_not_a_crash(cohort):
    """With one student, identical scores or nobody, is discrimination "not enough spread" and the page still made?"""
    report = analyse("myths", ITEMS, cohort)
    assert {s.discrimination_text for s in report.items} == {"not enough spread"}
    assert "not enough spread" in report_html(report) if cohort else "No graded students yet" in report_html(report)


def test_answers_are_read_as_literals_and_never_run():
    """Are plain literals read (lists as sorted tuples), and code or broken cells reported, not run?"""
    answers = read_answers(['q1 = "myth"\nq2 = ["b", "a"]', 'q3 = "my" + "th"\nq4 = __import__("os").getcwd()',
                            "q5 = [", 'q6 = ""\nq6 = "fact"'])
    assert answers == {"q1": "myth", "q2": ("a", "b"), "q3": NOT_PLAIN, "q4": NOT_PLAIN, "q5": NOT_PLAIN,
                       "q6": "fact"}
    assert analyse("x", [Item("t", 1, ("q9",))], [Student("s", scores={"t": 0.0})]).items[0].wrong_answers == [
        (repr(NO_ANSWER), 1)]


def test_report_before_the_course_is_built_says_what_to_do(tmp_path, capsys):
    """Before any build, does `course report` stop with the command to run first, not a traceback?"""
    from course.cli import main

    assert main(["report", "myths_and_facts", "--course", str(tmp_path)]) == 1
    assert capsys.readouterr().err.strip() == (
        f"course report: no gradebook.db in {tmp_path}: run `course build myths_and_facts` there first")
    assert not (tmp_path / "reports").exists()


# --------------------------------------------------------------------------- end to end with real nbgrader

ASSIGNMENT = "myths_and_facts"


def swapped(answer_source: str) -> str:
    """The same answer cell with myth and fact exchanged: a wrong answer, made without the hidden tests."""
    return answer_source.replace('"myth"', '"?"').replace('"fact"', '"myth"').replace('"?"', '"fact"')


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A small cohort autograded as `course autograde` does it: two full marks, two with the same planted wrong
    answer to q10, one answer written as code, one notebook that is not valid JSON, and one student with no
    submission."""
    from nbgrader.api import Gradebook

    from course.grading.nbgrader_run import db_url

    root, release, source = released_course(tmp_path_factory.mktemp("report-cohort"), ASSIGNMENT)
    good = answered(release, source)

    def with_answers(**cells):
        notebook = nbformat.from_dict(good)
        for grade_id, text in cells.items():
            cell(notebook, grade_id.replace("_", "-")).source = text
        return notebook

    right = {n: cell(good, f"answer-q{n}").source for n in (1, 2, 10)}
    submissions = {
        "ada": good, "ben": good,
        "cal": with_answers(answer_q10=swapped(right[10])),
        "dee": with_answers(answer_q10=swapped(right[10]), answer_q1=swapped(right[1])),
        "eve": with_answers(answer_q2=right[2].replace('"fact"', '"my" + "th"')),
        "fay": nbformat.writes(good)[:4000].encode(),
    }
    for name, submission in submissions.items():
        write_submission(root / "submitted" / name / ASSIGNMENT, ASSIGNMENT, submission)
    with Gradebook(db_url(root)) as gb:
        gb.add_student("gus")
    before = submitted_hashes(root)
    outcomes = autograde_cohort(ASSIGNMENT, root, workers=2, progress=None, extra_args=["--Execute.timeout=20"])
    assert [o.status for o in outcomes] == ["graded"] * 5 + ["zero"]
    return root, swapped(right[10]).split("=")[1].strip(), before


@pytest.fixture(scope="module")
def ran_report(graded):
    """`course report` run on the graded cohort: (exit code, what it printed, the HTML page)."""
    import contextlib
    import io

    from course.cli import main

    root, _, _ = graded
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["report", ASSIGNMENT, "--course", str(root)])
    return code, out.getvalue(), (root / "reports" / f"{ASSIGNMENT}.html").read_text(encoding="utf-8")


class Page(HTMLParser):
    """The parts of the page a test checks: body rows of each table by caption, images, row headers' scope."""

    def __init__(self, text: str):
        super().__init__()
        self.tables, self.images, self.scopes, self._in = {}, [], [], []
        self._caption, self._row, self._cell = "", None, None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._in.append(tag)
        if tag == "img":
            self.images.append(attrs.get("alt", ""))
        if tag == "table":
            self._caption = ""
        if tag == "tr" and "tbody" in self._in:
            self._row = []
        if tag in ("th", "td") and self._row is not None:
            self._cell = ""
            self.scopes.append((tag, attrs.get("scope")))

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._row is not None and self._cell is not None:
            self._row.append(" ".join(self._cell.split()))
            self._cell = None
        if tag == "tr" and self._row is not None:
            self.tables.setdefault(self._caption, []).append(self._row)
            self._row = None
        while self._in and self._in.pop() != tag:
            pass

    def handle_data(self, data):
        if self._in and self._in[-1] == "caption":
            self._caption += data
        if self._cell is not None:
            self._cell += data

    def table(self, starts: str) -> list[list[str]]:
        return next(rows for caption, rows in self.tables.items() if caption.startswith(starts))


@pytest.mark.nbgrader
def test_course_report_writes_a_page_with_a_row_per_item(ran_report, graded):
    """Does `course report` exit 0 and write a page whose item table has one row per automatic item?"""
    code, _, text = ran_report
    page = Page(text)
    items = page.table("Automatically marked items")
    assert code == 0 and len(items) == 16
    assert [row[0] for row in items][:3] == ["test-q1", "test-q2", "test-q3"]
    assert items[0][4] == "4 of 5"
    assert {scope for tag, scope in page.scopes if tag == "th"} == {"row"}


@pytest.mark.nbgrader
def test_the_planted_wrong_answer_is_the_most_common_with_count_two(ran_report, graded):
    """Is the wrong answer two students gave to q10 listed first for q10, with 2 students?"""
    _, planted, _ = graded
    _, _, text = ran_report
    rows = {row[0]: row for row in Page(text).table("Answers of the students without full marks")}
    assert rows["test-q10"][1] == "2"
    assert rows["test-q10"][2] == f"{planted.replace(chr(34), chr(39))}: 2 students"
    assert rows["test-q2"][2] == "(not a plain answer): 1 student"


@pytest.mark.nbgrader
def test_the_histogram_has_alt_text_and_the_ungradeable_and_missing_are_listed(ran_report):
    """Does the page show the histogram with alt text, list the ungradeable and the missing, and the written item?"""
    _, printed, text = ran_report
    page = Page(text)
    (alt,) = page.images
    assert "5 graded students" in alt and "80–100%: 5 students" in alt
    assert re.search(r"<strong>fay</strong>: no graded copy of myths_and_facts.ipynb", text)
    assert "no submission: gus" in text
    assert page.table("Written answers")[0][:4] == ["task-explain-myth", "4", "0", "5"]
    assert printed.splitlines()[0] == "myths_and_facts: 5 student(s) graded, mean 15.2 of 16 automatic points."
    assert "  test-q10: difficulty 0.60; most common wrong answer 'myth' (2)" in printed


@pytest.mark.nbgrader
def test_the_report_changes_no_submission_and_shows_no_hidden_test(ran_report, graded):
    """Are the submitted files unchanged, and is no hidden-test line, scorer call or nbgrader marker in the page?"""

    from course.grading.leaks import secret_lines
    from course.grading.report import cohort_report

    root, _, before = graded
    _, _, text = ran_report
    cohort_report(root, ASSIGNMENT)
    assert submitted_hashes(root) == before
    secrets = secret_lines(root / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", solutions=False)
    words = text_of(text)
    assert len(secrets) > 10 and [line for line in secrets if line in words] == []
    assert [word for word in ("score_choice", "score_ids", "HIDDEN", "MARK SCHEME") if word in text] == []
