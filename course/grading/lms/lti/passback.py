"""`course roster sync` (the class list from the platform into nbgrader's gradebook) and `course passback`
(each student's grade to the platform's gradebook), with the rules of `course export`: nothing while a written
answer awaits a mark unless told (then that student's grade is not sent, never zero), nothing for a student
with no submission, and a re-run sends only what changed."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from course.files import write_atomically
from course.grading.course_folder import require_gradebook
from course.grading.lms.export import _refuse_unmarked, cohort_grades
from course.grading.lms.lti.launch import account_name, role_name
from course.grading.lms.lti.registration import LTIError, Registration
from course.grading.lms.lti.services import PlatformServices
from course.grading.nbgrader_run import GradingError

__all__ = ["LTI_ROSTER_FILE", "Sent", "passback", "sync_roster"]

LTI_ROSTER_FILE = "lti-roster.json"
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Sent:
    """What passback did for one student: ``outcome`` is sent, unchanged, or a reason nothing was sent."""

    student_id: str
    name: str
    score: float | None
    outcome: str


def context_services(registration: Registration, context: str | None) -> dict:
    """The roster and grade service URLs the platform sent with its launches (the hub keeps them per course)."""
    path = Path(registration.contexts_file)
    try:
        contexts = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        contexts = {}
    except (OSError, ValueError) as error:
        raise LTIError(f"cannot read {path}: {error}") from None
    if context:
        if context not in contexts:
            raise LTIError(f"no launch from course context {context!r} yet; known: {', '.join(contexts) or 'none'}")
        return contexts[context]
    if len(contexts) != 1:
        raise LTIError("open the activity once from the platform as its instructor, so the hub learns the course's "
                       "roster and grade services" if not contexts else
                       f"launches came from {len(contexts)} course contexts ({', '.join(contexts)}): pass --context")
    return next(iter(contexts.values()))


def _plain(text: object, limit: int = 100) -> str:
    return CONTROL.sub(" ", str(text or "")).strip()[:limit]


def sync_roster(root: Path | str, registration: Registration, context: str | None = None,
                services: PlatformServices | None = None) -> tuple[list[str], list[str]]:
    """Add the platform's active learners to the gradebook (ids are their hub accounts) with their names;
    write lti-roster.json (account → platform user id) for passback. Returns (added, updated) accounts."""
    from nbgrader.api import Gradebook, MissingEntry

    root = Path(root)
    urls = context_services(registration, context)
    if "context_memberships_url" not in urls:
        raise LTIError("the platform sent no roster service (Names and Role Provisioning) with its launches: "
                       "enable it for the tool (docs/lti.md)")
    services = services or PlatformServices(registration)
    members = services.members(urls["context_memberships_url"])
    learners = [m for m in members if isinstance(m, dict) and m.get("user_id") and m.get("status", "Active") ==
                "Active" and any(role_name(str(r)) == "Learner" for r in m.get("roles", []))]
    try:
        url = require_gradebook(root)
    except GradingError as error:
        raise LTIError(str(error)) from None
    issuer, roster, added, updated = registration.platform.issuer, {}, [], []
    with Gradebook(url) as gb:
        for member in learners:
            account = account_name(issuer, str(member["user_id"]))
            first, last = _plain(member.get("given_name")), _plain(member.get("family_name"))
            if not (first or last):
                first = _plain(member.get("name"))
            email = _plain(member.get("email"), 200) or None
            try:
                gb.find_student(account)
                gb.update_or_create_student(account, first_name=first, last_name=last, email=email)
                updated.append(account)
            except MissingEntry:
                gb.add_student(account, first_name=first, last_name=last, email=email)
                added.append(account)
            roster[account] = {"user_id": str(member["user_id"]), "name": " ".join(p for p in (first, last) if p)}
    write_atomically(root / LTI_ROSTER_FILE, (json.dumps({"issuer": issuer, "students": roster}, indent=1,
                                                         ensure_ascii=False) + "\n").encode("utf-8"))
    return added, updated


def load_lti_roster(root: Path) -> dict[str, dict]:
    try:
        return json.loads((root / LTI_ROSTER_FILE).read_text(encoding="utf-8"))["students"]
    except FileNotFoundError:
        raise LTIError(f"no {LTI_ROSTER_FILE} in {root}: run `course roster sync` first") from None
    except (OSError, ValueError, KeyError) as error:
        raise LTIError(f"{root / LTI_ROSTER_FILE} is not a roster `course roster sync` wrote ({error})") from None


def line_item(services: PlatformServices, urls: dict, assignment: str, maximum: float) -> tuple[str, bool]:
    """The platform's grade column for the assignment (by resourceId), made when missing. (url, created)."""
    if "lineitems" not in urls:
        if "lineitem" in urls:
            return urls["lineitem"], False
        raise LTIError("the platform sent no grade service (Assignment and Grade Services) with its launches: "
                       "enable it for the tool (docs/lti.md)")
    found = services.line_items(urls["lineitems"], assignment)
    if len(found) > 1:
        raise LTIError(f"the platform has {len(found)} grade columns for {assignment!r}: delete the extra ones")
    if found:
        return found[0]["id"], False
    made = services.create_line_item(urls["lineitems"], assignment.replace("_", " ").capitalize(), maximum,
                                     assignment)
    if not isinstance(made, dict) or not made.get("id"):
        raise LTIError("the platform made the grade column but gave no id for it")
    return made["id"], True


def passback(assignment: str, root: Path | str, registration: Registration, allow_unmarked: bool = False,
             context: str | None = None, services: PlatformServices | None = None) -> tuple[list[Sent], bool]:
    """Send each roster student's grade; returns what happened for each, and whether the column was made."""
    root = Path(root)
    items, grades = cohort_grades(root, assignment)
    roster = load_lti_roster(root)
    by_id = {g.student_id: g for g in grades}
    if not allow_unmarked:
        _refuse_unmarked([by_id[s] for s in roster if s in by_id])
    maximum = float(sum(points for *_, points in items))
    urls = context_services(registration, context)
    services = services or PlatformServices(registration)
    url, created = line_item(services, urls, assignment, maximum)
    already = {str(r.get("userId")): r for r in services.results(url)}
    done = []
    for account, member in sorted(roster.items()):
        grade, name = by_id.get(account), member.get("name") or account
        if grade is None or not grade.submitted:
            done.append(Sent(account, name, None, "not sent: no submission"))
            continue
        if grade.unmarked:
            done.append(Sent(account, name, None, "not sent: awaiting your mark for " + "; ".join(grade.unmarked)))
            continue
        score = float(grade.total)
        there = already.get(member["user_id"])
        if there and there.get("resultScore") is not None and float(there["resultScore"]) == score and float(
                there.get("resultMaximum") or maximum) == maximum:
            done.append(Sent(account, name, score, "unchanged (the platform already has it)"))
            continue
        try:
            status = services.post_score(url, {
                "userId": member["user_id"], "scoreGiven": score, "scoreMaximum": maximum,
                "activityProgress": "Completed", "gradingProgress": "FullyGraded",
                "timestamp": datetime.now(UTC).isoformat(timespec="microseconds")})
        except LTIError as error:  # one refused grade never stops the others
            done.append(Sent(account, name, score, f"NOT SENT: {error}"))
            continue
        done.append(Sent(account, name, score, f"sent; the platform answered HTTP {status}"))
    return done, created
