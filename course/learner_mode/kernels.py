"""A kernel manager that bounds how many kernels one learner's server runs at once, ends a left page's kernel,
and keeps a spare kernel warm for the next page.

Each open course page has its own kernel; a learner who opens page after page (or a page reloading in a loop)
would otherwise fill the machine. Past the bound, a new page is refused with a plain message instead. A page's
kernel ends a few seconds after the page's connection to it closed and did not come back (the learner left the
page, closed the tab, or the phone dropped it): the page asks for that too as it is left, but a phone or a
killed tab may never send that request. A spare kernel, started and warmed up (``warm_up``: imports and content,
nothing of the learner's) before any page asks, is handed to the next page, so the page is ready in about a
second; it is not a page, so it does not count against the bound and is never culled as idle.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Float, Int, Unicode

__all__ = ["CourseKernelManager", "TooManyPages"]

SPARE_WAIT_SECONDS = 10  # the longest a page waits for a spare still warming up before starting its own kernel
REFILL_FALLBACK_SECONDS = 5  # the longest the next spare waits for a page that never connects


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

    spare_kernels = Int(1, config=True, help="Kernels kept started and warmed up for the next page (0: none).")
    refill_after_seconds = Float(1.0, config=True, help="How long after a page connects to its kernel the next "
                                 "spare starts warming (so it does not slow that page being drawn).")
    warm_up = Unicode("", config=True, help="Code a spare kernel runs, silently, before a page asks for it.")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._leaving: dict[str, asyncio.Task] = {}
        self._spares: set[str] = set()  # started for no page yet, warming up or ready
        self._ready: list[str] = []
        self._warming: asyncio.Task | None = None
        self._spare_for: tuple = (None, None)  # the kernel name and folder the spares are started with
        self._refill: tuple | None = None  # (kernel name and folder, the page's kernel, timer) of a refill to come

    async def start_kernel(self, *args, kernel_id=None, **kwargs):
        if kernel_id is not None:
            return await super().start_kernel(*args, kernel_id=kernel_id, **kwargs)
        running = len([k for k in self.list_kernel_ids() if k not in self._spares])
        if running >= self.max_kernels:
            raise TooManyPages(running)
        wanted = (kwargs.get("kernel_name") or self.default_kernel_name, kwargs.get("path"))
        self._refill_now()  # a page came before the last one's refill: it needs that spare now
        spare = await self._take_spare(wanted)
        if spare is not None:
            self.log.info("Kernel %s: a warm spare, given to a page", spare)
        kernel = spare or await super().start_kernel(*args, **kwargs)
        self._refill_later(wanted, kernel)
        return kernel

    def _refill_later(self, wanted: tuple, page_kernel: str) -> None:
        """Warm the next spare once this page is drawn, not while it is: on two cores, a kernel starting and
        importing beside the page's own run and the browser's drawing slows the page the learner is waiting for.
        The page is drawn about when it connects to its kernel; a page that never connects waits no longer than
        ``REFILL_FALLBACK_SECONDS``."""
        self._refill_now()
        self._refill = (wanted, page_kernel,
                        asyncio.get_running_loop().call_later(REFILL_FALLBACK_SECONDS, self._refill_now))

    def _refill_now(self) -> None:
        if self._refill is not None:
            wanted, _, timer = self._refill
            timer.cancel()
            self._refill = None
            self.fill_spares(wanted)

    async def _take_spare(self, wanted: tuple) -> str | None:
        if not self._ready and self._spare_for == wanted and self._warming is not None and not self._warming.done():
            # A spare on its way is further on than a kernel started now, which would only compete with it.
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self._warming), timeout=SPARE_WAIT_SECONDS)
        while self._ready:
            spare = self._ready.pop(0)
            self._spares.discard(spare)
            if spare in self and self._spare_for == wanted:
                return spare
            with contextlib.suppress(KeyError, RuntimeError):
                await self.shutdown_kernel(spare)  # started for another folder or kernel
        return None

    def fill_spares(self, wanted: tuple | None = None) -> None:
        """Start warming a spare kernel (for ``wanted``: kernel name, folder) unless enough are ready or warming."""
        if wanted is not None:
            self._spare_for = wanted
        if len(self._ready) < self.spare_kernels and (self._warming is None or self._warming.done()):
            self._warming = asyncio.ensure_future(self._warm_a_spare())

    async def _warm_a_spare(self) -> None:
        name, path = self._spare_for
        spare = str(uuid.uuid4())
        self._spares.add(spare)
        try:
            await super().start_kernel(kernel_id=spare, kernel_name=name or self.default_kernel_name, path=path)
            if self.warm_up:
                client = self.get_kernel(spare).client()
                client.start_channels()
                try:
                    await client.wait_for_ready(timeout=60)
                    await client.execute_interactive(self.warm_up, silent=True, store_history=False, timeout=120,
                                                     output_hook=lambda _message: None)
                finally:
                    client.stop_channels()
        except Exception:
            self.log.exception("A spare kernel could not be warmed up; pages start their own kernels")
            self._spares.discard(spare)
            if spare in self:
                with contextlib.suppress(KeyError, RuntimeError):
                    await self.shutdown_kernel(spare)
            return
        if spare in self._spares:
            self._ready.append(spare)
            self.log.info("Kernel %s: a spare, warmed up", spare)
        if len(self._ready) < self.spare_kernels:
            self._warming = asyncio.ensure_future(self._warm_a_spare())

    async def cull_kernel_if_idle(self, kernel_id):
        if kernel_id not in self._spares:
            await super().cull_kernel_if_idle(kernel_id)

    async def shutdown_kernel(self, kernel_id, *args, **kwargs):
        self._spares.discard(kernel_id)
        if kernel_id in self._ready:
            self._ready.remove(kernel_id)
        return await super().shutdown_kernel(kernel_id, *args, **kwargs)

    def notify_connect(self, kernel_id):
        super().notify_connect(kernel_id)
        if self._refill is not None and self._refill[1] == kernel_id:
            wanted, _, timer = self._refill
            timer.cancel()
            self._refill = (wanted, kernel_id,
                            asyncio.get_running_loop().call_later(self.refill_after_seconds, self._refill_now))
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
