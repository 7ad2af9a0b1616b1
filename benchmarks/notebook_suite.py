"""How long the whole notebook suite takes to run, against a baseline measured in the same process.

The baseline is a one-cell notebook (kernel start plus ``import course``), so the ratios show what each module
costs beyond starting a kernel, on whatever machine runs this. The budget is 3 minutes for the whole suite on a
2-core machine; the script exits non-zero when it is exceeded.

    .venv/bin/python benchmarks/notebook_suite.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 180


def run(notebook: nbformat.NotebookNode, cwd: Path) -> float:
    started = time.perf_counter()
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return time.perf_counter() - started


def best_of(repeat: int, make, cwd: Path) -> float:
    return min(run(make(), cwd) for _ in range(repeat))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per notebook; the best is kept")
    args = parser.parse_args()
    os.environ["COURSE_HOME"] = tempfile.mkdtemp(prefix="bench-course-home-")
    notebooks = sorted((REPO / "notebooks").glob("*.ipynb"))
    cwd = REPO / "notebooks"

    def baseline_notebook():
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_code_cell("import course")]
        return notebook

    baseline = best_of(args.repeat, baseline_notebook, cwd)
    print(f"baseline (kernel start + import course): {baseline:6.2f} s  ratio 1.00")
    total = 0.0
    for path in notebooks:
        seconds = best_of(args.repeat, lambda p=path: nbformat.read(p, as_version=4), cwd)
        total += seconds
        print(f"{path.name:45s} {seconds:6.2f} s  ratio {seconds / baseline:5.2f}")
    verdict = "within" if total <= BUDGET_SECONDS else "OVER"
    label = f"whole suite ({len(notebooks)} notebooks, one after another)"
    print(f"{label:45s} {total:6.2f} s  ratio {total / baseline:5.2f}  budget {BUDGET_SECONDS} s: {verdict}")
    return 0 if total <= BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
