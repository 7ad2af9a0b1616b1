"""The CPD record as a PDF: A4, tagged with its title and language, headings as bookmarks, written atomically.

A view of ``course.models.cpd.CpdRecord``; a reader never meets half a file, and a failure keeps any earlier copy.
"""

from __future__ import annotations

from pathlib import Path

from course.models.cpd import CODE_THEMES, ESTIMATE_METHOD, CpdRecord, when
from course.progress import write_atomically

__all__ = ["CpdExportError", "activity_name", "render_pdf", "write_pdf"]

NMC_NOTE = ("The reflective account is in the style of the NMC revalidation reflective account form; it is not "
            "the NMC form. For revalidation, use the NMC's own forms and guidance.")


class CpdExportError(RuntimeError):
    """The PDF could not be made or written; the message says where and why, and that any earlier copy is kept."""


def _font_files() -> dict[str, Path]:
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return {"": folder / "DejaVuSans.ttf", "B": folder / "DejaVuSans-Bold.ttf"}


def activity_name(activity: str) -> str:
    """An activity id as words: "myth-or-fact" becomes "Myth or fact"."""
    return activity.replace("-", " ").capitalize()


def _new_pdf(record: CpdRecord):
    """An A4 document with the record's title and language in its metadata, and the course's heading styles."""
    from fpdf import FPDF, TextStyle, ViewerPreferences

    pdf = FPDF(format="A4")
    for style, path in _font_files().items():
        pdf.add_font("DejaVu", style, str(path))
    pdf.set_title(f"CPD record: {record.course_title}")
    pdf.set_lang("en-GB")
    pdf.set_subject("Continuing professional development record")
    pdf.set_creator("Secure Attachment course")
    if record.account.name.strip():
        pdf.set_author(record.account.name.strip())
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    pdf.set_section_title_styles(
        TextStyle("DejaVu", "B", 18, t_margin=2, b_margin=3),
        TextStyle("DejaVu", "B", 14, t_margin=6, b_margin=2),
        TextStyle("DejaVu", "B", 12, t_margin=4, b_margin=1))
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_margins(20, 18, 20)
    pdf.alias_nb_pages()
    pdf.footer = lambda: _footer(pdf)
    pdf.add_page()
    pdf.set_font("DejaVu", "", 11)
    return pdf


class _Writer:
    """Paragraphs, labelled lines and bookmarked headings in the record's one text style."""

    def __init__(self, pdf) -> None:
        self.pdf = pdf

    def text(self, words: str, bold: bool = False) -> None:
        from fpdf.enums import XPos, YPos

        self.pdf.set_font("DejaVu", "B" if bold else "", 11)
        self.pdf.multi_cell(0, 6, words, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(1.5)

    def labelled(self, label: str, words: str) -> None:
        self.text(f"{label}: {words}")

    def section(self, heading: str, level: int) -> None:
        if self.pdf.will_page_break(30):
            self.pdf.add_page()
        self.pdf.start_section(heading, level=level)


def _identity(out: _Writer, record: CpdRecord) -> None:
    out.pdf.start_section(f"CPD record: {record.course_title}", level=0)
    if record.account.name.strip():
        out.labelled("Name", record.account.name.strip())
    out.labelled("Course", record.course_title)
    if record.first_activity:
        out.labelled("Dates", f"{when(record.first_activity)} to {when(record.last_activity)} "
                     "(first and last activity recorded)")
    out.labelled("Record made", when(record.made))
    out.section("Time spent", 1)
    out.text(record.time_text)
    out.text(ESTIMATE_METHOD)
    if record.planned_text:
        out.text(record.planned_text)


def _modules(out: _Writer, record: CpdRecord) -> None:
    out.section("Modules worked on", 1)
    if not record.modules:
        out.text("No activities tried yet.")
        return
    out.pdf.set_font("DejaVu", "", 11)
    with out.pdf.table(col_widths=(70, 50, 25, 25), text_align="LEFT", line_height=6,
                       headings_style=_bold_style()) as table:
        table.row(["Module", "Activities", "Items tried", "Right first time"])
        for module in record.modules:
            names = ", ".join(activity_name(a) for a in record.activities.get(module.module, ())) or "—"
            right = "—" if module.percent_right is None else \
                f"{module.percent_right}% ({module.right_first_time} of {module.items})"
            table.row([f"{module.module} {module.title}", names, str(module.items), right])
    out.pdf.ln(2)
    if record.percent_right is not None:
        out.text(f"Across the course: {record.items} items tried, {record.right_first_time} right first time "
                 f"({record.percent_right}%).")


def _knowledge_check(out: _Writer, record: CpdRecord) -> None:
    out.section("Knowledge check", 1)
    said = {"before": "Before the course", "after": "After the course"}
    for stage, label in said.items():
        if stage in record.knowledge_check:
            right, tried = record.knowledge_check[stage]
            out.labelled(label, f"{right} of {tried} right first time")
        else:
            out.labelled(label, "not taken")


def _reflections(out: _Writer, record: CpdRecord) -> None:
    out.section("Reflections", 1)
    titles = {m.module: m.title for m in record.modules}
    if not record.reflections:
        out.text("No reflections saved.")
    for note in record.reflections:
        heading = f"Module {note.module}: {titles.get(note.module, '')}".rstrip(": ")
        out.section(f"{heading} ({note.prompt})", 2)
        out.text(note.text)
    if record.skipped_reflections:
        out.text("Skipped by choice (every reflection is optional): " + "; ".join(
            f"module {note.module} ({note.prompt})" for note in record.skipped_reflections) + ".")
    if record.self_care_plan:
        out.section("Self-care plan", 1)
        for area, lines in record.self_care_plan:
            out.text(area, bold=True)
            for line in lines:
                out.text(f"•  {line}")


def _reflective_account(out: _Writer, record: CpdRecord) -> None:
    account = record.account
    out.section("Reflective account", 1)
    out.text(NMC_NOTE)
    parts = [("The nature of the CPD activity", account.nature),
             ("What did you learn from it?", account.learned),
             ("How did you change or could you improve your practice as a result?", account.practice)]
    for heading, words in parts:
        out.section(heading, 2)
        out.text(words.strip() or "Not written.")
    out.section("How is this relevant to the Code?", 2)
    for theme, label in CODE_THEMES.items():
        out.text(f"✓ {label} (ticked)" if theme in account.themes else f"–  {label} (not ticked)")
    if account.relevance.strip():
        out.text(account.relevance.strip())


def render_pdf(record: CpdRecord) -> bytes:
    """The record as an A4 PDF: title and language in its metadata, headings as bookmarks, 11pt text."""
    pdf = _new_pdf(record)
    out = _Writer(pdf)
    for part in (_identity, _modules, _knowledge_check, _reflections, _reflective_account):
        part(out, record)
    return bytes(pdf.output())


def _bold_style():
    from fpdf.fonts import FontFace

    return FontFace(family="DejaVu", emphasis="BOLD", size_pt=11)


def _footer(pdf) -> None:
    pdf.set_y(-14)
    pdf.set_font("DejaVu", "", 11)
    pdf.cell(0, 6, f"Page {pdf.page_no()} of {{nb}}", align="C")


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
