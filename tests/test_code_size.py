"""Code a reader can hold in their head: no module over 400 lines, no function over 60 lines or more complex than
ruff's mccabe limit (pyproject.toml) in course/."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import course

PACKAGE = Path(course.__file__).parent
REPO = PACKAGE.parent
MODULE_LINES, FUNCTION_LINES = 400, 60


def too_long(package: Path = PACKAGE) -> list[str]:
    found = []
    for path in sorted(package.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(package.parent)
        if len(text.splitlines()) > MODULE_LINES:
            found.append(f"{name}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > FUNCTION_LINES:
                    found.append(f"{name}:{node.lineno} {node.name}: {length} lines")
    return found


def test_no_module_or_function_is_too_long():
    """Is every module of course/ at most 400 lines, and every function at most 60?"""
    assert too_long() == []


def test_a_long_function_or_module_would_be_caught(tmp_path):
    """Would a 61-line function, and a 401-line module, be named?"""
    package = tmp_path / "course"
    package.mkdir()
    (package / "long.py").write_text("def f():\n" + "    x = 1\n" * 60)
    (package / "big.py").write_text("x = 1\n" * 401)
    assert too_long(package) == ["course/big.py: 401 lines", "course/long.py:1 f: 61 lines"]


def complex_functions(folder: Path) -> str:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (it is in the test extra)")
    result = subprocess.run([ruff, "check", "--select", "C901", "--config", str(REPO / "pyproject.toml"),
                             "--no-cache", "--output-format", "concise", str(folder)],
                            capture_output=True, text=True)
    return result.stdout if result.returncode else ""


def test_no_function_is_too_complex():
    """Is every function of course/ within the complexity limit set in pyproject.toml (mccabe, 20)?"""
    assert complex_functions(PACKAGE) == ""


def test_a_complex_function_would_be_caught(tmp_path):
    """Would a function with 21 branches be named?"""
    (tmp_path / "branchy.py").write_text("def f(x):\n" + "".join(f"    if x == {i}:\n        return {i}\n"
                                                                 for i in range(21)))
    assert "C901 `f` is too complex (22 > 20)" in complex_functions(tmp_path)
