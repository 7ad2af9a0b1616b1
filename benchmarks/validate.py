"""How long `course validate` takes, side by side with `import course` (the baseline) in the same run.

Each is a fresh process, as a trainer runs it: ``python -c "import course"`` and ``course validate`` on the
course's content. The best of a few runs of each is printed with the ratio to the baseline. The budget is half
a second for `course validate`; the script exits non-zero when the best run is over it.

    .venv/bin/python benchmarks/validate.py [--repeat N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

BUDGET_SECONDS = 0.5
COMMANDS = {
    "import course (baseline)": [sys.executable, "-c", "import course"],
    "course validate": [sys.executable, "-c", "import sys; from course.cli import main; sys.exit(main(['validate']))"],
    "course --help": [sys.executable, "-c", "import sys; from course.cli import main; main(['--help'])"],
}


def best_time(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    results = {name: best_time(command, args.repeat) for name, command in COMMANDS.items()}
    baseline = results["import course (baseline)"]
    for name, seconds in results.items():
        print(f"{name:26} {seconds * 1000:7.0f} ms   {seconds / baseline:5.1f}x the baseline")
    over = results["course validate"] > BUDGET_SECONDS
    print(f"course validate: {'OVER' if over else 'within'} the {BUDGET_SECONDS:g} s budget")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
