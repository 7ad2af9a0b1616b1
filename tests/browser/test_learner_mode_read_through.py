"""A learner reading straight through the course in one tab by its own links, on a laptop and on a phone, with
the real kernel limits: every page opens (none refused for too many open pages), each left page's kernel ends as
it is left, and every page has all its text at 16 px or more, scrolls by keyboard from the first key, has no
serious accessibility problem and, on a phone, nothing wider than the screen. The checks ride on one
read-through per width, so the suite loads each page once per width."""

from __future__ import annotations

import re
import statistics
import time

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
    phone, tapping the links, are the question-and-answer activities and reflections completed by touch?"""
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
          f"{max(reader.gone_after):.2f} s")
    assert reader.problems == {}, "\n".join(f"{page}: {found}" for page, items in reader.problems.items()
                                            for found in items)
    assert still_running == [], "kernels of pages left are still running"
    # Gone sooner than the server's own fallback for a page that vanished: the page's leave request was accepted.
    # Each kernel was ended by the page's own request as it was left, not by the server's fallback for a page
    # that vanished, and no request was refused.
    log = learner_server.log.read_text()[log_from:]
    assert LEFT_WITHOUT_A_WORD not in log, f"seconds to each kernel's end: {reader.gone_after}"
    assert not REFUSED.search(log), "the server refused a request (see its log)"
