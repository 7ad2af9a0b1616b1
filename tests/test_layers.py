"""The layers point one way: nothing lower imports anything higher, so content and models stay light and testable."""

from __future__ import annotations

import ast
from pathlib import Path

import course

PACKAGE = Path(course.__file__).parent

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
    "course.grading": ("course.widgets", "course.views", "course.models"),
}


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
