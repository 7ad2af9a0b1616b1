"""Running a coroutine, or Playwright's sync API, from a test whatever else the session left running in the main
thread: the browser tests' Playwright session keeps an event loop running there until the session ends, and
both ``asyncio.run`` and a second ``sync_playwright()`` refuse to start beside it."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def in_a_thread_of_its_own(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` in a new thread, where no event loop runs; its result, or its exception."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args).result()


def run_coroutine(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` in a thread of its own."""
    return in_a_thread_of_its_own(asyncio.run, coroutine)
