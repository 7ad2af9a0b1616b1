"""The conda environment and pyproject.toml ask for the same runtime dependencies, at the same versions."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.-]+)\s*(.*?)\s*$")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_requirements(pyproject_text: str) -> dict[str, str]:
    """The dependencies plus the ``learn`` extra (learner mode): a conda environment is for learning in."""
    project = tomllib.loads(pyproject_text)["project"]
    found = {}
    for line in [*project["dependencies"], *project.get("optional-dependencies", {}).get("learn", [])]:
        name, spec = REQUIREMENT.match(line).groups()
        found[_normalise(name)] = spec.replace(" ", "")
    return found


def conda_requirements(environment_text: str) -> dict[str, str]:
    found = {}
    for entry in yaml.safe_load(environment_text)["dependencies"]:
        if isinstance(entry, str):
            name, spec = REQUIREMENT.match(entry.replace("=", "==", 1) if re.match(r"^[\w.-]+=\d", entry)
                                           else entry).groups()
            if _normalise(name) not in {"python", "pip"}:
                found[_normalise(name)] = spec.replace(" ", "")
    return found


def disagreements(pyproject_text: str, environment_text: str) -> list[str]:
    wanted, conda = runtime_requirements(pyproject_text), conda_requirements(environment_text)
    problems = [f"{n}: pyproject.toml has {wanted[n] or 'any version'}, environment.yml lacks it"
                for n in sorted(set(wanted) - set(conda))]
    problems += [f"{n}: environment.yml has it, pyproject.toml does not" for n in sorted(set(conda) - set(wanted))]
    problems += [f"{n}: pyproject.toml has {wanted[n]!r}, environment.yml has {conda[n]!r}"
                 for n in sorted(set(wanted) & set(conda)) if wanted[n] != conda[n]]
    return problems


def test_environment_and_pyproject_agree():
    """Do environment.yml and pyproject.toml list the same runtime dependencies with the same bounds?"""
    pyproject = (REPO / "pyproject.toml").read_text()
    environment = (REPO / "environment.yml").read_text()
    assert disagreements(pyproject, environment) == []
    assert "-e .[test]" in yaml.safe_load(environment)["dependencies"][-1]["pip"]


def test_a_disagreement_is_caught():
    """Would a missing package or a different version bound actually be reported?"""
    pyproject = '[project]\ndependencies = ["nbgrader>=0.9.5", "PyYAML>=6", "platformdirs>=4"]\n'
    environment = "dependencies:\n  - nbgrader>=0.9\n  - pyyaml>=6\n  - matplotlib>=3.8\n"
    assert disagreements(pyproject, environment) == [
        "platformdirs: pyproject.toml has >=4, environment.yml lacks it",
        "matplotlib: environment.yml has it, pyproject.toml does not",
        "nbgrader: pyproject.toml has '>=0.9.5', environment.yml has '>=0.9'",
    ]


def test_learner_mode_is_pinned_in_both():
    """Is Voilà (learner mode) pinned to one version in the learn extra, and in environment.yml too?"""
    learn = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]["learn"]
    voila = [line for line in learn if _normalise(REQUIREMENT.match(line).group(1)) == "voila"]
    assert len(voila) == 1 and re.fullmatch(r"voila==\d+(\.\d+)*", voila[0].replace(" ", "")), learn
    assert conda_requirements((REPO / "environment.yml").read_text())["voila"] == voila[0].replace(" ", "")[5:]


def test_the_course_command_is_installed():
    """Is there a `course` command beside this Python, and does it answer with its list of trainer commands?"""
    command = Path(sys.executable).parent / "course"
    result = subprocess.run([command, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert all(name in result.stdout for name in ("validate", "build", "autograde", "report"))
