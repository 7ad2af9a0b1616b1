"""Installing the hub's software: configurable-http-proxy, a venv every user can run, the course wheel, notebooks."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .common import HUB, REPO, SYSTEM_PATH, HubError, quietly, run, say, venv_dir

HUB_PACKAGES = ["jupyterhub>=5,<7", "jupyterhub-nativeauthenticator>=1.2", "psycopg2-binary>=2.9",
                "jupyterhub-systemdspawner>=1.0.2,<2"]


def usable_python() -> str:
    """A Python 3.11+ that every user can execute (a venv made from a Python under /root is useless to others)."""
    for candidate in ("/usr/bin/python3.13", "/usr/bin/python3.12", "/usr/bin/python3.11", "/usr/bin/python3"):
        if not os.path.exists(candidate):
            continue
        ok = subprocess.run([candidate, "-c", "import sys, venv; sys.exit(sys.version_info < (3, 11))"],
                            capture_output=True).returncode == 0
        real = Path(os.path.realpath(candidate))
        world_exec = all(p.stat().st_mode & 0o001 for p in [real, *real.parents])
        if ok and world_exec:
            return candidate
    raise HubError("no Python 3.11+ that every user can run under /usr/bin: apt-get install python3 python3-venv")


def apt_install(*packages: str) -> None:
    say(f"installing {' '.join(packages)} with apt-get")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run("apt-get", "update", "-qq", env=env)
    run("apt-get", "install", "-y", "-qq", *packages, env=env, stdout=subprocess.DEVNULL)


def install_proxy() -> str:
    """configurable-http-proxy (the hub's front door) from npm, with Debian's node when node is missing."""
    found = shutil.which("configurable-http-proxy")
    if found:
        return found
    if not shutil.which("npm"):
        apt_install("nodejs", "npm")
    say("installing configurable-http-proxy with npm")
    run("npm", "install", "--global", "--no-fund", "--no-audit", "configurable-http-proxy", stdout=subprocess.DEVNULL)
    found = shutil.which("configurable-http-proxy")
    if not found:
        raise HubError("npm installed configurable-http-proxy but it is not on PATH; check `npm config get prefix`")
    return found


def install_software(s: dict) -> None:
    install_dir = Path(s["INSTALL_DIR"])
    venv = venv_dir(s)
    install_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(install_dir, 0o755)
    if not (venv / "bin" / "python").exists():
        python = usable_python()
        if subprocess.run([python, "-c", "import ensurepip"], capture_output=True).returncode != 0:
            apt_install("python3-venv")
        say(f"creating {venv} from {python}")
        run(python, "-m", "venv", str(venv))
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--quiet", "--disable-pip-version-check"]
    stamp = venv / ".hub-packages"
    if not stamp.exists() or stamp.read_text() != "\n".join(HUB_PACKAGES):
        say("installing JupyterHub, NativeAuthenticator, the systemd spawner and the PostgreSQL driver")
        quietly(*pip, "install", *HUB_PACKAGES)
        stamp.write_text("\n".join(HUB_PACKAGES))
    with tempfile.TemporaryDirectory() as tmp:
        say("building the course wheel and installing it (not editable: the server needs no checkout)")
        quietly(*pip, "wheel", "--no-deps", "--wheel-dir", tmp, str(REPO))
        wheel = next(Path(tmp).glob("*.whl"))
        dist = install_dir / "dist"
        dist.mkdir(exist_ok=True)
        shutil.copy2(wheel, dist / wheel.name)
        quietly(*pip, "install", "--force-reinstall", "--no-deps", str(dist / wheel.name))
        # Its dependencies when new, with the learn extra (Voilà) so LEARNER_MODE can be switched on later, and the lti
        # extra (signed tokens) so AUTHENTICATOR = "lti" can be.
        quietly(*pip, "install", f"{dist / wheel.name}[learn,lti]")
    # Learners get these copied into their home on first start; not secret, so readable by all.
    copy_tree(REPO / "notebooks", install_dir / "notebooks", mode=0o755)
    content_needs_copy = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "from course.content import load_content; load_content()"],
        cwd="/", capture_output=True, env={"PATH": SYSTEM_PATH, "HOME": "/nonexistent"}).returncode != 0
    data = install_dir / "data"
    if content_needs_copy:
        say(f"this course wheel carries no content: installing data/ at {data} (COURSE_DATA)")
        copy_tree(REPO / "data", data, mode=0o755)
    elif data.exists():
        shutil.rmtree(data)
    shutil.copytree(HUB, install_dir / "hub", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "k8s"))


def copy_tree(src: Path, dest: Path, mode: int) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    for path in [dest, *dest.rglob("*")]:
        os.chmod(path, mode if path.is_dir() else mode & 0o644)


