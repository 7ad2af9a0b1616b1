"""`course validate` reports every problem in one run, where it is, and stays light and quick."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from support.content import content_folder, rewrite

from course.cli import main


def planted_copy(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A copy of the content, named as a trainer might, with one schema problem and two collection-rule problems.

    Returns the folder and, for each planted problem, the file and the text expected on the line reported.
    """
    folder = content_folder(tmp_path, name="trainer-copy")

    def minutes_as_words(modules):
        modules[0]["minutes"] = "thirty"

    def shares_not_adding_up(records):
        group = next(g for r in records if r["kind"] == "study" for g in r["groups"]
                     if g.get("complete") and all("percent" in s for s in g["shares"]))
        group["shares"][0]["percent"] += 7

    def unknown_factor(vignettes):
        factors = vignettes[0]["factors"]
        option = next(o for o in factors["options"] if o["id"] not in factors["correct"])
        option["id"] = "not-a-risk-factor"

    rewrite(folder, "modules", minutes_as_words)
    rewrite(folder, "attachment_patterns", shares_not_adding_up)
    rewrite(folder, "vignettes", unknown_factor)
    return folder, {"modules.yaml": "minutes:", "attachment_patterns.yaml": "shares:",
                    "vignettes.yaml": "not-a-risk-factor"}


def test_schema_and_collection_rule_problems_are_reported_in_one_run(tmp_path, capsys):
    """With a schema problem and two collection-rule problems planted, does one run report all three?"""
    folder, planted = planted_copy(tmp_path)
    assert main(["validate", str(folder)]) == 1
    reported = [line.removeprefix("  - ") for line in capsys.readouterr().err.splitlines()[1:]]
    assert len(reported) == 3, reported
    for line, (name, expected) in zip(sorted(reported), sorted(planted.items()), strict=True):
        assert line.startswith(f"trainer-copy/{name}:"), line
        number = int(line.split(":")[1])
        assert expected in (folder / name).read_text(encoding="utf-8").splitlines()[number - 1], line


def test_collection_rules_name_the_file_under_course_data(tmp_path, monkeypatch, capsys):
    """Pointed at a trainer's copy by COURSE_DATA, does a collection-rule problem name that copy's file?"""
    folder, _ = planted_copy(tmp_path)
    monkeypatch.setenv("COURSE_DATA", str(folder))
    assert main(["validate"]) == 1
    err = capsys.readouterr().err
    assert "trainer-copy/attachment_patterns.yaml:" in err and "data/attachment_patterns.yaml" not in err


def test_validate_imports_neither_matplotlib_nor_ipywidgets():
    """Does `course validate` stay clear of the plotting and widget libraries (they cost seconds to import)?"""
    code = ("import sys\nfrom course.cli import main\nassert main(['validate']) == 0\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'matplotlib', 'ipywidgets', 'anywidget'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"
