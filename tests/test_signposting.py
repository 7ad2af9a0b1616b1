"""Signposting: the contacts a parent or practitioner needs are there, checked, filed by urgency, and reachable
from the vignettes that need them."""

from __future__ import annotations

import html
import re

import pytest
from support.content import content_folder, rewrite

from course import risk_vignettes, signposting
from course.content import ContentError, load_content
from course.models.study_time import ACTIVITIES

# The kinds of help issue 8 requires, by the record that provides each and the topic it is filed under.
REQUIRED_CONTACTS = {
    "perinatal-mental-health-team": "perinatal-mental-health",
    "domestic-abuse-helpline": "domestic-abuse",
    "crying-support": "crying",
    "nhs-111-mental-health": "self-harm",
}
SELF_HARM_WORDS = re.compile(r"self-harm|harming yourself|harm(ing)? themselves|suicid|ending your life", re.I)


def contacts() -> dict:
    return {c.id: c for c in load_content()["signposting"]}


@pytest.mark.parametrize("contact_id", REQUIRED_CONTACTS)
def test_required_contact_exists_and_cites_the_page_it_was_checked_against(contact_id):
    """Is each required kind of contact there, filed under its topic, citing a web page for its details?"""
    contact = contacts().get(contact_id)
    assert contact is not None, f"signposting.yaml has no {contact_id!r} contact"
    assert REQUIRED_CONTACTS[contact_id] in contact.topics
    references = load_content().references
    assert contact.get("references"), f"{contact_id} cites no reference"
    assert all(references[r].get("url", "").startswith("https://") for r in contact.references)


def test_every_contact_with_a_phone_number_cites_where_it_was_checked():
    """Does every contact that gives a phone number (other than 999 and 111) cite the page that gives it?"""
    numbered = [c for c in contacts().values()
                if any(len(n.replace(" ", "")) >= 6 for n in re.findall(r"\d[\d ]*\d", c.how))]
    assert {"samaritans", "domestic-abuse-helpline"} <= {c.id for c in numbered}
    assert all(c.get("references") for c in numbered), [c.id for c in numbered if not c.get("references")]


def test_thoughts_of_self_harm_are_filed_as_urgent_or_an_emergency_never_later():
    """Is self-harm only ever under urgent (no immediate danger) or emergency (danger), never 'soon' or 'routine'?"""
    everyone = contacts().values()
    self_harm = [c for c in everyone if "self-harm" in c.get("topics", ())]
    assert {c.urgency for c in self_harm} == {"urgent", "emergency"}
    later = [c.id for c in everyone if c.urgency in ("soon", "routine") and SELF_HARM_WORDS.search(c.when)]
    assert later == [], f"these 'soon'/'routine' contacts are offered for self-harm: {later}"


def test_topic_shows_only_its_contacts_most_urgent_first():
    """Does signposting(topic=...) show every contact for that topic, and no other, under urgency headings?"""
    everyone = load_content()["signposting"]
    for topic in ("domestic-abuse", "self-harm", "crying"):
        shown = signposting(topic=topic).value
        for contact in everyone:
            listed = f"<strong>{html.escape(contact.name)}</strong>" in shown
            assert listed == (topic in contact.get("topics", ())), (topic, contact.id)
        levels = re.findall(r'<section class="sa-urgency-(\w+)">', shown)
        assert levels and levels == [u for u in ("emergency", "urgent", "soon", "routine") if u in levels]


def test_unknown_topic_lists_the_topics_there_are():
    """Does a misspelt topic say so and list the topics that have contacts?"""
    with pytest.raises(ValueError, match=r"is for 'domestic abuse'\. Topics with contacts: .*'domestic-abuse'"):
        signposting(topic="domestic abuse")


def test_not_safe_at_home_points_to_a_domestic_abuse_helpline():
    """Does the domestic-abuse vignette name a contact filed under domestic abuse, and also 999 for danger?"""
    vignette = load_content().record("vignettes", "not-safe-at-home")
    named = [contacts()[c] for c in vignette.contacts]
    assert any("domestic-abuse" in c.topics for c in named)
    assert any(c.urgency == "emergency" for c in named)


def test_vignette_shows_its_contacts_once_checked(progress):
    """Does a vignette with contacts show each contact's name and how to reach them after Check, and not before?"""
    widget = risk_vignettes(progress=progress)
    everyone = contacts()
    while not load_content().record("vignettes", widget.run.item.id).get("contacts"):
        factors, step = widget.run.item.questions
        factor_boxes, step_radio = widget.answer_controls
        for box in factor_boxes.children:
            box.value = box.option_id in factors.correct
        step_radio.value = next(iter(step.correct))
        widget.check_button.click()
        assert "Who to contact" not in widget.feedback.value, "a vignette without contacts shows none"
        widget.next_button.click()
    named = [everyone[c] for c in load_content().record("vignettes", widget.run.item.id).contacts]
    assert all(html.escape(c.how) not in widget.feedback.value for c in named)
    factor_boxes, step_radio = widget.answer_controls
    factor_boxes.children[0].value = True
    step_radio.value = step_radio.options[0][1]
    widget.check_button.click()
    shown = widget.feedback.value
    assert "Who to contact" in shown
    for contact in named:
        assert html.escape(contact.name) in shown and html.escape(contact.how) in shown


def test_vignette_naming_an_unknown_contact_is_a_clear_error(tmp_path, monkeypatch):
    """Does a vignette that names a contact missing from signposting.yaml fail with its record, field and choices?"""
    data = content_folder(tmp_path)
    changed = []

    def name_an_unknown_contact(vignettes):
        vignette = next(v for v in vignettes if v.get("contacts"))
        vignette["contacts"][0] = "refuge-line"
        changed.append(vignette["id"])

    rewrite(data, "vignettes", name_an_unknown_contact)
    monkeypatch.setenv("COURSE_DATA", str(data))
    with pytest.raises(ContentError, match=rf"record '{changed[0]}', field 'contacts\[0\]': 'refuge-line' is not a "
                                           r"contact in signposting\.yaml \(expected one of: "):
        load_content()


def test_study_time_reads_only_the_contacts_a_filtered_call_shows():
    """Does the module time count the contacts signposting(topic=...) or signposting(urgency) shows, not all?"""
    content = load_content()
    everyone = content["signposting"]
    crying = ACTIVITIES["signposting"](content, "03", topic="crying")
    urgent = ACTIVITIES["signposting"](content, "04", "urgent")
    every = ACTIVITIES["signposting"](content, "04")
    assert crying.what == f"{sum('crying' in c.get('topics', ()) for c in everyone)} contacts to read"
    assert urgent.what == f"{sum(c.urgency == 'urgent' for c in everyone)} contacts to read"
    assert crying.minutes < every.minutes and urgent.minutes < every.minutes
