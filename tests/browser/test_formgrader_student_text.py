"""A written answer full of script and markup, opened on the formgrader's marking page in Chromium: nothing of it
runs, nothing is fetched, and the trainer reads it as the student typed it.

The cohort is graded by ``course autograde`` (the course's nbgrader settings); the formgrader runs as the server
extension it is, with the course's Content Security Policy extension, on 127.0.0.1.
"""

from __future__ import annotations

import secrets
import subprocess
import sys

import nbformat
import pytest
from conftest import free_port, stop, wait_until_answering
from nbgrader.api import Gradebook

from tests.support.grading import answered, autograde_with_log, cell, released_course, write_submission

pytestmark = pytest.mark.browser

ASSIGNMENT = "risk_factors"
ATTACKS = [
    "<script>window.__pwned = 'script'</script>",
    '<img src="x" onerror="window.__pwned = \'img\'">',
    '<svg onload="window.__pwned = \'svg\'"></svg>',
    "[mark me](javascript:window.__pwned='link')",
    '<a href="javascript:window.__pwned=1">x</a><iframe src="javascript:parent.__pwned=1"></iframe>',
    "</pre><script>window.__pwned = 'escape'</script>",
    '<img src="http://127.0.0.2:9/steal">',
]
WRITTEN = "My answer: I would raise a concern.\n\n" + "\n\n".join(ATTACKS)


def _with_written_answer(notebook, text: str):
    """The notebook with a written answer typed in a new markdown cell under the written task, as a student does."""
    task = next(i for i, c in enumerate(notebook.cells) if c.metadata.get("nbgrader", {}).get("task"))
    notebook.cells.insert(task + 1, nbformat.v4.new_markdown_cell(text))
    return notebook


def test_script_in_a_written_answer_never_runs_in_the_formgrader(browser, tmp_path):
    root, release, source = released_course(tmp_path, ASSIGNMENT)
    for student, text in (("alice", "I would raise it with my supervisor."), ("mallory", WRITTEN)):
        notebook = _with_written_answer(answered(release, source), text)
        write_submission(root / "submitted" / student / ASSIGNMENT, ASSIGNMENT, notebook)
    outcomes, _ = autograde_with_log(ASSIGNMENT, root)
    assert {o.student: o.status for o in outcomes} == {"alice": "graded", "mallory": "graded"}
    assert cell(nbformat.read(root / "submitted" / "mallory" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4),
                "task-raise-concern") is not None
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        submission = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, "mallory").id

    port, token = free_port(), secrets.token_hex(16)
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    command = [sys.executable, "-m", "jupyter", "server", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={root}", "--ServerApp.allow_root=True",
               "--ServerApp.jpserver_extensions=nbgrader.server_extensions.formgrader=True",
               "--ServerApp.jpserver_extensions=course.grading.nbgrader.formgrader_policy=True"]
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=root, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    context = None
    try:
        wait_until_answering(url, token, server, log)
        context = browser.new_context()
        page = context.new_page()
        requests, answered_elsewhere, dialogs = [], [], []
        page.on("request", lambda request: requests.append(request.url))
        page.on("response", lambda response: answered_elsewhere.append(response.url)
                if not response.url.startswith(url) else None)
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        response = page.goto(f"{url}/formgrader/submissions/{submission}?token={token}")
        assert response.status == 200, log.read_text()[-2000:]
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.locator("#notebook-container").first.wait_for()
        page.wait_for_timeout(1500)  # time for any onerror, onload or timer to fire
        assert page.evaluate("window.__pwned") is None
        assert dialogs == []
        assert not [r for r in requests if "127.0.0.2" in r or "steal" in r]  # the answer's image never asked for
        assert answered_elsewhere == []  # the formgrader's own MathJax address is refused by the policy
        text = page.locator("pre.student-text").filter(has_text="My answer").inner_text()
        for attack in ATTACKS:
            assert attack in text
        assert page.locator("#notebook-container script, #notebook-container img, #notebook-container iframe, "
                            "#notebook-container svg, #notebook-container a[href^=javascript]").count() == 0
    finally:
        if context is not None:
            context.close()
        stop(server)
