"""The whole trainer path, as README.md's trainer section tells a new trainer, followed word for word.

From a fresh course folder (the assignment sources, nbgrader_config.py and the course's .venv, as after `make`),
the test runs the fenced commands of the README's "Rehearse with a demo cohort" part, then runs `course status`
and follows each `Next command:` it prints until the cycle is complete: collect, autograde, marking the written
answers in the formgrader in Chromium (`course lab`), feedback, release, report, the Moodle roster and export.
The commands followed must be the README's table, in order; the Moodle file must carry the marks typed.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from learner import tab

from course.grading.build import copy_course

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# The score typed for each demo student's written answer (out of 4), by student id.
TYPED = {"demo-01": 4, "demo-02": 0, "demo-03": 0, "demo-04": 1, "demo-05": 2, "demo-06": 3}


def trainer_section() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return text.split("<!-- trainers:start -->")[1].split("<!-- trainers:end -->")[0]


def demo_part() -> str:
    """The README's "Rehearse with a demo cohort" part of the trainer section."""
    part = trainer_section().split("#### Rehearse with a demo cohort")[1]
    return part.split("\n#### ")[0]


def readme_commands() -> list[str]:
    """The commands of the demo part's fenced bash blocks, comments dropped."""
    blocks = re.findall(r"```bash\n(.*?)```", demo_part(), re.S)
    lines = [line.split("  #")[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line]


def readme_next_commands() -> list[str]:
    """The first column of the demo part's table: the next commands, in the order the README promises."""
    return re.findall(r"^\| `([^`]+)` \|", demo_part(), re.M)


def shell(script: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    result = subprocess.run(["bash", "-c", script], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                            env={k: v for k, v in os.environ.items() if k != "NBGRADER_EXCHANGE"})
    assert "Traceback" not in result.stderr + result.stdout, f"{script}:\n{result.stdout}\n{result.stderr}"
    return result


def next_command(status: str) -> str | None:
    found = re.search(r"^\s*Next command: (.+)$", status, re.M)
    return found.group(1).strip() if found else None


def auto_scores(root: Path) -> dict[str, float]:
    """Each demo student's autograded points (everything but the written answer), from the gradebook."""
    from nbgrader.api import Gradebook

    from course.grading.course_folder import gradebook_url

    with Gradebook(gradebook_url(root)) as gb:
        return {s.student.id: sum(g.score for nb in s.notebooks for g in nb.grades if g.cell.cell_type == "code")
                for s in gb.assignment_submissions("risk_factors")}


def mark_in_the_formgrader(browser, root: Path) -> None:
    """Start `course lab`, open the Formgrader address it prints and type each student's written-answer mark."""
    from support.servers import running, wait_until_answering

    with running([str(BIN / "course"), "lab", "--no-browser"], cwd=root, stdout=subprocess.PIPE,
                 stderr=subprocess.DEVNULL, text=True) as server:
        formgrader = next(line.split()[1] for line in server.stdout if line.strip().startswith("Formgrader:"))
        base = formgrader.split("/formgrader")[0]
        token = formgrader.split("token=")[1]
        assert wait_until_answering(f"{base}/api/status?token={token}", server, 120), "course lab did not start"
        with tab(browser) as page:
            page.set_default_timeout(90_000)
            page.goto(formgrader)
            page.get_by_role("link", name="Manual Grading").first.click()
            page.get_by_role("link", name="risk_factors").first.click()
            page.get_by_role("link", name="risk_factors").last.click()
            page.locator("a", has_text="Submission #").first.wait_for()
            page.get_by_role("button", name="Show All Names").click()
            links = page.locator("a.name-shown", has_text="Demo student")
            links.first.wait_for()
            addresses = {links.nth(i).inner_text(): links.nth(i).get_attribute("href") for i in range(links.count())}
            assert len(addresses) == len(TYPED), addresses
            for name, address in addresses.items():
                student = f"demo-{int(re.search(r'[0-9]+', name).group()):02d}"
                page.goto(base + address)
                cells = page.locator("#notebook-container .cell")
                assert "Student's written answer" in cells.first.inner_text() + cells.nth(1).inner_text()
                assert "Mark scheme" in cells.nth(2).inner_text(), "the mark scheme is not beside the answer"
                if student == min(TYPED):
                    mark_scheme_is_beside_the_answer(page, cells.nth(1), cells.nth(2))
                assert "BEGIN HIDDEN TESTS" not in page.content() and "Key:" not in page.inner_text("body")
                score = page.locator("input.score#task-raise-concern")
                page.wait_for_function("() => window.formgrader && formgrader.grades && formgrader.grades.loaded")
                with page.expect_response(lambda r: "/api/grade/" in r.url and r.request.method == "PUT") as saved:
                    score.fill(str(TYPED[student]))
                    score.press("Tab")
                assert saved.value.ok, f"the formgrader did not save {name}'s mark"


def mark_scheme_is_beside_the_answer(page, answer, scheme) -> None:
    """At 1280 px the mark scheme's box is to the right of the written answer, level with it, and the page no
    wider than the window; at 600 px below it."""
    page.set_viewport_size({"width": 1280, "height": 800})
    a, s = answer.bounding_box(), scheme.bounding_box()
    assert s["x"] >= a["x"] + a["width"] - 1 and s["y"] < a["y"] + a["height"], (a, s)
    assert s["x"] + s["width"] <= 1280 and page.evaluate("document.documentElement.scrollWidth") <= 1280, (a, s)
    page.set_viewport_size({"width": 600, "height": 800})
    a, s = answer.bounding_box(), scheme.bounding_box()
    assert s["y"] >= a["y"] + a["height"] - 1, ("not stacked on a narrow screen", a, s)
    page.set_viewport_size({"width": 1280, "height": 800})


def demo_everywhere(demo: Path, activate: str) -> None:
    """The report and every export format made from the demo course say, in their contents, that they are demo
    data: a banner in the report, DEMO in the report's summary and Moodle's feedback, demo ids, names and group."""
    from course.grading.lms.export import DEMO_FEEDBACK
    from course.grading.report.cohort_statistics import DEMO_BANNER
    from course.grading.trainer.demo_rosters import DEMO_GROUP, PLATFORM_FILES

    report = (demo / "reports" / "risk_factors.html").read_text(encoding="utf-8")
    assert 'id="demo"' in report and "<title>DEMO: " in report
    summary = shell(activate + "course report risk_factors", demo).stdout
    assert summary.startswith(DEMO_BANNER), summary
    moodle = csv.DictReader(io.StringIO((demo / "exports" / "DEMO-risk_factors-moodle.csv").read_text("utf-8-sig")))
    assert all(row["risk_factors (feedback)"].startswith(DEMO_FEEDBACK) for row in moodle)
    made = shell(activate + "set -e\n" + "\n".join(
        f"course roster import {PLATFORM_FILES[p]}\ncourse export risk_factors --format {p}"
        for p in ("canvas", "blackboard")) + "\ncourse export risk_factors --format csv", demo)
    assert made.returncode == 0, made.stdout + made.stderr
    exports = demo / "exports"
    canvas = list(csv.DictReader(io.StringIO((exports / "DEMO-risk_factors-canvas.csv").read_text("utf-8"))))[1:]
    blackboard = list(csv.DictReader(io.StringIO((exports / "DEMO-risk_factors-blackboard.xls").read_bytes()
                                                 .decode("utf-16")), delimiter="\t"))
    grades = list(csv.DictReader(io.StringIO((exports / "DEMO-risk_factors-grades.csv").read_text("utf-8"))))
    for rows, who, name in ((canvas, "SIS Login ID", "Student"), (blackboard, "Username", "First Name"),
                            (grades, "student", "name")):
        assert {row[who] for row in rows} == set(TYPED), rows
        assert all("Demo student" in row[name] for row in rows), rows
    assert {row["Section"] for row in canvas} == {DEMO_GROUP}


def test_a_new_trainer_follows_the_readme_from_demo_to_moodle_export(browser, tmp_path):
    """Does following the README's trainer section, then each `Next command:` of `course status`, take a new
    trainer from a fresh course folder through a demo cohort, marking in the browser, feedback and a Moodle
    export that carries the marks typed in the formgrader?"""
    course = copy_course(REPO, tmp_path / "course")
    (course / ".venv").symlink_to(BIN.parent)
    commands = readme_commands()
    assert commands[0].startswith("source") and any(c.startswith("course demo") for c in commands), commands
    done = shell("set -e\n" + "\n".join(commands) + '\necho "::cwd::$PWD"', course)
    assert done.returncode == 0, done.stdout + done.stderr
    demo = Path(done.stdout.rsplit("::cwd::", 1)[1].strip())
    status_command = commands[-1]
    activate = f"source {course / '.venv' / 'bin' / 'activate'}\n"
    status, followed = done.stdout, []
    while (command := next_command(status)) is not None:
        assert len(followed) < 12, f"course status keeps asking for more: {followed}"
        followed.append(command)
        if command == "course lab":
            automatic = auto_scores(demo)
            mark_in_the_formgrader(browser, demo)
        else:
            ran = shell(activate + command, demo)
            assert ran.returncode == 0, f"{command}:\n{ran.stdout}\n{ran.stderr}"
        status = shell(activate + status_command, demo).stdout
    assert "cycle is complete" in status, status
    assert followed == readme_next_commands(), "the README's table is not the path course status took"
    moodle = (demo / "exports" / "DEMO-risk_factors-moodle.csv").read_text(encoding="utf-8-sig")
    rows = {row["Username"]: row for row in csv.DictReader(io.StringIO(moodle))}
    for student, typed in TYPED.items():
        assert float(rows[student]["risk_factors"]) == pytest.approx(automatic[student] + typed), rows[student]
    demo_everywhere(demo, activate)
