"""The layers point one way: nothing lower imports anything higher, so content and models stay light and testable."""

from __future__ import annotations

import ast
from pathlib import Path

import course

PACKAGE = Path(course.__file__).parent

ALL_PARTS = ("course.content", "course.models", "course.views", "course.widgets", "course.plots", "course.grading",
             "course.cli", "course.progress", "course.keys", "course.learner_mode", "course.navigation")
# Each layer, and the parts of the package it must never import (anywhere in the module, even inside a function).
NEVER = {
    "course.content": ("course.models", "course.views", "course.widgets", "course.plots", "course.grading",
                       "course.cli", "course.progress"),
    "course.keys": ("course.content", "course.models", "course.views", "course.widgets", "course.plots",
                    "course.grading", "course.progress"),
    "course.progress": ("course.content", "course.models", "course.views", "course.widgets", "course.plots",
                        "course.grading"),
    "course.models": ("course.views", "course.widgets", "course.plots", "course.grading", "course.cli"),
    "course.views": ("course.widgets", "course.grading", "course.cli"),
    "course.plots": ("course.widgets", "course.views", "course.grading", "course.cli"),
    "course.grading": ("course.widgets", "course.views", "course.models", "course.progress",
                       "course.learner_mode", "course.cli"),
    # nbgrader's plug-ins (preprocessors, exchange classes, sandbox) use the grading core, never the commands
    # built on them.
    "course.grading.nbgrader": ("course.grading.cohort", "course.grading.build", "course.grading.report",
                                "course.grading.lms"),
    # Learner mode serves the notebooks; it never grades or reaches into activities.
    "course.learner_mode": ("course.grading", "course.widgets", "course.views", "course.models", "course.plots",
                            "course.cli"),
    # Low-level helpers and deployment settings stand alone (the hub runs course.deployment before anything else).
    "course.files": ALL_PARTS,
    "course.deployment": ALL_PARTS,
    "course.navigation": ("course.widgets", "course.views", "course.models", "course.plots", "course.grading",
                          "course.cli", "course.progress"),
}
# The grading core (the modules directly in course/grading/) is below the cohort report and the LMS files.
NEVER |= {f"course.grading.{p.stem}": ("course.grading.report", "course.grading.lms")
          for p in (PACKAGE / "grading").glob("*.py") if p.stem != "__init__"}


def module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every module a file imports, at any depth (``from course import keys`` counts as ``course.keys``)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def upward_imports(package: Path = PACKAGE) -> list[str]:
    found = []
    for path in sorted(package.rglob("*.py")):
        name = module_name(path, package)
        found += [f"{name} imports {target}" for target in sorted(imported(path))
                  if target == "course.cli" or target.startswith("course.cli.")]
        for layer, forbidden in NEVER.items():
            if name == layer or name.startswith(layer + "."):
                found += [f"{name} imports {target}" for target in sorted(imported(path))
                          if any(target == f or target.startswith(f + ".") for f in forbidden)]
    return found


def test_no_layer_imports_a_layer_above_it():
    """Does every module import only from its own layer or the layers below it?"""
    assert upward_imports() == []


def test_an_upward_import_would_be_caught(tmp_path):
    """Would a model that imports a widget, or content that imports a plot inside a function, be reported?"""
    fake = tmp_path / "course"
    (fake / "models").mkdir(parents=True)
    (fake / "content").mkdir()
    (fake / "models" / "run.py").write_text("from course.widgets.cue_sort import cue_sort\n")
    (fake / "content" / "__init__.py").write_text("def rule():\n    import course.plots.attachment_patterns\n")
    assert upward_imports(fake) == ["course.content imports course.plots.attachment_patterns",
                                    "course.models.run imports course.widgets.cue_sort",
                                    "course.models.run imports course.widgets.cue_sort.cue_sort"]


def import_cycles(package: Path = PACKAGE) -> list[list[str]]:
    """Every cycle among the package's modules, through imports made when a module loads (not inside functions)."""
    modules = {module_name(p, package): p for p in sorted(package.rglob("*.py"))}
    graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        targets = set()
        for node in top:
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or "", *(f"{node.module}.{a.name}" for a in node.names)]
            targets |= {t for t in names if t in modules and t != name}
        graph[name] = targets
    cycles, state = [], {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                cycles.append(trail[trail.index(target):] + [target])
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    return cycles


def test_no_module_imports_itself_in_a_circle():
    """Does no chain of imports made at load time lead back to where it started?"""
    assert import_cycles() == []


def test_a_circle_would_be_caught(tmp_path):
    """Would two modules importing each other, or a plug-in importing the command above it, be reported?"""
    fake = tmp_path / "course"
    (fake / "grading" / "nbgrader").mkdir(parents=True)
    (fake / "grading" / "a.py").write_text("from course.grading import b\n")
    (fake / "grading" / "b.py").write_text("import course.grading.a\n")
    (fake / "grading" / "nbgrader" / "plug.py").write_text("from course.grading.cohort import autograde_cohort\n")
    assert import_cycles(fake) == [["course.grading.a", "course.grading.b", "course.grading.a"]]
    assert "course.grading.nbgrader.plug imports course.grading.cohort" in upward_imports(fake)
