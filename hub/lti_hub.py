"""LTI 1.3 into the hub: the platform's launch signs a person in as their own Unix account (docs/lti.md).

Three pages on the hub: /hub/lti13/login (OIDC login initiation: a fresh state and nonce, bound to this browser by
a signed cookie, then off to the platform), /hub/lti13/launch (the platform posts its signed id_token here: every
check in course.grading.lms.lti.launch, then the account is made on first launch and the person lands on the
module) and /hub/lti13/jwks (the tool's public key set). Loaded by jupyterhub_config.py when AUTHENTICATOR = "lti".
"""

from __future__ import annotations

import asyncio
import grp
import json
import os
import pwd
import secrets
import subprocess
from pathlib import Path
from urllib.parse import quote, urlencode

from jupyterhub import orm
from jupyterhub.auth import Authenticator
from jupyterhub.handlers import BaseHandler
from jupyterhub.utils import url_path_join
from serving.accounts import ensure_group, ensure_user
from tornado import web
from traitlets import Dict

from course.grading.lms.lti.launch import Launch, LaunchRefused, NonceStore, verify_launch
from course.grading.lms.lti.registration import (
    LTIError,
    Platform,
    Registration,
    key_id,
    make_key,
    public_jwks,
    read_key,
)

STATE_COOKIE = "lti13-state"
STATE_MINUTES = 10


class LTIHandler(BaseHandler):
    def check_xsrf_cookie(self):
        """The platform's form posts cannot carry the hub's _xsrf; the state cookie and the nonce stand for it."""

    @property
    def lti(self) -> LTI13Authenticator:
        return self.authenticator

    def refuse(self, why: str):
        self.log.warning("LTI launch refused: %s", why)
        raise web.HTTPError(403, f"This launch was refused: {why}.")


class LoginInitiation(LTIHandler):
    """Step 1 (OIDC third-party login): the platform names itself and the person; the tool sends the browser back
    with a state (kept in a signed cookie) and a nonce the id_token must carry."""

    async def get(self):
        await self.initiate()

    async def post(self):
        await self.initiate()

    async def initiate(self):
        platform = self.lti.platform
        if self.get_argument("iss", "") != platform.issuer:
            self.refuse("the platform is not the one this hub is registered with (iss)")
        if self.get_argument("client_id", platform.client_id) != platform.client_id:
            self.refuse("the launch is for another tool (client_id)")
        deployment = self.get_argument("lti_deployment_id", "")
        if deployment and deployment not in platform.deployment_ids:
            self.refuse("the platform's deployment is not one this hub knows (lti_deployment_id)")
        login_hint = self.get_argument("login_hint", "")
        if not login_hint:
            self.refuse("the platform sent no login_hint")
        state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self.set_signed_cookie(STATE_COOKIE, json.dumps({"state": state, "nonce": nonce}), expires_days=None,
                               path=url_path_join(self.hub.base_url, "lti13"), httponly=True,
                               **self.lti.cookie_flags)
        params = {"scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none",
                  "client_id": platform.client_id, "redirect_uri": self.lti.launch_url, "login_hint": login_hint,
                  "state": state, "nonce": nonce}
        if self.get_argument("lti_message_hint", ""):
            params["lti_message_hint"] = self.get_argument("lti_message_hint")
        self.redirect(f"{platform.auth_url}?{urlencode(params)}")


class LaunchHandler(LTIHandler):
    """Step 2: the platform's signed id_token. Refused unless every check passes; then signed in and sent on."""

    async def post(self):
        raw = self.get_signed_cookie(STATE_COOKIE, max_age_days=STATE_MINUTES / 1440)
        self.clear_cookie(STATE_COOKIE, path=url_path_join(self.hub.base_url, "lti13"))
        if not raw:
            self.refuse("this browser did not start the launch here (no state cookie): open it from the platform")
        bound = json.loads(raw)
        if not secrets.compare_digest(self.get_argument("state", ""), bound["state"]):
            self.refuse("the state does not match this browser's")
        try:
            launch = await asyncio.to_thread(verify_launch, self.get_argument("id_token", ""), self.lti.platform,
                                             bound["nonce"], self.lti.nonces, self.lti.jwks_client,
                                             self.lti.modules())
        except LaunchRefused as error:
            self.refuse(str(error).rstrip("."))
        user = await self.login_user({"launch": launch})
        if user is None:
            self.refuse("the account could not be made")
        self.set_graders_group(user, launch.grader)
        self.redirect(self.lti.landing(user, launch))

    def set_graders_group(self, user, grader: bool) -> None:
        """Instructors and teaching assistants in the hub's graders' group (the formgrader's role); others not."""
        group = orm.Group.find(self.db, self.lti.settings["graders_hub_group"])
        if group is None:
            return
        if grader and group not in user.orm_user.groups:
            user.orm_user.groups.append(group)
        elif not grader and group in user.orm_user.groups:
            user.orm_user.groups.remove(group)
        self.db.commit()


class KeySet(LTIHandler):
    """The tool's public key set (JWKS): the platform checks the tool's signed token requests with it."""

    def get(self):
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "max-age=300")
        self.finish(json.dumps(self.lti.jwks))


class OnlyFromPlatform(LTIHandler):
    def get(self):
        raise web.HTTPError(403, "Open this course from your learning platform (Moodle, Canvas, Blackboard): its "
                                 "activity link signs you in.")


class LTI13Authenticator(Authenticator):
    """Signs in only people the platform launched (a verified id_token); no passwords on the hub."""

    settings = Dict(config=True, help="what configure() worked out from the hub settings")
    login_service = "your learning platform"
    auto_login = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        import jwt

        s = self.settings
        self.platform = Platform(**{**s["platform"], "deployment_ids": tuple(s["platform"]["deployment_ids"])})
        self.jwks = s["jwks"]
        self.launch_url = s["tool_url"].rstrip("/") + "/hub/lti13/launch"
        self.cookie_flags = {"secure": True, "samesite": "None"} if s["tool_url"].startswith("https:") else {
            "samesite": "Lax"}
        self.nonces = NonceStore(Path(s["state_dir"]) / "lti-nonces.sqlite")
        self.jwks_client = jwt.PyJWKClient(self.platform.jwks_url, cache_keys=True, lifespan=300, timeout=10)

    def login_url(self, base_url):
        return url_path_join(base_url, "lti13/start")

    def get_handlers(self, app):
        return [(r"/lti13/login", LoginInitiation), (r"/lti13/launch", LaunchHandler), (r"/lti13/jwks", KeySet),
                (r"/lti13/start", OnlyFromPlatform)]

    def modules(self) -> list[str]:
        return sorted(p.name for p in Path(self.settings["notebooks"]).glob("*.ipynb"))

    async def authenticate(self, handler, data):
        """Only a launch verified by LaunchHandler: the login form (any name, any password) opens nothing."""
        launch = data.get("launch") if isinstance(data, dict) else None
        if not isinstance(launch, Launch):
            return None
        await asyncio.to_thread(self.make_account, launch)
        await asyncio.to_thread(self.remember_services, launch)
        return {"name": launch.account}

    def make_account(self, launch: Launch) -> None:
        """Their own Unix account, made on first launch as `course_hub.py add-learner` does; graders' group for
        instructors and teaching assistants."""
        s = self.settings
        group = s["graders_group"] if launch.grader else s["learners_group"]
        ensure_group(group)
        ensure_user(launch.account, group)
        if not launch.grader and launch.account in grp.getgrnam(s["graders_group"]).gr_mem:
            # No longer an instructor on the platform: no longer able to read the course root either.
            subprocess.run(["gpasswd", "--delete", launch.account, s["graders_group"]], check=True,
                           capture_output=True)

    def remember_services(self, launch: Launch) -> None:
        """The course context's roster and grade service URLs, for `course roster sync` and `course passback`."""
        if not launch.context_id or not launch.services:
            return
        path = Path(self.settings["contexts_file"])
        try:
            contexts = json.loads(path.read_text())
        except (OSError, ValueError):
            contexts = {}
        if contexts.get(launch.context_id) == launch.services:
            return
        contexts[launch.context_id] = launch.services
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(contexts, indent=1) + "\n")
        os.chown(temporary, pwd.getpwnam(self.settings["grader_account"]).pw_uid,
                 grp.getgrnam(self.settings["graders_group"]).gr_gid)
        os.chmod(temporary, 0o640)
        os.replace(temporary, path)

    def landing(self, user, launch: Launch) -> str:
        """The module the activity points at (through the spawn page, which starts their server first)."""
        page = self.settings["landing"].format(module=launch.module) if launch.module else ""
        spawn = url_path_join(self.settings["hub_base_url"], "spawn", user.escaped_name)
        return f"{spawn}?next={quote(url_path_join(user.url, page) if page else user.url)}"


def configure(c, s: dict, learner_page=None) -> Path:
    """The tool's key (made once, the grader account's only), lti.json for the grader's commands, and the hub's
    authenticator. Returns lti.json's path."""
    if not s.get("LTI_PLATFORM"):
        raise LTIError(f"AUTHENTICATOR = 'lti' needs LTI_PLATFORM in {s['SETTINGS_FILE']} (see docs/lti.md)")
    platform = Platform.from_settings(s["LTI_PLATFORM"], s["SETTINGS_FILE"])
    grader = pwd.getpwnam(s["GRADER_ACCOUNT"])
    graders_gid = grp.getgrnam(s["GRADERS_GROUP"]).gr_gid
    folder = Path(s["INSTALL_DIR"]) / "lti"
    folder.mkdir(mode=0o750, exist_ok=True)
    os.chown(folder, grader.pw_uid, graders_gid)
    os.chmod(folder, 0o750)
    key_file = folder / "tool-key.pem"
    if not key_file.exists():
        make_key(key_file)
    os.chown(key_file, grader.pw_uid, grader.pw_gid)
    os.chmod(key_file, 0o600)
    private = read_key(key_file)
    kid = key_id(private)
    tool_url = (s.get("LTI_TOOL_URL") or f"http://{s['HUB_IP']}:{s['HUB_PORT']}").rstrip("/")
    registration = Registration(platform, str(key_file), kid, str(folder / "contexts.json"), tool_url)
    lti_json = folder / "lti.json"
    lti_json.write_text(registration.to_json())
    os.chown(lti_json, grader.pw_uid, graders_gid)
    os.chmod(lti_json, 0o640)
    folder_name = s["NOTEBOOK_FOLDER"]
    c.JupyterHub.authenticator_class = LTI13Authenticator
    c.LTI13Authenticator.settings = {
        "platform": {**s["LTI_PLATFORM"], "deployment_ids": list(platform.deployment_ids)},
        "jwks": public_jwks(private, kid), "tool_url": tool_url, "state_dir": s["STATE_DIR"],
        "notebooks": str(Path(s["INSTALL_DIR"]) / "notebooks"), "contexts_file": registration.contexts_file,
        "grader_account": s["GRADER_ACCOUNT"], "graders_group": s["GRADERS_GROUP"],
        "learners_group": s["LEARNERS_GROUP"], "graders_hub_group": f"formgrade-{s['COURSE_ID']}",
        "hub_base_url": "/hub/",
        "landing": learner_page or f"lab/tree/{folder_name}/{{module}}"}
    c.Authenticator.allow_all = True  # the platform decides who may launch; every launch is verified
    for service in c.JupyterHub.services:
        service.setdefault("environment", {})["COURSE_LTI"] = str(lti_json)
    return lti_json
