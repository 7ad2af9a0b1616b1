"""One urgency rule for self-harm and suicide everywhere: every place that says how soon to act names both levels
of the signposting records filed under self-harm (the emergency one, and the same-day ones), so a module, a
vignette, the self-care plan and the assignment cannot send the same risk to different places (issue 8 review)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

import pytest

from course.content import learner_contacts, load_content

REPO = Path(__file__).resolve().parent.parent
SELF_HARM = re.compile(r"self-harm|harm(?:ing|ed)? (?:yourself|herself|himself|themselves|myself)|suicid"
                       r"|end(?:ing)? (?:her|his|their|your|my) life", re.I)
URGENCY = re.compile(r"\b999\b|same[- ]day|immediate danger|\bA&E\b", re.I)
# The contact lists themselves define the rule; the places checked are everything that applies it.
CONTACT_LISTS = {"signposting", "learner_support", "references", "glossary", "urgency"}


def phone_numbers(how: str) -> set[str]:
    return set(re.findall(r"\b\d{3}(?: \d{3})?\b", how))


def self_harm_contacts() -> tuple[list, list]:
    """The signposting records filed under self-harm: (emergency ones, same-day ones)."""
    records = [c for c in load_content()["signposting"] if "self-harm" in c.get("topics", ())]
    return ([c for c in records if c.urgency == "emergency"], [c for c in records if c.urgency != "emergency"])


def strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in strings(v)]
    return []


def learner_facing() -> list[tuple[str, str, list[str]]]:
    """(where, text, contact ids it lists) for every content record, and every markdown cell of the notebooks
    and assignments, that a learner or a parent reads (a reference list's sources are not advice)."""
    found = []
    content = load_content()
    for name in content:
        if name in CONTACT_LISTS:
            continue
        for record in content[name]:
            text = " ".join(strings({k: v for k, v in record.items() if k not in ("contacts", "references")}))
            found.append((f"data/{name}.yaml {record.get('id')}", text, list(record.get("contacts", ()))))
    for path in sorted((REPO / "notebooks").glob("*.ipynb")) + sorted((REPO / "assignments").glob("*/*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "markdown" and cell.get("id") != "references":  # a list of sources
                found.append((f"{path.relative_to(REPO)} {cell.get('id')}", "".join(cell["source"]), []))
    return found


def places() -> list[tuple[str, str, list[str]]]:
    """(where, text, contact ids it lists) for every learner-facing text that mentions self-harm."""
    return [(where, text, ids) for where, text, ids in learner_facing() if SELF_HARM.search(text)]


def names_a_level(text: str, contact_ids: list[str], level: list) -> bool:
    return any(c.id in contact_ids or phone_numbers(c.how) & set(re.findall(r"\b\d{3}(?: \d{3})?\b", text))
               for c in level)


def test_self_harm_contacts_cover_both_levels_and_each_can_be_named():
    """Are there self-harm contacts at the emergency level and below it, each with a number a text can name?"""
    emergency, same_day = self_harm_contacts()
    assert emergency and same_day
    assert all(phone_numbers(c.how) for c in emergency + same_day), [c.id for c in emergency + same_day]
    assert all(SELF_HARM.search(c.when) for c in emergency + same_day)


def test_the_places_that_teach_self_harm_urgency_are_found():
    """Does the search find the places that say how soon to act on a risk of self-harm (the rule is applied)?"""
    where = [w for w, _, _ in URGENCY_PLACES]
    assert any(w.startswith("notebooks/") for w in where) and any(w.startswith("data/") for w in where), where


URGENCY_PLACES = [p for p in places() if URGENCY.search(p[1]) or p[2]]


@pytest.mark.parametrize("where,text,contact_ids", URGENCY_PLACES, ids=[p[0] for p in URGENCY_PLACES])
def test_every_place_about_self_harm_urgency_names_both_levels(where, text, contact_ids):
    """Does each place that says how soon to act on self-harm name the emergency contact and a same-day one?"""
    emergency, same_day = self_harm_contacts()
    assert names_a_level(text, contact_ids, emergency), (
        f"{where} speaks of self-harm urgency but names none of {[c.name for c in emergency]}")
    assert names_a_level(text, contact_ids, same_day), (
        f"{where} speaks of self-harm urgency but names none of the same-day contacts "
        f"{[c.name for c in same_day]}: it must say what to do when no one is in immediate danger")


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n\s*[-*]\s+", re.sub(r"\s+", " ", text.replace("\n-", "\n\n-")))
            if s.strip()]


@pytest.mark.parametrize("where,text,contact_ids", URGENCY_PLACES, ids=[p[0] for p in URGENCY_PLACES])
def test_thoughts_alone_are_never_sent_only_to_the_emergency_contact(where, text, contact_ids):
    """Does no sentence send thoughts of self-harm or suicide to 999 without the same-day contacts beside it?"""
    emergency, same_day = self_harm_contacts()
    wrong = [s for s in sentences(text) if re.search(r"\bthought", s, re.I) and SELF_HARM.search(s)
             and names_a_level(s, [], emergency) and not names_a_level(s, [], same_day)]
    assert wrong == [], f"{where} sends thoughts of self-harm to the emergency contact alone: {wrong}"


def keyed_answers_to_low_mood() -> list[tuple[str, str]]:
    """(where, keyed text and feedback) for every case whose keyed reading is a mental health problem: a vignette
    keyed on the emotional-problems risk factor (short of an emergency, which is acted on at once), or a scenario
    whose keyed answer names depression."""
    content = load_content()
    found = []
    for vignette in content["vignettes"]:
        if "emotional-problems" in vignette.factors.correct and vignette.urgency != "emergency":
            keyed = next(o for o in vignette.next_step.options if o.id == vignette.next_step.correct)
            found.append((f"vignettes {vignette.id}", f"{keyed.text} {keyed.feedback}"))
    for name in ("scenarios", "stress_scenarios", "partner_scenarios"):
        for scenario in content[name]:
            keyed = [o for q in scenario.get("questions", ()) for o in q.options if o.id == q.correct]
            if any(re.search(r"depress", f"{o.text} {o.feedback}", re.I) for o in keyed):
                found.append((f"{name} {scenario.id}", " ".join(f"{o.text} {o.feedback}" for o in keyed)))
    return found


def test_every_keyed_answer_to_low_mood_asks_about_self_harm():
    """Does the keyed response to every case of low mood or depression ask about thoughts of self-harm?"""
    found = keyed_answers_to_low_mood()
    assert len(found) >= 3, found
    missing = [where for where, text in found if not SELF_HARM.search(text)]
    assert missing == [], f"these keyed answers to low mood never ask about self-harm: {missing}"


# --- every route a learner or parent is given is one of the rule's ------------------------------------------

NUMBER = re.compile(r"\b(?:0\d{3}(?: ?\d){6,7}|116 ?123|999|111|85258)\b")
DANGER = re.compile(r"immediate danger|in danger now|life is at risk|\bunsafe\b"
                    r"|cannot keep (?:yourself|herself|himself|themselves) safe", re.I)
NEGATED = re.compile(r"\b(?:no one|not|nothing|never|no sign)\b[^.;]{0,40}(?:immediate danger|in danger)", re.I)


def digits(number: str) -> str:
    return number.replace(" ", "")


def routes() -> dict[str, object]:
    """Every number the contact lists give, by its digits, with the contact that gives it."""
    content = load_content()
    found = {}
    for contact in [*content["signposting"], *learner_contacts(content)]:
        for number in NUMBER.findall(contact.how):
            found.setdefault(digits(number), contact)
    return found


def test_the_route_search_finds_numbers_in_what_learners_read():
    """Does the number search find the contacts' numbers where the course gives them (the check can fail)?"""
    given = {digits(n) for _, text, _ in learner_facing() for n in NUMBER.findall(text)}
    assert {"999", "116123"} <= given, given


@pytest.mark.parametrize("where,text,contact_ids", learner_facing(), ids=[p[0] for p in learner_facing()])
def test_every_number_a_learner_is_given_is_a_route_of_the_rule(where, text, contact_ids):
    """Does every phone number in a module, a scenario, a vignette, a check or a model answer belong to a contact
    of signposting.yaml or learner_support.yaml, so no text sends a parent to a route the rule does not give?"""
    known = routes()
    strange = [n for n in NUMBER.findall(text) if digits(n) not in known]
    assert strange == [], f"{where} gives numbers that no contact in the data gives: {strange}"


@pytest.mark.parametrize("where,text,contact_ids", learner_facing(), ids=[p[0] for p in learner_facing()])
def test_danger_is_only_ever_sent_to_the_emergency_route(where, text, contact_ids):
    """Is the number nearest to every mention of immediate danger (or of feeling unsafe), in its clause, the
    emergency one, so danger is never sent to a same-day line ('if you ever feel unsafe, call 111, or 999')?"""
    emergency = {digits(n) for c in load_content()["signposting"] if c.urgency == "emergency"
                 for n in NUMBER.findall(c.how)}
    def nearest_number(sentence: str, at: int) -> str | None:
        found = [(min(abs(m.start() - at), abs(m.end() - at)), m.group()) for m in NUMBER.finditer(sentence)]
        return digits(min(found)[1]) if found else None

    wrong = []
    for clause in (c for s in sentences(text) for c in s.split(";")):
        kept = NEGATED.sub(lambda m: " " * len(m.group()), clause)
        for danger in DANGER.finditer(kept):
            number = nearest_number(clause, danger.start())
            if number is not None and number not in emergency:
                wrong.append(clause)
    assert wrong == [], f"{where} sends immediate danger to a route other than the emergency one: {wrong}"


@pytest.mark.parametrize("collection", ["signposting", "learner_support"])
def test_contacts_for_danger_are_emergency_contacts(collection):
    """Is every contact offered for immediate danger an emergency contact, so a same-day line is never the route
    for danger (the old 'you feel unsafe: call 111' entry)? A sentence that says no one is in danger, or that
    sends danger to the emergency number itself, is not an offer of this contact for danger."""
    emergency = {digits(n) for c in load_content()["signposting"] if c.urgency == "emergency"
                 for n in NUMBER.findall(c.how)}

    def offered_for_danger(contact) -> bool:
        return any(DANGER.search(NEGATED.sub("", s)) and not {digits(n) for n in NUMBER.findall(s)} & emergency
                   for s in sentences(contact.when))

    def is_emergency(contact) -> bool:
        return contact.get("urgency") == "emergency" or contact.get("group") == "danger-now"

    wrong = [c.id for c in load_content()[collection] if offered_for_danger(c) and not is_emergency(c)]
    assert wrong == [], f"these {collection} contacts are offered for danger but are not the emergency route: {wrong}"
