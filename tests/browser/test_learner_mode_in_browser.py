"""Learner mode (Voilà) as a learner meets it: every module as a web page with no code on it, nothing fetched
from anywhere else, module 02 completed with the keyboard alone, the way between modules, and a closed tab's
kernel gone. One Voilà server (the ``learner_server`` fixture) serves every test here."""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from accessibility import describe, serious_violations
from learner_pages import (
    Keyboard,
    activity_on,
    answer_every_item_by_keyboard,
    answered_rightly,
    code_cells,
    learner_tab,
    page_calls,
    write_by_keyboard,
)
from playwright.sync_api import expect

from course.content import load_content
from course.content.citations import COURSE_PAGES
from course.progress import Progress
from course.widgets.claim_check import claim_check
from course.widgets.knowledge_check import knowledge_check
from course.widgets.myth_or_fact import myth_or_fact
from course.widgets.partner_scenarios import partner_scenarios
from course.widgets.reflection import reflection
from course.widgets.risk_vignettes import risk_vignettes
from course.widgets.stress_scenarios import stress_scenarios
from course.widgets.understanding_check import understanding_check

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
CONTENT = load_content()
MODULES = CONTENT["modules"]
READING_CUES = next(m for m in MODULES if m.id == "02")


def course_page(notebook: str) -> SimpleNamespace:
    """A course page that is not a module (the glossary), titled by its first heading."""
    cells = nbformat.read(REPO / "notebooks" / notebook, as_version=4).cells
    title = next(line[2:].strip() for c in cells if c.cell_type == "markdown" for line in c.source.splitlines()
                 if line.startswith("# "))
    return SimpleNamespace(id=notebook.removesuffix(".ipynb"), notebook=notebook, title=title)


PAGES = [*MODULES, *(course_page(notebook) for notebook in COURSE_PAGES)]


@pytest.fixture(scope="module", params=PAGES, ids=[f"{m.id}-{m.notebook.removesuffix('.ipynb')}".removeprefix(
    "glossary-") for m in PAGES])
def module_page(request, browser, learner_server, screenshots):
    """The module's page once ready, in its own tab, with a screenshot of all of it taken."""
    module = request.param
    with learner_tab(browser, learner_server, module.notebook) as page:
        page.screenshot(screenshots / f"learner-module-{module.id}.png")
        page.module = module
        yield page


def test_the_page_shows_no_code(module_page):
    """Is no code cell, and no line of any code cell, anywhere on the page?"""
    assert module_page.page.locator("main :is(.jp-CodeCell .jp-InputArea, .cm-editor, pre.highlight)").count() == 0
    shown = module_page.text()
    lines = {line.strip() for source in code_cells(module_page.server.root / module_page.module.notebook)
             for line in source.splitlines() if line.strip()}
    assert lines and [line for line in lines if line in shown] == []


def test_every_widget_is_drawn_with_no_error(module_page):
    """Does every activity the module calls for appear, with no 'Loading widget', traceback or error output?"""
    assert module_page.problems() == []


def test_the_browser_reports_no_error(module_page):
    """Does the page load without an error in the browser's console (no extension that cannot load here)?"""
    assert module_page.console_errors == []


def test_every_control_can_be_reached_with_the_tab_key(module_page):
    """Is every button, field, choice and link on the page in the Tab order (none taken out of it)?"""
    unreachable = module_page.page.locator("main :is(button, input, textarea, select, a[href])").evaluate_all(
        """els => els.filter(e => e.offsetParent !== null && !e.disabled && e.tabIndex < 0)
                    .map(e => e.outerHTML.slice(0, 120))""")
    assert unreachable == []


def test_nothing_is_fetched_from_anywhere_else(module_page):
    """Does the page, its widgets and its kernel connection ask nothing of any host but the course's server?"""
    assert any("/api/kernels/" in url for url in module_page.requests), "the page never connected to its kernel"
    assert module_page.outside_requests() == []


def test_the_page_reads_like_a_web_page(module_page):
    """Is the page titled by its module, in one <main>, with headings in order and only the learner's cells?"""
    page, module = module_page.page, module_page.module
    h1 = page.locator("main h1")
    assert page.locator("main").count() == 1 and h1.count() == 1
    title = h1.inner_text().strip().rstrip("¶").strip()
    assert page.title() == title and module.title in title
    levels = [int(tag[1]) for tag in page.locator("main :is(h1, h2, h3, h4, h5, h6)").evaluate_all(
        "hs => hs.filter(h => h.offsetParent !== null).map(h => h.tagName)")]
    skips = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
    assert levels[0] == 1 and skips == [], f"heading levels {levels}"
    notebook = nbformat.read(module_page.server.root / module.notebook, as_version=4)
    shown = module_page.text()
    for cell in notebook.cells:
        first = next((line for line in cell.source.splitlines() if line.strip()), "")
        first = re.sub(r"[#*`]", "", first).strip()[:60]
        if "lab-only" in cell.metadata.get("tags", []):
            assert first not in shown, f"a cell for JupyterLab only is on the page: {first!r}"


def test_text_is_in_a_readable_column(module_page):
    """Are lines of text at most about 80 characters long? (Text sizes and axe are checked on every page at two
    widths by the read-through in test_learner_mode_read_through.py.)"""
    page = module_page.page
    # Measured on the page's longest paragraph: a short one (a line of bold words) says little about prose.
    characters = page.locator("main .jp-RenderedMarkdown p").evaluate_all("""ps => {
      const p = ps.reduce((a, b) => b.textContent.length > a.textContent.length ? b : a);
      const canvas = document.createElement('canvas').getContext('2d');
      canvas.font = getComputedStyle(p).font;
      const average = canvas.measureText(p.textContent).width / p.textContent.length;
      return p.getBoundingClientRect().width / average;
    }""")
    assert 55 <= characters <= 85, f"lines of about {characters:.0f} characters"


# --- every other activity by keyboard alone ---------------------------------------------------------------
# Each page is worked through from the top with Tab, Shift+Tab, the arrow keys, Space, Enter and typing; what to
# answer comes from the content, through the same activity built in Python over an empty progress store.


# What a page shows with nothing to complete (text and links, reached by the Tab-order test), and what module 02 and
# 03 have keyboard tests of their own for, below.
# learning_record_store has no control without an employer's settings file, which the learner server never has.
NOTHING_TO_COMPLETE = {"reference_list", "course_map", "learner_support", "learning_record_store"}
TESTED_BELOW = {"cue_scenarios", "cue_sort", "self_care_plan"}


def complete(keyboard, page, server, widget) -> None:
    answer_every_item_by_keyboard(keyboard, activity_on(page, widget.title), widget)
    answered_rightly(server.course_home, widget)


def reflect(keyboard, page, server, progress, prompt_id: str, prompt: str) -> None:
    """Write a reflection and save it; it is in the progress store word for word."""
    words = f"Typed by keyboard for {prompt_id}: I will wait for the baby's cue; then respond."
    box = page.locator(".sa-reflection").filter(has_text=prompt)
    write_by_keyboard(keyboard, box, words, reflection(prompt_id, prompt, progress=progress).save_button.description)
    box.locator("[role=status]").filter(has_text="✓").wait_for()
    assert Progress(server.course_home).reflection(prompt_id).text == words


def explore_patterns(keyboard, page, _server, _progress) -> None:
    """Choose another study in the attachment-patterns explorer with the arrow keys."""
    from course.widgets.attachment_patterns import attachment_patterns

    widget = attachment_patterns()
    studies = list(widget.studies.values())
    explorer = page.locator(".sa-activity", has=page.locator("fieldset.sa-choice input[value=all]"))
    figure = explorer.locator("img").first
    before = figure.get_attribute("src")
    assert keyboard.tab_into(explorer)["type"] == "radio"
    keyboard.press("ArrowUp")  # from all studies side by side (the last choice) to the last study alone
    explorer.locator("[role=status]").filter(has_text=studies[-1].label).wait_for()
    expect(figure).not_to_have_attribute("src", before)
    widget.study_control.value = studies[-1].id
    assert widget.caption() in explorer.inner_text()


def check_signposting(keyboard, page, _server, _progress, topic=None) -> None:
    """The contacts are all there to read, and any link among them can be reached with Tab."""
    shown = page.locator(".sa-signposting")
    contacts = [c for c in CONTENT["signposting"] if topic is None or topic in c.get("topics", ())]
    assert contacts and all(c.name in shown.inner_text() for c in contacts)
    for link in range(shown.locator("a[href]").count()):
        keyboard.tab_until("a => document.activeElement === a", shown.locator("a[href]").nth(link).element_handle())


def run_repair_simulator(keyboard, page, _server, _progress) -> None:
    """Move a slider with the arrow keys, then ask for a new interaction with Enter: the words follow."""
    from course.models.repair import simulate
    from course.widgets.repair_simulator import repair_simulator

    widget = repair_simulator()
    simulator = page.locator(".sa-activity", has=page.locator(".sa-slider"))
    summary = simulator.locator("[role=status]")
    keyboard.tab_to(widget.stress.label)
    keyboard.press("ArrowRight")
    stress = widget.stress.value + widget.stress.step
    expected = simulate(widget.responsiveness.value, stress, widget.seed).summary
    summary.filter(has_text=expected).wait_for()
    keyboard.tab_to(widget.new_interaction_button.description)
    keyboard.press("Enter")
    expected = simulate(widget.responsiveness.value, stress, widget.seed + 1).summary
    summary.filter(has_text=expected).wait_for()


def keep_cpd_record(keyboard, page, server, progress) -> None:
    """Fill in the CPD record's account, save it and export the PDF, all by keyboard; the PDF is where it says."""
    from course import keys
    from course.models.cpd import ReflectiveAccount
    from course.widgets.cpd_record import cpd_record

    widget = cpd_record(progress=progress)
    form = page.locator(".sa-cpd-record")
    words = {"name": "Sam Keyboard", "nature": "A self-paced course, read as web pages.",
             "learned": "Babies pause and look away to rest.", "practice": "I wait for the baby to look back.",
             "relevance": "It links to prioritising people."}
    assert keyboard.tab_into(form)["name"] == widget.name.description
    keyboard.type(words["name"])
    for field in ("nature", "learned", "practice"):
        keyboard.tab_to(getattr(widget, field).description)
        keyboard.type(words[field])
    first_theme = next(iter(widget.theme_boxes))
    keyboard.tab_to(widget.theme_boxes[first_theme].description)
    keyboard.press("Space")
    keyboard.tab_to(widget.relevance.description)
    keyboard.type(words["relevance"])
    keyboard.tab_to(widget.save_button.description)
    keyboard.press("Enter")
    status = form.locator("[role=status]")
    status.locator(".sa-right").wait_for()
    saved = ReflectiveAccount.from_document(Progress(server.course_home).document(keys.REFLECTIVE_ACCOUNT))
    assert {k: getattr(saved, k) for k in words} == words and saved.themes == (first_theme,)
    keyboard.tab_to(widget.export_button.description)
    keyboard.press("Enter")
    link = status.get_by_role("link")
    link.wait_for()
    where = Path(status.locator("code").inner_text().strip())
    assert where.is_relative_to(server.course_home) and where.read_bytes().startswith(b"%PDF"), where
    keyboard.tab_until("a => document.activeElement === a", link.element_handle(), "the download link")


def open_standards(keyboard, page, _server, _progress, module_id: str) -> None:
    """Open the module's list of professional standards with Enter: it shows each standard the data maps."""
    from course.models.standards import standards_served

    box = page.locator("details.sa-standards")
    keyboard.tab_until("s => document.activeElement === s", box.locator("summary").element_handle(),
                       "the standards box")
    keyboard.press("Enter")
    assert box.evaluate("d => d.open"), "Enter opens the box"
    for standard in standards_served(module_id):
        box.get_by_text(standard.label).first.wait_for()


def refresh_learning_record(keyboard, page, server, progress) -> None:
    """Refresh the learning record with Enter: it now shows the knowledge check just done on this page."""
    from course.models.cpd import knowledge_check_scores
    from course.widgets.learning_record import learning_record

    widget = learning_record(progress=progress)
    record = page.locator(".sa-learning-record")
    keyboard.tab_to(widget.refresh_button.description)
    keyboard.press("Enter")
    right, tried = knowledge_check_scores(Progress(server.course_home))["after"]
    record.get_by_text(f"after the course, {right} of {tried} right first time").wait_for()


def search_glossary(keyboard, page, _server, _progress) -> None:
    """Type a term in the glossary's search box, then clear it and choose a topic with the arrow keys."""
    from course.widgets.glossary import TOPICS, find_terms, glossary

    widget = glossary()
    entries = CONTENT["glossary"]
    shown = page.locator(".sa-glossary")

    def terms() -> list[str]:
        return [t.inner_text().split("(also:")[0].strip() for t in shown.locator("dt").all()]

    wanted = next(e for e in entries if len(e.term) >= 5)
    assert keyboard.tab_into(shown)["name"] == widget.search.description
    keyboard.type(wanted.term)
    expected = [e.term for e in find_terms(entries, wanted.term)]
    shown.locator("[role=status]").filter(has_text=f"Showing {len(expected)} of {len(entries)}").wait_for()
    assert terms() == expected
    keyboard.press("Control+A", "Backspace")
    shown.locator("[role=status]").filter(has_text=f"Showing {len(entries)} of {len(entries)}").wait_for()
    keyboard.tab_to(widget.topic.description)
    keyboard.press("ArrowDown")
    topic = list(TOPICS)[1]
    expected = [e.term for e in find_terms(entries, "", topic)]
    shown.locator("[role=status]").filter(has_text=f"Showing {len(expected)} of {len(entries)}").wait_for()
    assert terms() == expected


def activity(factory):
    """The step that completes the activity ``factory(*args, **kwargs)`` builds, for a page's arguments."""
    def with_arguments(*args, **kwargs):
        def step(keyboard, page, server, progress):
            complete(keyboard, page, server, factory(*args, **kwargs, progress=progress))
        return step
    return with_arguments


def step_for(step):
    """A step that takes no arguments from the page (the page calls it with none), or passes them on."""
    return lambda *args, **kwargs: lambda *used: step(*used, *args, **kwargs)



# How the keyboard test completes what each course call shows, given the page's own arguments.
KEYBOARD_STEPS = {
    "knowledge_check": activity(knowledge_check), "understanding_check": activity(understanding_check),
    "stress_scenarios": activity(stress_scenarios), "risk_vignettes": activity(risk_vignettes),
    "claim_check": activity(claim_check), "partner_scenarios": activity(partner_scenarios),
    "myth_or_fact": activity(myth_or_fact), "attachment_patterns": step_for(explore_patterns),
    "signposting": step_for(check_signposting), "repair_simulator": step_for(run_repair_simulator),
    "learning_record": step_for(refresh_learning_record), "cpd_record": step_for(keep_cpd_record),
    "glossary": step_for(search_glossary), "reflection": step_for(reflect),
    "standards_mapping": step_for(open_standards),
}


def test_every_activity_a_page_calls_for_has_a_keyboard_test():
    """Does the keyboard test below know how to complete everything each page calls for (so none is missed)?"""
    unknown = {page.notebook: sorted(name for name, _, _ in page_calls(page.notebook)
                                     if name not in {*KEYBOARD_STEPS, *NOTHING_TO_COMPLETE, *TESTED_BELOW})
               for page in PAGES}
    assert {notebook: names for notebook, names in unknown.items() if names} == {}


def test_every_activity_on_the_page_can_be_completed_by_keyboard(module_page, learner_server, tmp_path):
    """Can a learner, starting at the top of the page, complete each of its activities and reflections with the
    keyboard alone, see what they got right in words, and find every answer in their progress store?"""
    if module_page.module is READING_CUES:
        pytest.skip("module 02's activities and reflection have keyboard tests of their own, below")
    keyboard = Keyboard(module_page.page).from_top()
    done = []
    for number, (name, args, kwargs) in enumerate(page_calls(module_page.module.notebook)):
        if name in KEYBOARD_STEPS:
            step = KEYBOARD_STEPS[name](*args, **kwargs)
            step(keyboard, module_page.page, learner_server, Progress(tmp_path / f"{number}-{name}"))
            done.append(name)
    assert done, "the page has nothing to complete"
    assert module_page.problems() == []
    assert sorted(keyboard.unseen) == [], "Tab reached these with no visible focus"


# --- module 02 by keyboard alone, then on to the next module --------------------------------------------


@pytest.fixture(scope="module")
def reading_cues(browser, learner_server):
    with learner_tab(browser, learner_server, READING_CUES.notebook) as page:
        yield page


def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
      return {tag: e.tagName, type: e.type || '', text: (e.innerText || e.value || '').trim()}; }""")


def shown_scenario(activity):
    title = activity.locator("h4").first.inner_text().strip()
    return next(s for s in CONTENT["scenarios"] if s.module == READING_CUES.id and s.title == title)


def test_every_reading_cues_scenario_can_be_completed_by_keyboard(reading_cues, learner_server, screenshots):
    """Can a learner answer every scenario of module 02 with Tab, the arrow keys, Space and Enter alone?"""
    page = reading_cues.page
    activity = page.locator(".sa-activity").filter(has=page.get_by_role("button", name=re.compile("^Next scenario")))
    Keyboard(page).from_top().tab_into(activity)
    done = []
    expected = [s for s in CONTENT["scenarios"] if s.module == READING_CUES.id]
    for number in range(len(expected)):
        scenario = shown_scenario(activity)
        page.wait_for_function("() => document.activeElement.type === 'radio'")
        for index, question in enumerate(scenario.questions):
            group = activity.locator(".sa-choice").nth(index)
            options = [o.id for o in question.options]
            position = options.index(question.correct)
            # This scenario's question drawn (its prompt and options) and the focus in it, before the first key:
            # a group redrawn after the learner chose would show nothing chosen.
            expect(group.locator("legend")).to_have_text(question.prompt)
            for at, option in enumerate(options):
                expect(group.get_by_role("radio").nth(at)).to_have_attribute("value", option)
            expect(group.locator("input:focus")).to_have_count(1)
            page.keyboard.press("Space" if position == 0 else "ArrowDown")
            for _ in range(position - 1):
                page.keyboard.press("ArrowDown")
            expect(group.get_by_role("radio").nth(position)).to_be_checked()
            page.keyboard.press("Tab")
        assert focused(page)["text"] == "Check answer"
        outline = page.evaluate("() => { const s = getComputedStyle(document.activeElement);"
                                " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
        assert outline[0] != "none" and outline[1] >= 2, f"no visible focus on the Check button: {outline}"
        page.keyboard.press("Enter")
        activity.locator(".sa-right").first.wait_for()
        done.append(scenario.id)
        if number == 0:  # the picture in the README
            activity.locator("h3").first.evaluate("h => h.scrollIntoView()")
            page.screenshot(path=screenshots / "learner-mode-02.png")
        if number < len(expected) - 1:
            expect(activity.get_by_role("button", name="Next scenario")).to_be_enabled()
            page.keyboard.press("Tab")  # from the Check button, now disabled, to the next one that is not
            assert focused(page)["text"] == "Next scenario"
            page.keyboard.press("Enter")
            page.wait_for_function("old => document.querySelector('.sa-activity h4').innerText.trim() !== old",
                                   arg=scenario.title)
    assert sorted(done) == sorted(s.id for s in expected)
    recorded = {(a.item, a.answer) for a in Progress(learner_server.course_home).attempts(activity="cue-scenarios")
                if a.correct}
    assert recorded == {(f"{s.id}/{q.id}", q.correct) for s in expected for q in s.questions}


def test_the_cue_sort_can_be_completed_by_keyboard(reading_cues, learner_server):
    """Can a learner sort every cue with Tab and Space, and check it with Enter, all of it saved?"""
    page = reading_cues.page
    sort = page.locator(".sa-activity").filter(has=page.get_by_role("button", name="Check my sorting"))
    cues = CONTENT["cue_sort"]
    groups = ["engagement", "disengagement"]
    buttons = sort.locator(".widget-toggle-button")
    Keyboard(page).tab_into(sort)
    assert page.evaluate("b => document.activeElement === b", buttons.first.element_handle())
    at = 0
    for number, cue in enumerate(cues):
        target = 2 * number + groups.index(cue.group)
        for _ in range(target - at):
            page.keyboard.press("Tab")
        page.keyboard.press("Space")
        at = target
    for _ in range(2 * len(cues)):
        if focused(page)["text"] == "Check my sorting":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    sort.get_by_text("Every cue is sorted").wait_for()
    recorded = Progress(learner_server.course_home).attempts(activity="cue-sort")
    assert sorted((a.item, a.correct) for a in recorded) == sorted((c.id, True) for c in cues)


def test_a_reflection_can_be_saved_by_keyboard(reading_cues, learner_server):
    """Can a learner type a reflection and save it with Tab and Enter, and find it in their progress?"""
    page = reading_cues.page
    assert Keyboard(page).tab_into(page.locator(".sa-reflection"))["tag"] == "TEXTAREA"
    words = "She looked away and yawned; I will pause sooner next time."
    page.keyboard.type(words, delay=5)
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Save reflection"
    page.keyboard.press("Enter")
    page.locator(".sa-reflection [role='status']").filter(has_text="Saved in your learning record").wait_for()
    assert Progress(learner_server.course_home).reflection("02-cues").text == words


def test_next_module_and_all_modules_links_lead_on_with_progress_current(reading_cues, learner_server):
    """Does 'Next' open module 03's page, and 'All modules' the course map showing module 02's progress now?"""
    page = reading_cues.page
    following = MODULES[MODULES.index(READING_CUES) + 1]
    link = page.get_by_role("navigation", name="Modules").get_by_role("link", name=f"Module {following.id}: "
                                                                      f"{following.title}")
    Keyboard(page).tab_until("a => document.activeElement === a", link.element_handle(), "the next-module link")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(following.notebook)))
    reading_cues.wait_until_ready()
    assert following.title in page.title() and reading_cues.problems() == []

    page.get_by_role("navigation", name="Modules").get_by_role("link", name=re.compile("^All modules")).click()
    page.wait_for_url(re.compile(re.escape(MODULES[0].notebook)))
    reading_cues.wait_until_ready()
    progress = Progress(learner_server.course_home)
    answers = sum(a.module == READING_CUES.id for a in progress.attempts())
    kept = sum(r.module == READING_CUES.id for r in progress.reflections())
    assert answers and kept
    row = page.locator("table.sa-course-map tr", has=page.get_by_role("link", name=READING_CUES.title, exact=True))
    assert f"{answers} answer(s) checked, {kept} reflection(s) saved" in row.inner_text()
    assert reading_cues.outside_requests() == []


# --- module 06's slider, and kernels ---------------------------------------------------------------------


def test_the_repair_simulator_redraws_when_its_slider_moves(browser, learner_server):
    """Does moving a slider with the arrow keys redraw the figure and its summary in words?"""
    module = next(m for m in MODULES if m.id == "06")
    with learner_tab(browser, learner_server, module.notebook) as learner:
        page = learner.page
        simulator = page.locator(".jupyter-widgets.widget-vbox", has=page.locator(".sa-slider")).last
        figure = simulator.locator("img").first
        before = (figure.get_attribute("src"), simulator.inner_text())
        slider = simulator.locator(".sa-slider input[type=range]").first
        Keyboard(page).from_top().tab_into(simulator)
        assert page.evaluate("s => document.activeElement === s", slider.element_handle())
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        expect(figure).not_to_have_attribute("src", before[0], timeout=30_000)
        assert simulator.inner_text() != before[1], "the summary in words did not change with the figure"


def test_a_page_given_a_kernel_warmed_before_the_learner_saved_shows_what_they_saved(browser, learner_server):
    """A page's kernel may have been started and warmed up before the learner saved anything on the page before:
    does the page it is given to still show the learner's progress as it is now (read after the page's request)?
    A reflection saved on module 02, with a kernel already warm and waiting, is in the box when the page is loaded
    again on that very kernel."""
    words = f"Saved after the spare was warm: {secrets.token_hex(4)}."
    warmed = re.compile(r"Kernel ([0-9a-f-]{36}): a spare, warmed up")
    with learner_tab(browser, learner_server, READING_CUES.notebook) as learner:
        page, mine = learner.page, learner.kernel_id()
        log_from = len(learner_server.log.read_text())  # the spare warmed for the page after this one
        deadline = time.monotonic() + 60
        while not (spares := warmed.findall(learner_server.log.read_text()[log_from:])):
            assert time.monotonic() < deadline, "no spare kernel was warmed up after the page opened"
            time.sleep(0.25)
        assert mine not in spares
        box = page.locator(".sa-reflection")
        box.locator("textarea").fill(words)
        box.get_by_role("button", name=re.compile("^Save")).click()
        deadline = time.monotonic() + 15
        prompt_id = next(args[0] for name, args, _ in page_calls(READING_CUES.notebook) if name == "reflection")
        while getattr(Progress(learner_server.course_home).reflection(prompt_id), "text", None) != words:
            assert time.monotonic() < deadline, "the reflection was not saved"
            time.sleep(0.2)
        page.reload()
        learner.wait_until_ready()
        assert learner.kernel_id() == spares[-1], "the page was not given the kernel warmed before the save"
        expect(page.locator(".sa-reflection textarea")).to_have_value(words)


def test_a_closed_tab_loses_its_kernel_and_an_open_one_keeps_working(browser, learner_server):
    """Is the kernel of a tab closed without a word (as a phone or a killed browser does: no leave request) shut
    down a few seconds later, with the real limits, while a page left open still answers afterwards?"""
    limits = learner_server.limits
    with learner_tab(browser, learner_server, learner_server.probe) as kept_open:
        with learner_tab(browser, learner_server, learner_server.probe) as closed:
            gone = closed.kernel_id()
            assert learner_server.kernel_running(gone)
        # Playwright closes the tab without running its unload handlers, so the page sends no leave request.
        deadline = time.monotonic() + limits.leave_seconds + 20
        while learner_server.kernel_running(gone) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not learner_server.kernel_running(gone), "the closed tab's kernel is still running"
        assert learner_server.kernel_running(kept_open.kernel_id()), "the open tab's kernel was shut down"
        kept_open.page.get_by_role("button", name="Press me").click()
        kept_open.page.get_by_role("button", name="Pressed").wait_for()


def test_a_page_whose_kernel_has_gone_says_plainly_it_must_be_reloaded(browser, learner_server, screenshots):
    """When an open page's kernel is shut down, does the page say so in a visible alert, with a way to reload that
    works from the keyboard, after which the page works again?"""
    with learner_tab(browser, learner_server, learner_server.probe) as learner:
        page, alert = learner.page, learner.kernel_lost_alert()
        assert alert.inner_text().strip() == ""
        learner_server.shut_down_kernel(gone := learner.kernel_id())
        expect(alert).to_contain_text(re.compile(r"\breload", re.IGNORECASE), timeout=15_000)
        expect(alert).to_be_visible()
        box = alert.bounding_box()
        assert box and box["y"] < page.viewport_size["height"] and box["height"] > 20, "the alert is out of sight"
        page.screenshot(path=screenshots / "learner-mode-kernel-gone.png")
        violations = serious_violations(page, "#sa-kernel-lost")
        assert violations == [], describe(violations)
        keyboard = Keyboard(page).from_top()
        keyboard.tab_until("() => document.activeElement.closest('#sa-kernel-lost') !== null",
                           what="the alert's button")
        with page.expect_navigation():
            keyboard.press("Enter")
        learner.wait_until_ready()
        assert learner.kernel_id() != gone and alert.inner_text().strip() == ""
        page.get_by_role("button", name="Press me").press("Enter")
        page.get_by_role("button", name="Pressed").wait_for()


def test_a_self_care_plan_can_be_written_and_saved_by_keyboard(browser, learner_server, tmp_path):
    """Can a learner tick an idea with Space, type their own, and save the plan with Tab and Enter, every word kept?"""
    from course import keys
    from course.models.self_care import SelfCarePlan
    from course.widgets.self_care_plan import self_care_plan

    widget = self_care_plan(progress=Progress(tmp_path))
    area = widget.plan.areas[0]
    first_idea = next(iter(widget.strategy_boxes[area.id]))
    words = "Ask my sister to come round on Tuesdays so I can sleep."
    module = next(m for m in MODULES if m.id == "03")
    with learner_tab(browser, learner_server, module.notebook) as learner:
        page = learner.page
        plan = page.locator(".sa-self-care-plan")
        Keyboard(page).from_top().tab_into(plan)
        assert focused(page)["type"] == "checkbox"
        page.keyboard.press("Space")
        for _ in widget.strategy_boxes[area.id]:
            page.keyboard.press("Tab")
        assert focused(page)["tag"] == "TEXTAREA"
        page.keyboard.type(words, delay=5)
        for _ in range(60):
            if focused(page)["text"] == "Save my plan":
                break
            page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        plan.get_by_text("Saved in your learning record").wait_for()
    saved = SelfCarePlan.from_document(widget.plan.areas,
                                       Progress(learner_server.course_home).document(keys.SELF_CARE_PLAN))
    assert saved.chosen[area.id] == [first_idea] and saved.own[area.id] == words
