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


@pytest.mark.parametrize("pid1", ["systemd", "bash"])
def test_the_hub_uses_the_systemd_spawner_with_the_settings_limits_only_where_systemd_runs(pid1, tmp_path,
                                                                                            monkeypatch):
    """hub/jupyterhub_config.py loaded as JupyterHub loads it, with PID 1 read from a stand-in /proc: with systemd,
    is each server a systemd unit with the settings' memory, CPU and task limits (no prlimit); without, prlimit?
    (The systemd path itself is not run here: this machine has no systemd.)"""
    from test_deployment import HUB_SETTINGS, hub_config

    limits = learner_limits()
    (tmp_path / "proc" / "1").mkdir(parents=True)
    (tmp_path / "proc" / "1" / "comm").write_text(pid1 + "\n")
    assert limits.systemd_runs(tmp_path / "proc") is (pid1 == "systemd")
    assert limits.systemd_runs(tmp_path / "nowhere") is False
    detect = limits.systemd_runs
    monkeypatch.setattr(limits, "systemd_runs", lambda: detect(tmp_path / "proc"))
    monkeypatch.setitem(sys.modules, "learner_limits", limits)
    settings = HUB_SETTINGS + '\nMEM_LIMIT = "1.5G"\nCPU_LIMIT = 0.5\nPROCESS_LIMIT = 300\n'
    config = hub_config(tmp_path, settings, monkeypatch)
    command = config.Spawner.cmd
    if pid1 == "systemd":
        assert config.JupyterHub.spawner_class == "systemdspawner.SystemdSpawner"
        assert config.SystemdSpawner.mem_limit == 3 << 29 and config.SystemdSpawner.cpu_limit == 0.5
        assert config.SystemdSpawner.unit_extra_properties == {"TasksMax": "300"}
        assert config.SystemdSpawner.isolate_tmp is True and config.SystemdSpawner.disable_user_sudo is True
        assert not any("prlimit" in part for part in command) and "MALLOC_ARENA_MAX" not in config.Spawner.environment
    else:
        assert config.JupyterHub.spawner_class == "localprocess" and "SystemdSpawner" not in config
        assert command[0].endswith("prlimit") and f"--as={3 << 29}" in command and "--nproc=300" in command


def test_the_hubs_packages_are_the_hub_extra():
    """Does `make hub` install exactly the packages pyproject.toml's hub extra declares (the systemd spawner too)?"""
    import tomllib

    sys.path.insert(0, str(HUB))
    try:
        from serving.software import HUB_PACKAGES
    finally:
        sys.path.remove(str(HUB))
    project = tomllib.loads((HUB.parent / "pyproject.toml").read_text())["project"]
    assert sorted(HUB_PACKAGES) == sorted(project["optional-dependencies"]["hub"])
    assert any(p.startswith("jupyterhub-systemdspawner") for p in HUB_PACKAGES)
