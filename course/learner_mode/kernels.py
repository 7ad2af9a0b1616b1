"""A kernel manager that bounds how many kernels one learner's server runs at once.

Each open course page has its own kernel; a learner who opens page after page (or a page reloading in a loop)
would otherwise fill the machine. Past the bound, a new page is refused with a plain message instead.
"""

from __future__ import annotations

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Int

__all__ = ["CourseKernelManager", "TooManyPages"]


class TooManyPages(web.HTTPError):
    """The learner already has as many course pages open as the server allows."""

    def __init__(self, open_pages: int):
        pages = "1 course page" if open_pages == 1 else f"{open_pages} course pages"
        message = (f"You already have {pages} open. Close a course page you are not using, wait a few minutes, "
                   "then reload this page.")
        super().__init__(503, reason="Too many course pages open", log_message=message)
        self.message = message


class CourseKernelManager(AsyncMappingKernelManager):
    """``AsyncMappingKernelManager`` that refuses a new kernel once ``max_kernels`` are running."""

    max_kernels = Int(6, config=True, help="The most kernels (open course pages) this server runs at once.")

    async def start_kernel(self, *args, kernel_id=None, **kwargs):
        running = len(self.list_kernel_ids())
        if kernel_id is None and running >= self.max_kernels:
            raise TooManyPages(running)
        return await super().start_kernel(*args, kernel_id=kernel_id, **kwargs)
