"""The demo's participant lists, one per learning platform, and the rule that keeps demo students and real ones
apart: a demo course takes only these lists, a real course never takes one (``course roster import``)."""

from __future__ import annotations

import re
from pathlib import Path

from course.grading.course_folder import gradebook_url
from course.grading.lms.platforms import Member, PlatformGrade, platform_file

__all__ = ["DEMO_GROUP", "PLATFORM_FILES", "is_demo_roster", "write_demo_rosters"]

# Each platform's participant file for the demo students, for `course roster import` and then `course export`.
PLATFORM_FILES = {"moodle": "DEMO-moodle-participants.csv", "canvas": "DEMO-canvas-gradebook.csv",
                  "blackboard": "DEMO-blackboard-grade-centre.xls"}
DEMO_GROUP = "DEMO (not real students)"  # their Moodle group and Canvas section
DEMO_ID = re.compile(r"demo-\d{2,3}")
DEMO_COLUMN_ID = "900001"  # the demo's Canvas assignment id and Blackboard Column ID


def write_demo_rosters(root: Path, assignment: str, cohort: dict[str, str]) -> None:
    """Each platform's participant download for the demo students, in that platform's own layout (Moodle's with a
    Username column; Canvas's gradebook export and Blackboard's Grade Centre download with the assignment's
    column), every row in the DEMO group or section or named ``demo-NN``."""
    from nbgrader.api import Gradebook

    rows = ["First name,Last name,Username,Email address,Roles,Groups"]
    rows += [f"Demo student,{i},{sid},{sid}@demo.invalid,Student,{DEMO_GROUP}" for i, sid in enumerate(cohort, 1)]
    (root / PLATFORM_FILES["moodle"]).write_text("\n".join(rows) + "\n", encoding="utf-8")
    with Gradebook(gradebook_url(root)) as gb:
        points = gb.find_assignment(assignment).max_score
    for platform in ("canvas", "blackboard"):
        members = [Member(sid, "Demo student", str(i), f"{sid}@demo.invalid",
                          {"ID": str(int(DEMO_COLUMN_ID) + i), "SIS User ID": sid, "SIS Login ID": sid,
                           "Section": DEMO_GROUP, "Username": sid}) for i, sid in enumerate(cohort, 1)]
        data = platform_file(platform, assignment, DEMO_COLUMN_ID, points, [PlatformGrade(m, None) for m in members])
        (root / PLATFORM_FILES[platform]).write_bytes(data)


def is_demo_roster(members) -> bool:
    """Whether every student of a participant file is a ``course demo`` student (ids ``demo-NN``)."""
    return bool(members) and all(DEMO_ID.fullmatch(m.student_id) for m in members)
