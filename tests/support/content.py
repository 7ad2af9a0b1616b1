"""Content folders for tests: a copy of the content under test (``COURSE_DATA`` or the course's ``data/``)."""

from __future__ import annotations

import shutil
from pathlib import Path

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
