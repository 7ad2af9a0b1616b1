"""The course served to a cohort from one JupyterHub, end to end: real Unix users, the proxy, LocalProcessSpawner.

One instructor and ten students log in with their passwords. Each student opens module 02, answers a scenario and
saves a reflection; fetches, answers, validates and submits an assignment through the Assignment List API. The
instructor's formgrader service releases and collects, the grader account autogrades, the instructor marks a
written answer through the formgrader API and releases feedback; every student fetches their own feedback.
Then each lock is probed as a student. Needs root on Linux (it creates users); skipped otherwise, never in CI.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import pwd
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from hub_client import HubUser, check
from hub_setup import COURSE_ID, INSTRUCTOR, PORT, STUDENTS, automatic_points, load_course_hub, write_settings
from support.coroutines import in_a_thread_of_its_own

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
ASSIGNMENT = "risk_factors"
RUNUSER = shutil.which("runuser", path="/usr/sbin:/sbin:/usr/bin:/bin") or "runuser"
pytestmark = pytest.mark.hub


class Phases:
    """Wall-clock time per phase, printed as the test goes and kept for the closing summary."""

    def __init__(self, shown):
        self.shown, self.times, self.started = shown, {}, time.monotonic()

    def __call__(self, name: str):
        phases = self

        class Phase:
            def __enter__(self):
                self.t0 = time.monotonic()

            def __exit__(self, *exc):
                phases.times[name] = time.monotonic() - self.t0
                with phases.shown():
                    print(f"\n[hub e2e] {name}: {phases.times[name]:.1f} s", flush=True)

        return Phase()


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """A hub installed from this checkout, with its own users, folders and ports; all removed afterwards."""
    course_hub = load_course_hub()
    s = write_settings(tmp_path_factory.mktemp("hub"))
    course_hub.clean(s, keep_software=True)  # anything a killed earlier run left behind
    timings = {}
    try:
        t0 = time.monotonic()
        course_hub.install(s)
        timings["install (venv, wheel, proxy, folders)"] = time.monotonic() - t0
        t0 = time.monotonic()
        passwords = dict(course_hub.demo_users(s))
        timings["accounts"] = time.monotonic() - t0
        t0 = time.monotonic()
        course_hub.start(s)
        timings["hub start"] = time.monotonic() - t0
        yield {"s": s, "passwords": passwords, "course_hub": course_hub, "timings": timings}
    finally:
        log = Path(s["STATE_DIR"]) / "jupyterhub.log"
        if log.exists():
            ARTIFACTS.mkdir(exist_ok=True)
            shutil.copy(log, ARTIFACTS / "hub-e2e-jupyterhub.log")
        if os.environ.get("HUB_E2E_KEEP") == "1":  # to look around after a failure; the next run cleans first
            print(f"HUB_E2E_KEEP=1: the hub, its users and folders are left as they are ({s['STATE_DIR']})")
        else:
            course_hub.clean(s, keep_software=True)


def as_grader(s: dict, *command: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """A trainer's command in the course root, as the grader account, with the environment the hub gives it."""
    env = {"PATH": f"{s['INSTALL_DIR']}/venv/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
           "NBGRADER_EXCHANGE": s["EXCHANGE_ROOT"], "JUPYTER_CONFIG_PATH": f"{s['INSTALL_DIR']}/graders"}
    if Path(s["INSTALL_DIR"], "data").is_dir():
        env["COURSE_DATA"] = f"{s['INSTALL_DIR']}/data"
    result = subprocess.run([RUNUSER, "-u", s["GRADER_ACCOUNT"], "--", *command], cwd=s["COURSE_ROOT"], env=env,
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result


def as_user(name: str, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run([RUNUSER, "-u", name, "--", *command], cwd="/", capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "LANG": "C"}, timeout=60)


def in_parallel(function, items, workers: int = 6) -> list:
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(function, items))


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def processes_of(name: str, needle: str) -> list[int]:
    uid = pwd.getpwnam(name).pw_uid
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and proc.stat().st_uid == uid and needle in (proc / "cmdline").read_text():
                found.append(int(proc.name))
        except (FileNotFoundError, ProcessLookupError):
            pass
    return found


MODULE_02 = "secure-attachment/02_reading_cues.ipynb"


def learner_code(notebook: dict, cell_id: str) -> str:
    return "".join(next(c for c in notebook["cells"] if c.get("id") == cell_id)["source"])


def answer_assignment(released: dict, solution: dict, student: str, right: bool) -> dict:
    """The student's answers: the solution's for a 'right' student, the empty stubs otherwise; a written answer."""
    answers = {}
    for cell in solution["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution") and cell["cell_type"] == "code":
            source = "".join(cell["source"])
            answers[meta["grade_id"]] = re.sub(r"### (BEGIN|END) SOLUTION\n?", "", source)
    for cell in released["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if right and meta.get("grade_id") in answers:
            cell["source"] = answers[meta["grade_id"]]
        if cell.get("id") == "answer-raise-concern":
            cell["source"] = f"Written answer by {student}: I would say what I saw, kindly, and offer support."
    return released


@pytest.fixture(scope="module")
def cohort(hub, request):
    """The whole course and graded cycle, run once for the module by whichever test needs it first (so each test
    sets up what it needs, in any order): its phase times and measurements."""
    shown = request.config.pluginmanager.getplugin("capturemanager").global_and_fixture_disabled
    return take_the_course(hub, shown)


def test_a_cohort_takes_the_course_and_a_graded_assignment_on_one_hub(cohort):
    """Can ten students and an instructor run the whole course and graded cycle on the hub, each seeing only
    their own work? (Each step's checks are in take_the_course.)"""
    assert cohort["memory"]["server_mib"] > 0 and cohort["memory"]["kernel_mib"] > 0
    assert set(cohort["phases_s"]) >= {"log in and start 11 servers", "students fetch their feedback"}


def take_the_course(hub, shown) -> dict:
    """Ten students and an instructor through the course and the graded cycle, checking each step."""
    s, phase = hub["s"], Phases(shown)
    with shown():
        for name, seconds in hub["timings"].items():
            print(f"\n[hub e2e] {name}: {seconds:.1f} s", flush=True)
    base = f"http://127.0.0.1:{PORT}"
    users = {name: HubUser(base, name, hub["passwords"][name]) for name in [INSTRUCTOR, *STUDENTS]}
    students = [users[n] for n in STUDENTS]
    teacher = users[INSTRUCTOR]

    with phase("log in and start 11 servers"):
        def log_in(user):
            user.log_in()
            user.start_server()
        in_parallel(log_in, users.values(), workers=11)
        home = Path(pwd.getpwnam(STUDENTS[0]).pw_dir)
        assert sorted(p.name for p in (home / "secure-attachment").iterdir()) == \
            sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb")), "each learner gets the module notebooks"

    with phase("module 02: answer a scenario, save a reflection"):
        def module_02(user):
            notebook = user.read_notebook(MODULE_02)
            kernel = user.open_notebook(MODULE_02)
            code = "\n".join([
                learner_code(notebook, "m02-02"),
                f"widget = {learner_code(notebook, 'm02-12')}",
                f"note = {learner_code(notebook, 'm02-16')}",
                "from course.content import load_content",
                "scenario = [x for x in load_content()['scenarios'] if x.module == '02'][0]",
                "for control, question in zip(widget.answer_controls, scenario.questions):",
                "    control.value = question.options[0].id",
                "widget.check_button.click()",
                f"note.text.value = 'Reflection by {user.name}: the baby turned away and the carer waited.'",
                "note.save_button.click()",
                "from course.progress import learner_progress, course_home",
                "import json",
                "p = learner_progress()",
                "print(json.dumps({'home': str(course_home()), 'attempts': len(p.attempts('02')),",
                "                  'reflection': p.reflection('02-cues').text}))",
            ])
            return kernel, json.loads(user.execute(kernel, code).strip().splitlines()[-1])
        results = in_parallel(module_02, students, workers=4)
        for user, (_, saved) in zip(students, results, strict=True):
            home = Path(pwd.getpwnam(user.name).pw_dir)
            assert saved["home"] == str(home / ".secure-attachment")
            assert saved["attempts"] >= 1 and saved["reflection"].startswith(f"Reflection by {user.name}:")
            stored = [p for p in (home / ".secure-attachment").rglob("*") if p.is_file()]
            assert stored, f"{user.name}: no progress file in their home"
            assert all(p.stat().st_uid == pwd.getpwnam(user.name).pw_uid for p in stored), \
                f"{user.name}: a progress file is not their own"
        # Memory of one learner's server with module 02 open (its kernel included), for docs/hub.md's sizing.
        first = students[0].name
        server = sum(rss_kib(p) for p in processes_of(first, "jupyterhub-singleuser"))
        kernel = sum(rss_kib(p) for p in processes_of(first, "ipykernel"))
        memory = {"server_mib": round(server / 1024), "kernel_mib": round(kernel / 1024),
                                  "total_mib": round((server + kernel) / 1024)}
        with shown():
            print(f"\n[hub e2e] one learner's memory with module 02 open: {memory}", flush=True)
        assert server > 0 and kernel > 0
        # Learners' kernels listen on 127.0.0.1 only, so ipykernel's "eavesdropping" alarm is dropped (issue 19).
        hub_log = (Path(s["STATE_DIR"]) / "jupyterhub.log").read_text(errors="replace")
        assert "Kernel started" in hub_log and "Kernel is running over TCP" not in hub_log

    with phase("a runaway kernel fails in its own learner's server only"):
        (runaway, _), (other, _) = results[0], results[1]
        grab = ("import mmap\ntry:\n    mmap.mmap(-1, 4 << 30)\n    print('allocated')\n"
                "except OSError:\n    print('refused')")
        assert students[0].execute(runaway, grab).strip() == "refused", "4 GiB allowed past MEM_LIMIT = 1G"
        assert students[1].execute(other, "print(6 * 7)").strip() == "42"
        kernel_limits = Path(f"/proc/{processes_of(students[0].name, 'ipykernel')[0]}/limits").read_text()
        assert re.search(r"Max address space\s+1073741824", kernel_limits), kernel_limits
        assert re.search(r"Max processes\s+512", kernel_limits), kernel_limits

    with phase("build and release (course build as the grader, release from the formgrader)"):
        as_grader(s, "course", "build", ASSIGNMENT)
        # A student cannot use the formgrader; the instructor can.
        denied = students[0].formgrader("POST", COURSE_ID, f"assignment/{ASSIGNMENT}/release")
        assert denied.status_code == 403, f"a student reached the formgrader: HTTP {denied.status_code}"
        check(teacher.formgrader("POST", COURSE_ID, f"assignment/{ASSIGNMENT}/release"), "release")

    solution = json.loads((REPO / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    with phase("students fetch, answer, validate and submit"):
        def take_assignment(indexed):
            index, user = indexed
            listed = user.assignments(COURSE_ID)
            assert any(a["assignment_id"] == ASSIGNMENT and a["status"] == "released" for a in listed["value"]), \
                f"{user.name} cannot see the released assignment: {listed}"
            user.assignments(COURSE_ID, "fetch", ASSIGNMENT)
            path = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
            released = user.read_notebook(path)
            user.save_notebook(path, answer_assignment(released, solution, user.name, right=index % 2 == 0))
            validation = user.validate(path)
            user.assignments(COURSE_ID, "submit", ASSIGNMENT)
            return validation
        validations = in_parallel(take_assignment, list(enumerate(students)), workers=4)
        assert all(v.get("success") for v in validations), validations

    with phase("two students submit as a classmate (who answered right), later"):
        inbound = Path(s["EXCHANGE_ROOT"]) / COURSE_ID / "inbound"
        forged = inbound / f"{STUDENTS[0]}+{ASSIGNMENT}+2099-01-01 00:00:00.000000 UTC+forged"
        made = as_user(STUDENTS[1], "/bin/sh", "-c", f'mkdir "$1" && cp ~/{ASSIGNMENT}/{ASSIGNMENT}.ipynb "$1"/ && '
                       'echo "2099-01-01 00:00:00.000000 UTC" > "$1/timestamp.txt"', "sh", str(forged))
        assert made.returncode == 0, made.stderr
        submitted = as_user(STUDENTS[3], "/bin/sh", "-c", f"cd ~ && {s['INSTALL_DIR']}/venv/bin/nbgrader submit "
                            f"{ASSIGNMENT} --course={COURSE_ID} --student={STUDENTS[2]}")
        assert submitted.returncode == 0, submitted.stderr[-2000:]

    with phase("collect, autograde, mark a written answer, release feedback"):
        collected = check(teacher.formgrader("POST", COURSE_ID, f"assignment/{ASSIGNMENT}/collect"), "collect")
        refused = [line for line in collected.json()["log"].splitlines() if "WARNING" in line]
        assert len(refused) == 2 and f"'{STUDENTS[1]}'" in refused[0] + refused[1] \
            and f"'{STUDENTS[3]}'" in refused[0] + refused[1], collected.json()["log"]
        graded = as_grader(s, "course", "autograde", ASSIGNMENT)
        submissions = check(teacher.formgrader("GET", COURSE_ID, f"submitted_notebooks/{ASSIGNMENT}/{ASSIGNMENT}"),
                            "submissions").json()
        assert sorted(sub["student"] for sub in submissions) == sorted(STUDENTS), \
            f"{graded.stdout[-1500:]}\n{graded.stderr[-1500:]}"
        for sub in submissions:
            grades = check(teacher.formgrader("GET", COURSE_ID, "grades", params={"submission_id": sub["id"]}),
                           "grades").json()
            written = next(g for g in grades if g["name"] == "task-raise-concern")
            marked = check(teacher.formgrader("PUT", COURSE_ID, f"grade/{written['id']}",
                                              json={"manual_score": 3}), "mark").json()
            assert marked["manual_score"] == 3
        check(teacher.formgrader("POST", COURSE_ID, f"assignment/{ASSIGNMENT}/generate_feedback"), "feedback")
        check(teacher.formgrader("POST", COURSE_ID, f"assignment/{ASSIGNMENT}/release_feedback"), "release feedback")

    full = automatic_points()
    with phase("students fetch their feedback"):
        def fetch_feedback(user):
            user.assignments(COURSE_ID, "fetch_feedback", ASSIGNMENT)
            home = Path(pwd.getpwnam(user.name).pw_dir)
            return user.name, [p.read_text() for p in (home / ASSIGNMENT / "feedback").rglob("*.html")]
        for index, (name, pages) in enumerate(in_parallel(fetch_feedback, students, workers=4)):
            assert len(pages) == 1, f"{name}: expected their one feedback page, found {len(pages)}"
            page = pages[0]
            assert f"Written answer by {name}:" in page, f"{name}: the feedback is not their own"
            others = [other for other in STUDENTS if other != name and f"Written answer by {other}:" in page]
            assert not others, f"{name} received feedback of {others}"
            assert "BEGIN HIDDEN TESTS" not in page and "MARK SCHEME" not in page.upper(), f"{name}: key leaked"
            score = re.search(r"Score:\s*([\d.]+)\s*/\s*([\d.]+)", page)
            assert score, f"{name}: no score in the feedback"
            # Every automatic point (right answers) or none (empty stubs), plus the written mark of 3.
            assert float(score.group(1)) == 3 + (full if index % 2 == 0 else 0), (name, score.group(0))
    measured = {"phases_s": {**hub["timings"], **phase.times}, "memory": memory}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "hub-e2e-measurements.json").write_text(json.dumps(measured, indent=2))
    return measured


def denied(result: subprocess.CompletedProcess) -> bool:
    return result.returncode != 0 and ("Permission denied" in result.stderr or "Operation not permitted"
                                       in result.stderr)


def test_a_student_is_denied_everything_that_is_not_theirs(hub, cohort):
    """Is a student denied other homes, the course root, the gradebook, others' submissions and the exchange's
    private folders? (The cohort's run makes the submissions and progress these probes target.)"""
    s = hub["s"]
    me, other = STUDENTS[1], STUDENTS[0]
    other_home = pwd.getpwnam(other).pw_dir
    course = Path(s["EXCHANGE_ROOT"]) / COURSE_ID
    # Their own submission, not a folder a classmate made by hand under their name (the cohort's attack).
    submission = next(p for p in (course / "inbound").iterdir() if p.name.startswith(f"{other}+")
                      and p.stat().st_uid == pwd.getpwnam(other).pw_uid)
    progress_file = next(p for p in Path(other_home, ".secure-attachment").rglob("*") if p.is_file())
    probes = {
        "list another student's home": ["ls", other_home],
        "read another student's progress": ["cat", str(progress_file)],
        "list the course root": ["ls", s["COURSE_ROOT"]],
        "read an assignment source (solutions, hidden tests)": [
            "cat", f"{s['COURSE_ROOT']}/assignments/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"],
        "read the gradebook": ["cat", f"{s['COURSE_ROOT']}/gradebook.db"],
        "list the exchange's submissions": ["ls", str(course / "inbound")],
        "read another student's submission, knowing its name": ["cat", str(submission / f"{ASSIGNMENT}.ipynb")],
        "change another student's submission": ["touch", str(submission / f"{ASSIGNMENT}.ipynb")],
        "add a file to another student's submission": ["touch", str(submission / "extra.txt")],
        "list the exchange's feedback": ["ls", str(course / "feedback")],
        "rename the course's exchange folder": ["mv", str(course), f"{s['EXCHANGE_ROOT']}/taken"],
        "read the hub's state (demo passwords)": ["ls", s["STATE_DIR"]],
        "read the graders' settings": ["ls", f"{s['INSTALL_DIR']}/graders"],
    }
    assert Path(s["COURSE_ROOT"], "gradebook.db").exists()
    results = {what: as_user(me, *command) for what, command in probes.items()}
    allowed = {what: (r.returncode, r.stderr.strip()) for what, r in results.items() if not denied(r)}
    assert not allowed, f"a student was not denied: {allowed}"
    for path in [pwd.getpwnam(name).pw_dir for name in STUDENTS]:
        assert os.stat(path).st_mode & 0o777 == 0o700, f"{path} is not 0700"
    # The learner's server has no formgrader of its own (only the hub service for graders has one).
    student = HubUser(f"http://127.0.0.1:{PORT}", me, hub["passwords"][me])
    student.log_in()
    assert student.get("formgrader").status_code == 404


def test_screenshots_of_the_assignment_list_and_the_formgrader(hub, cohort):
    """In a real browser, does a student's Assignment List show the assignment with its feedback, and does the
    formgrader open in its own tab for the instructor? (Saves the README's pictures in docs/images/; the cohort's
    run releases the assignment and the feedback shown.)"""
    chromium = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
    if not os.access(chromium, os.X_OK):
        pytest.fail(f"no Chromium at {chromium} (run 'make browser')", pytrace=False)
    base, images = f"http://127.0.0.1:{PORT}", REPO / "docs" / "images"
    in_a_thread_of_its_own(screenshots, chromium, base, images, hub["passwords"])


def screenshots(chromium: str, base: str, images: Path, passwords: dict[str, str]) -> None:
    """The two README pictures, as a student and as the instructor see the hub."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        try:
            def log_in(name):
                page = browser.new_context(viewport={"width": 1280, "height": 760}).new_page()
                page.goto(f"{base}/hub/login")
                page.get_by_label("Username").fill(name)
                page.get_by_label("Password").fill(passwords[name])
                page.get_by_role("button", name="Sign in").click()
                return page

            student = log_in(STUDENTS[0])
            student.wait_for_url(f"**/user/{STUDENTS[0]}/lab**", timeout=120_000)
            # The start page opens first (DEFAULT_URL); then the learner opens Nbgrader → Assignment List.
            expect(student.get_by_role("heading", name="Module 00: Start here")).to_be_visible(timeout=120_000)
            student.get_by_role("menuitem", name="Nbgrader").click()
            student.get_by_role("menuitem", name="Assignment List").click()
            student.locator(".lm-TabBar-tab", has_text="Assignments").click()
            submitted = student.locator(".lm-Widget", has_text="Submitted assignments").last
            expect(submitted.get_by_role("button", name="Fetch Feedback")).to_be_visible(timeout=60_000)
            expect(submitted.get_by_text("view feedback")).to_be_visible()
            expect(student.get_by_text("Would you like to get notified")).to_have_count(0)
            student.screenshot(path=str(images / "hub-assignment-list.png"))

            teacher = log_in(INSTRUCTOR)
            teacher.wait_for_url(f"**/user/{INSTRUCTOR}/**", timeout=120_000)
            teacher.goto(f"{base}/services/{COURSE_ID}/formgrader")
            expect(teacher.get_by_role("heading", name="Manage Assignments")).to_be_visible(timeout=60_000)
            row = teacher.get_by_role("row").filter(has_text=ASSIGNMENT)
            expect(row.get_by_text("released")).to_be_visible()
            expect(row.get_by_role("gridcell", name=str(len(STUDENTS)), exact=True)).to_be_visible()
            teacher.screenshot(path=str(images / "hub-formgrader.png"))
        finally:
            browser.close()
