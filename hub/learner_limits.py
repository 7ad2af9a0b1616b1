"""Memory and process limits for each learner's server on one machine, so one runaway kernel (a huge list, a
fork loop) fails in that learner's server and no one else's.

JupyterHub's local spawner sets no limits, so the server is started through ``prlimit`` (util-linux): the
server and every kernel it starts inherit a cap on address space (``MEM_LIMIT``, RLIMIT_AS, per process) and
on the learner's processes and threads (``PROCESS_LIMIT``, RLIMIT_NPROC, counted per Unix account, which on
this hub is one learner). An allocation past the cap fails with MemoryError in that kernel only. glibc is told
to keep few malloc arenas, so address space stays close to the memory really used.
"""

from __future__ import annotations

import re
import shutil

__all__ = ["limited_command", "size_in_bytes"]

UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def size_in_bytes(text: str) -> int:
    """``"1G"``, ``"512M"``, ``"2048"`` (bytes) as bytes, the way JupyterHub's ``mem_limit`` reads them."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)B?\s*", str(text), re.IGNORECASE)
    if not match:
        raise SystemExit(f"MEM_LIMIT = {text!r} in the hub settings is not a size: write it as 1G, 512M or a "
                         "number of bytes")
    return int(float(match.group(1)) * UNITS[match.group(2).upper()])


def limited_command(command: list[str], settings: dict) -> tuple[list[str], dict[str, str]]:
    """The learner's server command wrapped in ``prlimit`` with the settings' limits, and the environment it
    needs; unchanged when ``MEM_LIMIT`` and ``PROCESS_LIMIT`` are both empty (limits switched off)."""
    memory, processes = settings.get("MEM_LIMIT"), settings.get("PROCESS_LIMIT")
    if not memory and not processes:
        return command, {}
    prlimit = shutil.which("prlimit", path="/usr/bin:/bin:/usr/sbin:/sbin")
    if prlimit is None:
        raise SystemExit("prlimit (from util-linux) is needed to limit each learner's memory and processes: "
                         "install util-linux, or set MEM_LIMIT = '' and PROCESS_LIMIT = 0 in the hub settings")
    limits = ([f"--as={size_in_bytes(memory)}"] if memory else []) + ([f"--nproc={int(processes)}"]
                                                                       if processes else [])
    return [prlimit, *limits, "--", *command], {"MALLOC_ARENA_MAX": "2"}
