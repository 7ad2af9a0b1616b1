"""How the cohort report's computation grows with the cohort, against a 30-student baseline in the same run.

A synthetic cohort (no gradebook, no notebooks): 16 automatic items like the assignments' (single choices and
lists of ids) and one written item, with seeded random scores and answers. It times ``analyse`` (the
statistics) and ``report_html`` (the page, histogram included) for 30, 400 and 4,000 students, keeps the best
of a few runs, and prints each time with its ratio to the 30-student time. The budget is a few seconds for
400 students on a 2-core machine; the script exits non-zero when the 400-student total is over it.

    .venv/bin/python benchmarks/cohort_report.py [--repeat N]
"""

from __future__ import annotations

import argparse
import random
import time

from course.grading.report.cohort_statistics import Item, Student, analyse
from course.grading.report.report_page import report_html

SIZES = (30, 400, 4000)
BUDGET_SECONDS = 5.0
IDS = ["own-attachment-history", "high-stress", "emotional-problems", "drugs-alcohol", "unsafe-environment",
       "negative-childhood-memories", "none"]


def cohort(size: int, seed: int = 1) -> tuple[list[Item], list[Student]]:
    """Seeded items and students: ability drives each student's chance of full marks on each item."""
    rng = random.Random(seed)
    items = [Item(f"test-q{n}", 1.0, (f"q{n}",)) if n % 2 else Item(f"test-q{n}-factors", 2.0, (f"q{n}_factors",))
             for n in range(1, 17)]
    items.append(Item("task-explain", 4.0, autograded=False))
    keys = {i.id: ("myth" if rng.random() < 0.5 else "fact") if i.points == 1 else tuple(sorted(rng.sample(IDS, 2)))
            for i in items if i.autograded}
    students = []
    for s in range(size):
        ability = rng.random()
        scores, answers = {}, {}
        for item in items:
            if not item.autograded:
                scores[item.id] = float(rng.randint(0, 4)) if rng.random() < 0.5 else None
                continue
            (name,) = item.answers
            key = keys[item.id]
            if rng.random() < 0.3 + 0.6 * ability:
                scores[item.id], answers[name] = item.points, key
            elif item.points == 1:
                scores[item.id], answers[name] = 0.0, "fact" if key == "myth" else "myth"
            else:
                answer = tuple(sorted(set(rng.sample(IDS, rng.randint(1, 3)))))
                scores[item.id], answers[name] = float(len(set(answer) & set(key)) == 2), answer
        students.append(Student(f"student-{s:04d}", "graded", scores, answers))
    return items, students


def best(repeat: int, work, *args) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work(*args)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the best is kept")
    args = parser.parse_args()
    report_html(analyse("warm-up", *cohort(5)))  # imports and matplotlib's first figure, outside the timings
    baseline = None
    over = False
    print(f"{'students':>8}  {'analyse':>9}  {'page':>9}  {'total':>9}  ratio to 30")
    for size in SIZES:
        items, students = cohort(size)
        statistics = best(args.repeat, analyse, "bench", items, students)
        report = analyse("bench", items, students)
        page = best(args.repeat, report_html, report)
        total = statistics + page
        baseline = baseline or total
        print(f"{size:>8}  {statistics:8.3f}s  {page:8.3f}s  {total:8.3f}s  {total / baseline:6.2f}")
        if size == 400 and total > BUDGET_SECONDS:
            over = True
    print(f"400 students within the {BUDGET_SECONDS:g} s budget: {'no' if over else 'yes'}")
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
