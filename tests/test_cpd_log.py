"""The CPD record as the NMC asks for it: every CPD-log field, participatory hours with the facilitator and date,
and a PDF whose structure a screen reader can follow (headings in order, table header cells, language, title)."""

from __future__ import annotations

import io
import re
from datetime import date

import pikepdf
import pytest
from pypdf import PdfReader
from support.activity import right_answers

from course import cpd_record, reflection, understanding_check
from course.content import load_content
from course.models.cpd import NMC_LOG_FIELDS, ParticipatorySession, build_cpd_record, code_sections

FACILITATOR = "Dr Amara Okafor"


def pdf_text(path) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(path).pages))


def structure(path) -> list[str]:
    """The structure tree's element types, depth first, as a screen reader meets them."""
    with pikepdf.open(path) as pdf:
        return [str(e.S)[1:] for e in _elements(pdf.Root.StructTreeRoot)]


def work_through_modules(progress) -> None:
    """Module 04's understanding check answered right, then its reflection written and saved, as a learner would."""
    check = understanding_check("04", progress=progress)
    for index in range(len(check.run.items)):
        check.answer_controls[0].value = right_answers(check.answer_controls[0].question)[0]
        check.check_button.click()
        if index < len(check.run.items) - 1:
            check.next_button.click()
    note = reflection("04-bonding", "What will you listen for?", progress=progress)
    note.text.value = "I will ask about the parent's own support before anything else."
    note.save_button.click()


def add_session(form, day: date, hours: float, facilitator: str, module: str) -> None:
    form.session_day.value = day
    form.session_hours.value = hours
    form.session_facilitator.value = facilitator
    form.session_module.value = module
    form.add_session_button.click()


@pytest.fixture
def exported(progress):
    """A learner's CPD record after module 04 and two facilitated group sessions, exported as a PDF."""
    work_through_modules(progress)
    form = cpd_record(progress=progress)
    form.practice_setting.value = "Health visitor in a community team"
    form.code_section.value = next(value for _, value in form.code_section.options if value)
    add_session(form, date(2026, 11, 24), 1, FACILITATOR, "04")
    add_session(form, date(2026, 11, 27), 0.75, "Sam Lee", "02")
    form.save_button.click()
    form.export_button.click()
    return form, progress.home / "exports" / "cpd-record.pdf"


def test_every_nmc_log_field_is_in_the_pdf_with_what_the_course_and_learner_know(exported):
    """Does the PDF name every field of the NMC CPD log, with the method, the learner's practice setting, the
    dates, the hours including participatory hours, the Code section chosen and the evidence?"""
    form, path = exported
    text = pdf_text(path)
    record = form.record()
    for label in NMC_LOG_FIELDS.values():
        assert label in text, label
    chosen = code_sections(load_content())[form.code_section.value]
    assert chosen in text
    assert "Health visitor in a community team" in text
    assert record.participatory_hours == 1.75
    assert record.log.hours == record.hours + 1.75
    assert "Number of participatory hours 1.75 hours" in text
    assert "not participatory" in record.log.method and "participatory learning" in record.log.method
    for name, day in ((FACILITATOR, "24 November 2026"), ("Sam Lee", "27 November 2026")):
        assert name in text and day in text
    assert "04 When" in text  # the module worked on, by number and title


def test_sessions_and_log_fields_come_back_after_saving(exported, progress):
    """Are the practice setting, the Code section and both sessions kept in the learner's record?"""
    form, _ = exported
    again = cpd_record(progress=progress)
    assert again.practice_setting.value == "Health visitor in a community team"
    assert again.code_section.value == form.code_section.value
    assert [(s.facilitator, s.hours) for s in again.sessions] == [(FACILITATOR, 1), ("Sam Lee", 0.75)]


def test_a_session_without_a_date_or_facilitator_is_refused_in_words(progress):
    """Is a group session with no date, or no facilitator to confirm it, refused with the reason, adding nothing?"""
    form = cpd_record(progress=progress)
    form.session_facilitator.value = FACILITATOR
    form.add_session_button.click()
    assert "✗" in form.status.value and "date" in form.status.value
    add_session(form, date(2026, 11, 24), 1, "  ", "04")
    assert "facilitator" in form.status.value and form.sessions == []
    add_session(form, date(2026, 11, 24), 1, FACILITATOR, "04")
    assert len(form.sessions) == 1
    remove = form.session_list.children[1].children[1]
    remove.click()
    assert form.sessions == []


def test_solo_study_alone_claims_no_participatory_hours(progress):
    """With no group session, does the log say the method is not participatory and claim 0 participatory hours?"""
    work_through_modules(progress)
    record = build_cpd_record(progress, load_content())
    assert record.participatory_hours == 0
    assert "not participatory" in record.log.method and "group discussion" not in record.log.method
    with pytest.raises(ValueError, match="facilitator"):
        ParticipatorySession("2026-11-24", 1, "", "04")
    with pytest.raises(ValueError, match="hours"):
        ParticipatorySession("2026-11-24", 30, FACILITATOR, "04")


def test_the_pdf_structure_is_tagged_for_screen_readers(exported):
    """Is the PDF tagged: one H1 first, heading levels never skipping, tables with header cells, and the
    document's language and title set and shown?"""
    _, path = exported
    tags = structure(path)
    headings = [int(t[1]) for t in tags if re.fullmatch(r"H[1-6]", t)]
    assert headings[0] == 1 and headings.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(headings, headings[1:], strict=False)), headings
    assert tags.count("Table") >= 3 and "TH" in tags and "TD" in tags
    table_starts = [i for i, t in enumerate(tags) if t == "Table"]
    for start in table_starts:
        assert tags[start + 1:start + 4] == ["THead", "TR", "TH"], tags[start:start + 5]
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "en-GB"
        assert bool(pdf.Root.MarkInfo.Marked)
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        assert str(pdf.docinfo.Title).startswith("CPD record for")
        with pdf.open_metadata() as meta:
            assert meta.get("pdfuaid:part") == "1"


def test_learner_text_cannot_change_the_pdf_structure(progress):
    """Does a reflection written like Typst or HTML markup appear as text, adding no heading or element?"""
    from course.views.cpd_pdf import render_pdf

    work_through_modules(progress)
    plain = build_cpd_record(progress, load_content())
    progress.save_reflection("04-bonding", "04", '= Fake heading #table([x]) <script>alert(1)</script> *bold* $x$')
    marked = build_cpd_record(progress, load_content())
    def tags(data: bytes) -> list[str]:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return [str(e.S) for e in _elements(pdf.Root.StructTreeRoot)]

    assert tags(render_pdf(marked)) == tags(render_pdf(plain))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(marked))).pages)
    assert "= Fake heading #table([x])" in text and "<script>" in text


def _elements(element):
    if isinstance(element, pikepdf.Dictionary) and "/S" in element:
        yield element
    kids = element.get("/K") if isinstance(element, pikepdf.Dictionary) else None
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
        yield from _elements(kid)


def test_the_reflective_account_carries_the_standards_of_each_completed_module(exported, progress):
    """Does the PDF's reflective account list, for each module whose closing reflection is saved, the NMC standards
    its outcomes serve (as data/standards.yaml maps them), and leave out a module only started?"""
    from course.models.standards import standards_served

    _, path = exported
    text = pdf_text(path)
    content = load_content()
    assert text.index("NMC standards the completed modules serve") > text.index("Reflective account")
    for standard in standards_served("04", content):
        assert standard.label in text, standard.label
    progress.record_attempt("02", "cue-scenarios", "x/meaning", "y", True)
    rows = dict(build_cpd_record(progress, content).standards)
    assert list(rows) == [f"04 {content.record('modules', '04').title}"]
