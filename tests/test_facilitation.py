"""The facilitator's guides: a 45 to 60 minute group discussion for every teaching module, on its own cases, so
learners can log participatory CPD hours; docs/facilitation.md is what `course facilitation` prints."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from course.content import check_content, load_content
from course.views.facilitation import facilitation_markdown

REPO = Path(__file__).resolve().parent.parent


def test_every_teaching_module_has_a_guide_of_45_to_60_minutes_on_its_own_cases():
    """Does each module with cases to discuss (01 to 06) have a guide whose parts add up to 45 to 60 minutes,
    discussing at least two of that module's own cases, with questions and what to record?"""
    content = load_content()
    guides = {g.module: g for g in content["facilitation"]}
    teaching = [m.id for m in content["modules"] if m.id not in {"00", "07"}]
    assert sorted(guides) == teaching
    for module, guide in guides.items():
        assert 45 <= sum(s["minutes"] for s in guide.segments) == guide.minutes <= 60
        cases = [c for s in guide.segments for c in s.get("cases", ())]
        assert len(cases) >= 2, module
        assert all(s["questions"] for s in guide.segments) and guide.record


def test_the_guide_shows_each_case_in_full_from_the_data():
    """Does a module's guide show each case's title and situation as the data has them, and its timings?"""
    content = load_content()
    guide = next(g for g in content["facilitation"] if g.module == "04")
    page = facilitation_markdown(content, "04")
    for segment in guide.segments:
        assert f"({segment['minutes']} minutes)" in page
        for reference in segment.get("cases", ()):
            collection, record_id = reference.split("/")
            record = content.record(collection, record_id)
            assert " ".join(record.case.split())[:80] in page
    assert "## Module 02" not in page


@pytest.mark.content
def test_the_docs_page_is_what_the_command_prints():
    """Is docs/facilitation.md exactly `course facilitation`'s output (so it cannot go stale)?"""
    printed = subprocess.run([sys.executable, "-m", "course.cli", "facilitation"], capture_output=True, text=True,
                             check=True).stdout
    assert (REPO / "docs" / "facilitation.md").read_text(encoding="utf-8") == printed, \
        "run `course facilitation -o docs/facilitation.md` after changing data/facilitation.yaml"


def test_a_guide_whose_times_do_not_add_up_or_whose_case_is_missing_is_named(tmp_path):
    """Does validation name the guide and field when its parts do not add up to its minutes, or when it
    discusses a case the course does not have or one from another module?"""
    data = tmp_path / "data"
    subprocess.run(["cp", "-r", str(REPO / "data"), str(data)], check=True)
    guides = yaml.safe_load((data / "facilitation.yaml").read_text(encoding="utf-8"))
    guides[0]["minutes"] += 5
    guides[1]["segments"][1]["cases"][0] = "scenarios/no-such-case"
    guides[2]["segments"][1]["cases"][0] = "scenarios/early-hunger-cues"
    (data / "facilitation.yaml").write_text(yaml.safe_dump(guides, sort_keys=False), encoding="utf-8")
    _, problems = check_content(data)
    shown = [str(p) for p in problems]
    assert any(guides[0]["id"] in p and "'minutes'" in p and "add up to" in p for p in shown), shown
    assert any(guides[1]["id"] in p and "no record 'no-such-case'" in p for p in shown), shown
    assert any(guides[2]["id"] in p and "belongs to module 02" in p for p in shown), shown
