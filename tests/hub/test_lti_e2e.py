"""LTI 1.3 end to end on loopback: a platform launches five students and an instructor into a running hub, the
class list comes from the platform, students submit with nbgrader as their own Unix accounts, the grader grades
and marks, and `course passback` puts in the platform's gradebook exactly the gradebook's grades.

Root on Linux only (the hub makes a Unix account on each first launch); skipped with a reason elsewhere, never in
CI. The platform is tests/support/lti_platform.py; no real Moodle, Canvas or Blackboard is involved.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import grp
import html
import json
import os
import pwd
import re
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from hub_setup import SETTINGS, load_course_hub
from support.lti_platform import CLAIM, LoopbackPlatform

from course.grading.lms.lti.launch import account_name

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
ASSIGNMENT = "risk_factors"
COURSE_ID = "secure-attachment"
PORT = 18100
BASE = f"http://127.0.0.1:{PORT}"
ISSUER = "https://platform.loopback.test"
RUNUSER = shutil.which("runuser", path="/usr/sbin:/sbin:/usr/bin:/bin") or "runuser"
STUDENTS = {"u-1001": ("Amara", "Okafor"), "u-1002": ("Bethan", "Jones"), "u-1003": ("Chen", "Li"),
            "u-1004": ("=HYPERLINK(\"x\")", "Dee"), "u-1005": ("Eilidh", "Ross")}
INSTRUCTOR = "u-9001"
NO_SUBMISSION = "u-1005"
pytestmark = pytest.mark.hub


def account(sub: str) -> str:
    return account_name(ISSUER, sub)


def settings_text(platform: LoopbackPlatform) -> str:
    text = SETTINGS
    for name, value in {"COURSE_ROOT": "/srv/sat-lti-test/course", "EXCHANGE_ROOT": "/srv/sat-lti-test/exchange",
                        "STATE_DIR": "/var/lib/sat-lti-test", "GRADER_ACCOUNT": "sat-lti-grader",
                        "GRADERS_GROUP": "sat-lti-graders", "LEARNERS_GROUP": "sat-lti-learners",
                        "AUTHENTICATOR": "lti"}.items():
        text = re.sub(rf'^{name} = .*$', f'{name} = "{value}"', text, flags=re.M)
    for name, value in {"HUB_PORT": PORT, "HUB_API_PORT": 18181, "PROXY_API_PORT": 18101, "FORMGRADER_PORT": 19199,
                        "DEMO_STUDENTS": 0}.items():
        text = re.sub(rf'^{name} = .*$', f'{name} = {value}', text, flags=re.M)
    text = re.sub(r'^INSTRUCTORS = .*$', "INSTRUCTORS = []", text, flags=re.M)
    return text + f"LTI_PLATFORM = {platform.registration()!r}\nLTI_TOOL_URL = {BASE!r}\n"


def remove_accounts(course_hub) -> None:
    for sub in [*STUDENTS, INSTRUCTOR]:
        if course_hub.user_exists(account(sub)):
            course_hub.end_processes_of(account(sub), 9)
            time.sleep(0.2)
            subprocess.run(["userdel", "--remove", account(sub)], capture_output=True)


def keep_log(s: dict) -> None:
    log = Path(s["STATE_DIR"]) / "jupyterhub.log"
    if log.exists():
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy(log, ARTIFACTS / "lti-e2e-jupyterhub.log")


@pytest.fixture(scope="module")
def lti_hub(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lti-hub")
    platform = LoopbackPlatform(folder, BASE, issuer=ISSUER).start()
    for sub, (given, family) in STUDENTS.items():
        platform.add_member(sub, given, family)
    platform.add_member(INSTRUCTOR, "Tess", "Teacher", "Instructor")
    course_hub = load_course_hub()
    (folder / "settings.py").write_text(settings_text(platform))
    folder.chmod(0o755)
    (folder / "settings.py").chmod(0o644)
    s = course_hub.load_settings(folder / "settings.py")
    remove_accounts(course_hub)
    course_hub.clean(s, keep_software=True)
    timings = {}
    try:
        t0 = time.monotonic()
        course_hub.install(s)
        timings["install"] = time.monotonic() - t0
        t0 = time.monotonic()
        course_hub.start(s)
        timings["hub start"] = time.monotonic() - t0
        yield {"s": s, "platform": platform, "timings": timings}
    finally:
        platform.stop()
        keep_log(s)
        course_hub.stop(s)
        remove_accounts(course_hub)
        course_hub.clean(s, keep_software=True)


# --- a browser, as far as LTI needs one: follows redirects and posts the auto-submitting forms ---------------------
FORM = re.compile(r'<form[^>]*method="post"[^>]*action="([^"]+)"', re.I)
INPUT = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', re.I)


def form_of(response: requests.Response) -> tuple[str, dict]:
    found = FORM.search(response.text)
    assert found, f"no auto-posting form from {response.url}: HTTP {response.status_code} {response.text[:300]}"
    return html.unescape(found.group(1)), {html.unescape(k): html.unescape(v) for k, v in INPUT.findall(response.text)}


def until_launch(browser: requests.Session, platform: LoopbackPlatform, sub: str) -> tuple[str, dict]:
    """Click the activity in the platform (which sends the browser to the hub's login initiation, which sends it
    back to the platform's authorisation page); return the launch form the platform posts back to the hub."""
    clicked = browser.get(f"{platform.url}/launch", params={"user": sub}, allow_redirects=False)
    assert clicked.status_code == 302, f"the platform's launch: HTTP {clicked.status_code} {clicked.text[:300]}"
    initiation = browser.get(clicked.headers["Location"], allow_redirects=False)
    assert initiation.status_code == 302, f"login initiation: HTTP {initiation.status_code} {initiation.text[:300]}"
    return form_of(browser.get(initiation.headers["Location"]))


def launch(platform: LoopbackPlatform, sub: str) -> tuple[requests.Session, str]:
    browser = requests.Session()
    action, fields = until_launch(browser, platform, sub)
    landed = browser.post(action, data=fields, allow_redirects=False)
    assert landed.status_code == 302, f"{sub}: launch refused: HTTP {landed.status_code} {landed.text[-500:]}"
    return browser, landed.headers["Location"]


def api_token(browser: requests.Session, name: str) -> str:
    browser.get(f"{BASE}/hub/home")
    xsrf = next(c.value for c in browser.cookies if c.name == "_xsrf" and c.path.startswith("/hub"))
    made = browser.post(f"{BASE}/hub/api/users/{name}/tokens", json={"note": "lti e2e"},
                        headers={"X-XSRFToken": xsrf})
    assert made.status_code == 201, made.text
    return made.json()["token"]


def formgrader(token: str, method: str, path: str, **kwargs) -> requests.Response:
    return requests.request(method, f"{BASE}/services/{COURSE_ID}/formgrader/api/{path}",
                            headers={"Authorization": f"token {token}"}, timeout=300, **kwargs)


# --- commands as the grader account and as a student -------------------------------------------------------------
def grader_env(s: dict) -> dict:
    env = {"PATH": f"{s['INSTALL_DIR']}/venv/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
           "NBGRADER_EXCHANGE": s["EXCHANGE_ROOT"], "JUPYTER_CONFIG_PATH": f"{s['INSTALL_DIR']}/graders",
           "COURSE_LTI": f"{s['INSTALL_DIR']}/lti/lti.json"}
    if Path(s["INSTALL_DIR"], "data").is_dir():
        env["COURSE_DATA"] = f"{s['INSTALL_DIR']}/data"
    return env


def run_as(user: str, s: dict, *command: str, cwd: str = "/", ok: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([RUNUSER, "-u", user, "--", *command], cwd=cwd, env=grader_env(s),
                            capture_output=True, text=True, timeout=600)
    if ok:
        assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result


def grader(s: dict, *command: str, ok: bool = True) -> subprocess.CompletedProcess:
    return run_as(s["GRADER_ACCOUNT"], s, *command, cwd=s["COURSE_ROOT"], ok=ok)


def answered(released: dict, solution: dict, right: bool, who: str) -> dict:
    answers = {}
    for cell in solution["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution") and cell["cell_type"] == "code":
            answers[meta["grade_id"]] = re.sub(r"### (BEGIN|END) SOLUTION\n?", "", "".join(cell["source"]))
    for cell in released["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if right and grade_id in answers:
            cell["source"] = answers[grade_id]
        if cell.get("id") == "answer-raise-concern":
            cell["source"] = f"Written answer by {who}: I would say what I saw, kindly, and offer support."
    return released


def submit(s: dict, name: str, right: bool) -> None:
    """nbgrader fetch and submit as the student's own Unix account; the answers written into their copy."""
    home = Path(pwd.getpwnam(name).pw_dir)
    run_as(name, s, "nbgrader", "fetch_assignment", ASSIGNMENT, "--course", COURSE_ID, cwd=str(home))
    path = home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    solution = json.loads((REPO / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    path.write_text(json.dumps(answered(json.loads(path.read_text()), solution, right, name)))
    run_as(name, s, "nbgrader", "submit", ASSIGNMENT, "--course", COURSE_ID, cwd=str(home))


def mark(token: str, students: list[str], points: float) -> None:
    """The instructor marks the written answer through the formgrader's API, as its marking page does."""
    submissions = formgrader(token, "GET", f"submitted_notebooks/{ASSIGNMENT}/{ASSIGNMENT}").json()
    for submission in [x for x in submissions if x["student"] in students]:
        grades = formgrader(token, "GET", "grades", params={"submission_id": submission["id"]}).json()
        written = next(g for g in grades if g["name"] == "task-raise-concern")
        marked = formgrader(token, "PUT", f"grade/{written['id']}", json={"manual_score": points})
        assert marked.status_code == 200 and marked.json()["manual_score"] == points, marked.text


def gradebook_totals(s: dict) -> dict[str, tuple[float, float]]:
    from course.grading.lms.export import cohort_grades

    _, grades = cohort_grades(s["COURSE_ROOT"], ASSIGNMENT)
    return {g.student_id: (g.total, g.max_score) for g in grades if g.submitted}


@contextlib.contextmanager
def timed(phases: dict, name: str):
    t0 = time.monotonic()
    yield
    phases[name] = round(time.monotonic() - t0, 1)


def test_five_students_launch_submit_and_get_their_grades_back_in_the_platform(lti_hub, capsys):
    """Launch from the platform, roster from the platform, grades back to the platform, equal to the gradebook's."""
    s, platform, phases = lti_hub["s"], lti_hub["platform"], {}
    started = time.monotonic()
    browsers, landings = {}, {}
    with timed(phases, "6 launches"):
        for sub in [*STUDENTS, INSTRUCTOR]:
            browsers[sub], landings[sub] = launch(platform, sub)
    for sub, location in landings.items():
        name = account(sub)
        assert location.startswith(f"/hub/spawn/{name}?next="), location
        assert parse_qs(urlsplit(location).query)["next"] == [
            f"/user/{name}/lab/tree/secure-attachment/02_reading_cues.ipynb"], location
        entry = pwd.getpwnam(name)
        assert os.stat(entry.pw_dir).st_mode & 0o777 == 0o700
        group = s["GRADERS_GROUP"] if sub == INSTRUCTOR else s["LEARNERS_GROUP"]
        assert name in grp.getgrnam(group).gr_mem, f"{sub} is not in {group}"

    # The first student follows the landing: their server starts and the module opens.
    landed = time.monotonic()
    first = account("u-1001")
    landing = urljoin(BASE, landings["u-1001"])
    browsers["u-1001"].get(landing, timeout=120)
    module = f"{BASE}/user/{first}/lab/tree/secure-attachment/02_reading_cues.ipynb"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        page = browsers["u-1001"].get(module, timeout=60)
        if page.url == module and page.status_code == 200 and "JupyterLab" in page.text:
            break
        time.sleep(1)
    else:
        pytest.fail(f"{first} did not land on module 02: {page.url} HTTP {page.status_code}")
    phases["first student's server up, module 02 open"] = round(time.monotonic() - landed, 1)

    teacher = api_token(browsers[INSTRUCTOR], account(INSTRUCTOR))
    student_token = api_token(browsers["u-1002"], account("u-1002"))
    with timed(phases, "generate and release"):  # `course build` itself is the hub e2e's (it grades the key too)
        grader(s, "nbgrader", "generate_assignment", ASSIGNMENT, "--force")
        grader(s, "nbgrader", "release_assignment", ASSIGNMENT, "--course", COURSE_ID)
    deadline = time.monotonic() + 60
    while formgrader(teacher, "GET", "assignments").status_code != 200 and time.monotonic() < deadline:
        time.sleep(1)
    assert formgrader(teacher, "GET", "assignments").status_code == 200, "the instructor cannot open the formgrader"
    assert formgrader(student_token, "GET", "assignments").status_code == 403, "a student reached the formgrader"

    with timed(phases, "roster sync"):
        synced = grader(s, "course", "roster", "sync")
    assert "5 student(s)" in synced.stdout, synced.stdout
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{s['COURSE_ROOT']}/gradebook.db") as gb:
        names = {st.id: (st.first_name, st.last_name) for st in gb.students}
    assert names == {account(sub): given_family for sub, given_family in STUDENTS.items()}

    with timed(phases, "4 students fetch and submit"), concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda indexed: submit(s, account(indexed[1]), right=indexed[0] % 2 == 0),
                      [(i, sub) for i, sub in enumerate(STUDENTS) if sub != NO_SUBMISSION]))
    with timed(phases, "collect and autograde"):
        grader(s, "nbgrader", "collect", ASSIGNMENT, "--course", COURSE_ID)
        grader(s, "course", "autograde", ASSIGNMENT)

    with timed(phases, "passback refused (unmarked)"):
        refused = grader(s, "course", "passback", ASSIGNMENT, ok=False)
    assert refused.returncode == 1 and "awaiting your mark" in refused.stderr, refused.stderr
    assert platform.rows("SELECT COUNT(*) FROM scores")[0][0] == 0

    early, late = [account("u-1001"), account("u-1002")], [account("u-1003"), account("u-1004")]
    mark(teacher, early, 3)
    with timed(phases, "passback --allow-unmarked"):
        partial = grader(s, "course", "passback", ASSIGNMENT, "--allow-unmarked")
    assert "2 sent" in partial.stdout and "awaiting your mark" in partial.stdout, partial.stdout
    assert set(platform.latest_scores()) == {"u-1001", "u-1002"}

    mark(teacher, late, 2)
    with timed(phases, "passback"):
        done = grader(s, "course", "passback", ASSIGNMENT)
    elapsed = time.monotonic() - started
    assert "2 sent, 0 refused by the platform, 2 unchanged, 1 not sent" in done.stdout, done.stdout
    expected = {sub: gradebook_totals(s)[account(sub)] for sub in STUDENTS if sub != NO_SUBMISSION}
    assert platform.latest_scores() == expected
    assert NO_SUBMISSION not in {row[0] for row in platform.rows("SELECT user FROM scores")}
    assert platform.rows("SELECT COUNT(*) FROM scores")[0][0] == 4, "a score was sent twice"
    assert platform.rows("SELECT COUNT(*) FROM lineitems")[0][0] == 1
    assert {expected["u-1001"][0], expected["u-1002"][0]} != {expected["u-1001"][0]}, "right and wrong scored alike"

    mark(teacher, [account("u-1001")], 1)  # the trainer changes a mark: passback replaces that grade only
    again = grader(s, "course", "passback", ASSIGNMENT)
    assert "1 sent, 0 refused by the platform, 3 unchanged" in again.stdout, again.stdout
    assert platform.latest_scores()["u-1001"] == gradebook_totals(s)[account("u-1001")]
    assert platform.rows("SELECT COUNT(*) FROM scores")[0][0] == 5
    with capsys.disabled():
        print(f"\n[lti e2e] {lti_hub['timings']}; {phases}; 5-student launch to passback {elapsed:.1f} s",
              flush=True)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "lti-e2e-measurements.json").write_text(json.dumps(
        {**lti_hub["timings"], **phases, "launch_to_passback_s": elapsed}, indent=2))
    lti_hub["cycle_done"] = True


def test_a_students_launch_edited_to_claim_instructor_is_refused_by_the_hub(lti_hub):
    """Through the running hub: the student's launch posted from another browser (no state cookie), then with its
    roles edited to Instructor, is refused (403); the login form takes no password."""
    platform = lti_hub["platform"]
    browser = requests.Session()
    action, fields = until_launch(browser, platform, "u-1003")
    elsewhere = requests.post(action, data=fields, allow_redirects=False)  # the same launch from another browser
    assert elsewhere.status_code == 403 and "state cookie" in elsewhere.text, elsewhere.status_code
    header, payload, signature = fields["id_token"].split(".")
    import base64

    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims[CLAIM + "roles"] = ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    answer = browser.post(action, data={**fields, "id_token": f"{header}.{forged}.{signature}"},
                          allow_redirects=False)
    assert answer.status_code == 403 and "signature" in answer.text, (answer.status_code, answer.text[-500:])
    assert account("u-1003") not in grp.getgrnam(lti_hub["s"]["GRADERS_GROUP"]).gr_mem
    password = browser.post(f"{BASE}/hub/login", data={"username": account("u-1003"), "password": "x"},
                            allow_redirects=False)
    assert "jupyterhub-session-id" not in password.cookies and password.status_code >= 400


def test_an_instructor_launched_as_a_learner_loses_the_graders_rights(lti_hub):
    """The platform is the source of roles: the instructor's next launch as a Learner leaves the graders."""
    s, platform, teacher = lti_hub["s"], lti_hub["platform"], account(INSTRUCTOR)
    assert teacher in grp.getgrnam(s["GRADERS_GROUP"]).gr_mem
    platform.set_role(INSTRUCTOR, "Learner")
    try:
        browser, _ = launch(platform, INSTRUCTOR)
        assert teacher not in grp.getgrnam(s["GRADERS_GROUP"]).gr_mem
        assert formgrader(api_token(browser, teacher), "GET", "assignments").status_code == 403
    finally:
        platform.set_role(INSTRUCTOR, "Instructor")


def test_a_student_cannot_reach_the_tools_key_or_the_platforms_services(lti_hub):
    s = lti_hub["s"]
    key = Path(s["INSTALL_DIR"]) / "lti" / "tool-key.pem"
    assert key.stat().st_mode & 0o777 == 0o600 and key.stat().st_uid == pwd.getpwnam(s["GRADER_ACCOUNT"]).pw_uid
    student = account("u-1002")
    for command in (["cat", str(key)], ["ls", str(key.parent)]):
        probe = run_as(student, s, *command, ok=False)
        assert probe.returncode != 0 and "Permission denied" in probe.stderr, (command, probe.stderr)
    passback = run_as(student, s, "course", "passback", ASSIGNMENT, "--course", s["COURSE_ROOT"], ok=False)
    assert passback.returncode != 0 and "ermission denied" in passback.stderr, passback.stderr
    own = Path(pwd.getpwnam(student).pw_dir) / "own-course"  # a course folder of their own: only the key stops them
    run_as(student, s, "sh", "-c", f"mkdir -p {own} && touch {own}/nbgrader_config.py")
    sync = run_as(student, s, "course", "roster", "sync", "--course", str(own), ok=False)
    assert sync.returncode != 0 and "ermission denied" in sync.stderr, sync.stderr


def test_hub_clean_removes_the_accounts_launches_made_and_no_others(lti_hub):
    """Last in this file (it stops the hub): `make hub-clean`'s clean removes every account the launches made, with
    its home and processes, and leaves an account of the same shape that is not the course's."""
    s, course_hub = lti_hub["s"], load_course_hub()
    made = [account(sub) for sub in [*STUDENTS, INSTRUCTOR]]
    homes = [pwd.getpwnam(name).pw_dir for name in made]
    outsider = "lti-000000000000"
    subprocess.run(["useradd", "--create-home", outsider], check=True, capture_output=True)
    try:
        keep_log(s)
        course_hub.clean(s, keep_software=True)
        assert [name for name in made if course_hub.user_exists(name)] == []
        assert [home for home in homes if Path(home).exists()] == []
        assert course_hub.user_exists(outsider) and Path(pwd.getpwnam(outsider).pw_dir).is_dir()
    finally:
        subprocess.run(["userdel", "--remove", outsider], capture_output=True)
