"""The CPD record: an honest time estimate, a reflective account that is kept, and a PDF that says it all."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from pypdf import PdfReader

from course import cpd_record, keys
from course.content import load_content
from course.models.cpd import (
    ReflectiveAccount,
    build_cpd_record,
    estimate_minutes,
)
from course.views.cpd_pdf import CpdExportError, write_pdf

START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def pdf_text(path) -> str:
    """All the text of a PDF as pypdf reads it back, with runs of whitespace made single spaces."""
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(path).pages))


def status_text(widget) -> str:
    return re.sub(r"<[^>]+>", " ", widget.status.value)


def some_work(progress) -> None:
    """A learner's morning: a knowledge check, a myth-or-fact statement tried twice and a reflection."""
    progress.record_attempt("00", "knowledge-check-before", "q1/q", "a", False, at=at(0))
    progress.record_attempt("00", "knowledge-check-before", "q2/q", "b", True, at=at(3))
    progress.record_attempt("06", "myth-or-fact", "a/verdict", "fact", False, at=at(10))
    progress.record_attempt("06", "myth-or-fact", "a/verdict", "myth", True, at=at(12))
    progress.record_attempt("07", "knowledge-check-after", "q1/q", "c", True, at=at(20))
    progress.record_attempt("07", "knowledge-check-after", "q2/q", "b", True, at=at(24))
    progress.save_reflection("06-repair", "06", "Naming a repair out loud helps a worried father see it.", at=at(30))


def test_time_counts_only_short_gaps_each_day():
    """Does the estimate add gaps of up to 20 minutes, skip longer breaks, and never bridge two days?"""
    day = "2026-11-20T"
    stamps = [f"{day}09:00:00+00:00", f"{day}09:10:00+00:00", f"{day}09:30:00+00:00",  # 10 + 20 (exactly 20)
              f"{day}09:51:00+00:00",  # 21-minute gap: a break, not counted
              f"{day}09:56:00+00:00",  # 5
              "2026-11-21T09:00:00+00:00", "2026-11-21T09:15:00+00:00"]  # next day: 15, the overnight gap is not
    assert estimate_minutes(reversed(stamps)) == 10 + 20 + 5 + 15
    assert estimate_minutes([f"{day}09:00:00+00:00"]) == 0
    assert estimate_minutes([]) == 0


def test_the_record_gathers_what_the_learner_did(progress):
    """Are the dates, modules, scores, reflections and estimate taken from this learner's progress?"""
    some_work(progress)
    record = build_cpd_record(progress, load_content())
    assert record.first_activity == at(0).isoformat()
    assert record.last_activity == at(30).isoformat()
    assert [m.module for m in record.modules] == ["00", "06", "07"]
    assert record.activities["06"] == ("myth-or-fact",)
    assert (record.items, record.right_first_time, record.percent_right) == (5, 3, 60)
    assert record.knowledge_check == {"before": (1, 2), "after": (2, 2)}
    assert [(r.prompt, r.module) for r in record.reflections] == [("06-repair", "06")]
    assert record.estimated_minutes == 30
    assert record.hours == 0.5
    assert record.time_text == "Estimated time spent: about 30 minutes (an estimate)."


def test_declared_hours_override_the_estimate_and_both_are_said(progress):
    """When the learner declares their hours, does the record use them and still give the estimate?"""
    some_work(progress)
    record = build_cpd_record(progress, load_content(), account=ReflectiveAccount(declared_hours=2.5))
    assert record.hours == 2.5
    assert record.time_text == ("Hours declared by the learner: 2.5 hours. "
                                "Estimated time spent: about 30 minutes (an estimate).")


def test_a_bad_account_is_refused_with_what_was_expected():
    """Does an unknown Code theme, impossible hours or a garbled saved account say which field and what was
    expected?"""
    with pytest.raises(ValueError, match=r"unknown Code theme\(s\) \['be-kind'\].*prioritise-people"):
        ReflectiveAccount(themes=("be-kind",))
    with pytest.raises(ValueError, match="declared hours must be between 0 and 1000, not -1"):
        ReflectiveAccount(declared_hours=-1)
    with pytest.raises(ValueError, match=r"Saved reflective account \(07-reflective-account\): declared_hours "
                                         r"should be a number of hours or null, not 'three'"):
        ReflectiveAccount.from_document({"declared_hours": "three"})


def fill_in(widget) -> None:
    widget.name.value = "Zoë Ní Bhriain"
    widget.hours.value = 3.25
    widget.nature.value = "A self-paced online course on infant secure attachment."
    widget.learned.value = "That mismatch is common and “repair” is what matters."
    widget.practice.value = "I now point out repairs to parents when I see them – gently."
    widget.theme_boxes["prioritise-people"].value = True
    widget.theme_boxes["promote-professionalism"].value = True
    widget.relevance.value = "Listening to parents and working from evidence."


def test_the_account_is_saved_and_comes_back(progress):
    """After filling the form and pressing Save, does a new form show the same name, hours, text and ticks?"""
    some_work(progress)
    form = cpd_record(progress=progress)
    assert form.hours.value == 0.5, "the hours box starts at the estimate"
    assert "Time spent, estimated from your activity: about 30 minutes." in form.estimate_note.value
    fill_in(form)
    form.save_button.click()
    assert "✓ Saved in your learning record" in status_text(form)
    assert 'role="status"' in form.status.value
    saved = progress.document(keys.REFLECTIVE_ACCOUNT)
    assert saved["themes"] == ["prioritise-people", "promote-professionalism"]
    assert saved["declared_hours"] == 3.25

    again = cpd_record(progress=progress)
    assert again.name.value == "Zoë Ní Bhriain"
    assert again.hours.value == 3.25
    assert again.learned.value == "That mismatch is common and “repair” is what matters."
    assert [t for t, box in again.theme_boxes.items() if box.value] == ["prioritise-people",
                                                                       "promote-professionalism"]
    assert "Your reflective account is saved" in status_text(again)


def test_saving_an_empty_form_says_so(progress):
    """Does Save with nothing written say there is nothing to save, and keep nothing?"""
    form = cpd_record(progress=progress)
    assert "estimated from your activity: less than a minute." in form.estimate_note.value
    form.save_button.click()
    assert "Nothing to save yet" in status_text(form)
    assert progress.document(keys.REFLECTIVE_ACCOUNT) is None


def test_export_writes_a_pdf_that_says_it_all(progress):
    """Does Export write the PDF where it says, with the name, modules, scores, a reflection, the account and
    the estimate, and the title and language in its metadata?"""
    some_work(progress)
    form = cpd_record(progress=progress)
    fill_in(form)
    form.export_button.click()
    path = progress.home / "exports" / "cpd-record.pdf"
    shown = status_text(form)
    assert "✓ Exported" in shown and str(path) in shown
    assert 'href="data:application/pdf;base64,' in form.status.value
    text = pdf_text(path)
    for expected in ["Zoë Ní Bhriain", "00 Start here", "06 Myths, mismatch and repair", "07 Your learning record",
                     "Before the course: 1 of 2 right first time", "After the course: 2 of 2 right first time",
                     "3 right first time (60%)",
                     "Naming a repair out loud helps a worried father see it.",
                     "That mismatch is common and “repair” is what matters.",
                     "point out repairs to parents when I see them – gently.",
                     "Ticked: Prioritise people", "Not ticked: Practise effectively",
                     "Hours declared by the learner: 3.25 hours", "about 30 minutes (an estimate)",
                     "in the style of the NMC revalidation reflective account form"]:
        assert expected in text, expected
    reader = PdfReader(path)
    assert reader.metadata.title.startswith("CPD record for Secure Attachment")
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    headings = [entry.title for entry in reader.outline[1] if not isinstance(entry, list)]
    assert headings == ["CPD log entry", "Time spent", "Modules worked on", "Knowledge check", "Reflections",
                        "Reflective account"]
    assert progress.document(keys.REFLECTIVE_ACCOUNT)["name"] == "Zoë Ní Bhriain", "exporting also saves the account"


def test_export_with_nothing_done_is_refused(progress):
    """With no activities, reflections or plan yet, does Export refuse in words and write no PDF?"""
    form = cpd_record(progress=progress)
    fill_in(form)
    form.export_button.click()
    assert "✗ Nothing to export yet" in status_text(form)
    assert "try some activities or save a reflection" in status_text(form)
    assert not (progress.home / "exports" / "cpd-record.pdf").exists()


def test_a_failed_write_keeps_the_earlier_pdf_and_leaves_no_temporary_file(progress, monkeypatch):
    """If the disk fills up halfway, is the earlier PDF untouched, no temp file left, and the learner told?"""
    some_work(progress)
    path = progress.home / "exports" / "cpd-record.pdf"
    write_pdf(build_cpd_record(progress, load_content()), path)
    earlier = path.read_bytes()

    def disk_full(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("course.progress.os.fsync", disk_full)
    with pytest.raises(CpdExportError, match=r"could not be written to .*cpd-record.pdf \(No space left on device\)"
                                             r"\. Any earlier copy there is unchanged"):
        write_pdf(build_cpd_record(progress, load_content(), account=ReflectiveAccount(name="New")), path)
    assert path.read_bytes() == earlier
    assert sorted(p.name for p in path.parent.iterdir()) == ["cpd-record.pdf"]

    form = cpd_record(progress=progress)
    form.export_button.click()
    assert "✗ Could not export the PDF" in status_text(form)
    assert "No space left on device" in status_text(form)
    assert path.read_bytes() == earlier
    assert sorted(p.name for p in path.parent.iterdir()) == ["cpd-record.pdf"]


def test_a_pdf_that_cannot_be_made_writes_nothing(progress, monkeypatch, tmp_path):
    """If the PDF cannot be rendered (say the typesetter fails), is the reason given and nothing written?"""
    import typst

    def broken(*args, **kwargs):
        raise RuntimeError("typesetting failed")

    some_work(progress)
    monkeypatch.setattr(typst, "compile", broken)
    path = tmp_path / "out" / "cpd-record.pdf"
    with pytest.raises(CpdExportError, match="could not be made into a PDF .*Nothing was written"):
        write_pdf(build_cpd_record(progress, load_content()), path)
    assert not path.parent.exists()


def test_backdating_needs_a_timezone(progress):
    """Is a backdated attempt kept at the UTC time given, and is a time without a timezone refused clearly?"""
    kept = progress.record_attempt("06", "myth-or-fact", "a/verdict", "myth", True,
                                   at=datetime(2026, 11, 20, 11, 0, tzinfo=timezone(timedelta(hours=1))))
    assert progress.attempts()[0].at == kept.at == "2026-11-20T10:00:00+00:00"
    with pytest.raises(ValueError, match="at= must be a timezone-aware datetime"):
        progress.save_reflection("06-repair", "06", "text", at=datetime(2026, 11, 20, 10, 0))
    assert progress.reflections() == []


def test_a_saved_self_care_plan_is_in_the_pdf(progress):
    """With only a self-care plan saved, can the record be exported, and does the PDF list the plan's ideas?"""
    from course import self_care_plan

    plan = self_care_plan(progress=progress)
    area = next(iter(plan.strategy_boxes))
    strategy_id, box = next(iter(plan.strategy_boxes[area].items()))
    box.value = True
    plan.own_text[area].value = "Ask my sister to do one night a week"
    plan.save_button.click()
    title = next(a.title for a in load_content()["self_care"] if a.id == area)
    strategy = next(s.text for a in load_content()["self_care"] if a.id == area for s in a.strategies
                    if s.id == strategy_id)

    form = cpd_record(progress=progress)
    form.export_button.click()
    assert "✓ Exported" in status_text(form)
    text = pdf_text(progress.home / "exports" / "cpd-record.pdf")
    assert f"Self-care plan {title}" in text
    assert re.sub(r"\s+", " ", strategy) in text
    assert "Ask my sister to do one night a week" in text
    assert "No activities tried yet." in text
