"""One deployment configuration: the one-server hub and the Kubernetes image take their settings from
course.deployment; the hub's extra settings are a real config file."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from traitlets.config.loader import PyFileConfigLoader

from course import deployment

REPO = Path(__file__).resolve().parents[1]
HUB_SETTINGS = (REPO / "hub" / "settings.py").read_text()


def different_files(ours: Path, theirs: Path) -> list[str]:
    compared = filecmp.dircmp(ours, theirs)
    found = [*compared.left_only, *compared.right_only, *compared.diff_files, *compared.funny_files]
    for name in compared.common_dirs:
        found += [f"{name}/{f}" for f in different_files(ours / name, theirs / name)]
    return found


@pytest.mark.checkout
def test_kubernetes_image_settings_are_generated_from_the_package(tmp_path):
    """Are the Kubernetes image's Jupyter and nbgrader files exactly what course.deployment writes?"""
    if not shutil.which("make"):
        pytest.skip("no make here")
    subprocess.run(["make", "-s", "k8s-config", f"K8S_IMAGE={tmp_path}"], cwd=REPO, check=True)
    assert different_files(tmp_path, REPO / "hub" / "k8s" / "image") == [], (
        "hub/k8s/image differs from course.deployment: run `make k8s-config`")


def test_notebooks_are_given_once_and_never_overwritten(tmp_path):
    """Does the notebook-copying rule add new modules but keep a notebook the learner worked in?"""
    source, home = tmp_path / "notebooks", tmp_path / "home"
    source.mkdir()
    home.mkdir()
    (source / "01.ipynb").write_text("released 01")
    command = deployment.copy_notebooks_command(str(source), "my course")
    run = {"check": True, "env": {"HOME": str(home), "PATH": os.environ["PATH"]}}
    subprocess.run(["/bin/sh", "-c", command], **run)
    (home / "my course" / "01.ipynb").write_text("the learner's own work")
    (source / "02.ipynb").write_text("released 02")
    subprocess.run(["/bin/sh", "-c", command], **run)
    assert (home / "my course" / "01.ipynb").read_text() == "the learner's own work"
    assert (home / "my course" / "02.ipynb").read_text() == "released 02"


def hub_config(tmp_path: Path, settings: str, monkeypatch):
    """hub/jupyterhub_config.py loaded with JupyterHub's own config loader (traitlets), as the hub loads it."""
    path = tmp_path / "settings.py"
    path.write_text(settings)
    monkeypatch.setenv("COURSE_HUB_SETTINGS", str(path))
    monkeypatch.setattr(sys, "path", list(sys.path))
    loader = PyFileConfigLoader("jupyterhub_config.py", path=str(REPO / "hub"))
    return loader.load_config()


def test_extra_config_file_is_loaded_last(tmp_path, monkeypatch):
    """Does a trainer's own config file named in EXTRA_CONFIG_FILE load, and override the hub's settings?"""
    extra = tmp_path / "extra_config.py"
    extra.write_text("c = get_config()  # noqa: F821\nc.JupyterHub.port = 12345\nc.Spawner.start_timeout = 7\n")
    config = hub_config(tmp_path, HUB_SETTINGS.replace('EXTRA_CONFIG_FILE = ""', f"EXTRA_CONFIG_FILE = {str(extra)!r}"),
                        monkeypatch)
    assert config.JupyterHub.port == 12345
    assert config.Spawner.start_timeout == 7
    assert config.JupyterHub.hub_port == 8081, "the hub's own settings were lost"


def test_extra_config_text_is_refused_with_the_fix(tmp_path, monkeypatch):
    """Does a settings file that still has EXTRA_CONFIG text stop with what to do, rather than run it?"""
    path = tmp_path / "settings.py"
    path.write_text(HUB_SETTINGS + '\nEXTRA_CONFIG = "c.JupyterHub.port = 1"\n')
    sys.path.insert(0, str(REPO / "hub"))
    try:
        from serving.common import HubError, load_settings
    finally:
        sys.path.remove(str(REPO / "hub"))
    with pytest.raises(HubError, match="EXTRA_CONFIG_FILE") as raised:
        load_settings(path)
    assert str(path) in str(raised.value)
