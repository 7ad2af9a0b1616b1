"""A learning platform on 127.0.0.1 for the LTI tests, built on lti1p3platform (the platform side of LTI 1.3 and
LTI Advantage): one course context, one deployment, one registered tool, and SQLite for the test to read back.

lti1p3platform does the LTI work: the OIDC login initiation, the launch message and its signature (id_token) and
the auto-posting launch form, the platform's key set, the token endpoint (the tool's client assertion checked
against the tool's published key set; a platform-signed access token carrying the granted scopes, checked on every
service call), the NRPS membership container and the AGS line item, result and score handling.

What the library leaves out, kept minimal here: an HTTP server (it ships Django and FastAPI adapters only), the
store, and checks a strict platform makes that it does not: the redirect_uri against the registered one, the
client assertion's audience (the token URL), issuer and subject (the client id), expiry and jti used once, one
scope per service operation (the library accepts any AGS scope for every AGS call), a score's required fields.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jinja2 import Environment, PackageLoader
from lti1p3platform import exceptions as lti_errors
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.membership import Context
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request
from lti1p3platform.response import Response, generate_next_link
from lti1p3platform.score import ActivityProgress, GradeProgress, UpdateScoreStatus
from lti1p3platform.service_connector import AssignmentsGradesService, NamesRoleProvisioningService

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
AGS = "https://purl.imsglobal.org/spec/lti-ags/scope/"
PAGE_SIZE = 4  # the class list comes in pages of four, so the tool must follow rel="next"
SCHEMA = """
CREATE TABLE members (sub TEXT PRIMARY KEY, given TEXT, family TEXT, email TEXT, role TEXT);
CREATE TABLE jtis (jti TEXT PRIMARY KEY);
CREATE TABLE lineitems (id INTEGER PRIMARY KEY, label TEXT, maximum REAL, resource_id TEXT);
CREATE TABLE scores (id INTEGER PRIMARY KEY, lineitem INTEGER, user TEXT, given REAL, maximum REAL,
                     activity TEXT, grading TEXT, timestamp TEXT);
"""
# The library's own launch form (its Django/FastAPI adapters load it through pkg_resources), escaped.
LAUNCH_FORM = Environment(loader=PackageLoader("lti1p3platform.framework", "templates"),
                          autoescape=True).get_template("launch.html")


def pem(key, private: bool) -> str:
    if private:
        return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption()).decode()
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


class Refused(Exception):
    def __init__(self, status: int, error: str, why: str):
        super().__init__(why)
        self.status, self.error, self.why = status, error, why


class KeyOfPublishedKey(Registration):
    """The key id is the published public key's (the library takes it from the private key), so a platform signing
    with a key that is not the one it publishes still names the published key: the tool must check the signature."""

    def get_kid(self):
        return Registration.get_jwk(self.get_platform_public_key()).get("kid")


class PlatformSide(LTI1P3PlatformConfAbstract):
    """The library's platform configuration, with the client-assertion checks it leaves out."""

    def init_platform_config(self, registration: Registration, db_path: Path, token_url: str) -> None:
        self._registration, self.db_path, self.token_url = registration, db_path, token_url

    def get_registration_by_params(self, **kwargs) -> Registration:
        return self._registration

    def tool_validate_and_decode(self, jwt_token_string: str) -> dict:
        claims = super().tool_validate_and_decode(jwt_token_string)  # signature against the tool's key set
        client_id = self._registration.get_client_id()
        audience = claims.get("aud")
        if self.token_url not in (audience if isinstance(audience, list) else [audience]):
            raise lti_errors.LtiException("the client assertion's audience is not the token URL")
        if claims.get("iss") != client_id or claims.get("sub") != client_id:
            raise lti_errors.LtiException("the client assertion's iss and sub are not the client id")
        if not claims.get("exp") or not claims.get("jti"):
            raise lti_errors.LtiException("the client assertion has no exp or no jti")
        try:
            with sqlite3.connect(self.db_path) as db:
                db.execute("INSERT INTO jtis VALUES (?)", (claims["jti"],))
        except sqlite3.IntegrityError:
            raise lti_errors.LtiException("the client assertion was used before (jti)") from None
        return claims


class HttpRequest(Request):
    def build_metadata(self, request: dict) -> dict:
        body, headers = request["body"], request["headers"]
        kind = headers.get("Content-Type", "")
        query = {k: v[0] for k, v in parse_qs(request["query"]).items()}
        for whole in ("page", "limit"):  # the library's paging counts with them
            if query.get(whole, "").isdigit():
                query[whole] = int(query[whole])
        return {"method": request["method"], "path": request["path"], "headers": headers, "content_type": kind,
                "get_data": query, "json": json.loads(body) if body and "json" in kind else None,
                "form_data": {k: v[0] for k, v in parse_qs(body.decode()).items()} if "json" not in kind else {}}


class Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str):
        return 302, {"Location": url}, ""


class Launch(LTIAdvantageMessageLaunchAbstract):
    """The id_token for one person, from the OIDC authentication request the tool sent the browser with."""

    def __init__(self, request, platform_config, platform: LoopbackPlatform, overrides: dict):
        super().__init__(request, platform_config)
        self.platform, self.overrides = platform, overrides

    def prepare_launch(self, preflight_response: dict) -> None:
        platform, asked = self.platform, preflight_response
        if asked.get("redirect_uri") != platform.redirect_uri:
            raise Refused(400, "invalid_request", "redirect_uri is not the tool's registered one")
        if asked.get("scope") != "openid" or asked.get("response_type") != "id_token":
            raise Refused(400, "invalid_request", "not an OIDC implicit-flow request")
        member = platform.rows("SELECT given, family, email, role FROM members WHERE sub = ?",
                               asked.get("login_hint", ""))
        if not member:
            raise Refused(403, "access_denied", "login_hint is no member of the course")
        given, family, email, role = member[0]
        self.set_launch_url(platform.target_link)
        self.set_user_data(asked["login_hint"], [ROLE + role], f"{given} {family}", email)
        self.set_resource_link_claim("link-module-02", title="Module 02")
        self.set_launch_context_claim(platform.context, context_title="Secure attachment (test course)")
        self.set_custom_parameters_claim({"module": "02"})
        self.set_nrps(f"{platform.url}/nrps/{platform.context}?limit={PAGE_SIZE}")
        self.set_ags(f"{platform.url}/ags/{platform.context}/lineitems")
        self.set_extra_claims({"given_name": given, "family_name": family, **self.overrides})

    def render_launch_form(self, launch_data: dict, raw: bool = False):
        return launch_data if raw else LAUNCH_FORM.render(launch_data)


class Grades(AssignmentsGradesService):
    """Line items, results and scores in the platform's SQLite gradebook."""

    def __init__(self, request, platform_config, platform: LoopbackPlatform, item: int | None = None):
        self.platform, self.base = platform, f"{platform.url}/ags/{platform.context}/lineitems"
        super().__init__(request, platform_config, self.base, f"{self.base}/{item}" if item else None)

    @property
    def allowed_scopes(self) -> list[str]:
        path, method = self.request.path, self.request.method
        if path.endswith("/scores"):
            return [AGS + "score"]
        if path.endswith("/results"):
            return [AGS + "result.readonly"]
        return [AGS + "lineitem"] + ([AGS + "lineitem.readonly"] if method == "GET" else [])

    def as_json(self, row) -> dict:
        id_, label, maximum, resource_id = row
        return {"id": f"{self.base}/{id_}", "label": label, "scoreMaximum": maximum, "resourceId": resource_id}

    def find_lineitems(self, page=1, limit=None, line_item_id=None, resource_link_id=None, resource_id=None,
                       tag=None):
        rows = self.platform.rows("SELECT * FROM lineitems WHERE ? IS NULL OR resource_id = ?", resource_id,
                                  resource_id)
        return {"content": [self.as_json(r) for r in rows], "has_next": False, "next": None}

    def find_lineitem(self, line_item_id: str) -> dict:
        rows = self.platform.rows("SELECT * FROM lineitems WHERE id = ?", int(line_item_id))
        if not rows:
            raise lti_errors.LineItemNotFoundException(line_item_id)
        return self.as_json(rows[0])

    def create_lineitem(self, creation_data: dict) -> dict:
        label, maximum = creation_data.get("label"), creation_data.get("scoreMaximum")
        if not label or not isinstance(maximum, int | float) or not maximum > 0:
            raise lti_errors.LtiServiceException("a line item needs a label and scoreMaximum > 0", 400)
        with sqlite3.connect(self.platform.db_path) as db:
            made = db.execute("INSERT INTO lineitems (label, maximum, resource_id) VALUES (?, ?, ?)",
                              (label, float(maximum), creation_data.get("resourceId", "")))
        return self.find_lineitem(str(made.lastrowid))

    def update_lineitem(self, update_data: dict) -> dict:
        item = self.find_lineitem(update_data["id"])
        with sqlite3.connect(self.platform.db_path) as db:
            db.execute("UPDATE lineitems SET label = ?, maximum = ? WHERE id = ?", (
                update_data.get("label", item["label"]), update_data.get("scoreMaximum", item["scoreMaximum"]),
                int(update_data["id"])))
        return self.find_lineitem(update_data["id"])

    def delete_lineitem(self, line_item_id: str) -> None:
        self.find_lineitem(line_item_id)
        with sqlite3.connect(self.platform.db_path) as db:
            db.execute("DELETE FROM lineitems WHERE id = ?", (int(line_item_id),))

    def get_results(self, line_item_id: str, page=1, limit=None, user_id=None):
        self.find_lineitem(line_item_id)
        latest = self.platform.latest_scores(int(line_item_id))
        return {"content": [{"id": f"{self.base}/{line_item_id}/results/{user}", "userId": user,
                             "resultScore": given, "resultMaximum": maximum, "scoreOf": f"{self.base}/{line_item_id}"}
                            for user, (given, maximum) in latest.items() if user_id in (None, user)],
                "has_next": False, "next": None}

    def update_score(self, line_item_id: str, score: dict) -> UpdateScoreStatus:
        self.find_lineitem(line_item_id)
        needed = ("userId", "timestamp", "activityProgress", "gradingProgress")
        if not isinstance(score, dict) or any(not score.get(k) for k in needed):
            raise lti_errors.LtiServiceException(f"a score needs {', '.join(needed)}", 400)
        try:
            ActivityProgress(score["activityProgress"])
            GradeProgress(score["gradingProgress"])
        except ValueError as error:
            raise lti_errors.LtiServiceException(str(error), 400) from None
        if not self.platform.rows("SELECT 1 FROM members WHERE sub = ?", score["userId"]):
            raise lti_errors.LtiServiceException("userId is no member of the course", 400)
        last = self.platform.rows("SELECT MAX(timestamp) FROM scores WHERE lineitem = ? AND user = ?",
                                  int(line_item_id), score["userId"])[0][0]
        if last and score["timestamp"] <= last:
            return UpdateScoreStatus.OLD_TIMESTAMP
        with sqlite3.connect(self.platform.db_path) as db:
            db.execute("INSERT INTO scores (lineitem, user, given, maximum, activity, grading, timestamp) VALUES "
                       "(?, ?, ?, ?, ?, ?, ?)", (int(line_item_id), score["userId"], score.get("scoreGiven"),
                                                 score.get("scoreMaximum"), score["activityProgress"],
                                                 score["gradingProgress"], score["timestamp"]))
        return UpdateScoreStatus.SUCCESS if last else UpdateScoreStatus.CREATED


class Roster(NamesRoleProvisioningService):
    def __init__(self, request, platform_config, platform: LoopbackPlatform):
        self.platform = platform
        super().__init__(request, platform_config, f"{platform.url}/nrps/{platform.context}")

    def get_context_by_id(self) -> Context:
        return Context(id=self.platform.context, label="SA", title="Secure attachment (test course)")

    def get_member_data_page(self, page=1, limit=None, role=None, since=None):
        limit = limit or 1000
        rows = self.platform.rows("SELECT sub, given, family, email, role FROM members ORDER BY sub LIMIT ? OFFSET ?",
                                  limit + 1, (page - 1) * limit)
        return {"content": [{"user_id": sub, "given_name": given, "family_name": family, "name": f"{given} {family}",
                             "email": email, "status": "Active", "roles": [ROLE + role]}
                            for sub, given, family, email, role in rows[:limit]], "has_next": len(rows) > limit}


def as_http(answer: Response) -> tuple[int, dict, str]:
    """The library's service answer as HTTP, the way its Django adapter writes it (a page's next as a Link)."""
    if not 200 <= answer.code < 300:
        return answer.code, {"Content-Type": "application/json"}, json.dumps({"error": answer.message})
    result, headers = answer.result, {"Content-Type": answer.media_type}
    if isinstance(result, dict) and result.get("next"):
        headers["Link"] = generate_next_link(result["next"])
    data = result["content"] if isinstance(result, dict) and "content" in result else result
    return answer.code, headers, "" if data is None else json.dumps(data)


class LoopbackPlatform:
    """One platform, one course context, one deployment and one registered tool."""

    def __init__(self, folder: Path, tool_url: str, client_id: str = "sat-tool-1", deployment: str = "dep-1",
                 issuer: str = ""):
        self.db_path = folder / "platform.sqlite"
        with sqlite3.connect(self.db_path) as db:
            db.executescript(SCHEMA)
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.client_id, self.deployment, self.context = client_id, deployment, "course-ctx-1"
        self.tool_url = tool_url.rstrip("/")
        self.redirect_uri = f"{self.tool_url}/hub/lti13/launch"
        self.target_link = f"{self.redirect_uri}?module=02"
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.issuer = issuer or self.url
        self.own_registration = self._registration(self.key)
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _registration(self, signing_key) -> Registration:
        return (KeyOfPublishedKey().set_iss(self.issuer).set_client_id(self.client_id)
                .set_deployment_id(self.deployment).set_launch_url(self.redirect_uri)
                .set_oidc_login_url(f"{self.tool_url}/hub/lti13/login")
                .set_tool_key_set_url(f"{self.tool_url}/hub/lti13/jwks")
                .set_platform_public_key(pem(self.key, private=False))
                .set_platform_private_key(pem(signing_key, private=True)))

    # --- what the tool's administrator is given ------------------------------------------------------------
    def registration(self) -> dict:
        return {"issuer": self.issuer, "client_id": self.client_id, "deployment_ids": [self.deployment],
                "jwks_url": f"{self.url}/jwks", "auth_url": f"{self.url}/auth", "token_url": f"{self.url}/token"}

    def start(self) -> LoopbackPlatform:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add_member(self, sub: str, given: str, family: str, role: str = "Learner") -> None:
        with sqlite3.connect(self.db_path) as db:
            db.execute("INSERT INTO members VALUES (?, ?, ?, ?, ?)", (sub, given, family, f"{sub}@uni.test", role))

    def set_role(self, sub: str, role: str) -> None:
        with sqlite3.connect(self.db_path) as db:
            db.execute("UPDATE members SET role = ? WHERE sub = ?", (role, sub))

    def rows(self, query: str, *args) -> list[tuple]:
        with sqlite3.connect(self.db_path) as db:
            return db.execute(query, args).fetchall()

    def latest_scores(self, item_id: int | None = None) -> dict[str, tuple[float, float]]:
        """Each user's grade as the platform's gradebook shows it: their latest score (by timestamp)."""
        rows = self.rows("SELECT user, given, maximum FROM scores s WHERE (? IS NULL OR lineitem = ?) AND timestamp = "
                         "(SELECT MAX(timestamp) FROM scores t WHERE t.user = s.user AND t.lineitem = s.lineitem)",
                         item_id, item_id)
        return {user: (given, maximum) for user, given, maximum in rows}

    def side(self, registration: Registration | None = None) -> PlatformSide:
        """The library's platform configuration for one request (it keeps the token it is checking on itself)."""
        return PlatformSide(registration=registration or self.own_registration, db_path=self.db_path,
                            token_url=f"{self.url}/token")

    # --- launches the library signs -----------------------------------------------------------------------
    def launch_form(self, request: HttpRequest, registration: Registration | None = None, expires_in: int = 300,
                    raw: bool = False, **claims):
        launch = Launch(request, self.side(registration), self, claims)
        launch.set_id_token_expiration(expires_in)
        try:
            return launch.lti_launch(raw=raw)
        except lti_errors.PreflightRequestValidationException:
            raise Refused(400, "invalid_request", "no nonce, state or redirect_uri, or not this tool's client_id"
                          ) from None

    def id_token(self, sub: str, nonce: str, expires_in: int = 300, signed_by=None, **claims) -> str:
        """A launch as the platform signs it; ``claims`` replace the launch's (the refusal tests' bad launches),
        ``expires_in`` sets its lifetime and ``signed_by`` signs it with another private key."""
        query = {"nonce": nonce, "state": "direct", "redirect_uri": self.redirect_uri, "client_id": self.client_id,
                 "login_hint": sub, "scope": "openid", "response_type": "id_token"}
        request = HttpRequest({"method": "GET", "path": "/auth", "query": urlencode(query), "body": b"",
                               "headers": {}})
        registration = self._registration(signed_by) if signed_by is not None else None
        return self.launch_form(request, registration, expires_in, raw=True, **claims)["id_token"]

    def jwks(self) -> dict:
        return self.side().get_jwks()

    # --- the platform's pages and services ---------------------------------------------------------------------
    def _handler(self):
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self.route("GET")

            def do_POST(self):
                self.route("POST")

            def do_PUT(self):
                self.route("PUT")

            def do_DELETE(self):
                self.route("DELETE")

            def route(self, method: str):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = HttpRequest({"method": method, "path": parts.path, "query": parts.query,
                                       "body": self.rfile.read(length) if length else b"", "headers": self.headers})
                try:
                    status, headers, content = platform.answer(request)
                except Refused as refused:
                    status, headers, content = refused.status, {}, json.dumps({"error": refused.error,
                                                                                "error_description": refused.why})
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                data = content.encode()
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def answer(self, request: HttpRequest) -> tuple[int, dict, str]:
        path, method, query = request.path, request.method, request.get_data
        if path == "/launch":  # the learner clicks the activity in their module page
            login = Login(request, self.side())
            login.set_lti_message_hint(hint="link-module-02")
            return login.set_launch_url(self.target_link).initiate_login(query["user"])
        if path == "/auth":
            return 200, {"Content-Type": "text/html"}, self.launch_form(request)
        if path == "/jwks":
            return 200, {"Content-Type": "application/json"}, json.dumps(self.jwks())
        if path == "/token" and method == "POST":
            return self.token(request.form_data)
        try:
            if path == f"/nrps/{self.context}":
                service = Roster(request, self.side(), self)
                return as_http(service.handle_resp(service.handle_get_members))
            if path.startswith(f"/ags/{self.context}/lineitems"):
                return self.grades(request)
        except (lti_errors.LtiException, jwt.PyJWTError) as error:  # the access token itself is not valid
            raise Refused(401, "invalid_token", str(error)) from None
        return 404, {}, "not found"

    def token(self, form: dict) -> tuple[int, dict, str]:
        if form.get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer":
            raise Refused(400, "invalid_request", "client_credentials with a JWT assertion only")
        try:
            granted = self.side().get_access_token(form)
        except (lti_errors.MissingRequiredClaim, lti_errors.UnsupportedGrantType) as error:
            raise Refused(400, "unsupported_grant_type", repr(error)) from None
        except (lti_errors.LtiException, lti_errors.InvalidKeySetUrl, jwt.PyJWTError) as error:
            raise Refused(401, "invalid_client", f"client assertion refused: {error}") from None
        return 200, {"Content-Type": "application/json"}, json.dumps(granted)

    def grades(self, request: HttpRequest) -> tuple[int, dict, str]:
        tail = request.path.removeprefix(f"/ags/{self.context}/lineitems").strip("/").split("/")
        method, item = request.method, (tail[0] if tail[0].isdigit() else None)
        service = Grades(request, self.side(), self, int(item) if item else None)
        handlers = {("", "GET"): service.handle_get_lineitems, ("", "POST"): service.handle_create_lineitem,
                    ("item", "GET"): service.handle_get_lineitem, ("item", "PUT"): service.handle_update_lineitem,
                    ("item", "DELETE"): service.handle_delete_lineitem,
                    ("results", "GET"): service.handle_get_results, ("scores", "POST"): service.handle_update_score}
        if tail == [""]:
            member = ""
        elif item and len(tail) <= 2:
            member = tail[1] if len(tail) == 2 else "item"
        else:
            member = None
        handler = handlers.get((member, method))
        if handler is None:
            return 404, {}, "not found"
        return as_http(service.handle_resp(handler, **({"line_item_id": item} if item else {})))
