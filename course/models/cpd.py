"""The CPD record a self-paced professional keeps: what they did, for how long, and what they made of it.

Everything here is plain Python built from the learner's own progress, so it can be checked without Jupyter;
``write_pdf`` turns a record into a PDF and writes it so that a reader never meets half a file. The counting
that module 07's learning record shows lives here too, so the table on screen and the PDF always agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from course import keys
from course.content import Record
from course.progress import Attempt, Progress, Reflection, write_atomically

__all__ = ["ACCOUNT_MODULE", "CODE_THEMES", "COURSE_TITLE", "ESTIMATE_METHOD", "CpdExportError",
           "CpdRecord", "ModuleRecord", "ReflectiveAccount", "build_cpd_record", "estimate_minutes", "estimate_text",
           "first_tries", "knowledge_check_scores", "module_records", "render_pdf", "write_pdf"]

COURSE_TITLE = "Secure Attachment: an open course on infant secure attachment"
ACCOUNT_MODULE = "07"
LONGEST_GAP = timedelta(minutes=20)
CODE_THEMES = {"prioritise-people": "Prioritise people",
               "practise-effectively": "Practise effectively",
               "preserve-safety": "Preserve safety",
               "promote-professionalism": "Promote professionalism and trust"}
ESTIMATE_METHOD = ("The estimate is made from the times of the learner's answers and saved reflections: on each "
                   "day, the time between one event and the next is counted when it is 20 minutes or less; longer "
                   "breaks, and reading before the first answer of a sitting, are not counted.")
NMC_NOTE = ("The reflective account is in the style of the NMC revalidation reflective account form; it is not "
            "the NMC form. For revalidation, use the NMC's own forms and guidance.")


class CpdExportError(RuntimeError):
    """The PDF could not be made or written; the message says where and why, and that any earlier copy is kept."""


@dataclass(frozen=True)
class ModuleRecord:
    """What the learner has done in one module."""

    module: str
    title: str
    activities: int
    items: int
    right_first_time: int
    reflections: int
    last_active: str | None

    @property
    def percent_right(self) -> int | None:
        return round(100 * self.right_first_time / self.items) if self.items else None

    @property
    def worked_on(self) -> bool:
        return bool(self.activities or self.reflections)


def first_tries(attempts: Sequence[Attempt]) -> dict[tuple[str, str], bool]:
    """Whether each item was right at its first try, keyed by (activity, item)."""
    first: dict[tuple[str, str], bool] = {}
    for attempt in attempts:
        first.setdefault((attempt.activity, attempt.item), attempt.correct)
    return first


def module_records(progress: Progress, modules: Sequence[Record]) -> list[ModuleRecord]:
    """One row per module in course order, counted from the learner's attempts and reflections."""
    attempts, reflections = progress.attempts(), progress.reflections()
    rows = []
    for module in modules:
        mine = [a for a in attempts if a.module == module.id]
        notes = [r for r in reflections if r.module == module.id]
        tries = first_tries(mine)
        times = [a.at for a in mine] + [r.updated for r in notes]
        rows.append(ModuleRecord(module.id, module.title, len({a.activity for a in mine}), len(tries),
                                 sum(tries.values()), len(notes), max(times) if times else None))
    return rows


def knowledge_check_scores(progress: Progress) -> dict[str, tuple[int, int]]:
    """Right first time and questions tried in the before- and after-course knowledge checks (those begun)."""
    scores = {}
    for stage, activity in keys.KNOWLEDGE_CHECK.items():
        tries = first_tries(progress.attempts(activity=activity))
        if tries:
            scores[stage] = (sum(tries.values()), len(tries))
    return scores


def estimate_minutes(stamps: Iterable[str]) -> float:
    """Minutes of study, counting per day only the gaps of at most 20 minutes between consecutive events."""
    by_day: dict[str, list[datetime]] = defaultdict(list)
    for stamp in stamps:
        moment = datetime.fromisoformat(stamp).astimezone(UTC)
        by_day[moment.date().isoformat()].append(moment)
    total = timedelta()
    for moments in by_day.values():
        moments.sort()
        total += sum((b - a for a, b in zip(moments, moments[1:], strict=False) if b - a <= LONGEST_GAP),
                     timedelta())
    return total.total_seconds() / 60


def duration_text(minutes: float) -> str:
    """Minutes as a person says them: "1 hour 25 minutes", "40 minutes", "less than a minute"."""
    whole = round(minutes)
    if whole < 1:
        return "less than a minute"
    hours, rest = divmod(whole, 60)
    parts = ([f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []) + \
        ([f"{rest} minute{'s' if rest != 1 else ''}"] if rest else [])
    return " ".join(parts)


def estimate_text(minutes: float) -> str:
    """The estimate in words: "about 1 hour 25 minutes", or "less than a minute" when there is next to nothing."""
    words = duration_text(minutes)
    return words if words == "less than a minute" else f"about {words}"


def hours_text(hours: float) -> str:
    return f"{hours:g} hour{'' if hours == 1 else 's'}"


def when(stamp: str) -> str:
    """An ISO timestamp as a date a person reads: "27 November 2026"."""
    moment = datetime.fromisoformat(stamp).astimezone(UTC)
    return f"{moment.day} {moment:%B %Y}"


@dataclass(frozen=True)
class ReflectiveAccount:
    """What the learner writes for their CPD record: who they are, the hours they declare, and the account.

    The four parts follow the NMC revalidation reflective account form's headings; ``themes`` are ids of
    ``CODE_THEMES``. ``declared_hours`` is None when the learner keeps the estimate.
    """

    name: str = ""
    declared_hours: float | None = None
    nature: str = ""
    learned: str = ""
    practice: str = ""
    themes: tuple[str, ...] = ()
    relevance: str = ""
    saved: str | None = None

    def __post_init__(self):
        unknown = [t for t in self.themes if t not in CODE_THEMES]
        if unknown:
            raise ValueError(f"Reflective account: unknown Code theme(s) {unknown}; expected some of "
                             f"{list(CODE_THEMES)}")
        if self.declared_hours is not None and not 0 <= self.declared_hours <= 1000:
            raise ValueError(f"Reflective account: declared hours must be between 0 and 1000, "
                             f"not {self.declared_hours!r}")

    @property
    def is_empty(self) -> bool:
        """True when none of the account's own parts (the four headings) has been filled in."""
        return not (self.themes or any(t.strip() for t in (self.nature, self.learned, self.practice,
                                                            self.relevance)))

    @classmethod
    def from_document(cls, document: Mapping | None) -> ReflectiveAccount:
        """A saved account; a theme the course no longer offers is dropped rather than failing to open."""
        if not document:
            return cls()
        hours = document.get("declared_hours")
        if hours is not None and (isinstance(hours, bool) or not isinstance(hours, int | float)):
            raise ValueError(f"Saved reflective account ({keys.REFLECTIVE_ACCOUNT}): declared_hours should be a "
                             f"number of hours or null, not {hours!r}")
        return cls(name=document.get("name", ""), declared_hours=None if hours is None else float(hours),
                   nature=document.get("nature", ""), learned=document.get("learned", ""),
                   practice=document.get("practice", ""),
                   themes=tuple(t for t in document.get("themes", []) if t in CODE_THEMES),
                   relevance=document.get("relevance", ""), saved=document.get("saved"))

    def to_document(self) -> dict:
        return {"name": self.name, "declared_hours": self.declared_hours, "nature": self.nature,
                "learned": self.learned, "practice": self.practice, "themes": list(self.themes),
                "relevance": self.relevance, "saved": self.saved}


@dataclass(frozen=True)
class CpdRecord:
    """Everything the PDF says, in the order it says it."""

    course_title: str
    made: str
    first_activity: str | None
    last_activity: str | None
    modules: tuple[ModuleRecord, ...]
    activities: Mapping[str, tuple[str, ...]]
    knowledge_check: Mapping[str, tuple[int, int]]
    reflections: tuple[Reflection, ...]
    self_care_plan: tuple[tuple[str, tuple[str, ...]], ...]
    account: ReflectiveAccount = field(default_factory=ReflectiveAccount)
    estimated_minutes: float = 0.0

    @property
    def is_empty(self) -> bool:
        """Nothing done in the course yet: no answers, no reflections and no self-care plan."""
        return not (self.modules or self.reflections or self.self_care_plan)

    @property
    def items(self) -> int:
        return sum(m.items for m in self.modules)

    @property
    def right_first_time(self) -> int:
        return sum(m.right_first_time for m in self.modules)

    @property
    def percent_right(self) -> int | None:
        return round(100 * self.right_first_time / self.items) if self.items else None

    @property
    def estimated_hours(self) -> float:
        """The estimate to the nearest quarter of an hour, as offered in the hours field."""
        return round(self.estimated_minutes / 15) / 4

    @property
    def hours(self) -> float:
        """The hours this record claims: the learner's own figure if they gave one, else the estimate."""
        declared = self.account.declared_hours
        return self.estimated_hours if declared is None else declared

    @property
    def time_text(self) -> str:
        estimate = f"Estimated time spent: {estimate_text(self.estimated_minutes)} (an estimate)."
        declared = self.account.declared_hours
        if declared is None:
            return estimate
        return f"Hours declared by the learner: {hours_text(declared)}. {estimate}"


def _self_care_lines(document: Mapping | None, areas: Sequence[Record]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The saved self-care plan as (area title, lines), keeping only areas with something in them."""
    if not document:
        return ()
    saved = document.get("areas", {})
    result = []
    for area in areas:
        entry = saved.get(area.id, {})
        lines = [c.get("text", "") for c in entry.get("chosen", [])]
        lines += [line.strip() for line in entry.get("own", "").splitlines()]
        lines = [line for line in lines if line.strip()]
        if lines:
            result.append((area.title, tuple(lines)))
    return tuple(result)


def build_cpd_record(progress: Progress, content: Mapping, *, account: ReflectiveAccount | None = None,
                     now: datetime | None = None) -> CpdRecord:
    """The learner's CPD record from their progress; ``account`` replaces the saved one (e.g. unsaved edits)."""
    attempts, reflections = progress.attempts(), progress.reflections()
    plan = progress.document(keys.SELF_CARE_PLAN)
    stamps = [a.at for a in attempts] + [r.updated for r in reflections]
    dates = stamps + ([plan["saved"]] if plan and plan.get("saved") else [])
    activities: dict[str, list[str]] = defaultdict(list)
    for attempt in attempts:
        if attempt.activity not in activities[attempt.module]:
            activities[attempt.module].append(attempt.activity)
    return CpdRecord(
        course_title=COURSE_TITLE,
        made=(now or datetime.now(UTC)).isoformat(timespec="seconds"),
        first_activity=min(dates) if dates else None,
        last_activity=max(dates) if dates else None,
        modules=tuple(m for m in module_records(progress, content["modules"]) if m.worked_on),
        activities={module: tuple(names) for module, names in activities.items()},
        knowledge_check=knowledge_check_scores(progress),
        reflections=tuple(reflections),
        self_care_plan=_self_care_lines(plan, content["self_care"]),
        account=account if account is not None else ReflectiveAccount.from_document(
            progress.document(keys.REFLECTIVE_ACCOUNT)),
        estimated_minutes=estimate_minutes(stamps))


# --- the PDF ---------------------------------------------------------------------------------------------------

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
    title = f"CPD record: {record.course_title}"
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
