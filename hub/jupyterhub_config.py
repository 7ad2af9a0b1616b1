"""JupyterHub for one course on one server: real Unix users, a formgrader service for graders only.

Everything a trainer sets is in settings.py (or the file named by COURSE_HUB_SETTINGS); this file turns those
settings into JupyterHub's. Started by `python3 hub/course_hub.py start` (`make hub`).
"""

import grp
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from learner_limits import SYSTEMD_SPAWNER, limited_command, systemd_runs, systemd_spawner_config  # noqa: E402
from serving.common import SYSTEM_PATH, graders_config_dir, load_settings, venv_dir  # noqa: E402

from course.deployment import copy_notebooks_command  # noqa: E402

c = get_config()  # noqa: F821
s = load_settings()
VENV = venv_dir(s)
INSTALL = Path(s["INSTALL_DIR"])
STATE = Path(s["STATE_DIR"])
RUNUSER = shutil.which("runuser", path="/usr/sbin:/sbin:/usr/bin:/bin") or "runuser"
COURSE_DATA = INSTALL / "data"  # present only while the course wheel carries no content of its own

c.JupyterHub.ip = s["HUB_IP"]
c.JupyterHub.port = s["HUB_PORT"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = s["HUB_API_PORT"]
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{s['PROXY_API_PORT']}"

# --- who may log in ------------------------------------------------------------------------------------------
def group_members(name):
    try:
        return set(grp.getgrnam(name).gr_mem)
    except KeyError:
        return set()


c.Authenticator.admin_users = set(s["ADMIN_USERS"])
if s["AUTHENTICATOR"] == "pam":
    c.JupyterHub.authenticator_class = "pam"
    c.PAMAuthenticator.allowed_groups = {s["LEARNERS_GROUP"], s["GRADERS_GROUP"]}
    c.PAMAuthenticator.open_sessions = False  # containers rarely have a session manager; sessions add nothing here
elif s["AUTHENTICATOR"] == "native":
    import nativeauthenticator

    c.JupyterHub.authenticator_class = "native"
    c.JupyterHub.template_paths = [str(Path(nativeauthenticator.__file__).parent / "templates")]
    c.NativeAuthenticator.open_signup = False  # an admin approves each sign-up at /hub/authorize
    c.NativeAuthenticator.check_common_password = True
    c.NativeAuthenticator.minimum_password_length = 10
    c.Authenticator.allow_all = True  # approval is the gate; the server only starts for an existing Unix user
elif s["AUTHENTICATOR"] == "dummy":
    if s["HUB_IP"] not in ("127.0.0.1", "localhost"):
        raise SystemExit("AUTHENTICATOR = 'dummy' lets anyone in with any password: only on 127.0.0.1")
    c.JupyterHub.authenticator_class = "dummy"
    c.Authenticator.allowed_users = group_members(s["LEARNERS_GROUP"]) | group_members(s["GRADERS_GROUP"])

elif s["AUTHENTICATOR"] == "lti":
    pass  # LTI 1.3 from the learning platform: set up at the end, once the formgrader service exists (lti_hub.py)

# --- each learner's server -----------------------------------------------------------------------------------
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(VENV / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = s["DEFAULT_URL"]
learner_mode_path = []
if s.get("LEARNER_MODE"):
    # The course's own settings for learner mode in a hub user's server (this config runs in the course's venv).
    from course import learner_mode

    c.Spawner.default_url = "/" + learner_mode.render_path(f"{s['NOTEBOOK_FOLDER']}/{learner_mode.START_PAGE}")
    c.Spawner.args = learner_mode.server_options()
    learner_mode_path = [str(learner_mode.JUPYTER_DIR)]
c.Spawner.http_timeout = 60
c.Spawner.start_timeout = 90


def course_home(spawner):
    """Each learner's saved progress and reflections, in their own (0700) home."""
    return str(Path(pwd.getpwnam(spawner.user.name).pw_dir) / ".secure-attachment")


environment = {
    "PATH": f"{VENV}/bin:{SYSTEM_PATH}",
    "NBGRADER_EXCHANGE": s["EXCHANGE_ROOT"],
    "COURSE_HOME": course_home,
    "LANG": "C.UTF-8",
}
if COURSE_DATA.is_dir():
    environment["COURSE_DATA"] = str(COURSE_DATA)
if learner_mode_path:
    environment["JUPYTER_PATH"] = os.pathsep.join(learner_mode_path)
# Each learner's server, and its kernels, within MEM_LIMIT and PROCESS_LIMIT (see learner_limits.py): as a
# systemd unit where systemd runs (JupyterHub's systemd spawner, as The Littlest JupyterHub), else through prlimit.
if systemd_runs():
    c.JupyterHub.spawner_class = SYSTEMD_SPAWNER
    for name, value in systemd_spawner_config(s).items():
        setattr(c.SystemdSpawner, name, value)
else:
    c.Spawner.cmd, limits_environment = limited_command(c.Spawner.cmd, s)
    environment.update(limits_environment)
c.Spawner.environment = environment


def give_notebooks(spawner):
    """Copy the module notebooks into the learner's home, as the learner, never overwriting their own copies."""
    name = spawner.user.name
    try:
        pwd.getpwnam(name)
    except KeyError:
        raise RuntimeError(f"{name} has no Unix account on this server; ask a trainer to run "
                           f"'python3 hub/course_hub.py add-learner {name}'") from None
    script = copy_notebooks_command(str(INSTALL / "notebooks"), s["NOTEBOOK_FOLDER"]) + ' && chmod 700 "$HOME"'
    subprocess.run([RUNUSER, "-u", name, "--", "/bin/sh", "-c", script], check=True, capture_output=True, cwd="/")


c.Spawner.pre_spawn_hook = give_notebooks

# --- the formgrader: a service run by the grader account, for graders only ------------------------------------
service = s["COURSE_ID"]
graders = f"formgrade-{service}"
c.JupyterHub.load_groups = {graders: sorted(set(s["INSTRUCTORS"]) | group_members(s["GRADERS_GROUP"]))}
c.JupyterHub.load_roles = [
    {"name": graders, "groups": [graders],
     "scopes": [f"access:services!service={service}", "list:services", f"read:services!service={service}"]},
]
service_environment = {
    "PATH": f"{VENV}/bin:{SYSTEM_PATH}",
    # The course's nbgrader_config.py (in the course root) reads the shared exchange from here.
    "NBGRADER_EXCHANGE": s["EXCHANGE_ROOT"],
    # Graders' settings: formgrader and create-assignment on, and the gradebook's address.
    "JUPYTER_CONFIG_PATH": str(graders_config_dir(s)),
    "JUPYTERHUB_DEFAULT_URL": "/lab",
    "LANG": "C.UTF-8",
}
if COURSE_DATA.is_dir():
    service_environment["COURSE_DATA"] = str(COURSE_DATA)
c.JupyterHub.services = [{
    "name": service,
    "url": f"http://127.0.0.1:{s['FORMGRADER_PORT']}",
    "command": [str(VENV / "bin" / "jupyterhub-singleuser"), f"--ServerApp.root_dir={s['COURSE_ROOT']}"],
    "user": s["GRADER_ACCOUNT"],
    "cwd": s["COURSE_ROOT"],
    "environment": service_environment,
    "oauth_no_confirm": True,
}]

if s["AUTHENTICATOR"] == "lti":
    import lti_hub

    lti_hub.configure(c, s, learner_page=c.Spawner.default_url.lstrip("/").replace(
        learner_mode.START_PAGE, "{module}") if s.get("LEARNER_MODE") else None)

if s.get("EXTRA_CONFIG_FILE"):
    load_subconfig(s["EXTRA_CONFIG_FILE"])  # noqa: F821 (JupyterHub's config loader provides it)
os.environ.setdefault("PATH", SYSTEM_PATH)
