"""A cohort with every kind of broken submission beside well-formed ones: the cohort is graded, each bad one
gets a deliberate outcome and a log line naming the student and the reason, and no submitted file changes.

The whole corpus is graded in one ``autograde_cohort`` run (module-scoped fixture) to keep the suite fast.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import nbformat
import pytest
from support.grading import answered, autograde_with_log, released_course, submitted_cohort, submitted_hashes
from support.grading import cell as _cell

from course.grading.cohort import autograde_cohort
from course.grading.course_folder import gradebook_url

pytestmark = pytest.mark.nbgrader

ASSIGNMENT = "myths_and_facts"


def _drop(notebook, grade_id):
    notebook.cells.remove(_cell(notebook, grade_id))


def _answer(notebook, grade_id, text):
    _cell(notebook, grade_id).source = text


def corpus(release, source) -> dict[str, object]:
    """Each student's submission: a notebook, raw bytes, a (filename, notebook) pair, or None for nothing."""
    good = answered(release, source)
    right = {n: _cell(good, f"answer-q{n}").source for n in range(1, 13)}

    def wrong(n: int) -> str:
        return right[n].replace('"myth"', '"?"').replace('"fact"', '"myth"').replace('"?"', '"fact"')

    def case(**answers: str):
        notebook = copy.deepcopy(good)
        for grade_id, text in answers.items():
            _answer(notebook, grade_id.replace("_", "-"), text)
        return notebook

    cases = {"good-ada": good, "good-ben": copy.deepcopy(good),
             "good-cai-partly-right": case(answer_q2=wrong(2), answer_q3=wrong(3))}
    cases["bad-infinite-loop"] = case(answer_q2=right[2] + "\nwhile True:\n    pass")
    cases["bad-syntax-error"] = case(answer_q1=right[1][:-1])
    cases["bad-exception"] = case(answer_q4=right[4] + "\nprint(my_notes)")

    deleted_answer = copy.deepcopy(good)
    _drop(deleted_answer, "answer-q5")
    cases["bad-deleted-answer"] = deleted_answer

    edited_test = case(answer_q1=wrong(1))
    _cell(edited_test, "test-q1").source = "answer = 'myth'  # fixed it"
    cases["bad-edited-test"] = edited_test

    deleted_test = copy.deepcopy(good)
    _drop(deleted_test, "test-q2")
    cases["bad-deleted-test"] = deleted_test

    changed_type = copy.deepcopy(good)
    answer_cell = _cell(changed_type, "answer-q4")
    answer_cell.cell_type = "markdown"
    answer_cell.pop("outputs", None)
    answer_cell.pop("execution_count", None)
    cases["bad-changed-cell-type"] = changed_type

    cases["bad-wrong-types"] = case(answer_q1="q1 = 1", answer_q2='q2 = ["fact"]', answer_q3="q3 = None",
                                    answer_q5='q5 = "Myth?"')
    cases["bad-redefines-scoring"] = case(answer_q1=wrong(1) + "\nscore_choice = lambda *args, **kwargs: 1")
    cases["bad-invalid-json"] = nbformat.writes(good)[:5000].encode()
    cases["bad-missing-notebook"] = None
    cases["bad-renamed-notebook"] = (f"{ASSIGNMENT} (1).ipynb", good)

    huge = case(answer_q1=right[1] + '\nfor line in range(20_000):\n    print("line", line)')
    _cell(huge, "answer-q1").outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * 3_000_000)]
    cases["bad-huge-output"] = huge
    cases["bad-warning-on-stderr"] = case(answer_q1=right[1] + '\nimport sys, warnings\nwarnings.warn("only a '
                                          'warning")\nprint("Warning: harmless", file=sys.stderr)')
    return cases


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    """The corpus, graded once: (course root, outcomes by student, log lines, hashes before, hashes after)."""
    root, release, source = released_course(tmp_path_factory.mktemp("bad-cohort"), ASSIGNMENT)
    submitted_cohort(root, ASSIGNMENT, corpus(release, source))  # real `nbgrader submit`, then collect
    before = submitted_hashes(root)
    outcomes, lines = autograde_with_log(ASSIGNMENT, root)
    return root, {o.student: o for o in outcomes}, lines, before, submitted_hashes(root)


def item_scores(root: Path, student: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(root)) as gb:
        submission = gb.find_submission(ASSIGNMENT, student)
        return {g.name: g.score for nb in submission.notebooks for g in nb.grades}


def logged(lines: list[str], student: str, *words: str) -> list[str]:
    return [line for line in lines if f"'{student}'" in line and all(w in line for w in words)]


def test_every_student_in_the_cohort_gets_an_outcome(cohort):
    """Does grading the rest of the cohort complete, whatever is in the bad submissions?"""
    root, outcomes, _, _, _ = cohort
    assert len(outcomes) == 17
    assert all(o.score is not None for o in outcomes.values()), [s for s, o in outcomes.items() if o.score is None]


def test_well_formed_submissions_are_graded_normally(cohort):
    """Do the well-formed submissions beside the bad ones get exactly their marks, with nothing logged?"""
    root, outcomes, lines, _, _ = cohort
    assert outcomes["good-ada"].score == outcomes["good-ben"].score == 16
    assert outcomes["good-cai-partly-right"].score == 14
    assert [line for line in lines if "'good-" in line] == []


def test_submitted_files_are_unchanged(cohort):
    """Is every submitted file byte-for-byte the same after grading?"""
    _, _, _, before, after = cohort
    assert before == after and len(before) > 17


def test_infinite_loop_is_never_run_and_its_answers_still_count(cohort):
    """Is a loop in an answer cell flagged and never run, while the literal answers beside it still count?"""
    root, outcomes, lines, _, _ = cohort
    assert logged(lines, "bad-infinite-loop", "answer-q2", "while True", "not run")
    assert outcomes["bad-infinite-loop"].score == 16


def test_syntax_error_scores_zero_for_that_answer_only(cohort):
    """Does a syntax error lose only the answer it breaks, with a log line saying so?"""
    root, outcomes, lines, _, _ = cohort
    scores = item_scores(root, "bad-syntax-error")
    assert scores["test-q1"] == 0 and outcomes["bad-syntax-error"].score == 15
    assert logged(lines, "bad-syntax-error", "answer-q1", "SyntaxError")


def test_code_that_would_raise_after_an_answer_is_flagged_and_the_answer_marked(cohort):
    """Is code after an answer (here one that would raise) flagged, and the answer given before it still marked?"""
    root, outcomes, lines, _, _ = cohort
    assert logged(lines, "bad-exception", "answer-q4", "print(my_notes)", "not run")
    assert item_scores(root, "bad-exception")["test-q4"] == 1


def test_deleted_answer_cell_scores_zero_for_its_items(cohort):
    """Does deleting an answer cell zero its item, leave the others, and say so in the log?"""
    root, outcomes, lines, _, _ = cohort
    assert item_scores(root, "bad-deleted-answer")["test-q5"] == 0
    assert outcomes["bad-deleted-answer"].score == 15
    assert logged(lines, "bad-deleted-answer", "answer cell 'answer-q5' was deleted")


def test_edited_test_cell_is_restored_from_the_gradebook(cohort):
    """Is an edited test put back, so the wrong answer it tried to pass still scores zero?"""
    root, outcomes, lines, _, _ = cohort
    assert item_scores(root, "bad-edited-test")["test-q1"] == 0
    assert logged(lines, "bad-edited-test", "'test-q1' was edited", "put back")


def test_deleted_test_cell_is_restored_and_graded(cohort):
    """Is a deleted test put back and run, so the right answer it checks still earns its point?"""
    root, outcomes, lines, _, _ = cohort
    assert item_scores(root, "bad-deleted-test")["test-q2"] == 1
    assert logged(lines, "bad-deleted-test", "'test-q2' was deleted", "put back")


def test_changed_cell_type_is_changed_back(cohort):
    """Is an answer cell turned into text changed back to code, so its answer still counts?"""
    root, outcomes, lines, _, _ = cohort
    assert item_scores(root, "bad-changed-cell-type")["test-q4"] == 1
    assert logged(lines, "bad-changed-cell-type", "'answer-q4'", "from code to markdown")


def test_wrong_answer_types_score_zero_with_the_reason(cohort):
    """Do answers of the wrong type score zero, each named in one log line, with the rest graded?"""
    root, outcomes, lines, _, _ = cohort
    scores = item_scores(root, "bad-wrong-types")
    assert [scores[f"test-q{n}"] for n in (1, 2, 3, 5)] == [0, 0, 0, 0]
    assert outcomes["bad-wrong-types"].score == 12
    assert logged(lines, "bad-wrong-types", "4 answer(s)", "q1, q2, q3, q5", "wrong form")


@pytest.mark.parametrize("student, reason", [
    ("bad-invalid-json", "not a valid notebook"),
    ("bad-missing-notebook", f"no {ASSIGNMENT}.ipynb"),
    ("bad-renamed-notebook", f"found {ASSIGNMENT} (1).ipynb"),
])
def test_ungradeable_submissions_score_zero_with_a_reason(cohort, student, reason):
    """Does a notebook that cannot be graded score a deliberate zero, with a log line giving the reason?"""
    root, outcomes, lines, _, _ = cohort
    assert outcomes[student].status == "zero" and outcomes[student].score == 0
    assert set(item_scores(root, student).values()) == {0}
    assert logged(lines, student, reason, "zero")


def test_huge_output_is_dropped_and_the_printing_code_never_run(cohort):
    """Is a submitted flood of output dropped from the graded copy, the code that would print more never run,
    and the notebook still graded?"""
    root, outcomes, lines, _, _ = cohort
    path = root / "autograded" / "bad-huge-output" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert _cell(nbformat.read(path, 4), "answer-q1").outputs == [] and path.stat().st_size < 200_000
    assert outcomes["bad-huge-output"].score == 16
    assert logged(lines, "bad-huge-output", "'answer-q1'", "for line in range", "not run")


def test_warning_on_stderr_does_not_cost_marks(cohort):
    """Does a harmless warning printed to stderr leave the marks untouched?"""
    root, outcomes, lines, _, _ = cohort
    assert outcomes["bad-warning-on-stderr"].score == 16
    assert [line for line in logged(lines, "bad-warning-on-stderr") if "runs code besides answers" not in line] == []


def test_code_redefining_the_scorer_earns_nothing_and_is_flagged(cohort):
    """Does an answer cell that redefines the scoring function fail to sway the mark, and get flagged?"""
    root, outcomes, lines, _, _ = cohort
    assert item_scores(root, "bad-redefines-scoring")["test-q1"] == 0
    assert logged(lines, "bad-redefines-scoring", "'answer-q1' runs code besides answers", "score_choice = ")


def test_a_second_run_regrades_without_touching_submissions(cohort):
    """Can the trainer re-run students after the cohort, with the same results, files unchanged, and no graded
    copy left over from an earlier run for a submission that can no longer be graded?"""
    root, outcomes, _, before, _ = cohort
    stale = root / "autograded" / "bad-invalid-json" / ASSIGNMENT
    shutil.copytree(root / "autograded" / "good-ada" / ASSIGNMENT, stale)
    again = autograde_cohort(ASSIGNMENT, root, students=["bad-edited-test", "bad-invalid-json"], progress=None)
    assert [o.score for o in again] == [outcomes["bad-edited-test"].score, 0]
    assert not stale.exists()
    assert submitted_hashes(root) == before
