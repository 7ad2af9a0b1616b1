"""A kernel manager that bounds how many kernels one learner's server runs at once, and ends a left page's kernel.

Each open course page has its own kernel; a learner who opens page after page (or a page reloading in a loop)
would otherwise fill the machine. Past the bound, a new page is refused with a plain message instead. A page's
kernel ends a few seconds after the page's connection to it closed and did not come back (the learner left the
page, closed the tab, or the phone dropped it): the page asks for that too as it is left, but a phone or a
killed tab may never send that request.
"""

from __future__ import annotations

import asyncio
import contextlib

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Float, Int

__all__ = ["CourseKernelManager", "TooManyPages"]


class TooManyPages(web.HTTPError):
    """The learner already has as many course pages open as the server allows."""

    def __init__(self, open_pages: int):
        pages = "1 course page" if open_pages == 1 else f"{open_pages} course pages"
        message = (f"You already have {pages} open. Close a course page you are not using, wait a few seconds, "
                   "then reload this page.")
        super().__init__(503, reason="Too many course pages open", log_message=message)
        self.message = message


class CourseKernelManager(AsyncMappingKernelManager):
    """``AsyncMappingKernelManager`` that refuses a new kernel once ``max_kernels`` are running, and shuts down
    a kernel whose last page connection closed ``leave_seconds`` ago without a new one."""

    max_kernels = Int(6, config=True, help="The most kernels (open course pages) this server runs at once.")
    leave_seconds = Float(10.0, config=True,
                          help="How long a kernel whose page disconnected waits for it to come back before it ends.")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._leaving: dict[str, asyncio.Task] = {}

    async def start_kernel(self, *args, kernel_id=None, **kwargs):
        running = len(self.list_kernel_ids())
        if kernel_id is None and running >= self.max_kernels:
            raise TooManyPages(running)
        return await super().start_kernel(*args, kernel_id=kernel_id, **kwargs)

    def notify_connect(self, kernel_id):
        super().notify_connect(kernel_id)
        if (waiting := self._leaving.pop(kernel_id, None)) is not None:
            waiting.cancel()

    def notify_disconnect(self, kernel_id):
        super().notify_disconnect(kernel_id)
        if self._kernel_connections.get(kernel_id) == 0 and kernel_id not in self._leaving:
            self._leaving[kernel_id] = asyncio.ensure_future(self._end_if_not_back(kernel_id))

    async def _end_if_not_back(self, kernel_id: str) -> None:
        try:
            await asyncio.sleep(self.leave_seconds)
            if kernel_id in self and self._kernel_connections.get(kernel_id) == 0:
                self.log.info("Kernel %s: its page left %.0f s ago; shutting it down", kernel_id, self.leave_seconds)
                with contextlib.suppress(KeyError, RuntimeError):
                    await self.shutdown_kernel(kernel_id)
        finally:
            if self._leaving.get(kernel_id) is asyncio.current_task():
                del self._leaving[kernel_id]
