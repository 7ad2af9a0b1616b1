"""Module 07's CPD record: a reflective account the learner writes and keeps, and a PDF of their whole record.

Self-paced professionals have no trainer to vouch for their learning, so the record says what they did, when,
for roughly how long (an estimate they can correct), and what they made of it. The model is ``course.models.cpd``;
this is the form around it.
"""

from __future__ import annotations

import base64
import html
from datetime import UTC, datetime

import ipywidgets as widgets

from course import keys
from course.content import load_content
from course.models.cpd import (
    ACCOUNT_MODULE,
    CODE_THEMES,
    ESTIMATE_METHOD,
    CpdRecord,
    ParticipatorySession,
    ReflectiveAccount,
    build_cpd_record,
    code_sections,
    estimate_text,
    hours_text,
    when,
)
from course.models.learning_records import LrsSettingsError, queue_cpd_record
from course.progress import Progress, learner_progress
from course.views.activity import NOTE, RIGHT, WRONG, feedback_html, live_region
from course.views.cpd_pdf import CpdExportError, write_pdf

__all__ = ["cpd_record"]

EXPORT_NAME = "cpd-record.pdf"
WIDE = {"description_width": "initial"}


def _textarea(description: str, placeholder: str) -> widgets.Textarea:
    # Sent when the box is left, not per keystroke, so Save pressed straight after typing keeps every word
    # (see course/widgets/reflection.py).
    return widgets.Textarea(description=description, placeholder=placeholder, style=WIDE, continuous_update=False,
                            layout=widgets.Layout(width="100%", height="6em"))


class CpdRecordWidget(widgets.VBox):
    """Name, hours, the four parts of the reflective account, Save and Export; ``record()`` is the model."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.content = load_content()
        self.export_path = progress.home / "exports" / EXPORT_NAME
        saved = ReflectiveAccount.from_document(progress.document(keys.REFLECTIVE_ACCOUNT))
        self.estimate = build_cpd_record(progress, self.content, account=saved)
        self.name = widgets.Text(value=saved.name, description="Your name (optional)", style=WIDE,
                                 placeholder="As you would like it on your record", continuous_update=False)
        self.hours = widgets.BoundedFloatText(
            value=self.estimate.hours, min=0, max=1000, step=0.25, description="Hours you declare", style=WIDE,
            tooltip="Filled in with the estimate from your activity; change it if you know better")
        self._account_controls(saved)
        self._log_controls(saved)
        self._session_controls(saved)
        self.save_button = widgets.Button(description="Save", icon="save", button_style="primary",
                                          tooltip="Keep your name, hours and reflective account in your record")
        self.export_button = widgets.Button(description="Export my CPD record (PDF)", icon="file-pdf-o",
                                            layout=widgets.Layout(width="auto"),
                                            tooltip="Save, then write your whole CPD record as a PDF")
        estimate = estimate_text(self.estimate.estimated_minutes)
        self.estimate_note = widgets.HTML(
            f"<p>Time spent, estimated from your activity: {html.escape(estimate)}. {html.escape(ESTIMATE_METHOD)} "
            "If you know you spent longer (reading, or on another computer), put your own figure in the hours box. "
            f"{html.escape(self.estimate.planned_text)}</p>")
        self.status = widgets.HTML(live_region(self._saved_note(saved)))
        self.save_button.on_click(lambda _: self.save())
        self.export_button.on_click(lambda _: self.export())
        super().__init__(self._children(), layout=widgets.Layout(max_width="820px"))
        self.add_class("sa-cpd-record")

    def _account_controls(self, saved: ReflectiveAccount) -> None:
        """The four parts of the reflective account and the Code's themes, filled in from what was saved."""
        self.nature = _textarea("The nature of the CPD activity",
                                "For example: a self-paced online course on infant secure attachment")
        self.learned = _textarea("What did you learn from it?", "One or two things you learned, in your words")
        self.practice = _textarea("How did you change or could you improve your practice as a result?",
                                  "A change you made or will make, with an anonymised example")
        self.theme_boxes = {theme: widgets.Checkbox(value=theme in saved.themes, description=label, indent=False,
                                                    layout=widgets.Layout(width="auto"))
                            for theme, label in CODE_THEMES.items()}
        self.relevance = _textarea("How is this relevant to the Code?",
                                   "How your learning links to the themes you ticked")
        for control, value in ((self.nature, saved.nature), (self.learned, saved.learned),
                               (self.practice, saved.practice), (self.relevance, saved.relevance)):
            control.value = value

    def _log_controls(self, saved: ReflectiveAccount) -> None:
        """The CPD log entry's own fields: the learner's practice setting and the part of the Code."""
        self.practice_setting = _textarea("How the topic relates to your practice (CPD log)",
                                          "Your role and setting, e.g. health visitor in a community team")
        self.practice_setting.value = saved.practice_setting
        sections = code_sections(self.content)
        self.code_section = widgets.Dropdown(
            options=[("Choose a section of the Code", "")] + [(label, key) for key, label in sections.items()],
            value=saved.code_section if saved.code_section in sections else "", style=WIDE,
            description="The part of the Code most relevant (CPD log)", layout=widgets.Layout(width="100%"))

    def _session_controls(self, saved: ReflectiveAccount) -> None:
        """Facilitated group sessions: the ones recorded, and the fields to add another."""
        self.sessions = list(saved.sessions)
        self.session_day = widgets.DatePicker(description="Date of the group session", style=WIDE)
        self.session_hours = widgets.BoundedFloatText(value=1, min=0.25, max=12, step=0.25, style=WIDE,
                                                      description="Hours of the session")
        self.session_facilitator = widgets.Text(description="Facilitator's name", style=WIDE,
                                                placeholder="Who led the discussion", continuous_update=False)
        self.session_module = widgets.Dropdown(options=[(f"{m.id} {m.title}", m.id) for m in self.content["modules"]],
                                               description="Module discussed", style=WIDE)
        self.add_session_button = widgets.Button(description="Add this group session", icon="plus",
                                                 layout=widgets.Layout(width="auto"),
                                                 tooltip="Add a facilitated group discussion to your record")
        self.add_session_button.on_click(lambda _: self.add_session())
        self.session_list = widgets.VBox()
        self._show_sessions()

    def _children(self) -> list:
        return [
            widgets.HTML(
                "<h3>CPD record: your details and reflective account</h3><p>Your record of learning from this "
                "course: the modules and activities you did, your scores, your reflections and a reflective account, "
                "as a PDF you can keep. The "
                "account below is <em>in the style of</em> the NMC revalidation reflective account form; for "
                "revalidation, use the NMC's own forms and guidance. Never include anything that could identify a "
                "patient, family or colleague.</p>"),
            self.name,
            self.estimate_note,
            self.hours,
            widgets.HTML("<h4>CPD log entry</h4><p>The NMC asks each CPD entry to say how the topic relates to "
                         "your practice and which part of the Code is most relevant. The course fills in the "
                         "rest.</p>"),
            self.practice_setting, self.code_section,
            widgets.HTML("<h4>Group sessions (participatory hours)</h4><p>Working through the course alone is "
                         "not participatory learning. A group discussion of a module's cases with other "
                         "professionals, led by a facilitator, is: add each one you took part in.</p>"),
            self.session_list,
            widgets.VBox([self.session_day, self.session_hours, self.session_facilitator, self.session_module,
                          self.add_session_button]),
            widgets.HTML("<h4>Reflective account</h4>"),
            self.nature, self.learned, self.practice,
            widgets.HTML("<p><strong>Which themes of the Code is this relevant to?</strong> (tick one or more)</p>"),
            widgets.VBox(list(self.theme_boxes.values())),
            self.relevance,
            widgets.HBox([self.save_button, self.export_button]),
            self.status,
        ]

    @staticmethod
    def _saved_note(saved: ReflectiveAccount) -> str:
        if not saved.saved:
            return "<p>Not saved yet.</p>"
        return feedback_html(NOTE, "This is the account you saved. Change it and save again at any time.",
                             "Your reflective account is saved")

    def account(self) -> ReflectiveAccount:
        """What the form says now; hours equal to the estimate count as the estimate, not a declaration."""
        hours = self.hours.value
        return ReflectiveAccount(
            name=self.name.value.strip(),
            declared_hours=None if abs(hours - self.estimate.estimated_hours) < 1e-9 else hours,
            nature=self.nature.value.strip(), learned=self.learned.value.strip(),
            practice=self.practice.value.strip(),
            themes=tuple(t for t, box in self.theme_boxes.items() if box.value),
            relevance=self.relevance.value.strip(), saved=datetime.now(UTC).isoformat(timespec="seconds"),
            practice_setting=self.practice_setting.value.strip(), code_section=self.code_section.value,
            sessions=tuple(self.sessions))

    def add_session(self) -> None:
        """Add the group session in the form; a missing date or name is said plainly and nothing is added."""
        day = self.session_day.value
        try:
            session = ParticipatorySession(day.isoformat() if day else "", self.session_hours.value,
                                           self.session_facilitator.value.strip(), self.session_module.value)
        except ValueError as exc:
            self.status.value = live_region(feedback_html(WRONG, str(exc), "Group session not added"))
            return
        self.sessions.append(session)
        self.session_facilitator.value = ""
        self._show_sessions()
        self.status.value = live_region(feedback_html(
            RIGHT, f"{hours_text(session.hours)} on {when(session.day)} added. Press Save to keep it.",
            "Group session added"))

    def remove_session(self, index: int) -> None:
        del self.sessions[index]
        self._show_sessions()

    def _show_sessions(self) -> None:
        rows = []
        for index, session in enumerate(self.sessions):
            remove = widgets.Button(description="Remove", icon="trash", layout=widgets.Layout(width="auto"),
                                    tooltip=f"Remove the group session on {when(session.day)}")
            remove.on_click(lambda _, i=index: self.remove_session(i))
            words = html.escape(f"{when(session.day)}: {hours_text(session.hours)}, module {session.module}, "
                                f"facilitated by {session.facilitator}")
            rows.append(widgets.HBox([widgets.HTML(f"<p>{words}</p>"), remove]))
        total = sum(s.hours for s in self.sessions)
        summary = (f"<p>Participatory hours so far: {hours_text(total)}.</p>" if self.sessions
                   else "<p>No group sessions added: participatory hours 0.</p>")
        self.session_list.children = [widgets.HTML(summary), *rows]

    def record(self) -> CpdRecord:
        return build_cpd_record(self.progress, self.content, account=self.account())

    def _keep(self, account: ReflectiveAccount) -> None:
        self.progress.save_document(keys.REFLECTIVE_ACCOUNT, ACCOUNT_MODULE, account.to_document())

    def save(self) -> None:
        account = self.account()
        if account.is_empty and not account.name and account.declared_hours is None:
            self.status.value = live_region(feedback_html(
                NOTE, "Write at least one part of the reflective account, or your name or hours, before saving.",
                "Nothing to save yet"))
            return
        self._keep(account)
        self.status.value = live_region(feedback_html(
            RIGHT, "Your name, hours and reflective account will be here when you open this again.",
            "Saved in your learning record"))

    def export(self) -> None:
        record = self.record()
        if record.is_empty:
            self.status.value = live_region(feedback_html(
                WRONG, "There is nothing in your record yet: try some activities or save a reflection in the "
                "modules, then export your CPD record.", "Nothing to export yet"))
            return
        self._keep(record.account)
        try:
            path = write_pdf(record, self.export_path)
        except CpdExportError as exc:
            self.status.value = live_region(feedback_html(WRONG, f"Your account is saved, but: {exc}",
                                                          "Could not export the PDF"))
            return
        try:
            queue_cpd_record(self.progress, hours=record.log.hours, participatory_hours=record.participatory_hours)
        except LrsSettingsError:
            pass  # the learning record store panel says what is wrong with its settings
        encoded = base64.b64encode(path.read_bytes()).decode("ascii")
        where = html.escape(str(path))
        self.status.value = live_region(
            feedback_html(RIGHT, f"Your CPD record is written as a PDF: {path}", "Exported")
            + f'<p><a download="{EXPORT_NAME}" href="data:application/pdf;base64,{encoded}">Download your CPD '
              f"record (PDF)</a> (also kept at <code>{where}</code>).</p>")


def cpd_record(*, progress: Progress | None = None) -> CpdRecordWidget:
    """Write your reflective account and export your CPD record as a PDF; a saved account comes back next time."""
    return CpdRecordWidget(progress or learner_progress())
