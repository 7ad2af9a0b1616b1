#!/usr/bin/env python3
"""Serve the course to a cohort from one server: install, demo accounts, start, stop, clean (run as root).

`make hub` runs `install`, `demo-users` and `start`; `make hub-stop` runs `stop`; `make hub-clean` runs `clean`.
Standard library only, so it runs on a fresh machine before anything is installed. Every step is safe to re-run.
Settings come from hub/settings.py, or the file named by COURSE_HUB_SETTINGS.
"""

from __future__ import annotations

import argparse
import grp
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
HUB_PACKAGES = ["jupyterhub>=5,<7", "jupyterhub-nativeauthenticator>=1.2", "psycopg2-binary>=2.9"]
# JupyterHub passes no PATH to servers it starts (since 6); every server gets this one, the venv's tools first.
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"


class HubError(RuntimeError):
    """A step that cannot go on, with what to do about it."""


def load_settings(path: str | os.PathLike | None = None) -> dict:
    """The trainer's settings file as a dict of its upper-case names."""
    path = Path(path or os.environ.get("COURSE_HUB_SETTINGS") or HERE / "settings.py")
    namespace: dict = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    settings = {k: v for k, v in namespace.items() if k.isupper()}
    settings["SETTINGS_FILE"] = str(path.resolve())
    return settings


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), check=True, **kwargs)


def quietly(*args: str) -> None:
    """Run a noisy installer, showing its output only when it fails."""
    result = subprocess.run(list(args), capture_output=True, text=True)
    if result.returncode != 0:
        raise HubError(f"{' '.join(args[:4])} ... failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


def say(message: str) -> None:
    print(f"[hub] {message}", flush=True)


def require_root() -> None:
    if not sys.platform.startswith("linux"):
        raise HubError("the hub runs on Linux only (real Unix users, one per learner)")
    if os.geteuid() != 0:
        raise HubError("run as root: the hub creates Unix users and starts each learner's server as that user")


# --- software -------------------------------------------------------------------------------------------------

def venv_dir(s: dict) -> Path:
    return Path(s["INSTALL_DIR"]) / "venv"


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
        say("installing JupyterHub, NativeAuthenticator and the PostgreSQL driver")
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
    shutil.copytree(HERE, install_dir / "hub", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "k8s"))


def copy_tree(src: Path, dest: Path, mode: int) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    for path in [dest, *dest.rglob("*")]:
        os.chmod(path, mode if path.is_dir() else mode & 0o644)


def write_jupyter_config(s: dict) -> None:
    """System-wide settings every server reads, and the graders' own settings only the formgrader service reads."""
    etc = venv_dir(s) / "etc" / "jupyter"
    (etc / "jupyter_server_config.d").mkdir(parents=True, exist_ok=True)
    (etc / "labconfig").mkdir(parents=True, exist_ok=True)
    (etc / "nbgrader_config.py").write_text(
        (HERE / "nbgrader_config.py").read_text()
        .replace("@EXCHANGE_ROOT@", s["EXCHANGE_ROOT"]).replace("@COURSE_ID@", s["COURSE_ID"]))
    # pip install nbgrader turns the formgrader on for everyone; this file loads after nbgrader.json and turns it
    # off. The formgrader runs only as the hub service, for graders.
    (etc / "jupyter_server_config.d" / "secure-attachment-hub.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": {"nbgrader.server_extensions.formgrader": False,
                                               "nbgrader.server_extensions.course_list": False}}}, indent=2))
    (etc / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyter/nbgrader:formgrader": True, "@jupyter/nbgrader:create-assignment": True,
                                "@jupyter/nbgrader:course-list": True}}, indent=2))
    # No "get notified about Jupyter news?" prompt for learners, and no update checks.
    settings = venv_dir(s) / "share" / "jupyter" / "lab" / "settings"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "overrides.json").write_text(json.dumps(
        {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}}, indent=2))
    graders = graders_config_dir(s)
    (graders / "labconfig").mkdir(parents=True, exist_ok=True)
    (graders / "jupyter_server_config.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": {"nbgrader.server_extensions.formgrader": True,
                                               "course.grading.nbgrader.formgrader_policy": True}}}, indent=2))
    (graders / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyter/nbgrader:formgrader": False,
                                "@jupyter/nbgrader:create-assignment": False}}, indent=2))
    gradebook = f"c.CourseDirectory.db_url = {s['GRADEBOOK_URL']!r}\n" if s["GRADEBOOK_URL"] else ""
    (graders / "nbgrader_config.py").write_text(
        '"""Graders only (the formgrader service and its terminals): written by hub/course_hub.py from settings."""\n'
        "c = get_config()  # noqa: F821\n" + gradebook)
    gid = grp.getgrnam(s["GRADERS_GROUP"]).gr_gid
    for path in [graders, *graders.rglob("*")]:
        os.chown(path, 0, gid)
        os.chmod(path, 0o750 if path.is_dir() else 0o640)


def graders_config_dir(s: dict) -> Path:
    return Path(s["INSTALL_DIR"]) / "graders"


# --- accounts and folders -------------------------------------------------------------------------------------

def ensure_group(name: str) -> None:
    try:
        grp.getgrnam(name)
    except KeyError:
        run("groupadd", name)


def user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def ensure_user(name: str, group: str, *, system: bool = False) -> bool:
    """A Unix user with a private home (0700); True when newly made."""
    created = False
    if not user_exists(name):
        args = ["useradd", "--create-home", "--shell", "/bin/bash", "--gid" if system else "--groups", group]
        if system:
            args += ["--system", "--home-dir", f"/home/{name}"]
        run(*args, name)
        created = True
    else:
        run("usermod", "--append", "--groups", group, name)
    os.chmod(pwd.getpwnam(name).pw_dir, 0o700)
    return created


def prepare_folders(s: dict) -> None:
    """Course root for graders only; the exchange with nbgrader's documented permissions."""
    for group in (s["GRADERS_GROUP"], s["LEARNERS_GROUP"]):
        ensure_group(group)
    ensure_user(s["GRADER_ACCOUNT"], s["GRADERS_GROUP"], system=True)
    grader = pwd.getpwnam(s["GRADER_ACCOUNT"])
    graders_gid = grp.getgrnam(s["GRADERS_GROUP"]).gr_gid
    root = Path(s["COURSE_ROOT"])
    root.mkdir(parents=True, exist_ok=True)
    # Never overwrite a trainer's edited assignment sources or gradebook; add what is missing.
    for item in ("assignments",):
        if not (root / item).exists():
            shutil.copytree(REPO / item, root / item, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy2(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    for path in [root, *root.rglob("*")]:
        os.chown(path, grader.pw_uid, graders_gid, follow_symlinks=False)
        if path.is_dir() and not path.is_symlink():
            os.chmod(path, 0o2770)
        elif path.is_file():
            os.chmod(path, 0o660)
    os.chmod(root.parent, 0o755)
    exchange = Path(s["EXCHANGE_ROOT"])
    exchange.mkdir(parents=True, exist_ok=True)
    # nbgrader: "the exchange directory must be readable and writable by everyone". The sticky bit and a course
    # folder made here for the grader account stop a student making, renaming or removing the course's folder.
    os.chmod(exchange, 0o1777)
    course_exchange = exchange / s["COURSE_ID"]
    course_exchange.mkdir(exist_ok=True)
    os.chown(course_exchange, grader.pw_uid, graders_gid)
    os.chmod(course_exchange, 0o755)
    state = Path(s["STATE_DIR"])
    state.mkdir(parents=True, exist_ok=True)
    os.chmod(state, 0o700)


def demo_users(s: dict) -> list[tuple[str, str]]:
    """Instructors and demo students with generated passwords; new ones are printed once and kept root-only."""
    new: list[tuple[str, str]] = []
    names = [(n, s["GRADERS_GROUP"]) for n in s["INSTRUCTORS"]]
    prefix = s.get("DEMO_STUDENT_PREFIX", "student")
    names += [(f"{prefix}{i:02d}", s["LEARNERS_GROUP"]) for i in range(1, s["DEMO_STUDENTS"] + 1)]
    for name, group in names:
        if ensure_user(name, group):
            password = secrets.token_urlsafe(12)
            run("chpasswd", input=f"{name}:{password}\n", text=True)
            new.append((name, password))
    if new:
        store = Path(s["STATE_DIR"]) / "demo-passwords.txt"
        fd = os.open(store, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a") as fh:
            fh.writelines(f"{name} {password}\n" for name, password in new)
        os.chmod(store, 0o600)
        say(f"new accounts (shown once; kept in {store}, readable by root only):")
        for name, password in new:
            print(f"    {name:16} {password}")
    return new


def add_learner(s: dict, name: str) -> None:
    ensure_group(s["LEARNERS_GROUP"])
    ensure_user(name, s["LEARNERS_GROUP"])
    say(f"{name} is a learner; with the pam authenticator set a password with: passwd {name}")


def demo_names(s: dict) -> list[str]:
    prefix = s.get("DEMO_STUDENT_PREFIX", "student")
    return list(s["INSTRUCTORS"]) + [f"{prefix}{i:02d}" for i in range(1, s["DEMO_STUDENTS"] + 1)]


# --- running --------------------------------------------------------------------------------------------------

def pid_file(s: dict) -> Path:
    return Path(s["STATE_DIR"]) / "jupyterhub.pid"


def running_pid(s: dict) -> int | None:
    try:
        pid = int(pid_file(s).read_text())
        os.kill(pid, 0)
        return pid
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None


def hub_url(s: dict) -> str:
    return f"http://{s['HUB_IP']}:{s['HUB_PORT']}"


def start(s: dict, wait: float = 90) -> int:
    """Start the hub in its own session (a hub started with & from a shell ignores SIGINT), wait until it answers."""
    pid = running_pid(s)
    if pid:
        say(f"the hub is already running (pid {pid}) at {hub_url(s)}")
        return pid
    state = Path(s["STATE_DIR"])
    proxy = install_proxy()
    env = {"PATH": f"{venv_dir(s)}/bin:{Path(proxy).parent}:{SYSTEM_PATH}", "LANG": "C.UTF-8",
           "COURSE_HUB_SETTINGS": s["SETTINGS_FILE"]}
    log = open(state / "jupyterhub.log", "ab")
    process = subprocess.Popen(
        [str(venv_dir(s) / "bin" / "jupyterhub"), "-f", str(Path(s["INSTALL_DIR"]) / "hub" / "jupyterhub_config.py")],
        cwd=state, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    pid_file(s).write_text(str(process.pid))
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise HubError(f"the hub stopped at start (exit {process.returncode}); see {state / 'jupyterhub.log'}")
        try:
            urllib.request.urlopen(f"{hub_url(s)}/hub/api/", timeout=2)
            say(f"the hub is up at {hub_url(s)} (pid {process.pid}); the formgrader for graders is at "
                f"{hub_url(s)}/services/{s['COURSE_ID']}/formgrader")
            return process.pid
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    stop(s)
    raise HubError(f"the hub did not answer within {wait:.0f} s; see {state / 'jupyterhub.log'}")


def stop(s: dict, wait: float = 20) -> None:
    """Stop the hub, its proxy, the formgrader service and every learner's server it started."""
    pid = running_pid(s)
    if pid is None:
        say("the hub is not running")
    else:
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and running_pid(s):
            time.sleep(0.2)
        if running_pid(s):
            os.killpg(pid, signal.SIGKILL)
        say("the hub has stopped")
    pid_file(s).unlink(missing_ok=True)
    # The proxy runs in its own session; the hub stops it when it stops cleanly, this covers a hub that crashed.
    proxy_pid = Path(s["STATE_DIR"]) / "proxy.pid"
    try:
        os.kill(int(proxy_pid.read_text()), signal.SIGTERM)
    except (FileNotFoundError, ValueError, ProcessLookupError):
        pass
    proxy_pid.unlink(missing_ok=True)
    # Learners' servers run in their own sessions as their own users; end any the hub left behind.
    for name in [*known_course_users(s), s["GRADER_ACCOUNT"]]:
        end_processes_of(name, signal.SIGTERM)


def end_processes_of(name: str, sig: int) -> None:
    """Signal each process (by its id) that runs as this course account."""
    try:
        uid = pwd.getpwnam(name).pw_uid
    except KeyError:
        return
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if proc.stat().st_uid == uid:
                os.kill(int(proc.name), sig)
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            pass


def known_course_users(s: dict) -> list[str]:
    members: set[str] = set()
    for group in (s["GRADERS_GROUP"], s["LEARNERS_GROUP"]):
        try:
            members.update(grp.getgrnam(group).gr_mem)
        except KeyError:
            pass
    return sorted(members | set(demo_names(s)))


def clean(s: dict, keep_software: bool = False) -> None:
    """Remove the demo accounts (with their homes), the grader account, groups and every folder the hub made."""
    stop(s)
    for name in [*demo_names(s), s["GRADER_ACCOUNT"]]:
        if user_exists(name):
            end_processes_of(name, signal.SIGKILL)
            time.sleep(0.2)
            run("userdel", "--remove", name, stderr=subprocess.DEVNULL)
    for group in (s["GRADERS_GROUP"], s["LEARNERS_GROUP"]):
        try:
            grp.getgrnam(group)
            subprocess.run(["groupdel", group], capture_output=True)
        except KeyError:
            pass
    for folder in (s["COURSE_ROOT"], s["EXCHANGE_ROOT"], s["STATE_DIR"]):
        shutil.rmtree(folder, ignore_errors=True)
        try:
            Path(folder).parent.rmdir()  # the folder made to hold it, when nothing else is there
        except OSError:
            pass
    if not keep_software:
        shutil.rmtree(s["INSTALL_DIR"], ignore_errors=True)
    say("demo accounts and folders removed")


def install(s: dict) -> None:
    require_root()
    install_proxy()
    prepare_folders(s)
    install_software(s)
    write_jupyter_config(s)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["install", "demo-users", "start", "stop", "clean", "up", "add-learner"])
    parser.add_argument("name", nargs="?", help="add-learner: the learner's Unix user name")
    args = parser.parse_args(argv)
    settings = load_settings()
    try:
        require_root()
        if args.step in ("install", "up"):
            install(settings)
        if args.step in ("demo-users", "up"):
            demo_users(settings)
        if args.step in ("start", "up"):
            start(settings)
        if args.step == "stop":
            stop(settings)
        if args.step == "clean":
            clean(settings)
        if args.step == "add-learner":
            if not args.name:
                parser.error("add-learner needs a NAME")
            add_learner(settings, args.name)
    except (HubError, subprocess.CalledProcessError) as exc:
        print(f"[hub] error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
