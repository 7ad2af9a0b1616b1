"""The platform's services as the tool calls them: an access token (client credentials, signed by the tool's key),
the roster (Names and Role Provisioning Services) and line items, results and scores (Assignment and Grade
Services). Every answer that is not what LTI says is an ``LTIError`` with the platform's status and words."""

from __future__ import annotations

import time
import uuid
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from course.grading.lms.lti.registration import LTIError, Registration, read_key

__all__ = ["SCOPES", "PlatformServices"]

SCOPES = {
    "roster": "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
    "lineitem": "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "results": "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "score": "https://purl.imsglobal.org/spec/lti-ags/scope/score",
}
MEMBERSHIPS = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
LINEITEM = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEMS = "application/vnd.ims.lis.v2.lineitemcontainer+json"
RESULTS = "application/vnd.ims.lis.v2.resultcontainer+json"
SCORE = "application/vnd.ims.lis.v1.score+json"
TIMEOUT_S = 30


def client_assertion(registration: Registration, private_key=None) -> str:
    """The signed JWT that proves to the platform's token endpoint that this request comes from the tool."""
    import jwt

    platform = registration.platform
    now = int(time.time())
    claims = {"iss": platform.client_id, "sub": platform.client_id, "aud": platform.token_url, "iat": now,
              "exp": now + 300, "jti": uuid.uuid4().hex}
    key = private_key if private_key is not None else read_key(registration.key_file)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": registration.key_id})


class PlatformServices:
    """One session with the platform: a token per set of scopes, fetched once, used for each request."""

    def __init__(self, registration: Registration, private_key=None):
        import requests

        self.registration = registration
        self.private_key = private_key
        self.http = requests.Session()
        self.tokens: dict[tuple[str, ...], str] = {}

    def token(self, *scopes: str) -> str:
        wanted = tuple(sorted(SCOPES[s] for s in scopes))
        if wanted not in self.tokens:
            url = self.registration.platform.token_url
            response = self._send("POST", url, data={
                "grant_type": "client_credentials",
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": client_assertion(self.registration, self.private_key),
                "scope": " ".join(wanted)}, what="the access token")
            granted = set(str(response.get("scope", " ".join(wanted))).split())
            if not set(wanted) <= granted:
                raise LTIError(f"the platform did not grant {', '.join(sorted(set(wanted) - granted))}: enable the "
                               "tool's Names and Roles and grade services on the platform (docs/lti.md)")
            self.tokens[wanted] = response["access_token"]
        return self.tokens[wanted]

    def _send(self, method: str, url: str, what: str, scopes: tuple[str, ...] = (), accept: str = "",
              **kwargs) -> dict | list:
        import requests

        headers = kwargs.pop("headers", {})
        if scopes:
            headers["Authorization"] = f"Bearer {self.token(*scopes)}"
        if accept:
            headers["Accept"] = accept
        try:
            response = self.http.request(method, url, headers=headers, timeout=TIMEOUT_S, **kwargs)
        except requests.RequestException as error:
            raise LTIError(f"{what}: cannot reach the platform at {url}: {error}") from None
        if response.status_code >= 400:
            raise LTIError(f"{what}: the platform answered HTTP {response.status_code}: {response.text[:300]}")
        self.last_status = response.status_code
        self.next_page = response.links.get("next", {}).get("url")
        if not response.content:
            return {}
        try:
            return response.json()
        except ValueError:
            raise LTIError(f"{what}: the platform's answer is not JSON: {response.text[:200]}") from None

    # --- Names and Role Provisioning Services -----------------------------------------------------------------
    def members(self, memberships_url: str) -> list[dict]:
        """Every member of the context, following the platform's pages (Link: rel="next")."""
        members, url, pages = [], memberships_url, 0
        while url and pages < 1000:
            page = self._send("GET", url, "the class list", ("roster",), MEMBERSHIPS)
            if not isinstance(page, dict) or not isinstance(page.get("members"), list):
                raise LTIError("the class list: the platform's answer has no members list")
            members += page["members"]
            url, pages = self.next_page, pages + 1
        return members

    # --- Assignment and Grade Services ------------------------------------------------------------------------
    def line_items(self, lineitems_url: str, resource_id: str) -> list[dict]:
        found = self._send("GET", _with_query(lineitems_url, resource_id=resource_id), "the grade columns",
                           ("lineitem",), LINEITEMS)
        if not isinstance(found, list):
            raise LTIError("the grade columns: the platform's answer is not a list")
        return [item for item in found if isinstance(item, dict) and item.get("resourceId") == resource_id]

    def create_line_item(self, lineitems_url: str, label: str, maximum: float, resource_id: str) -> dict:
        return self._send("POST", lineitems_url, "a new grade column", ("lineitem",), LINEITEM,
                          json={"label": label, "scoreMaximum": maximum, "resourceId": resource_id},
                          headers={"Content-Type": LINEITEM})

    def results(self, lineitem_url: str) -> list[dict]:
        found = self._send("GET", _member_url(lineitem_url, "results"), "the grades already there", ("results",),
                           RESULTS)
        return found if isinstance(found, list) else []

    def post_score(self, lineitem_url: str, score: dict) -> int:
        self._send("POST", _member_url(lineitem_url, "scores"), f"the grade of {score['userId']}", ("score",),
                   json=score, headers={"Content-Type": SCORE})
        return self.last_status


def _with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | params
    return urlunsplit(parts._replace(query=urlencode(query)))


def _member_url(lineitem_url: str, member: str) -> str:
    """``…/lineitems/7/scores`` from ``…/lineitems/7`` (keeping any query the platform put on it)."""
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/" + member))
