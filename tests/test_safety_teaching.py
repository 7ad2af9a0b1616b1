"""Crying (ICON), never shaking, safe sleep and sling safety are taught where they belong, said in the scenarios
that set them up, and checked by an activity with a reason on every option (issue 8, item 2)."""

from __future__ import annotations

import ast
import re
from html import unescape
from pathlib import Path

import nbformat
import pytest

from course import understanding_check
from course.content import load_content

REPO = Path(__file__).resolve().parent.parent
CITATION = re.compile(r"\(([^()]*?\b20\d\d)\)")

# What each module must teach, as (point, pattern) pairs. The patterns are the advice itself (ICON's four
# messages, the Lullaby Trust's basics and danger list, T.I.C.K.S.), which a wording edit must keep.
TAUGHT = {
    "03": [
        ("ICON: infant crying is normal", r"infant crying is normal"),
        ("ICON: comforting methods can help", r"comforting methods can help"),
        ("ICON: it's OK to walk away", r"ok to walk away"),
        ("ICON: never, ever shake a baby", r"never,? ever shake a baby"),
        ("crying peaks at about 6 to 8 weeks", r"6 to 8 weeks"),
        ("back to sleep", r"on their back"),
        ("a clear, flat, separate sleep space", r"clear, flat, firm, separate sleep space"),
        ("room-sharing for at least six months", r"same room as you for at least the first six months"),
        ("never asleep on a sofa or armchair", r"sofa or in an armchair"),
        ("bed-sharing after alcohol", r"alcohol"),
        ("bed-sharing after drugs or drowsy medicines", r"drowsy"),
        ("bed-sharing with a smoker", r"smoke"),
        ("bed-sharing with a baby born early or small", r"37 weeks.*2\.5 kg"),
        ("a safer bed: pets and other children out", r"pets and other children out"),
        ("a safer bed: no gap by the wall", r"trapped between the mattress and the wall"),
    ],
    "05": [
        ("T.I.C.K.S.", r"t\.i\.c\.k\.s\."),
        ("Tight", r"\*\*t\*\*ight"),
        ("In view at all times", r"\*\*i\*\*n view at all times"),
        ("Close enough to kiss", r"\*\*c\*\*lose enough to kiss"),
        ("Keep chin off the chest", r"\*\*k\*\*eep chin off the chest"),
        ("Supported back", r"\*\*s\*\*upported back"),
    ],
}
# The scenario records that set these moments up, and what their feedback must say.
SCENARIO_POINTS = {
    ("scenarios", "stressed-evening"): [r"never,? ever shake", r"walk away", r"6 to 8 weeks"],
    ("stress_scenarios", "crying-at-teatime"): [r"never,? ever shake", r"ok to walk away", r"6 to 8 weeks"],
    ("vignettes", "drinking-to-cope"): [r"share a bed|in bed", r"sofa", r"alcohol|drinking"],
}


def notebook(module: str):
    record = load_content().record("modules", module)
    return nbformat.read(REPO / "notebooks" / record.notebook, as_version=4)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'")).lower()


def code_calls(nb) -> list[str]:
    """Every call a code cell makes, as source text, e.g. 'understanding_check("03")'."""
    return [ast.unparse(node) for cell in nb.cells if cell.cell_type == "code"
            for node in ast.walk(ast.parse(cell.source)) if isinstance(node, ast.Call)]


@pytest.mark.parametrize("module,point,pattern", [(m, p, r) for m, points in TAUGHT.items() for p, r in points],
                         ids=[f"{m}-{p}" for m, points in TAUGHT.items() for p, _ in points])
def test_module_teaches_the_point_in_a_cited_section(module, point, pattern):
    """Does the module's text teach this safety point, in a section that cites a checked web page for it?"""
    references = load_content().references
    by_cite = {r.cite: r for r in references.values()}
    cells = [c for c in notebook(module).cells if c.cell_type == "markdown" and re.search(pattern, flat(c.source))]
    assert cells, f"module {module} does not teach {point!r}"
    cites = [part.strip() for c in cells for group in CITATION.findall(c.source) for part in group.split(";")]
    assert any(by_cite.get(cite, {}).get("url") for cite in cites), f"{point!r} is taught without a cited web page"


def test_the_modules_run_the_safety_activities():
    """Do the notebooks run the safety check in modules 03 and 05, and show the crying contacts in 03?"""
    assert {"understanding_check('03')", "signposting(topic='crying')"} <= set(code_calls(notebook("03")))
    assert "understanding_check('05')" in code_calls(notebook("05"))


@pytest.mark.parametrize("collection,record_id", SCENARIO_POINTS, ids=[r for _, r in SCENARIO_POINTS])
def test_scenario_that_sets_up_the_moment_says_it_in_its_feedback(collection, record_id):
    """Does the scenario's feedback say the safety message it sets up, and cite where that message comes from?"""
    record = load_content().record(collection, record_id)
    questions = [record.factors, record.next_step] if collection == "vignettes" else record.questions
    feedback = flat(" ".join(o.feedback for q in questions for o in q.options))
    missing = [p for p in SCENARIO_POINTS[(collection, record_id)] if not re.search(p, feedback)]
    assert missing == [], f"{record_id}'s feedback does not say {missing}"
    references = load_content().references
    assert any("nhs.uk" in references[r].get("url", "") or "lullabytrust" in references[r].get("url", "")
               or "iconcope" in references[r].get("url", "") for r in record.references)


def safety_questions():
    return [c for c in load_content()["checks"] if c.module in ("03", "05")]


def test_the_check_covers_crying_sleep_and_slings():
    """Do modules 03 and 05 ask about ICON, safe sleep and slings, each question citing its advice?"""
    by_topic = {"crying": r"cry|shake", "sleep": r"sleep|bed|sofa", "sling": r"sling"}
    questions = safety_questions()
    for topic, pattern in by_topic.items():
        assert any(re.search(pattern, flat(q.prompt + q.topic)) for q in questions), f"nothing checks {topic}"
    references = load_content().references
    assert all(references[r].get("url") for q in questions for r in q.references)


def choose(control, question, ids) -> None:
    if question.multiple:
        for box in control.children:
            box.value = box.option_id in ids
    else:
        control.value = next(iter(ids))


@pytest.mark.parametrize("module", ["03", "05"])
def test_learner_gets_a_reason_for_every_option(module, progress):
    """Choosing each option in turn (Check, Try again), does the learner see ✓ or ✗ and that option's reason?"""
    widget = understanding_check(module, progress=progress)
    checks = 0
    for index, item in enumerate(widget.run.items):
        question = item.questions[0]
        # One option at a time, wrong ones first; then the full right answer, which moves the learner on.
        tries = [{o.id} for o in sorted(question.options, key=lambda o: o.id in question.correct)]
        if question.multiple or len(question.correct) > 1:
            tries.append(set(question.correct))
        for ids in tries:
            choose(widget.answer_controls[0], question, ids)
            widget.check_button.click()
            checks += 1
            shown = unescape(widget.feedback.value)
            for option in question.options:
                if option.id in ids:
                    assert ("✓" if option.id in question.correct else "✗") in shown, (item.id, option.id)
                    assert option.feedback.strip() in shown, (item.id, option.id)
            if widget.run.all_right:
                break
            widget.try_again_button.click()
        assert widget.run.all_right, f"{item.id}: the right answer was never reached"
        if index < len(widget.run.items) - 1:
            widget.next_button.click()
    assert checks == sum(len(i.questions[0].options) + i.questions[0].multiple for i in widget.run.items)
    assert len(progress.attempts(module=module)) == checks


def test_every_option_that_suggests_a_sling_says_how_to_use_it_safely():
    """Does every scenario option that suggests a sling remind the learner of T.I.C.K.S. in its text or feedback?"""
    content = load_content()
    suggesting = [(name, scenario.id, option) for name in ("scenarios", "stress_scenarios", "partner_scenarios")
                  for scenario in content[name] for question in scenario.get("questions", ())
                  for option in question.options if option.id == question.correct
                  and re.search(r"\bsling", option.text, re.I)]
    assert suggesting, "no keyed option suggests a sling"
    missing = [(name, sid, o.id) for name, sid, o in suggesting
               if not re.search(r"t\.i\.c\.k\.s\.", flat(f"{o.text} {o.feedback}"))]
    assert missing == [], f"these keyed options suggest a sling without T.I.C.K.S.: {missing}"
