"""Learning records for an employer's learning record store (xAPI 1.0.3): nothing is queued or sent without one;
with one, the learner sees what would go, presses Send, and a real LRS (Ralph, on 127.0.0.1) stores each statement
once, in order, with no free text, even when it was unreachable for a while."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import urllib.request
from base64 import b64encode
from datetime import date
from pathlib import Path

import pytest
from support.activity import right_answers, wrong_answers
from support.servers import free_port, running, wait_until_answering

from course import cpd_record, learning_record_store, reflection, understanding_check
from course.models.learning_records import SETTINGS_FILE, LrsSettingsError, load_settings

REPO = Path(__file__).resolve().parent.parent
RALPH = REPO / ".venv-lrs" / "bin" / "ralph"
# Ralph 5.1's file backend creates its one statements file on the first POST and refuses every later one (its LRS
# writes with the data backend's default CREATE, which will not touch an existing file). The launcher makes that
# default APPEND, the mode the file backend offers for this, then serves Ralph's own app with uvicorn.
LAUNCH = """
import sys
import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""
USER, PASSWORD, LEARNER = "trust-lrs", "not-a-real-secret", "learner@trust.example"
REFLECTION = "I will ask the father how he is sleeping, and listen."
SETTING = "Health visitor, Riverside community team"


def work_through_module_04(progress, *, wrong_first: bool = False) -> None:
    """Module 04's understanding check (optionally a wrong answer first) and its closing reflection, as a learner."""
    check = understanding_check("04", progress=progress)
    for index in range(len(check.run.items)):
        question = check.answer_controls[0].question
        if wrong_first:
            check.answer_controls[0].value = wrong_answers(question)[0]
            check.check_button.click()
            check.try_again_button.click()
        check.answer_controls[0].value = right_answers(question)[0]
        check.check_button.click()
        if index < len(check.run.items) - 1:
            check.next_button.click()
    note = reflection("04-bonding", "What will you do differently?", progress=progress)
    note.text.value = REFLECTION
    note.save_button.click()


def export_cpd_record(progress) -> None:
    form = cpd_record(progress=progress)
    form.practice_setting.value = SETTING
    form.session_day.value = date(2026, 11, 24)
    form.session_facilitator.value = "Dr Amara Okafor"
    form.session_module.value = "04"
    form.add_session_button.click()
    form.export_button.click()
    assert "✓ Exported" in form.status.value


def test_nothing_is_queued_or_sent_without_a_store(progress, monkeypatch):
    """With no LRS settings, does a learner's whole journey (checks, a reflection, a CPD export, the sending
    panel) open no network connection at all and queue nothing, and does the panel say nothing is sent?"""
    attempts = []

    def blocked(self, address):
        attempts.append(address)
        raise OSError("network blocked in this test")

    monkeypatch.setattr(socket.socket, "connect", blocked)
    monkeypatch.setattr(socket.socket, "connect_ex", blocked)
    work_through_module_04(progress)
    export_cpd_record(progress)
    panel = learning_record_store(progress=progress)
    assert panel.send_button.disabled
    assert "nothing from this course is sent anywhere" in panel.children[0].value
    panel.send()
    assert attempts == [] and progress.queued_statements() == []


def test_bad_settings_are_named_by_field(progress):
    """Is a settings file with a missing field or a plain-http address refused, naming the file and field?"""
    path = progress.home / SETTINGS_FILE
    progress.home.mkdir(parents=True, exist_ok=True)
    path.write_text("endpoint: https://lrs.example/xAPI\nusername: u\npassword: p\n", encoding="utf-8")
    with pytest.raises(LrsSettingsError, match=r"learning-record-store.yaml: field 'learner_email' is missing"):
        load_settings(progress.home)
    path.write_text(f"endpoint: http://lrs.example/xAPI\nusername: u\npassword: p\nlearner_email: {LEARNER}\n",
                    encoding="utf-8")
    with pytest.raises(LrsSettingsError, match="field 'endpoint' must start with https://"):
        load_settings(progress.home)
    panel = learning_record_store(progress=progress)
    assert "✗" in panel.status.value and "endpoint" in panel.status.value and panel.send_button.disabled


class Ralph:
    """Ralph, a learning record store, on 127.0.0.1 with its file backend; start and stop it like an outage."""

    def __init__(self, folder: Path):
        if not RALPH.exists():
            if os.environ.get("CI") == "true":
                pytest.fail(f"{RALPH} is missing: `make lrs` installs Ralph for these tests")
            pytest.skip(f"no Ralph at {RALPH}: run `make lrs`")
        self.folder, self.port = folder, free_port()
        folder.mkdir(parents=True, exist_ok=True)
        self.env = {**os.environ, "RALPH_APP_DIR": str(folder / "app"), "RALPH_AUTH_FILE": str(folder / "auth.json"),
                    "RALPH_RUNSERVER_BACKEND": "fs",
                    "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder)}
        subprocess.run([str(RALPH), "auth", "-u", USER, "-p", PASSWORD, "-s", "all", "-M", "mailto:lrs@trust.example",
                        "-w"], env=self.env, check=True, capture_output=True)
        self.server = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def start(self):
        self._running = running([str(RALPH.with_name("python")), "-c", LAUNCH, str(self.port)],
                                env=self.env, cwd=self.folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.server = self._running.__enter__()
        assert wait_until_answering(f"http://127.0.0.1:{self.port}/__lbheartbeat__", self.server, 90), \
            "Ralph did not start"

    def stop(self):
        self._running.__exit__(None, None, None)

    def statements(self) -> list[dict]:
        token = b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        request = urllib.request.Request(self.endpoint + "statements?limit=500", headers={
            "Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())["statements"]


def test_a_real_store_gets_each_statement_once_in_order_with_no_free_text(progress, tmp_path):
    """With Ralph set up: are statements shown before anything is sent, sent only on Send, kept in the queue while
    Ralph is down, then sent once each in queue order, with success but never an answer's or reflection's text?"""
    ralph = Ralph(tmp_path / "ralph")
    ralph.start()
    try:
        (progress.home / SETTINGS_FILE).parent.mkdir(parents=True, exist_ok=True)
        (progress.home / SETTINGS_FILE).write_text(
            f"endpoint: {ralph.endpoint}\nusername: {USER}\npassword: {PASSWORD}\nlearner_email: {LEARNER}\n"
            "organisation: Riverside NHS Trust\n", encoding="utf-8")
        work_through_module_04(progress, wrong_first=True)
        panel = learning_record_store(progress=progress)
        waiting = progress.queued_statements()
        assert waiting and f"{len(waiting)} statement(s) waiting" in panel.waiting.value
        assert ralph.statements() == [], "nothing goes before the learner presses Send"
        panel.send_button.click()
        assert "✓ Sent" in panel.status.value and progress.queued_statements() == []
        first = ralph.statements()
        assert len(first) == len(waiting)

        ralph.stop()
        export_cpd_record(progress)
        again = learning_record_store(progress=progress)
        queued_while_down = [json.loads(body)["id"] for _, body in progress.queued_statements()]
        assert queued_while_down, "the CPD record made is queued"
        again.send_button.click()
        assert "Could not reach" in again.status.value and "wait and will go" in again.status.value
        assert [json.loads(b)["id"] for _, b in progress.queued_statements()] == queued_while_down

        ralph.start()
        again.send_button.click()
        assert "✓ Sent" in again.status.value and progress.queued_statements() == []
        again.send_button.click()
        stored = ralph.statements()
    finally:
        ralph.stop()

    ids = [s["id"] for s in stored]
    assert len(ids) == len(set(ids)) == len(waiting) + len(queued_while_down), "each statement stored once"
    by_stored = [s["id"] for s in sorted(stored, key=lambda s: s["stored"])]
    sent_order = [json.loads(b)["id"] for b in _all_queued(progress)]
    assert by_stored == sent_order, "stored in the order queued"
    stamps = [json.loads(body)["timestamp"] for body in _all_queued(progress)]
    assert stamps == sorted(stamps), "queued in the order the learner did things"
    verbs_in_order = [json.loads(body)["verb"]["display"]["en-GB"] for body in _all_queued(progress)]
    assert verbs_in_order[0] == "attempted", "a module is started before its first answer"
    assert verbs_in_order.index("completed") > max(i for i, v in enumerate(verbs_in_order) if v == "answered")
    verbs = {s["verb"]["display"]["en-GB"] for s in stored}
    assert {"attempted", "answered", "completed", "created"} <= verbs
    answered = [s for s in stored if s["verb"]["display"]["en-GB"] == "answered"]
    assert {s["result"]["success"] for s in answered} == {True, False}
    everything = json.dumps(stored)
    assert all("response" not in s.get("result", {}) for s in stored)
    for private in (REFLECTION, SETTING, "Dr Amara Okafor"):
        assert private not in everything
    cpd = next(s for s in stored if s["verb"]["display"]["en-GB"] == "created")
    extensions = {key.rsplit(":", 1)[-1]: value for key, value in cpd["result"]["extensions"].items()}
    assert extensions["participatory-hours"] == 1.0 and extensions["hours"] >= 1.0


def _all_queued(progress) -> list[str]:
    import sqlite3

    with sqlite3.connect(progress.path) as conn:
        return [body for (body,) in conn.execute("SELECT body FROM statements ORDER BY seq")]
