"""A scripted hub user: log in with a password, start a server, and use it through the same HTTP APIs a browser does.

Cookie logins need the `_xsrf` cookie of the path they post to; after logging in, the user makes an API token
(as JupyterLab does for itself) and uses it for their server, the Assignment List and the formgrader.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import quote

import requests
from support.coroutines import run_coroutine
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect


class HubUserError(AssertionError):
    """What a scripted user could not do, with the hub's answer."""


def check(response: requests.Response, what: str) -> requests.Response:
    if response.status_code >= 400:
        raise HubUserError(f"{what}: HTTP {response.status_code} {response.text[:400]}")
    return response


@dataclass
class HubUser:
    base: str
    name: str
    password: str
    token: str = ""
    session: requests.Session = field(default_factory=requests.Session)

    @property
    def headers(self) -> dict:
        return {"Authorization": f"token {self.token}"}

    @property
    def server(self) -> str:
        return f"{self.base}/user/{self.name}"

    def hub_xsrf(self) -> str:
        return next(c.value for c in self.session.cookies if c.name == "_xsrf" and c.path.startswith("/hub"))

    def log_in(self) -> None:
        """Post the login form (with the login page's own _xsrf cookie), then make a token for the APIs."""
        check(self.session.get(f"{self.base}/hub/login"), f"{self.name}: login page")
        response = self.session.post(f"{self.base}/hub/login", allow_redirects=False,
                                     data={"username": self.name, "password": self.password,
                                           "_xsrf": self.hub_xsrf()})
        if response.status_code != 302:
            raise HubUserError(f"{self.name}: login refused (HTTP {response.status_code})")
        made = check(self.session.post(f"{self.base}/hub/api/users/{self.name}/tokens", json={"note": "e2e"},
                                       headers={"X-XSRFToken": self.hub_xsrf()}), f"{self.name}: token")
        self.token = made.json()["token"]

    def start_server(self, timeout: float = 180) -> None:
        response = requests.post(f"{self.base}/hub/api/users/{self.name}/server", headers=self.headers)
        if response.status_code not in (201, 202, 400):  # 400: already running
            check(response, f"{self.name}: start server")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            model = check(requests.get(f"{self.base}/hub/api/users/{self.name}", headers=self.headers),
                          f"{self.name}: server status").json()
            server = model["servers"].get("")
            if server and server.get("ready"):
                return
            if not server and model.get("pending") is None and time.monotonic() > deadline - timeout + 5:
                raise HubUserError(f"{self.name}: the server stopped while starting")
            time.sleep(1)
        raise HubUserError(f"{self.name}: the server was not ready within {timeout:.0f} s")

    # --- the learner's own server ------------------------------------------------------------------------------
    def get(self, path: str, **kwargs) -> requests.Response:
        return requests.get(f"{self.server}/{path}", headers=self.headers, timeout=120, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return requests.post(f"{self.server}/{path}", headers=self.headers, timeout=300, **kwargs)

    def read_notebook(self, path: str) -> dict:
        return check(self.get(f"api/contents/{quote(path)}"), f"{self.name}: open {path}").json()["content"]

    def save_notebook(self, path: str, notebook: dict) -> None:
        check(requests.put(f"{self.server}/api/contents/{quote(path)}", headers=self.headers, timeout=60,
                           json={"type": "notebook", "format": "json", "content": notebook}),
              f"{self.name}: save {path}")

    def open_notebook(self, path: str) -> str:
        """Open a notebook as JupyterLab does: a session with its own kernel. Returns the kernel id."""
        made = check(self.post("api/sessions", json={"path": path, "type": "notebook", "name": path,
                                                     "kernel": {"name": "python3"}}), f"{self.name}: open {path}")
        return made.json()["kernel"]["id"]

    def execute(self, kernel_id: str, code: str, timeout: float = 120) -> str:
        """Run code in the kernel over its websocket; return what it printed, or fail with its error."""
        return run_coroutine(self._execute(kernel_id, code, timeout))

    async def _execute(self, kernel_id: str, code: str, timeout: float) -> str:
        ws_url = self.server.replace("http", "ws", 1) + f"/api/kernels/{kernel_id}/channels"
        connection = await websocket_connect(HTTPRequest(ws_url, headers=self.headers, connect_timeout=120,
                                                       request_timeout=120))
        msg_id = uuid.uuid4().hex
        connection.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": self.name,
                       "session": uuid.uuid4().hex, "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True}}))
        printed, error, replied, idle = [], None, False, False
        deadline = time.monotonic() + timeout
        try:
            while not (replied and idle):
                if time.monotonic() > deadline:
                    raise HubUserError(f"{self.name}: the kernel did not finish within {timeout:.0f} s")
                raw = await asyncio.wait_for(connection.read_message(), timeout)
                if raw is None:
                    raise HubUserError(f"{self.name}: the kernel's websocket closed")
                message = json.loads(raw)
                if message.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = message["msg_type"]
                if kind == "stream":
                    printed.append(message["content"]["text"])
                elif kind == "error":
                    error = "\n".join(message["content"]["traceback"])
                elif kind == "execute_reply":
                    replied = True
                elif kind == "status" and message["content"]["execution_state"] == "idle":
                    idle = True
        finally:
            connection.close()
        if error:
            raise HubUserError(f"{self.name}: the code failed:\n{error}")
        return "".join(printed)

    # --- nbgrader's Assignment List (the learner's server) ----------------------------------------------------
    def assignments(self, course: str, action: str | None = None, assignment: str | None = None) -> list | dict:
        if action is None:
            return check(self.get("assignments", params={"course_id": course}), f"{self.name}: list").json()
        result = check(self.post(f"assignments/{action}", data={"course_id": course, "assignment_id": assignment}),
                       f"{self.name}: {action}").json()
        if isinstance(result, dict) and result.get("success") is False:
            raise HubUserError(f"{self.name}: {action} failed: {result.get('value') or result}")
        return result

    def validate(self, path: str) -> dict:
        return check(self.post("assignments/validate", data={"path": path}), f"{self.name}: validate").json()

    # --- the formgrader service (graders) ---------------------------------------------------------------------
    def formgrader(self, method: str, course: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, f"{self.base}/services/{course}/formgrader/api/{path}",
                                headers=self.headers, timeout=600, **kwargs)
