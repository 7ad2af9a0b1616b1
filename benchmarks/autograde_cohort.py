"""Autograde one cohort two ways in one run, for 16 and 64 students, and check every grade is identical.

- baseline: plain sequential ``nbgrader autograde`` with nbgrader's stock preprocessors (a kernel runs each
  student's notebook);
- course: ``course autograde`` with the course's nbgrader_config.py (answers read as literals, no kernel).

Both run as the commands a trainer types, each in a fresh process, so each pays its own start-up.

The cohort is made from the assignment's own source: each student gets the solution with some answers moved
to another case's solution and some left as released, so grades vary and no key is written here.
Wall-clock and CPU time are both printed: on a shared machine the wall clock swings with other work, CPU time
much less. Run: ``python benchmarks/autograde_cohort.py [ASSIGNMENT] [--sizes 16 64]`` (``make bench``).
"""

from __future__ import annotations

import argparse
import copy
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from course.grading.build import copy_course  # noqa: E402
from course.grading.course_folder import gradebook_url  # noqa: E402
from course.grading.nbgrader_run import nbgrader  # noqa: E402
from course.grading.regions import SOLUTION, region_lines  # noqa: E402

STOCK = """
# Benchmark baseline: nbgrader's stock autograde (a kernel runs every notebook).
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput", "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec", "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata"]
c.Autograde.autograde_preprocessors = [
    "nbgrader.preprocessors.Execute", "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor", "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades", "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata"]
"""


def _grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def cohort(release, source, size: int) -> dict[str, object]:
    """``size`` students: student i answers cell j with the solution of cell (j + i // 3) when i % 3, else
    leaves every third cell as released."""
    solutions = {_grade_id(c): "\n".join(region_lines(c.source, SOLUTION)) for c in source.cells
                 if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"}
    order = list(solutions)
    students = {}
    for i in range(size):
        notebook = copy.deepcopy(release)
        for cell in notebook.cells:
            grade_id = _grade_id(cell)
            if grade_id not in solutions:
                continue
            j = order.index(grade_id)
            if i % 3 == 0 and j % 3 == i % 7 % 3:
                continue  # left as released
            donor = solutions[order[(j + i // 3) % len(order)]] if i % 3 else solutions[grade_id]
            names = [line.split("=")[0].strip() for line in solutions[grade_id].splitlines() if "=" in line]
            values = [line.split("=", 1)[1] for line in donor.splitlines() if "=" in line]
            cell.source = "\n".join(f"{n} ={v}" for n, v in zip(names, values, strict=False))
        students[f"student-{i:03d}"] = notebook
    return students


def grades(root: Path, assignment: str) -> dict[tuple[str, str], float | None]:
    with Gradebook(gradebook_url(root)) as gb:
        return {(s.student.id, g.name): g.auto_score for s in gb.assignment_submissions(assignment)
                for nb in s.notebooks for g in nb.grades}


def course(base: Path, name: str, assignment: str, students: dict, stock: bool) -> Path:
    root = base / name
    shutil.copytree(base / "released", root)
    if stock:
        with (root / "nbgrader_config.py").open("a", encoding="utf-8") as config:
            config.write(STOCK)
    for student, notebook in students.items():
        folder = root / "submitted" / student / assignment
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
        nbformat.write(notebook, folder / f"{assignment}.ipynb")
    return root


def run(assignment: str, size: int, base: Path, release, source) -> tuple[float, float, bool]:
    students = cohort(release, source, size)
    stock = course(base, f"stock-{size}", assignment, students, stock=True)
    ours = course(base, f"course-{size}", assignment, students, stock=False)
    started, cpu = time.perf_counter(), _children_cpu()
    result = nbgrader(["autograde", assignment, "--force"], stock, timeout=3600)
    baseline, baseline_cpu = time.perf_counter() - started, _children_cpu() - cpu
    if result.returncode != 0:
        raise SystemExit(f"baseline nbgrader autograde failed:\n{result.stdout[-3000:]}")
    started, cpu = time.perf_counter(), _children_cpu()
    result = subprocess.run([sys.executable, "-m", "course.cli", "autograde", assignment, "--course", str(ours)],
                            capture_output=True, text=True, cwd=ours)
    fast, fast_cpu = time.perf_counter() - started, _children_cpu() - cpu
    if result.returncode != 0:
        raise SystemExit(f"course autograde failed:\n{result.stderr[-3000:]}")
    expected, got = grades(stock, assignment), grades(ours, assignment)
    identical = expected == got and len(expected) == size * len({k[1] for k in expected})
    return baseline, fast, baseline_cpu, fast_cpu, identical


def _children_cpu() -> float:
    """CPU seconds used by finished child processes (and theirs: nbgrader's kernels), which other work on a
    shared machine does not inflate the way it does wall-clock time."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", nargs="?", default="risk_factors")
    parser.add_argument("--sizes", type=int, nargs="+", default=[16, 64])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-autograde-") as tmp:
        base = Path(tmp)
        released = copy_course(REPO, base / "released")
        result = nbgrader(["generate_assignment", args.assignment], released)
        if result.returncode != 0:
            raise SystemExit(result.stdout[-3000:])
        release = nbformat.read(released / "release" / args.assignment / f"{args.assignment}.ipynb", 4)
        source = nbformat.read(released / "assignments" / args.assignment / f"{args.assignment}.ipynb", 4)
        print(f"autograde {args.assignment}: plain sequential nbgrader (stock, kernels) vs course autograde")
        print(f"{'students':>8} {'nbgrader s':>11} {'course s':>9} {'ratio':>6} {'nbgrader s/st':>14} "
              f"{'course s/st':>12} {'CPU s nbgrader/course':>22} {'CPU ratio':>9}  identical grades")
        ok = True
        for size in args.sizes:
            baseline, fast, baseline_cpu, fast_cpu, identical = run(args.assignment, size, base, release, source)
            ok &= identical
            print(f"{size:>8} {baseline:>11.1f} {fast:>9.1f} {baseline / fast:>5.1f}x {baseline / size:>14.2f} "
                  f"{fast / size:>12.2f} {f'{baseline_cpu:.1f} / {fast_cpu:.1f}':>22} "
                  f"{baseline_cpu / fast_cpu:>8.1f}x  {'yes' if identical else 'NO'}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
