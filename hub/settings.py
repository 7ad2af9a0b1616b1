"""Everything a trainer sets to serve the course to a cohort from one server (read by `make hub` and the hub).

Copy this file, edit the copy and point `COURSE_HUB_SETTINGS=/path/to/your/settings.py` at it (or edit it in place
on the server). Each setting says what it does; the defaults run the local demo on 127.0.0.1.
"""

# The course's name in nbgrader's exchange and the formgrader's address: /services/<COURSE_ID>/formgrader.
COURSE_ID = "secure-attachment"

# Where the software goes: a virtual environment (the hub, JupyterLab, nbgrader and the course) every user can run,
# the module notebooks learners are given, and the installed hub settings. Readable by everyone, writable by root.
INSTALL_DIR = "/opt/secure-attachment"

# The course root: assignment sources (with solutions and hidden tests), the gradebook and students' submissions.
# Owned by the grader account, readable and writable by the graders' group only; students cannot list it.
COURSE_ROOT = "/srv/secure-attachment/course"

# nbgrader's shared exchange, where assignments are released and submitted (created with nbgrader's documented
# permissions; submissions are made readable by the graders' group only).
EXCHANGE_ROOT = "/srv/nbgrader/exchange"

# The hub's own state (its database, cookie secret, log, pid file, generated demo passwords). Root only.
STATE_DIR = "/var/lib/secure-attachment-hub"

# The Unix account that runs the formgrader service and owns the course root. Not a person: nobody logs in as it.
GRADER_ACCOUNT = "grader-secure-attachment"
# Unix group of everyone allowed to grade: they may open the formgrader and read the course root.
GRADERS_GROUP = "course-graders"
# Unix group of learners allowed to log in.
LEARNERS_GROUP = "course-learners"

# Trainers (Unix user names) who grade. They are put in GRADERS_GROUP and may open the formgrader.
INSTRUCTORS = ["instructor"]
# Hub admins can stop and start anyone's server and open it: leave empty unless you need it.
ADMIN_USERS: list[str] = []

# How people log in:
#   "pam"    — their Unix user name and password on this server (the demo: `make hub` creates the accounts and
#              prints their generated passwords once).
#   "native" — NativeAuthenticator: learners sign up at /hub/signup, an admin approves them at /hub/authorize.
#              Every approved name must also exist as a Unix user in LEARNERS_GROUP (`python3 hub/course_hub.py
#              add-learner NAME`), because each learner's server runs as their own Unix user.
#   "dummy"  — any password opens any account in the groups above. Only for a demo on 127.0.0.1: never in use.
#   "lti"    — LTI 1.3: learners open the course from Moodle, Canvas or Blackboard and arrive signed in, each as
#              their own Unix account (made on first launch); fill in LTI_PLATFORM below (docs/lti.md).
# For another university login (OAuth), set "custom" and configure the authenticator in EXTRA_CONFIG_FILE below
# (see docs/hub.md).
AUTHENTICATOR = "pam"

# LTI 1.3 (AUTHENTICATOR = "lti"): what the platform's administrator gives you when registering the tool
# (docs/lti.md says where each platform shows them). Example:
#   LTI_PLATFORM = {"issuer": "https://moodle.example.ac.uk", "client_id": "aBc123",
#                   "deployment_ids": ["1"], "jwks_url": "https://moodle.example.ac.uk/mod/lti/certs.php",
#                   "auth_url": "https://moodle.example.ac.uk/mod/lti/auth.php",
#                   "token_url": "https://moodle.example.ac.uk/mod/lti/token.php"}
LTI_PLATFORM: dict = {}
# The hub's address as the platform's users reach it (https, through the TLS proxy). Empty: http://HUB_IP:HUB_PORT.
LTI_TOOL_URL = ""

# Where the hub listens. Keep 127.0.0.1 unless a TLS reverse proxy (nginx, Caddy) sits in front of it:
# passwords must never cross a network unencrypted.
HUB_IP = "127.0.0.1"
HUB_PORT = 8000
# Internal ports on 127.0.0.1: the hub's API, the proxy's API and the formgrader service.
HUB_API_PORT = 8081
PROXY_API_PORT = 8001
FORMGRADER_PORT = 9999

# Where a learner lands after logging in. The module notebooks are copied into NOTEBOOK_FOLDER in their home on
# first start (new modules are added on later starts; their edited copies are never overwritten).
NOTEBOOK_FOLDER = "secure-attachment"
DEFAULT_URL = "/lab/tree/secure-attachment/00_start_here.ipynb"
# True: learners land on learner mode instead (the modules as web pages, no code on screen, through Voilà in
# their own server; JupyterLab stays at /user/NAME/lab). DEFAULT_URL is then not used. See docs/hub.md.
LEARNER_MODE = False

# Gradebook: empty for SQLite (gradebook.db in the course root; fine for one grader). With more than one grader
# marking at the same time use PostgreSQL, for example "postgresql+psycopg2://nbgrader@/gradebook?host=/run/postgresql".
GRADEBOOK_URL = ""

# Demo accounts `make hub` creates: this many students (student01, student02, ...) plus INSTRUCTORS.
DEMO_STUDENTS = 10

# Memory per process of a learner's server (the server and each kernel) and processes (threads included) per
# learner: a runaway kernel fails in that learner's server only (hub/learner_limits.py; '' and 0 switch them
# off). Where systemd runs, MEM_LIMIT is for the learner's server and kernels together (the unit's MemoryMax).
# Kubernetes applies MEM_LIMIT per pod. docs/hub.md gives the measured memory of one learner's server.
MEM_LIMIT = "1G"
PROCESS_LIMIT = 512
# CPUs each learner's server may use at most (1 = one core, 0.5 = half). Applied only where systemd runs (the
# systemd spawner, as The Littlest JupyterHub does); without systemd the kernel's per-process limits have no CPU
# share. 0 switches it off.
CPU_LIMIT = 1

# A JupyterHub config file of your own (c = get_config(), as in any jupyterhub_config.py), loaded last with
# JupyterHub's load_subconfig, so it can override anything above: for example a university login. Empty: none.
EXTRA_CONFIG_FILE = ""
