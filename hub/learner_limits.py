"""Memory and process limits for each learner's server on one machine, so one runaway kernel (a huge list, a
fork loop) fails in that learner's server and no one else's.

Where systemd runs (PID 1 is systemd), each server is a systemd unit started by JupyterHub's systemd spawner, as
The Littlest JupyterHub does (``systemd_spawner_config``): the learner's memory (``MEM_LIMIT``, MemoryMax, for
the server and its kernels together), CPU (``CPU_LIMIT``, CPUQuota) and tasks (``PROCESS_LIMIT``, TasksMax) are
the unit's cgroup limits, and the unit gets its own /tmp and no devices.

Elsewhere (a container, WSL) JupyterHub's local spawner sets no limits, so the server is started through
``prlimit`` (util-linux): the
server and every kernel it starts inherit a cap on address space (``MEM_LIMIT``, RLIMIT_AS, per process) and
on the learner's processes and threads (``PROCESS_LIMIT``, RLIMIT_NPROC, counted per Unix account, which on
this hub is one learner). An allocation past the cap fails with MemoryError in that kernel only. glibc is told
to keep few malloc arenas, so address space stays close to the memory really used.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

__all__ = ["limited_command", "size_in_bytes", "systemd_runs", "systemd_spawner_config"]

SYSTEMD_SPAWNER = "systemdspawner.SystemdSpawner"

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


def systemd_runs(proc: Path = Path("/proc")) -> bool:
    """Whether this machine's PID 1 is systemd (a booted server, not a container), so units can be started."""
    try:
        return (proc / "1" / "comm").read_text().strip() == "systemd"
    except OSError:
        return False


def systemd_spawner_config(settings: dict) -> dict[str, object]:
    """The systemd spawner's settings (``c.SystemdSpawner.NAME = value``) for the hub settings' limits; a limit
    left empty (or 0) is not set."""
    memory, processes, cpu = settings.get("MEM_LIMIT"), settings.get("PROCESS_LIMIT"), settings.get("CPU_LIMIT")
    config: dict[str, object] = {"isolate_tmp": True, "isolate_devices": True, "disable_user_sudo": True,
                                 "default_shell": "/bin/bash"}
    if memory:
        config["mem_limit"] = size_in_bytes(memory)
    if cpu:
        try:
            config["cpu_limit"] = float(cpu)
        except (TypeError, ValueError):
            raise SystemExit(f"CPU_LIMIT = {cpu!r} in the hub settings is not a number of CPUs: write it as 1 or "
                             "0.5") from None
    if processes:
        config["unit_extra_properties"] = {"TasksMax": str(int(processes))}
    return config
