"""A learning platform on 127.0.0.1 for the LTI tests: OIDC login, its key set, a token endpoint with scopes, the
class list (NRPS) and grade columns and scores (AGS), all kept in SQLite for the test to read back.

Signing and checking tokens is PyJWT's (with cryptography's RSA keys), as a real platform's library does; nothing
here hand-rolls crypto. It speaks the parts of LTI 1.3 and LTI Advantage the course uses, and checks what a
strict platform checks: the tool's redirect URI and client id at login, the tool's signed client assertion
(signature against the tool's published key set, issuer, subject, audience, expiry, jti used once) and each
token's scopes on every service call.
"""

from __future__ import annotations

import html
import json
import secrets
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
SCOPES = {
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
}
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
SCHEMA = """
CREATE TABLE members (sub TEXT PRIMARY KEY, given TEXT, family TEXT, email TEXT, role TEXT);
CREATE TABLE tokens (token TEXT PRIMARY KEY, scopes TEXT, expires REAL);
CREATE TABLE jtis (jti TEXT PRIMARY KEY);
CREATE TABLE lineitems (id INTEGER PRIMARY KEY, label TEXT, maximum REAL, resource_id TEXT);
CREATE TABLE scores (id INTEGER PRIMARY KEY, lineitem INTEGER, user TEXT, given REAL, maximum REAL,
                     activity TEXT, grading TEXT, timestamp TEXT);
"""


class LoopbackPlatform:
    """One platform, one course context, one deployment and one registered tool."""

    def __init__(self, folder: Path, tool_url: str, client_id: str = "sat-tool-1", deployment: str = "dep-1",
                 issuer: str = ""):
        self.db_path = folder / "platform.sqlite"
        with sqlite3.connect(self.db_path) as db:
            db.executescript(SCHEMA)
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "platform-key-1"
        self.client_id, self.deployment, self.context = client_id, deployment, "course-ctx-1"
        self.tool_url = tool_url.rstrip("/")
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.issuer = issuer or self.url
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

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

    def latest_scores(self) -> dict[str, tuple[float, float]]:
        """Each user's grade as the platform's gradebook shows it: their latest score (by timestamp)."""
        rows = self.rows("SELECT user, given, maximum FROM scores s WHERE timestamp = "
                         "(SELECT MAX(timestamp) FROM scores t WHERE t.user = s.user AND t.lineitem = s.lineitem)")
        return {user: (given, maximum) for user, given, maximum in rows}

    # --- tokens the platform signs ------------------------------------------------------------------------
    def id_token(self, sub: str, nonce: str, **overrides) -> str:
        """A launch as the platform signs it; ``overrides`` replace claims (the refusal tests' bad launches)."""
        member = self.rows("SELECT given, family, email, role FROM members WHERE sub = ?", sub)
        given, family, email, role = member[0] if member else ("", "", "", "Learner")
        now = int(time.time())
        claims = {
            "iss": self.issuer, "aud": self.client_id, "sub": sub, "iat": now, "exp": now + 300, "nonce": nonce,
            "given_name": given, "family_name": family, "email": email,
            CLAIM + "message_type": "LtiResourceLinkRequest", CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": self.deployment,
            CLAIM + "target_link_uri": f"{self.tool_url}/hub/lti13/launch?module=02",
            CLAIM + "resource_link": {"id": "link-module-02", "title": "Module 02"},
            CLAIM + "context": {"id": self.context, "title": "Secure attachment (test course)"},
            CLAIM + "roles": [ROLE + role],
            CLAIM + "custom": {"module": "02"},
            "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
                "context_memberships_url": f"{self.url}/nrps/{self.context}", "service_versions": ["2.0"]},
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
                "lineitems": f"{self.url}/ags/{self.context}/lineitems", "scope": sorted(SCOPES - {NRPS_SCOPE})},
        }
        claims.update(overrides)
        key = overrides.pop("_key", None) or self.key
        claims.pop("_key", None)
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})

    def jwks(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        return {"keys": [jwk]}

    def _handler(self):
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self.route("GET")

            def do_POST(self):
                self.route("POST")

            def route(self, method: str):
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                try:
                    status, headers, content = platform.answer(method, parts.path, query, body, self.headers)
                except Refused as refused:
                    status, headers, content = refused.status, {}, json.dumps({"error": refused.error,
                                                                                "error_description": refused.why})
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                data = content.encode() if isinstance(content, str) else content
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    # --- the platform's pages and services ---------------------------------------------------------------------
    def answer(self, method, path, query, body, headers):
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()} if body else {}
        if path == "/launch":  # the learner clicks the activity in their module page
            return 200, {"Content-Type": "text/html"}, self.auto_post(f"{self.tool_url}/hub/lti13/login", {
                "iss": self.issuer, "login_hint": query["user"], "lti_message_hint": "link-module-02",
                "target_link_uri": f"{self.tool_url}/hub/lti13/launch?module=02", "client_id": self.client_id,
                "lti_deployment_id": self.deployment})
        if path == "/auth":
            return self.authorize(query)
        if path == "/jwks":
            return 200, {"Content-Type": "application/json"}, json.dumps(self.jwks())
        if path == "/token" and method == "POST":
            return self.token(form)
        if path.startswith(f"/nrps/{self.context}"):
            return self.members(headers, query)
        if path.startswith(f"/ags/{self.context}/lineitems"):
            return self.grades(method, path, query, body, headers)
        return 404, {}, "not found"

    def auto_post(self, action: str, fields: dict) -> str:
        inputs = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                         for k, v in fields.items())
        return (f'<html><body onload="document.forms[0].submit()"><form method="post" action="{html.escape(action)}">'
                f'{inputs}<button>Continue</button></form></body></html>')

    def authorize(self, query):
        if query.get("client_id") != self.client_id:
            raise Refused(400, "unauthorized_client", "unknown client_id")
        if query.get("redirect_uri") != f"{self.tool_url}/hub/lti13/launch":
            raise Refused(400, "invalid_request", "redirect_uri is not the tool's registered one")
        if query.get("scope") != "openid" or query.get("response_type") != "id_token" or not query.get("nonce"):
            raise Refused(400, "invalid_request", "not an OIDC implicit-flow request with a nonce")
        if not self.rows("SELECT 1 FROM members WHERE sub = ?", query.get("login_hint", "")):
            raise Refused(403, "access_denied", "login_hint is no member of the course")
        token = self.id_token(query["login_hint"], query["nonce"])
        return 200, {"Content-Type": "text/html"}, self.auto_post(query["redirect_uri"], {
            "id_token": token, "state": query.get("state", "")})

    def token(self, form):
        token_url = f"{self.url}/token"
        if form.get("grant_type") != "client_credentials" or form.get("client_assertion_type") != \
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer":
            raise Refused(400, "unsupported_grant_type", "client_credentials with a JWT assertion only")
        try:
            key = jwt.PyJWKClient(f"{self.tool_url}/hub/lti13/jwks").get_signing_key_from_jwt(form["client_assertion"])
            claims = jwt.decode(form["client_assertion"], key.key, algorithms=["RS256"], audience=token_url,
                                issuer=self.client_id, options={"require": ["exp", "iat", "jti", "sub"]})
        except (KeyError, jwt.PyJWTError) as error:
            raise Refused(401, "invalid_client", f"client assertion refused: {error}") from None
        if claims["sub"] != self.client_id:
            raise Refused(401, "invalid_client", "client assertion's sub is not the client id")
        try:
            with sqlite3.connect(self.db_path) as db:
                db.execute("INSERT INTO jtis VALUES (?)", (claims["jti"],))
        except sqlite3.IntegrityError:
            raise Refused(401, "invalid_client", "client assertion replayed (jti)") from None
        wanted = set(form.get("scope", "").split())
        if not wanted or not wanted <= SCOPES:
            raise Refused(400, "invalid_scope", f"scopes not granted: {sorted(wanted - SCOPES)}")
        access = secrets.token_urlsafe(24)
        with sqlite3.connect(self.db_path) as db:
            db.execute("INSERT INTO tokens VALUES (?, ?, ?)", (access, " ".join(sorted(wanted)), time.time() + 3600))
        return 200, {"Content-Type": "application/json"}, json.dumps(
            {"access_token": access, "token_type": "Bearer", "expires_in": 3600, "scope": " ".join(sorted(wanted))})

    def require(self, headers, scope: str) -> None:
        auth = headers.get("Authorization", "")
        found = self.rows("SELECT scopes, expires FROM tokens WHERE token = ?", auth.removeprefix("Bearer "))
        if not auth.startswith("Bearer ") or not found or found[0][1] < time.time():
            raise Refused(401, "invalid_token", "no valid access token")
        if scope not in found[0][0].split():
            raise Refused(403, "insufficient_scope", f"the token lacks {scope}")

    def members(self, headers, query):
        self.require(headers, NRPS_SCOPE)
        offset, limit = int(query.get("offset", 0)), 4
        rows = self.rows("SELECT sub, given, family, email, role FROM members ORDER BY sub LIMIT ? OFFSET ?",
                         limit, offset)
        members = [{"user_id": sub, "given_name": given, "family_name": family, "name": f"{given} {family}",
                    "email": email, "status": "Active", "roles": [ROLE + role]}
                   for sub, given, family, email, role in rows]
        extra = {}
        if self.rows("SELECT COUNT(*) FROM members")[0][0] > offset + limit:
            extra["Link"] = f'<{self.url}/nrps/{self.context}?{urlencode({"offset": offset + limit})}>; rel="next"'
        return 200, {"Content-Type": "application/vnd.ims.lti-nrps.v2.membershipcontainer+json", **extra}, \
            json.dumps({"id": f"{self.url}/nrps/{self.context}", "context": {"id": self.context}, "members": members})

    def lineitem_json(self, row) -> dict:
        id_, label, maximum, resource_id = row
        return {"id": f"{self.url}/ags/{self.context}/lineitems/{id_}", "label": label, "scoreMaximum": maximum,
                "resourceId": resource_id}

    def grades(self, method, path, query, body, headers):
        tail = path.removeprefix(f"/ags/{self.context}/lineitems").strip("/").split("/")
        if tail == [""]:
            if method == "GET":
                self.require(headers, "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem")
                rows = self.rows("SELECT * FROM lineitems WHERE ? = '' OR resource_id = ?",
                                 query.get("resource_id", ""), query.get("resource_id", ""))
                return 200, {"Content-Type": "application/vnd.ims.lis.v2.lineitemcontainer+json"}, json.dumps(
                    [self.lineitem_json(r) for r in rows])
            self.require(headers, "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem")
            item = json.loads(body)
            if not item.get("label") or not float(item.get("scoreMaximum", 0)) > 0:
                raise Refused(400, "invalid_request", "a line item needs a label and scoreMaximum > 0")
            with sqlite3.connect(self.db_path) as db:
                made = db.execute("INSERT INTO lineitems (label, maximum, resource_id) VALUES (?, ?, ?)",
                                  (item["label"], float(item["scoreMaximum"]), item.get("resourceId", "")))
                row = (made.lastrowid, item["label"], float(item["scoreMaximum"]), item.get("resourceId", ""))
            return 201, {"Content-Type": "application/vnd.ims.lis.v2.lineitem+json"}, json.dumps(
                self.lineitem_json(row))
        item_id, member = int(tail[0]), (tail[1] if len(tail) > 1 else "")
        if member == "results" and method == "GET":
            self.require(headers, "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly")
            latest = self.latest_scores_of(item_id)
            return 200, {"Content-Type": "application/vnd.ims.lis.v2.resultcontainer+json"}, json.dumps(
                [{"id": f"{self.url}/ags/{self.context}/lineitems/{item_id}/results/{user}", "userId": user,
                  "resultScore": given, "resultMaximum": maximum} for user, (given, maximum) in latest.items()])
        if member == "scores" and method == "POST":
            self.require(headers, "https://purl.imsglobal.org/spec/lti-ags/scope/score")
            return self.score(item_id, json.loads(body))
        return 404, {}, "not found"

    def latest_scores_of(self, item_id: int) -> dict:
        rows = self.rows("SELECT user, given, maximum FROM scores s WHERE lineitem = ? AND timestamp = "
                         "(SELECT MAX(timestamp) FROM scores t WHERE t.user = s.user AND t.lineitem = s.lineitem)",
                         item_id)
        return {user: (given, maximum) for user, given, maximum in rows}

    def score(self, item_id: int, score: dict):
        needed = ("userId", "timestamp", "activityProgress", "gradingProgress")
        if any(not score.get(k) for k in needed):
            raise Refused(400, "invalid_request", f"a score needs {', '.join(needed)}")
        if not self.rows("SELECT 1 FROM members WHERE sub = ?", score["userId"]):
            raise Refused(400, "invalid_request", "userId is no member of the course")
        last = self.rows("SELECT MAX(timestamp) FROM scores WHERE lineitem = ? AND user = ?", item_id,
                         score["userId"])[0][0]
        if last and score["timestamp"] <= last:
            raise Refused(409, "conflict", "a score with a later timestamp is already stored")
        with sqlite3.connect(self.db_path) as db:
            db.execute("INSERT INTO scores (lineitem, user, given, maximum, activity, grading, timestamp) VALUES "
                       "(?, ?, ?, ?, ?, ?, ?)", (item_id, score["userId"], score.get("scoreGiven"),
                                                 score.get("scoreMaximum"), score["activityProgress"],
                                                 score["gradingProgress"], score["timestamp"]))
        return 200, {}, ""


class Refused(Exception):
    def __init__(self, status: int, error: str, why: str):
        super().__init__(why)
        self.status, self.error, self.why = status, error, why
