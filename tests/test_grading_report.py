"""The cohort report: the statistics on a hand-made cohort whose answers we know, then `course report` end to end
on a real nbgrader cohort in a temporary course folder."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from support.grading import answered, cell, released_course, submitted_cohort, submitted_hashes
from support.shown import text_of

from course.grading.cohort import autograde_cohort
from course.grading.report.cohort_report import NO_ANSWER, NOT_PLAIN, Item, Student, analyse, read_answers, report_html

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
    assert "Written answers awaiting your mark (3): bob, dan, eve." in lines
    assert lines[-3:] == ["  test-q2: difficulty 0.50; most common wrong answer (not a plain answer) (1)",
                          "  test-q1: difficulty 0.60; most common wrong answer 'fact' (2)",
                          "  test-q3: difficulty 0.60; most common wrong answer 'fact' (2)"]


def test_a_demo_report_says_so_in_its_page_and_summary(report):
    """Made from a `course demo` course, do the page (a banner and its title) and the summary's first line say it
    is demo data, and does a real one not?"""
    from dataclasses import replace

    from course.grading.report.cohort_statistics import DEMO_BANNER

    demo = replace(report, demo=True)
    assert demo.summary().splitlines()[0] == DEMO_BANNER and DEMO_BANNER not in report.summary()
    page, real = report_html(demo), report_html(report)
    assert 'id="demo"' in page and "<title>DEMO: " in page and "DEMO" not in real


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


def test_each_student_gets_a_row_with_the_flags_a_trainer_acts_on(report):
    """Is every student in the per-student table, flagged when not graded, awaiting a mark, or answering in code?"""
    rows = {row.id: row for row in report.students}
    assert sorted(rows) == [s.id for s in COHORT]
    assert rows["ann"].flags == [] and rows["ann"].total == 4 and rows["ann"].written == 3.0
    assert rows["bob"].flags == ["awaiting marks: task-essay"]
    assert rows["eve"].flags == ["awaiting marks: task-essay", "answer cell with code: test-q2"]
    assert rows["fay"].flags[0].startswith("not graded") and rows["gus"].flags == ["not graded: no submission"]
    page = report_html(report)
    assert "answer cell with code: test-q2" in page and "not graded: no submission" in page


def test_items_are_shown_by_their_label_with_the_grade_id():
    """Does an item with a label appear by its label, the grade id beside it, in the tables and the summary?"""
    items = [Item("test-q1", 1, ("q1",), label="Case 9: Ola – next")]
    report = analyse("x", items, [Student("s1", scores={"test-q1": 0.0}, answers={"q1": "wait"})])
    assert "Case 9: Ola – next <span class=\"id\">(test-q1)</span>" in report_html(report)
    assert "  Case 9: Ola – next: difficulty 0.00" in report.summary()


def notebook(*cells):
    return nbformat.v4.new_notebook(cells=list(cells))


def grading_cell(make, source, grade_id, **nbgrader):
    cell = make(source)
    cell.metadata["nbgrader"] = {"grade_id": grade_id, "schema_version": 3, **nbgrader}
    return cell


def test_item_names_come_from_the_source_notebook(tmp_path):
    """Are items named by their question's heading (a bare number gets its quoted statement), the part of the
    question when it has several, a cell's own label when given, with the key and explanation trainer-only?"""
    from course.grading.report.item_names import item_texts

    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    path = tmp_path / "quiz.ipynb"
    nbformat.write(notebook(
        md("## Case 1: Ola at six weeks (3 points)\n\nOla says..."),
        grading_cell(code, 'a1_signs = []\n### BEGIN SOLUTION\na1_signs = ["x"]\n### END SOLUTION', "ans-1",
               solution=True, grade=False),
        grading_cell(code, 'check_ids("a1_signs", S)\n### BEGIN HIDDEN TESTS\n# Because x.\nscore()\n'
               "### END HIDDEN TESTS", "t-1a", grade=True, points=2),
        grading_cell(code, 'check_choice("a1_step", S)', "t-1b", grade=True, points=1),
        md("### Item 2\n\n> Babies can be spoiled by being held too much, say many people.\n"),
        grading_cell(code, 'check_choice("a2", S)', "t-2", grade=True, points=1),
        grading_cell(code, 'check_choice("a3", S)', "t-3", grade=True, points=1),
        grading_cell(md, "## Write (4 points)\n\nExplain.\n=== BEGIN MARK SCHEME ===\nOne mark each.\n"
                   "=== END MARK SCHEME ===", "task-w", task=True, grade=False, points=4),
    ), path)
    path_cells = nbformat.read(path, as_version=4)
    path_cells.cells[6].metadata["course"] = {"label": "Item 3, on its own"}
    nbformat.write(path_cells, path)
    texts = item_texts(path)
    assert list(texts) == ["t-1a", "t-1b", "t-2", "t-3", "task-w"]
    assert texts["t-1a"].label == "Case 1: Ola at six weeks – signs"
    assert texts["t-1b"].label == "Case 1: Ola at six weeks – step"
    assert texts["t-2"].label == "Item 2: “Babies can be spoiled by being held too much,…” – a2"
    assert texts["t-3"].label == "Item 3, on its own"
    assert (texts["t-1a"].key, texts["t-1a"].explanation) == ('a1_signs = ["x"]', "Because x.")
    assert texts["task-w"].label == "Write" and texts["task-w"].explanation == "One mark each."
    assert "One mark" not in texts["task-w"].question


def test_report_before_the_course_is_built_says_what_to_do(tmp_path, capsys):
    """Before any build, does `course report` stop with the command to run first, not a traceback?"""
    from course.cli import main
    from course.grading.build import copy_course

    copy_course(Path(__file__).resolve().parents[1], tmp_path)
    assert main(["report", "myths_and_facts", "--course", str(tmp_path)]) == 1
    assert capsys.readouterr().err.strip() == (
        f"course report: no gradebook at {tmp_path.resolve() / 'gradebook.db'} (nbgrader's CourseDirectory.db_url): "
        f"run `course build myths_and_facts` in {tmp_path.resolve()} first")
    assert not (tmp_path / "reports").exists()


# --------------------------------------------------------------------------- end to end with real nbgrader

ASSIGNMENT = "myths_and_facts"


@dataclass(frozen=True)
class Planted:
    """One single-choice item of the source and the answers planted for it (nothing here is today's content)."""

    answer_cell: str
    name: str
    key: str
    wrong: str
    test_cell: str
    points: float


def single_choices(source) -> list[Planted]:
    """The source's answer cells whose solution sets one name to one text, in notebook order; each item's wrong
    answer is another item's key (never its own), read from the solutions, not the hidden tests."""
    from course.grading.regions import SOLUTION, region_lines
    from course.grading.report.item_names import item_texts

    found = []
    for each in source.cells:
        meta = each.metadata.get("nbgrader", {})
        if each.cell_type == "code" and meta.get("solution"):
            values = read_answers(["\n".join(region_lines(each.source, SOLUTION))])
            if len(values) == 1 and isinstance(next(iter(values.values())), str):
                found.append((meta["grade_id"], *next(iter(values.items()))))
    keys = sorted({key for *_, key in found})
    points = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"].get("points", 0) for c in source.cells
              if c.metadata.get("nbgrader", {}).get("grade")}
    path = source.metadata.get("path")
    texts = item_texts(path)
    planted = []
    for answer_cell, name, key in found:
        test = next(gid for gid, t in texts.items() if re.match(rf"\s*{name}\s*=", t.key or ""))
        planted.append(Planted(answer_cell, name, key, next(k for k in keys if k != key), test, points[test]))
    return planted


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A small cohort autograded as `course autograde` does it: two full marks, two with the same planted wrong
    answer to the last single-choice item, one wrong answer written as code, one notebook that is not valid
    JSON, and one student with no submission. Returns (root, the planted items, submitted files' hashes)."""
    from nbgrader.api import Gradebook

    from course.grading.course_folder import gradebook_url

    root, release, source = released_course(tmp_path_factory.mktemp("report-cohort"), ASSIGNMENT)
    source.metadata["path"] = str(root / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    good = answered(release, source)
    choices = single_choices(source)
    first, second, last = choices[0], choices[1], choices[-1]

    def with_answers(**cells):
        notebook = nbformat.from_dict(good)
        for grade_id, text in cells.items():
            cell(notebook, grade_id).source = text
        return notebook

    def wrong(item):
        return f'{item.name} = "{item.wrong}"'

    submissions = {
        "ada": good, "ben": good,
        "cal": with_answers(**{last.answer_cell: wrong(last)}),
        "dee": with_answers(**{last.answer_cell: wrong(last), first.answer_cell: wrong(first)}),
        "eve": with_answers(**{second.answer_cell: f'{second.name} = "{second.wrong[:1]}" + "{second.wrong[1:]}"'}),
        "fay": nbformat.writes(good)[:4000].encode(),
    }
    submitted_cohort(root, ASSIGNMENT, submissions)  # real `nbgrader submit`, then collect
    with Gradebook(gradebook_url(root)) as gb:
        gb.add_student("gus")
    before = submitted_hashes(root)
    outcomes = autograde_cohort(ASSIGNMENT, root, workers=2, progress=None, extra_args=["--Execute.timeout=20"])
    assert [o.status for o in outcomes] == ["graded"] * 5 + ["zero"]
    return root, {"first": first, "second": second, "last": last}, before


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


def source_texts(root):
    """The items as the assignment's source notebook names them, by grade id, in notebook order."""
    from course.grading.report.item_names import item_texts

    return item_texts(root / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")


def by_grade_id(rows):
    """Table rows keyed by the grade id shown in brackets after each item's name."""
    return {re.search(r"\(([^()]+)\)$", row[0]).group(1): row for row in rows}


@pytest.mark.nbgrader
def test_course_report_writes_a_page_with_a_row_per_item(ran_report, graded):
    """Does `course report` exit 0 and write a page whose item table names each automatic item by its question,
    in notebook order, with its grade id?"""
    root, _, _ = graded
    code, _, text = ran_report
    page = Page(text)
    items = page.table("Automatically marked items")
    written = page.table("Written answers")
    texts = source_texts(root)
    assert code == 0 and len(items) + len(written) == len(texts)
    assert [row[0] for row in items + written] == [f"{t.label} ({gid})" for gid, t in texts.items()]
    assert by_grade_id(items)[graded[1]["first"].test_cell][4] == "4 of 5"
    assert {scope for tag, scope in page.scopes if tag == "th"} == {"row"}


@pytest.mark.nbgrader
def test_hardest_items_link_to_their_key_and_explanation_on_the_mark_scheme_page(ran_report, graded):
    """Does each hardest item link to an anchor of the mark scheme page written beside the report, and does
    that page hold the written item's mark scheme from the source notebook?"""
    root, _, _ = graded
    _, _, text = ran_report
    scheme = (root / "reports" / f"{ASSIGNMENT}-mark-scheme.html").read_text(encoding="utf-8")
    hardest = text.split("<h2>Hardest items</h2>")[1].split("<h2>")[0]
    links = re.findall(r'href="([^"#]+)#([^"]+)"', hardest)
    assert links and {page for page, _ in links} == {f"{ASSIGNMENT}-mark-scheme.html"}
    assert all(f'id="{anchor}"' in scheme for _, anchor in links)
    written = [t for t in source_texts(root).values() if not t.key]
    assert written and all(t.explanation.splitlines()[0] in html_text(scheme) for t in written)
    assert "Trainer only" in scheme


def html_text(page):
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.mark.nbgrader
def test_the_student_table_flags_what_to_act_on(ran_report):
    """Does every student have a row, with not graded, awaiting marks and an answer cell with code flagged?"""
    _, _, text = ran_report
    rows = {row[1]: row for row in Page(text).table("Every student")}
    assert set(rows) == {"ada", "ben", "cal", "dee", "eve", "fay", "gus"}
    assert "not graded: no submission" in rows["gus"][4] and "not graded: the submission" in rows["fay"][4]
    assert all("awaiting marks" in rows[s][4] for s in ("ada", "ben", "cal", "dee", "eve"))
    assert "answer cell with code" in rows["eve"][4] and "answer cell with code" not in rows["ada"][4]


@pytest.mark.nbgrader
def test_the_planted_wrong_answer_is_the_most_common_with_count_two(ran_report, graded):
    """Is the wrong answer two students gave to one item listed first for it, with 2 students, and the wrong
    answer written as code shown as not a plain answer?"""
    _, planted, _ = graded
    _, _, text = ran_report
    rows = by_grade_id(Page(text).table("Answers of the students without full marks"))
    assert rows[planted["last"].test_cell][1] == "2"
    assert rows[planted["last"].test_cell][2] == f"'{planted['last'].wrong}': 2 students"
    assert rows[planted["second"].test_cell][2] == "(not a plain answer): 1 student"


@pytest.mark.nbgrader
def test_the_histogram_has_alt_text_and_the_ungradeable_and_missing_are_listed(ran_report, graded):
    """Does the page show the histogram with alt text, list the ungradeable and the missing, the written items
    awaiting marks, and does the terminal give the mean and the planted item among the hardest?"""
    root, planted, _ = graded
    texts = source_texts(root)
    _, printed, text = ran_report
    page = Page(text)
    (alt,) = page.images
    assert "5 graded students" in alt
    assert re.search(rf"<strong>fay</strong>: no graded copy of {ASSIGNMENT}.ipynb", text)
    assert "no submission: gus" in text
    source = nbformat.read(root / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    points = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"] for c in source.cells
              if c.metadata.get("nbgrader", {}).get("points") is not None}
    written = [gid for gid in texts if not texts[gid].key]
    assert [row[:4] for row in page.table("Written answers")] == [
        [f"{texts[gid].label} ({gid})", f"{points[gid]:g}", "0", "5"] for gid in written]
    full = sum(p for gid, p in points.items() if gid not in written)
    lost = 2 * planted["last"].points + planted["first"].points + planted["second"].points
    assert printed.splitlines()[0] == (f"{ASSIGNMENT}: 5 student(s) graded, mean {(5 * full - lost) / 5:.1f} of "
                                       f"{full:g} automatic points.")
    assert (f"  {texts[planted['last'].test_cell].label}: difficulty 0.60; most common wrong answer "
            f"'{planted['last'].wrong}' (2)") in printed


@pytest.mark.nbgrader
def test_the_report_changes_no_submission_and_shows_no_hidden_test(ran_report, graded):
    """Are the submitted files unchanged, and is no hidden-test line, scorer call or nbgrader marker in the page?"""

    from course.grading.leaks import secret_lines
    from course.grading.report.cohort_report import cohort_report

    root, _, before = graded
    _, _, text = ran_report
    cohort_report(root, ASSIGNMENT)
    assert submitted_hashes(root) == before
    secrets = secret_lines(root / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", solutions=False)
    words = text_of(text)
    assert len(secrets) > 10 and [line for line in secrets if line in words] == []
    assert [word for word in ("score_choice", "score_ids", "HIDDEN", "MARK SCHEME") if word in text] == []


def test_report_takes_output_like_export_and_still_the_old_out(tmp_path):
    """Do `course report` and `course export` both take --output, and does the spelling --out still work?"""
    from course.cli import build_parser

    parser = build_parser()
    for argv in (["report", "a", "--output", "r.html"], ["report", "a", "--out", "r.html"],
                 ["export", "a", "--output", "r.html"], ["export", "a", "-o", "r.html"]):
        assert parser.parse_args(argv).output == "r.html", argv
    assert "--out " not in parser._subparsers._group_actions[0].choices["report"].format_help()
