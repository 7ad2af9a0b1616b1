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


def render_pdf(record: CpdRecord) -> bytes:
    """The record as an A4 PDF: title and language in its metadata, headings as bookmarks, 11pt text."""
    from fpdf import FPDF, TextStyle, ViewerPreferences
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    for style, path in _font_files().items():
        pdf.add_font("DejaVu", style, str(path))
    title = f"CPD record – {record.course_title}"  # the course title has its own colon
    pdf.set_title(title)
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

    def text(words: str, bold: bool = False) -> None:
        pdf.set_font("DejaVu", "B" if bold else "", 11)
        pdf.multi_cell(0, 6, words, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)

    def labelled(label: str, words: str) -> None:
        text(f"{label}: {words}")

    def section(heading: str, level: int) -> None:
        if pdf.will_page_break(30):
            pdf.add_page()
        pdf.start_section(heading, level=level)

    pdf.start_section(title, level=0)
    if record.account.name.strip():
        labelled("Name", record.account.name.strip())
    labelled("Course", record.course_title)
    if record.first_activity:
        labelled("Dates", f"{when(record.first_activity)} to {when(record.last_activity)} "
                 "(first and last activity recorded)")
    labelled("Record made", when(record.made))

    section("Time spent", 1)
    text(record.time_text)
    text(ESTIMATE_METHOD)
    if record.planned_text:
        text(record.planned_text)

    section("Modules worked on", 1)
    if record.modules:
        pdf.set_font("DejaVu", "", 11)
        with pdf.table(col_widths=(70, 50, 25, 25), text_align="LEFT", line_height=6,
                       headings_style=_bold_style()) as table:
            table.row(["Module", "Activities", "Items tried", "Right first time"])
            for module in record.modules:
                names = ", ".join(activity_name(a) for a in record.activities.get(module.module, ())) or "—"
                right = "—" if module.percent_right is None else \
                    f"{module.percent_right}% ({module.right_first_time} of {module.items})"
                table.row([f"{module.module} {module.title}", names, str(module.items), right])
        pdf.ln(2)
        if record.percent_right is not None:
            text(f"Across the course: {record.items} items tried, {record.right_first_time} right first time "
                 f"({record.percent_right}%).")
    else:
        text("No activities tried yet.")

    section("Knowledge check", 1)
    said = {"before": "Before the course", "after": "After the course"}
    for stage, label in said.items():
        if stage in record.knowledge_check:
            right, tried = record.knowledge_check[stage]
            labelled(label, f"{right} of {tried} right first time")
        else:
            labelled(label, "not taken")

    section("Reflections", 1)
    titles = {m.module: m.title for m in record.modules}
    if not record.reflections:
        text("No reflections saved.")
    for note in record.reflections:
        heading = f"Module {note.module}: {titles.get(note.module, '')}".rstrip(": ")
        section(f"{heading} ({note.prompt})", 2)
        text(note.text)
    if record.skipped_reflections:
        text("Skipped by choice (every reflection is optional): " + "; ".join(
            f"module {note.module} ({note.prompt})" for note in record.skipped_reflections) + ".")

    if record.self_care_plan:
        section("Self-care plan", 1)
        for area, lines in record.self_care_plan:
            text(area, bold=True)
            for line in lines:
                text(f"•  {line}")

    account = record.account
    section("Reflective account", 1)
    text(NMC_NOTE)
    parts = [("The nature of the CPD activity", account.nature),
             ("What did you learn from it?", account.learned),
             ("How did you change or could you improve your practice as a result?", account.practice)]
    for heading, words in parts:
        section(heading, 2)
        text(words.strip() or "Not written.")
    section("How is this relevant to the Code?", 2)
    for theme, label in CODE_THEMES.items():
        text(f"✓ {label} (ticked)" if theme in account.themes else f"–  {label} (not ticked)")
    if account.relevance.strip():
        text(account.relevance.strip())
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
