"""A learner reading straight through the course in one tab by its own links, on a laptop and on a phone, with
the real kernel limits: every page opens (none refused for too many open pages), each left page's kernel ends as
it is left, and every page has all its text at 16 px or more, scrolls by keyboard from the first key, has no
serious accessibility problem and, on a phone, nothing wider than the screen. The checks ride on one
read-through per width, so the suite loads each page once per width."""

from __future__ import annotations

import re
import secrets
import statistics
import time
from pathlib import Path

import pytest
from accessibility import describe, serious_violations
from learner_pages import (
    DESKTOP,
    PHONE,
    activity_on,
    answered_rightly,
    keys_that_do_not_scroll,
    learner_tab,
    page_calls,
    sideways_scrolling,
    text_below_smallest,
    wide_regions_unreachable,
)
from playwright.sync_api import expect

from course.content import load_content
from course.progress import Progress
from course.widgets.claim_check import claim_check
from course.widgets.cue_scenarios import cue_scenarios
from course.widgets.knowledge_check import knowledge_check
from course.widgets.myth_or_fact import myth_or_fact
from course.widgets.partner_scenarios import partner_scenarios
from course.widgets.reflection import reflection
from course.widgets.risk_vignettes import risk_vignettes
from course.widgets.stress_scenarios import stress_scenarios
from course.widgets.understanding_check import understanding_check

pytestmark = pytest.mark.browser

MODULES = load_content()["modules"]
GLOSSARY = "glossary.ipynb"
DEVICES = {"1280px": DESKTOP, "375px-phone": PHONE}
LEFT_WITHOUT_A_WORD = "its page left"  # what the server logs when it ends a kernel whose page went away
# The activities a phone reader completes by touch on the way through (question by question, item by item).
BY_TOUCH = {factory.__name__: factory for factory in (
    knowledge_check, understanding_check, stress_scenarios, risk_vignettes, claim_check, partner_scenarios,
    myth_or_fact, cue_scenarios)}
# The activities with controls of their own, completed by touch by the steps of the same names below.
TOUCH_STEPS = {"cue_sort": lambda reader, *args: reader.sort_cues(*args),
               "attachment_patterns": lambda reader, *args: reader.choose_studies(*args),
               "repair_simulator": lambda reader, *args: reader.run_repair_simulator(*args),
               "self_care_plan": lambda reader, *args: reader.write_self_care_plan(*args),
               "cpd_record": lambda reader, *args: reader.keep_cpd_record(*args)}
TARGET_PX = 24  # WCAG 2.2 target size (minimum)
REFUSED = re.compile(r"course pages? open|_xsrf", re.IGNORECASE)


def _saved_within(progress: Progress, prompt_id: str, words: str, seconds: float):
    """The reflection as kept, once it holds ``words`` or ``seconds`` have passed (a ✓ from an earlier save may
    already be on screen when Save is tapped, so the status alone cannot tell that this save has landed)."""
    deadline = time.monotonic() + seconds
    while True:
        saved = progress.reflection(prompt_id)
        if (saved is not None and saved.text == words) or time.monotonic() > deadline:
            return saved
        time.sleep(0.2)


class Reader:
    """One learner in one tab, following links and noting what goes wrong page by page."""

    def __init__(self, learner, server, phone: bool):
        self.learner, self.server, self.phone = learner, server, phone
        self.kernels = [learner.kernel_id()]
        self.ready: list[float] = []
        self.gone_after: list[float] = []
        self.problems: dict[str, list[str]] = {}
        self.touch_seconds = 0.0  # spent on the activities with controls of their own (TOUCH_STEPS)

    def follow(self, link, notebook: str) -> None:
        """Tap (phone) or click the link, wait until the page it leads to is ready, and until the page left has
        no kernel."""
        left = time.monotonic()
        link.tap() if self.phone else link.click()
        self.arrive(notebook, left)

    def back(self, notebook: str) -> None:
        left = time.monotonic()
        self.learner.page.go_back()
        self.arrive(notebook, left)

    def arrive(self, notebook: str, left: float) -> None:
        """Wait until the kernel of the page left has gone, then until the new page is ready."""
        before = self.kernels[-1]
        deadline = left + 2 * self.server.limits.leave_seconds
        while self.server.kernel_running(before) and time.monotonic() < deadline:
            time.sleep(0.1)
        self.gone_after.append(round(time.monotonic() - left, 2))
        if self.server.kernel_running(before):
            self.note(notebook, ["the page left still has a kernel"])
        self.learner.page.wait_for_url(re.compile(re.escape(notebook)))
        self.learner.wait_until_ready(left)
        self.ready.append(self.learner.ready_seconds)
        self.kernels.append(self.learner.kernel_id())
        self.note(notebook, self.learner.problems())

    def check(self, notebook: str) -> None:
        """The checks every page passes at every width."""
        page = self.learner.page
        self.note(notebook, [f"text below 16 px: {t}" for t in text_below_smallest(page)])
        self.note(notebook, [f"{key} does not scroll the page" for key in keys_that_do_not_scroll(page)])
        self.note(notebook, [f"scrolls sideways without focus or name: {r}" for r in wide_regions_unreachable(page)])
        if violations := serious_violations(page, "body"):
            self.note(notebook, [describe(violations)])
        if self.phone:
            self.note(notebook, sideways_scrolling(page))

    def tap(self, notebook: str, target) -> None:
        """Tap as a finger does, noting a target (its label, button or link) smaller than 24 × 24 px."""
        target.wait_for(state="visible")  # not the last item's control, on its way out of the page
        width, height, what = target.evaluate("""e => { const t = e.closest('label, button, a') || e;
          const box = t.getBoundingClientRect(); return [box.width, box.height, t.outerHTML.slice(0, 120)]; }""")
        if width < TARGET_PX or height < TARGET_PX:
            self.note(notebook, [f"a {width:.0f} × {height:.0f} px target: {what}"])
        target.tap()

    def complete_by_touch(self, notebook: str, scratch) -> None:
        """Answer every item of every question-and-answer activity rightly, and save every reflection, by taps
        (and the phone's keyboard for words); what to answer comes from the same activity built in Python."""
        page = self.learner.page
        for number, (name, args, kwargs) in enumerate(page_calls(notebook)):
            progress = Progress(scratch / f"{notebook}-{number}")
            if name == "reflection":
                widget = reflection(*args, **kwargs, progress=progress)
                box = page.locator(".sa-reflection").filter(has_text=args[1])
                words = f"Typed on a phone for {widget.prompt_id}."
                self.tap(notebook, box.locator("textarea"))
                page.keyboard.press("Control+A")  # an earlier test on this server may have saved words here
                page.keyboard.press("Backspace")
                page.keyboard.type(words)
                expect(box.locator("textarea")).to_have_value(words)  # every key arrived before Save is tapped
                self.tap(notebook, box.get_by_role("button", name=widget.save_button.description, exact=True))
                box.locator("[role=status]").filter(has_text="✓").wait_for()
                saved = _saved_within(Progress(self.server.course_home), widget.prompt_id, words, seconds=15)
                if saved is None or saved.text != words:
                    self.note(notebook, [f"reflection {widget.prompt_id} not saved word for word: "
                                         f"{saved.text if saved else None!r}"])
            elif name in TOUCH_STEPS:
                started = time.monotonic()
                TOUCH_STEPS[name](self, notebook, progress)
                self.touch_seconds += time.monotonic() - started
            elif name in BY_TOUCH:
                widget = BY_TOUCH[name](*args, **kwargs, progress=progress)
                self.answer_by_touch(notebook, activity_on(page, widget.title), widget)
                try:
                    answered_rightly(self.server.course_home, widget)
                except AssertionError as error:
                    self.note(notebook, [f"{widget.title}: {error}"])

    def answer_by_touch(self, notebook: str, activity, widget) -> None:
        items = widget.run.items
        for number, item in enumerate(items):
            expect(activity.locator("h4").first).to_have_text(item.title)
            controls = activity.locator("fieldset.sa-choice:not(:has(input:disabled)), "
                                        ".widget-vbox:has(> .widget-checkbox):not(:has(input:disabled))")
            for index, question in enumerate(item.questions):
                for option in question.options:
                    if option.id in question.correct:
                        self.tap(notebook, controls.nth(index).get_by_text(option.text, exact=True))
            check = activity.get_by_role("button", name=widget.check_button.description, exact=True)
            expect(check).to_be_enabled()
            self.tap(notebook, check)
            activity.locator("[role=status] .sa-feedback").first.wait_for()
            marks = [f.inner_text().strip()[:1] for f in activity.locator("[role=status] .sa-feedback").all()]
            if "✗" in marks or marks.count("✓") < len(item.questions):
                self.note(notebook, [f"{item.id}: tapped the right answers, told {marks}"])
            if number < len(items) - 1:
                following = activity.get_by_role("button", name=widget.next_button.description, exact=True)
                expect(following).to_be_enabled()
                self.tap(notebook, following)

    def toggle(self, notebook: str, box) -> bool:
        """Tap a checkbox (by its label, as a finger does) and wait until it has changed; its state now."""
        now = not box.is_checked()
        self.tap(notebook, box)
        expect(box).to_be_checked(checked=now)
        return now

    def retype(self, notebook: str, field, words: str) -> None:
        """Tap a text field and type into it, on the phone's keyboard, in place of what an earlier test on the same
        learner server saved there (that clearing is set-up, not the learner's, so it is done directly)."""
        field.fill("")
        expect(field).to_have_value("")
        self.tap(notebook, field)
        expect(field).to_be_focused()
        self.learner.page.keyboard.type(words)
        expect(field).to_have_value(words)

    def sort_cues(self, notebook: str, progress) -> None:
        """Tap each cue's group, then Check: every cue is recorded as sorted right, and the sort is closed."""
        from course.models.cue_sort import GROUPS
        from course.widgets.cue_sort import cue_sort

        widget = cue_sort(progress=progress)
        page = self.learner.page
        sort = page.locator(".sa-activity").filter(
            has=page.get_by_role("button", name=widget.check_button.description, exact=True))
        before = len(Progress(self.server.course_home).attempts(activity="cue-sort"))
        for cue, control in zip(widget.run.cues, sort.locator(".widget-toggle-buttons").all(), strict=True):
            self.tap(notebook, control.get_by_role("button", name=GROUPS[cue.group], exact=True))
        check = sort.get_by_role("button", name=widget.check_button.description, exact=True)
        self.tap(notebook, check)
        expect(check).to_be_disabled()
        recorded = Progress(self.server.course_home).attempts(activity="cue-sort")[before:]
        if sorted((a.item, a.correct) for a in recorded) != sorted((c.id, True) for c in widget.run.cues):
            self.note(notebook, [f"cue sort by touch recorded {[(a.item, a.correct) for a in recorded]}"])

    def choose_studies(self, notebook: str, _progress) -> None:
        """Tap each study in turn, then all side by side: the figure's caption follows each choice."""
        from course.widgets.attachment_patterns import ALL, attachment_patterns

        widget = attachment_patterns()
        page = self.learner.page
        explorer = page.locator(".sa-activity", has=page.locator(f"fieldset.sa-choice input[value='{ALL}']"))
        for value, label in [*((s.id, s.label) for s in widget.studies.values()), (ALL, None)]:
            choice = explorer.locator("fieldset.sa-choice label", has=page.locator(f"input[value='{value}']"))
            self.tap(notebook, choice)
            widget.study_control.value = value
            expect(explorer.locator("figcaption")).to_have_text(widget.caption())
            if label:
                expect(explorer.locator("[role=status]").first).to_contain_text(label)

    def run_repair_simulator(self, notebook: str, _progress) -> None:
        """Tap + on one slider and − on the other, then New interaction: the words follow each tap."""
        from course.widgets.repair_simulator import repair_simulator

        widget = repair_simulator()
        page = self.learner.page
        simulator = page.locator(".sa-activity", has=page.locator(".sa-slider"))
        summary = simulator.locator("[role=status]")
        for slider, word, step in ((widget.stress, "More", 1), (widget.responsiveness, "Less", -1)):
            self.tap(notebook, simulator.get_by_role("button", name=f"{word}: {slider.label}", exact=True))
            slider.value += step * slider.step
            expect(summary).to_contain_text(widget.result.summary)
        self.tap(notebook, simulator.get_by_role("button", name=widget.new_interaction_button.description))
        widget.new_interaction()
        expect(summary).to_contain_text(widget.result.summary)

    def write_self_care_plan(self, notebook: str, progress) -> None:
        """Tap an idea, write one's own, tap Save: the plan kept is the plan on screen."""
        from course import keys
        from course.models.self_care import SelfCarePlan
        from course.widgets.self_care_plan import self_care_plan

        widget = self_care_plan(progress=progress)
        area = widget.plan.areas[0]
        idea, box = next(iter(widget.strategy_boxes[area.id].items()))
        plan = self.learner.page.locator(".sa-self-care-plan")
        ticked = self.toggle(notebook, plan.get_by_role("checkbox", name=box.description, exact=True))
        words = f"Tapped on a phone: a nap when the baby naps ({secrets.token_hex(3)})."
        self.retype(notebook, plan.get_by_role("textbox", name=widget.own_text[area.id].description), words)
        self.tap(notebook, plan.get_by_role("button", name=widget.save_button.description, exact=True))
        deadline = time.monotonic() + 15
        while True:
            saved = SelfCarePlan.from_document(widget.plan.areas,
                                               Progress(self.server.course_home).document(keys.SELF_CARE_PLAN))
            if saved.own.get(area.id) == words or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        if saved.own.get(area.id) != words or (idea in saved.chosen[area.id]) != ticked:
            self.note(notebook, [f"self-care plan by touch kept {saved}"])

    def keep_cpd_record(self, notebook: str, progress) -> None:
        """Fill in the CPD record by taps and the phone's keyboard, tap Save and Export: all of it is kept, and
        the PDF is made."""
        from course import keys
        from course.models.cpd import ReflectiveAccount
        from course.widgets.cpd_record import cpd_record

        widget = cpd_record(progress=progress)
        form = self.learner.page.locator(".sa-cpd-record")
        words = {field: f"Tapped on a phone: {field} ({secrets.token_hex(3)})."
                 for field in ("name", "nature", "learned", "practice", "relevance")}
        for field, text in words.items():
            self.retype(notebook, form.get_by_label(getattr(widget, field).description, exact=True), text)
        theme, box = next(iter(widget.theme_boxes.items()))
        ticked = self.toggle(notebook, form.get_by_role("checkbox", name=box.description, exact=True))
        self.tap(notebook, form.get_by_role("button", name=widget.save_button.description, exact=True))
        status = form.locator("[role=status]")
        status.locator(".sa-right").wait_for()
        saved = ReflectiveAccount.from_document(Progress(self.server.course_home).document(keys.REFLECTIVE_ACCOUNT))
        if {k: getattr(saved, k) for k in words} != words or (theme in saved.themes) != ticked:
            self.note(notebook, [f"CPD record by touch kept {saved}"])
        self.tap(notebook, form.get_by_role("button", name=widget.export_button.description, exact=True))
        status.get_by_role("link").wait_for()
        if not Path(status.locator("code").inner_text().strip()).read_bytes().startswith(b"%PDF"):
            self.note(notebook, ["the CPD record's PDF was not made by touch"])

    def note(self, notebook: str, found: list[str]) -> None:
        if found:
            self.problems.setdefault(notebook, []).extend(found)

    def nav_link(self, module):
        return self.learner.page.get_by_role("navigation", name="Modules").get_by_role(
            "link", name=f"Module {module.id}: {module.title}", exact=True)


@pytest.mark.parametrize("device", DEVICES.values(), ids=DEVICES.keys())
def test_reading_through_every_page_by_its_links_and_back(browser, learner_server, device, tmp_path):
    """Following Next from the course map to the last module, then the glossary link, then Back and Previous to
    the course map again, in one tab: does every page open, the kernel of each page left end as it is left (so
    the bound on kernels is never met), and every page pass the text-size, keyboard-scroll and axe checks? On the
    phone, tapping the links, is every activity (questions, reflections, the cue sort, the study choice, the
    repair simulator's sliders, the self-care plan and the CPD record) completed by touch-sized taps?"""
    phone = device.get("has_touch", False)
    log_from = len(learner_server.log.read_text())
    with learner_tab(browser, learner_server, MODULES[0].notebook, device) as learner:
        reader = Reader(learner, learner_server, phone)
        reader.check(MODULES[0].notebook)
        if phone:
            reader.complete_by_touch(MODULES[0].notebook, tmp_path)
        for following in MODULES[1:]:
            reader.follow(reader.nav_link(following), following.notebook)
            reader.check(following.notebook)
            if phone:
                reader.complete_by_touch(following.notebook, tmp_path)
        reader.follow(learner.page.locator(f"main a[href='{GLOSSARY}']").first, GLOSSARY)
        reader.check(GLOSSARY)
        reader.back(MODULES[-1].notebook)
        for earlier in reversed(MODULES[:-1]):
            reader.follow(reader.nav_link(earlier), earlier.notebook)
        still_running = [k for k in reader.kernels[:-1] if learner_server.kernel_running(k)]
    print(f"\n{device['viewport']['width']} px: ready in median {statistics.median(reader.ready):.2f} s, "
          f"max {max(reader.ready):.2f} s over {len(reader.ready)} pages; a left page's kernel gone within "
          f"{max(reader.gone_after):.2f} s" + (f"; {reader.touch_seconds:.1f} s on the activities of TOUCH_STEPS"
                                               if phone else ""))
    assert reader.problems == {}, "\n".join(f"{page}: {found}" for page, items in reader.problems.items()
                                            for found in items)
    assert still_running == [], "kernels of pages left are still running"
    # Gone sooner than the server's own fallback for a page that vanished: the page's leave request was accepted.
    # Each kernel was ended by the page's own request as it was left, not by the server's fallback for a page
    # that vanished, and no request was refused.
    log = learner_server.log.read_text()[log_from:]
    assert LEFT_WITHOUT_A_WORD not in log, f"seconds to each kernel's end: {reader.gone_after}"
    assert not REFUSED.search(log), "the server refused a request (see its log)"
