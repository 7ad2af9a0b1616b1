"""Each learner's server starts through hub/learner_limits.py's command: run a process through it as the hub
does and check the kernel's own limits and that an allocation past MEM_LIMIT fails in that process."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

HUB = Path(__file__).resolve().parents[1] / "hub"
GRAB = ("import mmap, pathlib\nprint(pathlib.Path('/proc/self/limits').read_text())\n"
        "try:\n    mmap.mmap(-1, 4 << 30)\n    print('allocated')\nexcept OSError:\n    print('refused')")


def learner_limits():
    spec = importlib.util.spec_from_file_location("learner_limits", HUB / "learner_limits.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prlimit and /proc are Linux's")
def test_a_process_started_as_a_learners_server_cannot_take_more_than_its_limits():
    settings = {"MEM_LIMIT": "1G", "PROCESS_LIMIT": 64}
    command, environment = learner_limits().limited_command([sys.executable, "-c", GRAB], settings)
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, env=environment)
    assert result.stdout.splitlines()[-1] == "refused", result.stdout + result.stderr
    assert any(line.startswith("Max address space") and line.split()[3:5] == ["1073741824", "1073741824"]
               for line in result.stdout.splitlines())
    assert any(line.startswith("Max processes") and line.split()[2:4] == ["64", "64"]
               for line in result.stdout.splitlines())
    unlimited = subprocess.run([sys.executable, "-c", GRAB], capture_output=True, text=True, timeout=60)
    assert unlimited.stdout.splitlines()[-1] == "allocated"  # the same request, without the limits


def test_sizes_read_as_jupyterhub_reads_them_and_a_bad_one_is_named():
    limits = learner_limits()
    assert [limits.size_in_bytes(text) for text in ("1G", "512M", "2048", "1.5G")] == [
        1 << 30, 512 << 20, 2048, 3 << 29]
    with pytest.raises(SystemExit, match="MEM_LIMIT = 'lots'"):
        limits.size_in_bytes("lots")
    assert limits.limited_command(["server"], {"MEM_LIMIT": "", "PROCESS_LIMIT": 0}) == (["server"], {})
