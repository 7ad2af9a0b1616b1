"""A bound on every file plain ``nbgrader autograde`` writes, set before it copies a submission's other files.

nbgrader's converter copies each file beside a submitted notebook with ``shutil.copy`` (``BaseConverter.
init_assignment``), following links, with no check of kind or size: only ``CourseDirectory.ignore`` name patterns
apply there (``max_file_size`` is the exchange's, not the converter's). The course's collect keeps links, special
files and oversize files out of ``submitted/``; this hook covers a file put there by other means. A FIFO already
fails that one student's copy (``shutil.SpecialFileError``); a link to ``/dev/zero`` or a 64 GiB sparse file
would be copied until the disk is full. With the process's file-size limit (RLIMIT_FSIZE) set here, such a write
fails at ``AutogradeLimits.max_file_size`` bytes with "File too large" (Python ignores SIGXFSZ), nbgrader sets
that student aside naming them, removes their partial copy, and grades everyone else.
"""

from __future__ import annotations

import resource

from traitlets import Integer
from traitlets.config import Application, Configurable

__all__ = ["AutogradeLimits", "bound_written_files"]


class AutogradeLimits(Configurable):
    """The largest file (bytes) plain ``nbgrader autograde`` may write: a graded notebook (the course reads
    notebooks up to 256 MiB), a copied file, the gradebook."""

    max_file_size = Integer(1 << 30, help="Largest file (bytes) `nbgrader autograde` writes; a larger write fails "
                            "for that student only, who is named.").tag(config=True)


def bound_written_files(**_hook_arguments) -> None:
    """``Autograde.pre_convert_hook``: lower this process's file-size limit to ``AutogradeLimits.max_file_size``
    (never raising it), before each submission's files are copied."""
    app = Application.instance() if Application.initialized() else None
    bound = AutogradeLimits(config=app.config if app is not None else None).max_file_size
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    if hard != resource.RLIM_INFINITY:
        bound = min(bound, hard)
    if soft == resource.RLIM_INFINITY or soft > bound:
        resource.setrlimit(resource.RLIMIT_FSIZE, (bound, hard))
