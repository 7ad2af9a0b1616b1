"""The rules a JSON schema cannot express, run by ``check_content`` together with the schemas.

Record rules apply to every data file: unique ids, a question's ``correct`` naming its own options, and
``references`` and ``module`` naming entries that exist. Collection rules give one file's records a meaning
the course relies on (the patterns a figure draws, percentages that add up, factor ids that are risk
factors); each runs on a file that passed its schema, so one run reports every problem at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from course.content.problems import Collection, Problem

__all__ = ["COLLECTION_RULES", "PATTERN_ORDER", "record_problems"]

PATTERN_ORDER = ("secure", "avoidant", "resistant", "disorganised")


def _walk(value: Any, path: list) -> Iterator[tuple[list, Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from _walk(sub, path + [key])
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            yield from _walk(sub, path + [i])


def record_problems(collection: Collection, reference_ids: set[str] | None,
                    module_ids: set[str] | None) -> list[Problem]:
    """Unique ids, ``correct`` naming real options, known references and modules, in every record."""
    problems = []

    def add(index, field_path, message):
        problems.append(collection.problem(index, field_path, message))

    first_use: dict[Any, int] = {}
    for index, record in enumerate(collection.records):
        if not isinstance(record, dict):
            continue
        rid = record.get("id")
        if isinstance(rid, str | int):
            if rid in first_use:
                add(index, ["id"], f"duplicate id '{rid}' (already used by record #{first_use[rid] + 1})")
            else:
                first_use[rid] = index
        for path, value in _walk(record, []):
            if not isinstance(value, dict):
                continue
            options = value.get("options")
            if isinstance(options, list):
                option_ids = [o.get("id") for o in options if isinstance(o, dict)]
                for i, oid in enumerate(option_ids):
                    if oid is not None and option_ids.index(oid) != i:
                        add(index, path + ["options", i, "id"], f"duplicate option id '{oid}' in this question")
                correct = value.get("correct")
                named = correct if isinstance(correct, list) else [correct] if correct is not None else []
                for name in named:
                    if isinstance(name, str) and name not in option_ids:
                        add(index, path + ["correct"],
                            f"'{name}' is not one of this question's options ({', '.join(map(str, option_ids))})")
            refs = value.get("references")
            if reference_ids is not None and isinstance(refs, list):
                for i, ref in enumerate(refs):
                    if isinstance(ref, str) and ref not in reference_ids:
                        add(index, path + ["references", i], f"'{ref}' is not an id in references.yaml")
            module = value.get("module")
            if module_ids is not None and isinstance(module, str) and module not in module_ids:
                add(index, path + ["module"], f"'{module}' is not a module in modules.yaml")
    return problems


def attachment_pattern_problems(patterns: Collection, collections: Mapping[str, Collection]) -> list[Problem]:
    """Every pattern the figure draws is explained, and a group reported in full adds up to 100%."""
    records = patterns.records
    named = {r["id"] for r in records if r.get("kind") == "pattern"}
    problems = [patterns.problem(None, [], f"has no record for the {name!r} pattern (kind: pattern)")
                for name in PATTERN_ORDER if name not in named]
    for index, study in enumerate(records):
        if study.get("kind") != "study":
            continue
        for g, group in enumerate(study.get("groups", [])):
            if not group.get("complete"):
                continue
            where = ["groups", g, "shares"]
            total = sum(share.get("percent", 0) for share in group["shares"])
            if any("range" in share for share in group["shares"]):
                problems.append(patterns.problem(
                    index, where, "a complete group needs a percent for each pattern, not a range"))
            elif abs(total - 100) > 0.5:
                problems.append(patterns.problem(
                    index, where, f"a complete group's percentages must add up to 100, got {total:g}"))
    return problems


def vignette_link_problems(vignettes: Collection, collections: Mapping[str, Collection]) -> list[Problem]:
    """Every factor a vignette offers is a risk factor of risk_factors.yaml, so the checklist is the same, and
    every contact it names is a record of signposting.yaml, so a learner is never pointed at nobody."""
    problems = []
    for needed in ("risk_factors", "signposting"):
        if needed not in collections:
            problems.append(vignettes.problem(None, [], f"needs {needed}.yaml, which is missing or not valid"))
    if problems:
        return problems
    names = [f.get("id") for f in collections["risk_factors"].records]
    problems += [vignettes.problem(index, ["factors", "options", i, "id"],
                                   f"'{option['id']}' is not a risk factor in risk_factors.yaml "
                                   f"(expected one of: {', '.join(names)})")
                 for index, vignette in enumerate(vignettes.records)
                 for i, option in enumerate(vignette["factors"]["options"]) if option["id"] not in names]
    problems += red_flag_problems(vignettes, collections)
    contacts = [c.get("id") for c in collections["signposting"].records]
    problems += [vignettes.problem(index, ["contacts", i],
                                   f"'{contact}' is not a contact in signposting.yaml "
                                   f"(expected one of: {', '.join(contacts)})")
                 for index, vignette in enumerate(vignettes.records)
                 for i, contact in enumerate(vignette.get("contacts", ())) if contact not in contacts]
    return problems


URGENCY_ORDER = ("routine", "soon", "urgent", "emergency")


def red_flag_problems(vignettes: Collection, collections: Mapping[str, Collection]) -> list[Problem]:
    """A case that shows a red flag names one of urgency.yaml, and is keyed at least as urgent as the flag."""
    if "urgency" not in collections:
        return [vignettes.problem(None, [], "needs urgency.yaml, which is missing or not valid")]
    flags = {r["id"]: r for r in collections["urgency"].records if r.get("kind") == "red-flag"}
    problems = []
    for index, vignette in enumerate(vignettes.records):
        for i, flag_id in enumerate(vignette.get("red_flags", ())):
            flag = flags.get(flag_id)
            if flag is None:
                problems.append(vignettes.problem(index, ["red_flags", i], f"'{flag_id}' is not a red flag in "
                                                  f"urgency.yaml (expected one of: {', '.join(flags)})"))
            elif URGENCY_ORDER.index(vignette.get("urgency", "routine")) < URGENCY_ORDER.index(flag["urgency"]):
                problems.append(vignettes.problem(index, ["urgency"], f"is '{vignette.get('urgency', 'routine')}'"
                                                  f", but the red flag '{flag_id}' needs '{flag['urgency']}' "
                                                  "or more urgent"))
    return problems


def urgency_problems(rule: Collection, collections: Mapping[str, Collection]) -> list[Problem]:
    """The rule has a record for each of the four levels, so every contact's urgency has its words."""
    named = {r["id"] for r in rule.records if r.get("kind") == "level"}
    return [rule.problem(None, [], f"has no record for the {level!r} level (kind: level)")
            for level in reversed(URGENCY_ORDER) if level not in named]


PHONE_NUMBER = re.compile(r"\d[\d ]{2,}\d")


def learner_support_problems(contacts: Collection, collections: Mapping[str, Collection]) -> list[Problem]:
    """A contact named by id is one of signposting.yaml, and a number given here traces to the service's own
    page: a contact that gives one cites it."""
    problems = []
    known = [c.get("id") for c in collections["signposting"].records] if "signposting" in collections else None
    for index, contact in enumerate(contacts.records):
        named = contact.get("contact")
        if named is not None and known is not None and named not in known:
            problems.append(contacts.problem(index, ["contact"], f"'{named}' is not a contact in signposting.yaml "
                                             f"(expected one of: {', '.join(known)})"))
        number = PHONE_NUMBER.search(contact.get("how", ""))
        if number and not contact.get("references"):
            problems.append(contacts.problem(index, ["references"], f"is missing: '{number.group()}' is a number to "
                                             "call or text, so cite the service's own page that gives it (an entry "
                                             "of references.yaml)"))
    return problems


def glossary_problems(glossary: Collection, collections: Mapping[str, Collection]) -> list[Problem]:
    """Each name (a term or one of its other names) belongs to one entry, so a search for it finds one meaning."""
    seen: dict[str, str] = {}
    problems = []
    for index, entry in enumerate(glossary.records):
        for i, name in enumerate([entry["term"], *entry.get("also", [])]):
            key = name.casefold()
            if key in seen and seen[key] != entry["id"]:
                problems.append(glossary.problem(index, ["term"] if i == 0 else ["also", i - 1],
                                                 f"'{name}' is already a name of the entry '{seen[key]}'; give "
                                                 "each name to one entry only"))
            seen.setdefault(key, entry["id"])
    return problems


FRAMEWORK_OF_PREFIX = {"future-nurse": "Future nurse (NMC 2018)", "midwife": "Midwives (NMC 2019)",
                       "scphn": "SCPHN (NMC 2022)"}


def standards_problems(standards: Collection, collections: Mapping[str, Collection]) -> list[Problem]:
    """A standard's id says its framework and number (future-nurse-3-9 is Future nurse 3.9); every standard a
    mapping names is a record of the file; every module of modules.yaml has exactly one mapping."""
    problems = []
    defined = {r["id"] for r in standards.records if "module" not in r}
    mapped: dict[str, int] = {}
    for index, record in enumerate(standards.records):
        if "module" not in record:
            prefix = next(p for p in FRAMEWORK_OF_PREFIX if record["id"].startswith(p + "-"))
            number = record["id"][len(prefix) + 1:].replace("-", ".")
            number = number.upper() if prefix == "scphn" else number
            if record["framework"] != FRAMEWORK_OF_PREFIX[prefix]:
                problems.append(standards.problem(index, ["framework"], f"'{record['framework']}' does not match "
                                                  f"the id '{record['id']}' (expected {FRAMEWORK_OF_PREFIX[prefix]})"))
            if record["number"] != number:
                problems.append(standards.problem(index, ["number"], f"'{record['number']}' does not match the id "
                                                  f"'{record['id']}' (expected '{number}')"))
            continue
        if record["module"] in mapped:
            problems.append(standards.problem(index, ["module"], f"module '{record['module']}' is already mapped "
                                              f"by record #{mapped[record['module']] + 1}; give each module one "
                                              "mapping"))
        mapped.setdefault(record["module"], index)
        for o, outcome in enumerate(record["outcomes"]):
            for i, standard in enumerate(outcome["standards"]):
                if standard not in defined:
                    problems.append(standards.problem(index, ["outcomes", o, "standards", i],
                                                      f"'{standard}' is not a standard in standards.yaml: add a "
                                                      "record for it (id, framework, number, summary, references)"))
    if "modules" in collections:
        missing = [m["id"] for m in collections["modules"].records if m["id"] not in mapped]
        if missing:
            problems.append(standards.problem(None, [], f"has no mapping for module(s) {', '.join(missing)}: "
                                              "every module in modules.yaml needs one"))
    return problems


def facilitation_problems(guides: Collection, collections: Mapping[str, Collection]) -> list[Problem]:
    """A guide's parts add up to its stated time, and every case it discusses is a record of the course (from the
    guide's own module where the record has one), so a facilitator never prepares for a case that is not there."""
    problems = []
    for index, guide in enumerate(guides.records):
        total = sum(segment["minutes"] for segment in guide["segments"])
        if total != guide["minutes"]:
            problems.append(guides.problem(index, ["minutes"], f"is {guide['minutes']}, but the segments' minutes "
                                           f"add up to {total}: make them agree"))
        for s, segment in enumerate(guide["segments"]):
            for c, case in enumerate(segment.get("cases", ())):
                collection, record_id = case.split("/", 1)
                where = ["segments", s, "cases", c]
                if collection not in collections:
                    problems.append(guides.problem(index, where, f"'{case}': there is no valid {collection}.yaml"))
                    continue
                record = next((r for r in collections[collection].records if r.get("id") == record_id), None)
                if record is None:
                    problems.append(guides.problem(index, where, f"'{case}': {collection}.yaml has no record "
                                                   f"'{record_id}'"))
                elif record.get("module", guide["module"]) != guide["module"]:
                    problems.append(guides.problem(index, where, f"'{case}' belongs to module {record['module']}, "
                                                   f"not this guide's module {guide['module']}"))
    return problems


# Collection name -> its rule, given the collection and every collection that passed its schema.
COLLECTION_RULES: dict[str, Callable[[Collection, Mapping[str, Collection]], list[Problem]]] = {
    "attachment_patterns": attachment_pattern_problems,
    "vignettes": vignette_link_problems,
    "learner_support": learner_support_problems,
    "glossary": glossary_problems,
    "standards": standards_problems,
    "urgency": urgency_problems,
    "facilitation": facilitation_problems,
}
