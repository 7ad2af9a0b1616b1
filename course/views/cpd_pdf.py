"""The CPD record as a tagged PDF (PDF/UA-1): headings, table header cells, language and title, written atomically.

A view of ``course.models.cpd.CpdRecord``, typeset by Typst from ``templates/cpd_record.typ``. The record goes in as
JSON and is set as text, so nothing the learner wrote can become markup. A reader never meets half a file, and a
failure keeps any earlier copy.
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

from course.models.cpd import CODE_THEMES, ESTIMATE_METHOD, CpdRecord, hours_text, when
from course.progress import write_atomically

__all__ = ["CpdExportError", "activity_name", "record_fields", "render_pdf", "write_pdf"]

NMC_NOTE = ("The reflective account is in the style of the NMC revalidation reflective account form; it is not "
            "the NMC form. For revalidation, use the NMC's own forms and guidance.")
LOG_NOTE = ("The NMC asks for these details of each CPD activity (NMC revalidation guidance on CPD). The course "
            "fills in what it knows; the learner adds their practice setting, the part of the Code and any group "
            "sessions. Only facilitated group sessions count as participatory hours: working through the course "
            "alone does not.")


STANDARDS_NOTE = ("The course maps each module's learning outcomes to the NMC standards of proficiency they serve "
                  "(course standards). A module counts as completed when its closing reflection is saved or skipped.")
NO_STANDARDS = "No module completed yet: a module counts once its closing reflection is saved or skipped."


class CpdExportError(RuntimeError):
    """The PDF could not be made or written; the message says where and why, and that any earlier copy is kept."""


def activity_name(activity: str) -> str:
    """An activity id as words: "myth-or-fact" becomes "Myth or fact"."""
    return activity.replace("-", " ").capitalize()


def _modules(record: CpdRecord) -> list[list[str]]:
    rows = []
    for module in record.modules:
        names = ", ".join(activity_name(a) for a in record.activities.get(module.module, ())) or "none"
        right = "not scored" if module.percent_right is None else \
            f"{module.percent_right}% ({module.right_first_time} of {module.items})"
        rows.append([f"{module.module} {module.title}", names, str(module.items), right])
    return rows


def _reflections(record: CpdRecord) -> list[dict]:
    titles = {m.module: m.title for m in record.modules}
    notes = []
    for note in record.reflections:
        heading = f"Module {note.module}: {titles.get(note.module, '')}".rstrip(": ")
        notes.append({"heading": f"{heading} ({note.prompt})", "text": note.text})
    return notes


def record_fields(record: CpdRecord) -> dict:
    """Everything the PDF says, as plain JSON values in the order it says them (the template only lays it out)."""
    account = record.account
    about = [["Name", account.name.strip()]] if account.name.strip() else []
    about.append(["Course", record.course_title])
    if record.first_activity:
        about.append(["Dates", f"{when(record.first_activity)} to {when(record.last_activity)} "
                               "(first and last activity recorded)"])
    about.append(["Record made", when(record.made)])
    stages = {"before": "Before the course", "after": "After the course"}
    knowledge = [[label, "{} of {} right first time".format(*record.knowledge_check[stage])
                  if stage in record.knowledge_check else "not taken"] for stage, label in stages.items()]
    themes = "\n".join(f"{'Ticked' if theme in account.themes else 'Not ticked'}: {label}"
                        for theme, label in CODE_THEMES.items())
    parts = [("The nature of the CPD activity", account.nature),
             ("What did you learn from it?", account.learned),
             ("How did you change or could you improve your practice as a result?", account.practice),
             ("How is this relevant to the Code?", "\n".join(filter(None, [themes, account.relevance.strip()])))]
    skipped = ("Skipped by choice (every reflection is optional): " + "; ".join(
        f"module {n.module} ({n.prompt})" for n in record.skipped_reflections) + ".") \
        if record.skipped_reflections else ""
    across = (f"Across the course: {record.items} items tried, {record.right_first_time} right first time "
              f"({record.percent_right}%).") if record.percent_right is not None else ""
    return {
        "title": f"CPD record for {record.course_title}",
        "author": [account.name.strip()] if account.name.strip() else [],
        "about": about,
        "log_note": LOG_NOTE,
        "log": [list(row) for row in record.log.rows()],
        "sessions": [[when(s.day), hours_text(s.hours), s.facilitator.strip(), s.module] for s in account.sessions],
        "standards": [list(row) for row in record.standards],
        "standards_note": STANDARDS_NOTE if record.standards else NO_STANDARDS,
        "time": [line for line in (record.time_text, ESTIMATE_METHOD, record.planned_text) if line],
        "modules": _modules(record),
        "across": across,
        "knowledge": knowledge,
        "reflections": _reflections(record),
        "skipped": skipped,
        "self_care": [{"title": area, "lines": list(lines)} for area, lines in record.self_care_plan],
        "account_note": NMC_NOTE,
        "parts": [{"heading": heading, "text": words.strip() or "Not written."} for heading, words in parts],
    }


def render_pdf(record: CpdRecord) -> bytes:
    """The record as an A4 tagged PDF (PDF/UA-1), typeset with the fonts Typst carries, so it looks the same on
    every computer."""
    import typst

    template = files("course.views").joinpath("templates/cpd_record.typ").read_bytes()
    return typst.compile(template, sys_inputs={"record": json.dumps(record_fields(record))},
                         pdf_standards=["ua-1"], ignore_system_fonts=True)


def write_pdf(record: CpdRecord, path: Path | str) -> Path:
    """Write the record as a PDF at ``path`` atomically; on failure raise ``CpdExportError``, earlier PDF kept."""
    path = Path(path)
    try:
        data = render_pdf(record)
    except Exception as exc:
        raise CpdExportError(f"Your CPD record could not be made into a PDF ({type(exc).__name__}: {exc}). "
                             f"Nothing was written; any earlier copy at {path} is unchanged.") from exc
    try:
        write_atomically(path, data)
    except OSError as exc:
        raise CpdExportError(f"Your CPD record could not be written to {path} ({exc.strerror or exc}). "
                             "Any earlier copy there is unchanged.") from exc
    return path
