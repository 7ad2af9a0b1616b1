"""Every package the course imports is declared in pyproject.toml (which tests/test_packaging.py keeps in step with
environment.yml), so an install never works only because something else pulled it in."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import course

PACKAGE = Path(course.__file__).parent
REPO = PACKAGE.parent
# An import written in a script the course runs in another process (the sandbox's notebook runner).
IMPORT_LINE = re.compile(r"^\s*(?:from\s+([A-Za-z_]\w*)[\w.]*\s+import\s|import\s+([A-Za-z_]\w*)[\w.]*\s*(?:,|$|as\s))",
                         re.M)


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_packages(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Each top-level module imported from outside the standard library, with the files importing it."""
    found: dict[str, set[str]] = {}
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "\n" in node.value:
                names |= {a or b for a, b in IMPORT_LINE.findall(node.value)}
        for name in names - set(sys.stdlib_module_names) - {package.name, "__future__"}:
            found.setdefault(name, set()).add(str(path.relative_to(package.parent)))
    return found


def declared(pyproject: Path = REPO / "pyproject.toml") -> set[str]:
    project = tomllib.loads(pyproject.read_text())["project"]
    extras = project.get("optional-dependencies", {})
    lines = [*project["dependencies"], *(line for name, group in extras.items() if name != "test" for line in group)]
    return {_normalise(re.match(r"[A-Za-z0-9_.-]+", line).group(0)) for line in lines}


def undeclared(package: Path = PACKAGE, pyproject: Path = REPO / "pyproject.toml") -> list[str]:
    distributions = importlib.metadata.packages_distributions()
    wanted = declared(pyproject)
    problems = []
    for module, files in sorted(imported_packages(package).items()):
        owners = {_normalise(d) for d in distributions.get(module, [])} or {_normalise(module)}
        if not owners & wanted:
            problems.append(f"{module} (from {', '.join(sorted(owners)) or 'no installed distribution'}), "
                            f"imported by {', '.join(sorted(files))}, is not in pyproject.toml's dependencies")
    return problems


def test_every_imported_package_is_declared():
    """Is every third-party module course/ imports provided by a distribution pyproject.toml declares?"""
    assert len(imported_packages()) > 10, "the imports went unread"
    assert undeclared() == []


def test_an_undeclared_import_would_be_caught(tmp_path):
    """Would an import of a package not declared (even one only in a script the course runs) be named?"""
    package = tmp_path / "course"
    package.mkdir()
    (package / "a.py").write_text('import yaml\nSCRIPT = """\nimport sys, nbformat\nfrom nbclient import X\n"""\n'
                                  '"""Read from the file.\nimport the rest later."""\n')
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\ndependencies = ["PyYAML>=6", "nbformat"]\n')
    assert undeclared(package, pyproject) == [
        "nbclient (from nbclient), imported by course/a.py, is not in pyproject.toml's dependencies"]
