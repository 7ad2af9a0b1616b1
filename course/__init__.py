"""Secure Attachment: an evidence-based Jupyter course on infant secure attachment.

Learners need one import line, so every activity factory in ``course.widgets`` is reachable as
``from course import <factory>``: each widget module is named after the one factory it exports.
"""

from __future__ import annotations

import importlib
import pkgutil

__version__ = "0.1.0"


def _activity_names() -> list[str]:
    widgets = importlib.import_module("course.widgets")
    return sorted(m.name for m in pkgutil.iter_modules(widgets.__path__) if not m.name.startswith("_"))


def __getattr__(name: str):
    if name.startswith("_") or name not in _activity_names():
        raise AttributeError(f"module 'course' has no attribute {name!r}")
    module = importlib.import_module(f"course.widgets.{name}")
    return getattr(module, name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_activity_names()))
