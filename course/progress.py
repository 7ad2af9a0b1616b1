"""The learner's own record: every attempt, reflection and saved plan, kept between sessions.

Learner data is precious, so it lives in one SQLite file under ``COURSE_HOME`` (default: the per-user
data folder). Each write is one transaction, so a crash never leaves half a record, and two notebooks
writing at once both keep their work. A file that cannot be read is moved aside with a warning that
says where it went, and a fresh record is started: nothing is silently thrown away.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs

from course.files import write_atomically

__all__ = ["SCHEMA_VERSION", "Attempt", "CorruptProgressWarning", "NewerProgressError", "Progress", "Reflection",
           "course_home", "learner_progress", "write_atomically"]

APP_NAME = "secure-attachment-course"
FILE_NAME = "progress.db"

# The first released layout (schema 0: no version stamped) is kept as it was, so every later change is a migration
# a learner's existing record goes through, never a new file.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    module TEXT NOT NULL,
    activity TEXT NOT NULL,
    item TEXT NOT NULL,
    answer TEXT NOT NULL,
    correct INTEGER NOT NULL,
    score REAL
);
CREATE TABLE IF NOT EXISTS reflections (
    prompt TEXT PRIMARY KEY,
    module TEXT NOT NULL,
    text TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS skipped_reflections (
    prompt TEXT PRIMARY KEY,
    module TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    key TEXT PRIMARY KEY,
    module TEXT NOT NULL,
    body TEXT NOT NULL,
    updated TEXT NOT NULL
);
"""


# Each step takes the file from version ``n`` to ``n + 1``: a tuple of single statements (run
# with ``execute``, so they stay in that transaction). Append steps; never edit a released one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (),  # 0 -> 1: the layout is unchanged; the file is stamped with its version from now on.
    # 1 -> 2: learning records (xAPI statements) waiting for, or already sent to, an employer's record store.
    ("CREATE TABLE statements (seq INTEGER PRIMARY KEY AUTOINCREMENT, statement_id TEXT NOT NULL UNIQUE, "
     "body TEXT NOT NULL, queued TEXT NOT NULL, sent TEXT)",),
)
SCHEMA_VERSION = len(MIGRATIONS)


class NewerProgressError(RuntimeError):
    """The progress file was written by a newer course: reading it with this one could lose the newer parts."""


class CorruptProgressWarning(UserWarning):
    """The progress file could not be read; it was moved aside and a new one started."""


@dataclass(frozen=True)
class Attempt:
    at: str
    module: str
    activity: str
    item: str
    answer: Any
    correct: bool
    score: float | None


@dataclass(frozen=True)
class Reflection:
    prompt: str
    module: str
    text: str
    updated: str


def course_home() -> Path:
    """Where learner state goes: ``COURSE_HOME`` when set (tests, shared machines), else the user data folder."""
    configured = os.environ.get("COURSE_HOME")
    return Path(configured).expanduser() if configured else platformdirs.user_data_path(APP_NAME)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _stamp(at: datetime | None) -> str:
    """The time to record: now, or ``at`` (for imports and tests), always in UTC."""
    if at is None:
        return _now()
    if at.tzinfo is None:
        raise ValueError(f"at= must be a timezone-aware datetime (e.g. with tzinfo=UTC), not {at!r}")
    return at.astimezone(UTC).isoformat(timespec="seconds")


class Progress:
    """One learner's progress file."""

    def __init__(self, home: Path | str | None = None):
        self.home = Path(home) if home is not None else course_home()
        self.path = self.home / FILE_NAME
        self._ready = False

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        if not self._ready:
            self._prepare()
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout = 30000")
            yield conn
        finally:
            conn.close()

    def _prepare(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        try:
            self._create()
        except sqlite3.DatabaseError as exc:
            self._set_aside(exc)
            self._create()
        self._ready = True

    def _create(self) -> None:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout = 30000")
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("integrity check failed")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.executescript(_SCHEMA)
            self._migrate(conn)
        finally:
            conn.close()

    def _migrate(self, conn: sqlite3.Connection) -> None:
        """Bring the file up to ``SCHEMA_VERSION`` in one transaction, keeping everything already in it."""
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise NewerProgressError(
                    f"Your progress file {self.path} was saved by a newer version of the course (its layout is "
                    f"version {version}; this course reads up to {SCHEMA_VERSION}). It has not been changed. "
                    "Update the course (git pull, then make learn) to carry on with it.")
            for step in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[step]:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {step + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _set_aside(self, exc: Exception) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"{FILE_NAME}.corrupt-{stamp}-{os.getpid()}")
        os.replace(self.path, aside)
        for suffix in ("-wal", "-shm"):
            extra = self.path.with_name(FILE_NAME + suffix)
            if extra.exists():
                os.replace(extra, aside.with_name(aside.name + suffix))
        warnings.warn(
            f"Your progress file {self.path} could not be read ({exc}). It has been kept as {aside} "
            "so nothing is lost, and a new progress file has been started. Your trainer or IT support "
            "may be able to recover the old one.",
            CorruptProgressWarning, stacklevel=4)

    def _write(self, sql: str, params: tuple, *more: tuple[str, tuple]) -> None:
        """Run one statement, or several (``more`` as (sql, params) pairs) as one transaction."""
        for attempt in range(5):
            try:
                with self._connect() as conn:
                    conn.execute("BEGIN IMMEDIATE")
                    for statement, values in ((sql, params), *more):
                        conn.execute(statement, values)
                    conn.execute("COMMIT")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == 4:
                    raise
                time.sleep(0.05 * (attempt + 1))

    def record_attempt(self, module: str, activity: str, item: str, answer: Any, correct: bool,
                       score: float | None = None, *, at: datetime | None = None) -> Attempt:
        """Keep one try at one item (``answer`` is anything JSON can hold); ``at`` backdates it."""
        attempt = Attempt(_stamp(at), module, activity, item, answer, bool(correct), score)
        self._write("INSERT INTO attempts (at, module, activity, item, answer, correct, score) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (attempt.at, module, activity, item, json.dumps(answer), int(attempt.correct), score))
        return attempt

    def attempts(self, module: str | None = None, activity: str | None = None) -> list[Attempt]:
        """Every attempt in the order made, optionally for one module or one activity."""
        sql, params = "SELECT at, module, activity, item, answer, correct, score FROM attempts", []
        clauses = []
        if module is not None:
            clauses.append("module = ?")
            params.append(module)
        if activity is not None:
            clauses.append("activity = ?")
            params.append(activity)
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        with self._connect() as conn:
            rows = conn.execute(sql + " ORDER BY id", params).fetchall()
        return [Attempt(at, mod, act, item, json.loads(ans), bool(ok), score)
                for at, mod, act, item, ans, ok, score in rows]

    def save_reflection(self, prompt: str, module: str, text: str, *, at: datetime | None = None) -> Reflection:
        """Keep the learner's latest answer to a reflection prompt; ``at`` backdates it."""
        reflection = Reflection(prompt, module, text, _stamp(at))
        self._write("INSERT INTO reflections (prompt, module, text, updated) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(prompt) DO UPDATE SET module = excluded.module, text = excluded.text, "
                    "updated = excluded.updated", (prompt, module, text, reflection.updated),
                    ("DELETE FROM skipped_reflections WHERE prompt = ?", (prompt,)))
        return reflection

    def skip_reflection(self, prompt: str, module: str, *, at: datetime | None = None) -> Reflection:
        """Mark a reflection as skipped by the learner's choice, withdrawing any answer saved to it.

        Reflections may draw on a learner's own life, so not writing one is a choice the record keeps and
        says, never a gap. The result is a ``Reflection`` with empty ``text``.
        """
        skipped = Reflection(prompt, module, "", _stamp(at))
        self._write("INSERT INTO skipped_reflections (prompt, module, updated) VALUES (?, ?, ?) "
                    "ON CONFLICT(prompt) DO UPDATE SET module = excluded.module, updated = excluded.updated",
                    (prompt, module, skipped.updated), ("DELETE FROM reflections WHERE prompt = ?", (prompt,)))
        return skipped

    def skipped_reflections(self) -> list[Reflection]:
        """The reflections the learner chose to skip, by module (each with empty ``text``)."""
        with self._connect() as conn:
            rows = conn.execute("SELECT prompt, module, updated FROM skipped_reflections ORDER BY module, prompt")
            return [Reflection(prompt, module, "", updated) for prompt, module, updated in rows.fetchall()]

    def reflection(self, prompt: str) -> Reflection | None:
        with self._connect() as conn:
            row = conn.execute("SELECT prompt, module, text, updated FROM reflections WHERE prompt = ?",
                               (prompt,)).fetchone()
        return Reflection(*row) if row else None

    def reflections(self) -> list[Reflection]:
        with self._connect() as conn:
            rows = conn.execute("SELECT prompt, module, text, updated FROM reflections ORDER BY module, prompt")
            return [Reflection(*row) for row in rows.fetchall()]

    def save_document(self, key: str, module: str, body: dict) -> None:
        """Keep a structured piece of the learner's work, such as a self-care plan."""
        self._write("INSERT INTO documents (key, module, body, updated) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET module = excluded.module, body = excluded.body, "
                    "updated = excluded.updated", (key, module, json.dumps(body), _now()))

    def queue_statements(self, bodies) -> None:
        """Queue learning-record statements (JSON text, each with an ``id``) in the order given; one already
        queued or sent is left as it is, so an event is never sent twice."""
        rows = [(json.loads(body)["id"], body) for body in bodies]
        if not rows:
            return
        now = _now()
        first, *rest = rows
        insert = "INSERT OR IGNORE INTO statements (statement_id, body, queued) VALUES (?, ?, ?)"
        self._write(insert, (*first, now), *((insert, (*row, now)) for row in rest))

    def queued_statements(self) -> list[tuple[int, str]]:
        """The statements not yet sent, as (sequence number, JSON text), in the order they were queued."""
        with self._connect() as conn:
            return conn.execute("SELECT seq, body FROM statements WHERE sent IS NULL ORDER BY seq").fetchall()

    def mark_statement_sent(self, seq: int) -> None:
        self._write("UPDATE statements SET sent = ? WHERE seq = ?", (_now(), seq))

    def document(self, key: str) -> dict | None:
        with self._connect() as conn:
            row = conn.execute("SELECT body FROM documents WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None


def learner_progress() -> Progress:
    """The progress file of whoever is running the course, at ``course_home()`` as it is now."""
    return Progress(course_home())
