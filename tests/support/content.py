"""Content folders for tests: a copy of the content under test (``COURSE_DATA`` or the course's ``data/``)."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import yaml

from course.content import data_directory


def content_folder(tmp_path: Path, *names: str, name: str = "data") -> Path:
    """A copy of the content in ``tmp_path/name``: all of it, or only the schemas, references, modules and the
    named data files (``"claims"``), so a test can plant a problem in one file."""
    source = data_directory()
    folder = tmp_path / name
    if not names:
        return Path(shutil.copytree(source, folder))
    shutil.copytree(source / "schema", folder / "schema")
    for each in ("references", "modules", *names):
        shutil.copy(source / f"{each}.yaml", folder / f"{each}.yaml")
    return folder


def edit(folder: Path, name: str, old: str, new: str) -> None:
    """Replace the first ``old`` with ``new`` in ``folder/name.yaml``; fail if ``old`` is not there."""
    path = folder / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def rewrite(folder: Path, name: str, change) -> list:
    """Load ``folder/name.yaml``, let ``change(records)`` edit the records in place, and write them back."""
    path = folder / f"{name}.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(records)
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return records


def edited_copy(tmp_path: Path) -> Path:
    """A copy of the content as a trainer might edit it: the first cue-reading scenario renamed (id and title,
    and wherever a facilitator's guide names it, as `course validate` asks) and one more check-your-understanding
    question for the first module that has any."""
    folder = content_folder(tmp_path, name="edited-data")

    def rename_scenario(scenarios):
        scenarios[0]["id"] = f"renamed-{scenarios[0]['id']}"
        scenarios[0]["title"] = f"A renamed moment: {scenarios[0]['title']}"

    def add_question(checks):
        first = checks[0]
        added = copy.deepcopy(first)
        added["id"] = f"added-{first['id']}"
        added["prompt"] = f"An added question: {first['prompt']}"
        checks.insert(1, added)

    renamed = rewrite(folder, "scenarios", rename_scenario)[0]["id"]
    old, new = f"scenarios/{renamed.removeprefix('renamed-')}", f"scenarios/{renamed}"

    def follow_rename(guides):
        for segment in (s for guide in guides for s in guide["segments"] if "cases" in s):
            segment["cases"] = [new if case == old else case for case in segment["cases"]]

    rewrite(folder, "facilitation", follow_rename)
    rewrite(folder, "checks", add_question)
    return folder
