"""A bound on every file plain ``nbgrader autograde`` writes, set before it copies a submission's other files.

nbgrader's converter copies each file beside a submitted notebook with ``shutil.copy`` (``BaseConverter.
init_assignment``), following links, with no check of kind or size: only ``CourseDirectory.ignore`` name patterns
apply there (``max_file_size`` is the exchange's, not the converter's). The course's collect keeps links, special
files and oversize files out of ``submitted/``; this hook covers a file put there by other means. A FIFO already
fails that one student's copy (``shutil.SpecialFileError``); a link to ``/dev/zero`` or a 64 GiB sparse file
would be copied until the disk is full. With the process's file-size limit (RLIMIT_FSIZE) set here, such a write
fails at ``AutogradeLimits.max_file_size`` bytes with "File too large" (Python ignores SIGXFSZ), nbgrader sets
that student aside naming them, removes their partial copy, and grades everyone else. Only the command's process
is limited: the formgrader's Autograde button runs nbgrader in the trainer's server, where a process-wide limit
would outlive the run, so there the collect's filtering is what keeps such files out.
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
    """``Autograde.pre_convert_hook``: in the ``nbgrader autograde`` command's own process, lower its file-size
    limit to ``AutogradeLimits.max_file_size`` (never raising it), before each submission's files are copied.
    Nothing elsewhere: a limit is the whole process's, and ``course autograde`` (which copies no such file) and
    the formgrader's server run nbgrader's converter in a process that goes on to do other work."""
    from nbgrader.apps.autogradeapp import AutogradeApp

    app = Application.instance() if Application.initialized() else None
    if not isinstance(app, AutogradeApp):
        return
    bound = AutogradeLimits(config=app.config).max_file_size
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    if hard != resource.RLIM_INFINITY:
        bound = min(bound, hard)
    if soft == resource.RLIM_INFINITY or soft > bound:
        resource.setrlimit(resource.RLIMIT_FSIZE, (bound, hard))
