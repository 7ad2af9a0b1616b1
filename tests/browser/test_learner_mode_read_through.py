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
    keys_that_do_not_scroll,
    learner_tab,
    sideways_scrolling,
    text_below_smallest,
    wide_regions_unreachable,
)

from course.content import load_content

pytestmark = pytest.mark.browser

MODULES = load_content()["modules"]
GLOSSARY = "glossary.ipynb"
DEVICES = {"1280px": DESKTOP, "375px-phone": PHONE}
LEFT_WITHOUT_A_WORD = "its page left"  # what the server logs when it ends a kernel whose page went away
REFUSED = re.compile(r"course pages? open|_xsrf", re.IGNORECASE)


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

    def note(self, notebook: str, found: list[str]) -> None:
        if found:
            self.problems.setdefault(notebook, []).extend(found)

    def nav_link(self, module):
        return self.learner.page.get_by_role("navigation", name="Modules").get_by_role(
            "link", name=f"Module {module.id}: {module.title}", exact=True)


@pytest.mark.parametrize("device", DEVICES.values(), ids=DEVICES.keys())
def test_reading_through_every_page_by_its_links_and_back(browser, learner_server, device):
    """Following Next from the course map to the last module, then the glossary link, then Back and Previous to
    the course map again, in one tab: does every page open, the kernel of each page left end as it is left (so
    the bound on kernels is never met), and every page pass the text-size, keyboard-scroll and axe checks?"""
    phone = device.get("has_touch", False)
    log_from = len(learner_server.log.read_text())
    with learner_tab(browser, learner_server, MODULES[0].notebook, device) as learner:
        reader = Reader(learner, learner_server, phone)
        reader.check(MODULES[0].notebook)
        for following in MODULES[1:]:
            reader.follow(reader.nav_link(following), following.notebook)
            reader.check(following.notebook)
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
