"""Learning records (xAPI 1.0.3 statements) for an employer's learning record store, only when one is set up.

An NHS trust or university that tracks CPD in a learning record store (LRS) gives the learner an address and
credentials, kept in ``learning-record-store.yaml`` in the learner's own folder (``COURSE_HOME``). Without that
file nothing is queued and nothing is sent. With it, statements are made from the learner's progress (modules
started and completed, each check answered: right or not, never what was written) and the CPD record made (hours
and participatory hours); reflections and every other free text never leave the computer. Statements wait in the
progress store and are sent, in order and once each, only when the learner presses Send, after seeing them.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from course.progress import Progress

__all__ = ["SETTINGS_FILE", "LrsSettings", "LrsSettingsError", "SendResult", "cpd_statement", "load_settings",
           "module_statements", "queue_cpd_record", "queue_progress", "send_queued"]

SETTINGS_FILE = "learning-record-store.yaml"
VERSION = "1.0.3"
VERBS = {
    "attempted": "http://adlnet.gov/expapi/verbs/attempted",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "answered": "http://adlnet.gov/expapi/verbs/answered",
    "created": "http://activitystrea.ms/schema/1.0/create",
}
# Namespace for statement ids: the same event always gets the same id, so re-queuing or re-sending it never
# stores it twice (an LRS keeps one statement per id).
_NAMESPACE = uuid.UUID("6f1d2c1e-93a4-4f4e-9d53-6b3c1f0a7e21")
_REQUIRED = ("endpoint", "username", "password", "learner_email")


class LrsSettingsError(ValueError):
    """The learning record store settings file is unreadable or incomplete (the message names the field)."""


@dataclass(frozen=True)
class LrsSettings:
    """Where statements go and as whom; ``activity_base`` prefixes every activity IRI the course sends."""

    endpoint: str
    username: str
    password: str
    learner_email: str
    organisation: str = ""
    activity_base: str = "urn:secure-attachment-course:"

    @property
    def actor(self) -> dict:
        return {"objectType": "Agent", "mbox": f"mailto:{self.learner_email}"}

    def activity(self, *path: str) -> str:
        return self.activity_base + ":".join(path)


def load_settings(home: Path) -> LrsSettings | None:
    """The learner's LRS settings, or None when there is no settings file (then nothing is ever sent)."""
    path = home / SETTINGS_FILE
    if not path.exists():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LrsSettingsError(f"{path}: could not be read as YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise LrsSettingsError(f"{path}: expected fields {', '.join(_REQUIRED)}, one per line as 'name: value'")
    for name in _REQUIRED:
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise LrsSettingsError(f"{path}: field '{name}' is missing or empty; it should be text (the "
                                   "learning record store's details come from your employer)")
    endpoint = data["endpoint"].rstrip("/") + "/"
    if not endpoint.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise LrsSettingsError(f"{path}: field 'endpoint' must start with https:// (got {data['endpoint']!r}), so "
                               "your credentials never travel unencrypted")
    if "@" not in data["learner_email"]:
        raise LrsSettingsError(f"{path}: field 'learner_email' should be an email address, not "
                               f"{data['learner_email']!r}")
    extra = {k: str(data[k]) for k in ("organisation", "activity_base") if data.get(k)}
    return LrsSettings(endpoint, data["username"], data["password"], data["learner_email"].strip(), **extra)


def _statement(settings: LrsSettings, key: str, verb: str, activity: str, name: str, at: str,
               result: Mapping | None = None) -> dict:
    statement = {
        "id": str(uuid.uuid5(_NAMESPACE, f"{settings.learner_email}|{key}")),
        "actor": settings.actor,
        "verb": {"id": VERBS[verb], "display": {"en-GB": verb}},
        "object": {"objectType": "Activity", "id": activity,
                   "definition": {"name": {"en-GB": name}}},
        "timestamp": at,
    }
    if result:
        statement["result"] = dict(result)
    return statement


def module_statements(progress: Progress, modules: Sequence, settings: LrsSettings) -> list[dict]:
    """Statements for what the progress record shows, oldest first: each module started (its first answer or
    reflection), each check answered (right or not, and a score where the activity gives one; never the answer),
    and each module completed (its closing reflection saved or skipped by choice)."""
    titles = {m.id: m.title for m in modules}
    made: list[dict] = []
    seen: dict[tuple, int] = {}
    attempts = progress.attempts()
    closing = progress.reflections() + progress.skipped_reflections()
    for attempt in attempts:
        key = (attempt.at, attempt.module, attempt.activity, attempt.item)
        seen[key] = seen.get(key, 0) + 1
        result: dict = {"success": attempt.correct}
        if attempt.score is not None and 0 <= attempt.score <= 1:
            result["score"] = {"scaled": attempt.score}
        made.append(_statement(settings, f"answered|{'|'.join(key)}|{seen[key]}", "answered",
                               settings.activity("module", attempt.module, attempt.activity, attempt.item),
                               f"{titles.get(attempt.module, attempt.module)}: {attempt.activity}", attempt.at,
                               result))
    for module in titles:
        times = sorted([a.at for a in attempts if a.module == module] + [r.updated for r in closing
                                                                         if r.module == module])
        if times:
            made.append(_statement(settings, f"attempted|{module}", "attempted", settings.activity("module", module),
                                   titles[module], times[0]))
        ended = sorted(r.updated for r in closing if r.module == module)
        if ended:
            made.append(_statement(settings, f"completed|{module}", "completed", settings.activity("module", module),
                                   titles[module], ended[0], {"completion": True}))
    return sorted(made, key=lambda s: (s["timestamp"], s["verb"]["id"] != VERBS["attempted"]))


def cpd_statement(settings: LrsSettings, *, hours: float, participatory_hours: float, made: str) -> dict:
    """The CPD record made: hours and participatory hours as result extensions (no names, no free text)."""
    extensions = {settings.activity("extension", "hours"): hours,
                  settings.activity("extension", "participatory-hours"): participatory_hours}
    return _statement(settings, f"cpd|{made}", "created", settings.activity("cpd-record"),
                      "CPD record: Secure Attachment course", made,
                      {"completion": True, "extensions": extensions})


def queue_progress(progress: Progress, modules: Sequence) -> int:
    """Queue the statements the progress record now shows (each at most once); returns how many wait to be sent.
    Does nothing without settings."""
    settings = load_settings(progress.home)
    if settings is None:
        return 0
    progress.queue_statements(json.dumps(s) for s in module_statements(progress, modules, settings))
    return len(progress.queued_statements())


def queue_cpd_record(progress: Progress, *, hours: float, participatory_hours: float) -> bool:
    """Queue the 'CPD record made' statement; False (and nothing queued) when no LRS is set up."""
    settings = load_settings(progress.home)
    if settings is None:
        return False
    made = datetime.now(UTC).isoformat(timespec="seconds")
    progress.queue_statements([json.dumps(cpd_statement(settings, hours=hours,
                                                        participatory_hours=participatory_hours, made=made))])
    return True


@dataclass(frozen=True)
class SendResult:
    sent: int
    waiting: int
    problem: str = ""


def _post(settings: LrsSettings, statement: dict, timeout: float) -> int:
    credentials = base64.b64encode(f"{settings.username}:{settings.password}".encode()).decode("ascii")
    request = urllib.request.Request(
        settings.endpoint + "statements", data=json.dumps(statement).encode("utf-8"), method="POST",
        headers={"Content-Type": "application/json", "X-Experience-API-Version": VERSION,
                 "Authorization": f"Basic {credentials}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (endpoint checked above)
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def send_queued(progress: Progress, *, timeout: float = 10) -> SendResult:
    """Send the queued statements in order, stopping at the first failure so the rest keep their order for
    next time. A statement the store already holds (HTTP 409, same id) counts as sent, never as a second one."""
    settings = load_settings(progress.home)
    if settings is None:
        return SendResult(0, 0, "No learning record store is set up, so nothing is sent.")
    sent = 0
    for seq, body in progress.queued_statements():
        try:
            status = _post(settings, json.loads(body), timeout)
        except (OSError, urllib.error.URLError) as exc:
            reason = getattr(exc, "reason", exc)
            return SendResult(sent, len(progress.queued_statements()),
                              f"Could not reach the learning record store ({reason}).")
        if status in (200, 204, 409):
            progress.mark_statement_sent(seq)
            sent += 1
            continue
        return SendResult(sent, len(progress.queued_statements()),
                          f"The learning record store refused a statement (HTTP {status}).")
    return SendResult(sent, 0)
