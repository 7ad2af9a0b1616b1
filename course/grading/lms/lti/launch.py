"""An LTI 1.3 launch, verified: the platform's signature, issuer, audience, deployment, expiry and a nonce used once.

``verify_launch`` takes the id_token the browser posted and the nonce the tool bound to that browser at login
initiation; it returns the launch's facts (who, which roles, which course context, which module, the roster and
grade service URLs) or raises ``LaunchRefused`` saying which check failed. Nothing in a token is trusted before
its signature is checked against the platform's key set.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from course.grading.lms.lti.registration import LTIError, Platform

__all__ = ["Launch", "LaunchRefused", "NonceStore", "account_name", "verify_launch"]

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
GRADER_ROLES = {"Instructor", "TeachingAssistant", "Administrator", "ContentDeveloper"}
ACCOUNT_PREFIX = "lti-"
LEEWAY_S = 30


class LaunchRefused(LTIError):
    """A launch the tool will not accept; the message says which check failed (never shown with the token)."""


@dataclass(frozen=True)
class Launch:
    issuer: str
    subject: str
    account: str
    roles: tuple[str, ...]
    name: str
    context_id: str
    resource_link_id: str
    module: str
    target_link_uri: str
    services: dict = field(default_factory=dict)

    @property
    def grader(self) -> bool:
        """Instructor or TeachingAssistant (or an administrator) in this context, by the LIS role vocabulary."""
        return any(role_name(r) in GRADER_ROLES for r in self.roles)


def role_name(uri: str) -> str:
    """The short name of an LIS role URI (…/membership#Instructor, …/membership/Instructor#TeachingAssistant)."""
    return re.split(r"[#/]", uri)[-1]


def account_name(issuer: str, subject: str) -> str:
    """The learner's Unix account: 'lti-' and 12 hex digits of SHA-256 over the platform and its stable user id.

    Stable for the person (the platform never changes ``sub``), different on another platform, always a valid
    Unix name, and nothing the platform sends (names, emails) can shape it."""
    digest = hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()
    return f"{ACCOUNT_PREFIX}{digest[:12]}"


class NonceStore:
    """Nonces already used, in a root-only SQLite file: a token's nonce is accepted once, ever (kept 2 days)."""

    def __init__(self, path: Path | str):
        self.path = str(path)
        with sqlite3.connect(self.path) as db:
            db.execute("CREATE TABLE IF NOT EXISTS used (nonce TEXT PRIMARY KEY, at REAL NOT NULL)")

    def use(self, nonce: str) -> bool:
        """True the first time ``nonce`` is seen, False after."""
        with sqlite3.connect(self.path) as db:
            db.execute("DELETE FROM used WHERE at < ?", (time.time() - 2 * 86400,))
            try:
                db.execute("INSERT INTO used VALUES (?, ?)", (nonce, time.time()))
            except sqlite3.IntegrityError:
                return False
        return True


def verify_launch(id_token: str, platform: Platform, expected_nonce: str, nonces: NonceStore, jwks_client,
                  modules: list[str] | None = None) -> Launch:
    """The launch's facts once every check passes; ``LaunchRefused`` naming the first that does not."""
    import jwt

    try:
        signing_key = jwks_client.get_signing_key_from_jwt(id_token)
        claims = jwt.decode(id_token, signing_key.key, algorithms=["RS256"], audience=platform.client_id,
                            issuer=platform.issuer, leeway=LEEWAY_S,
                            options={"require": ["exp", "iat", "iss", "aud", "sub", "nonce"]})
    except jwt.ExpiredSignatureError:
        raise LaunchRefused("the launch has expired: open the activity from the platform again") from None
    except jwt.InvalidAudienceError:
        raise LaunchRefused("the launch is for another tool (audience is not this tool's client id)") from None
    except jwt.InvalidIssuerError:
        raise LaunchRefused("the launch comes from a platform this hub is not registered with (issuer)") from None
    except jwt.InvalidSignatureError:
        raise LaunchRefused("the launch's signature does not match the platform's key set") from None
    except (jwt.PyJWKClientError, jwt.InvalidTokenError) as error:
        raise LaunchRefused(f"the launch's token is not valid: {error}") from None
    audience = claims["aud"]
    if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != platform.client_id:
        raise LaunchRefused("the launch names several audiences and this tool is not the authorised party (azp)")
    if claims.get(CLAIM + "deployment_id") not in platform.deployment_ids:
        raise LaunchRefused("the launch comes from a deployment this hub does not know (deployment_id)")
    if claims.get(CLAIM + "message_type") != "LtiResourceLinkRequest" or claims.get(CLAIM + "version") != "1.3.0":
        raise LaunchRefused("not an LTI 1.3 resource link launch (message_type, version)")
    if not expected_nonce or claims["nonce"] != expected_nonce:
        raise LaunchRefused("the launch's nonce is not the one this browser was given: start again from the platform")
    if not nonces.use(claims["nonce"]):
        raise LaunchRefused("the launch's nonce was used before (a replayed launch)")
    return _facts(claims, modules or [])


def _facts(claims: dict, modules: list[str]) -> Launch:
    subject = str(claims["sub"])
    if not subject or len(subject) > 255:
        raise LaunchRefused("the launch has no usable user id (sub)")
    roles = claims.get(CLAIM + "roles") or []
    if not isinstance(roles, list):
        raise LaunchRefused("the launch's roles are not a list")
    context = claims.get(CLAIM + "context") or {}
    link = claims.get(CLAIM + "resource_link") or {}
    custom = claims.get(CLAIM + "custom") or {}
    target = str(claims.get(CLAIM + "target_link_uri") or "")
    services = {}
    nrps = claims.get(NRPS_CLAIM) or {}
    if isinstance(nrps, dict) and nrps.get("context_memberships_url"):
        services["context_memberships_url"] = str(nrps["context_memberships_url"])
    ags = claims.get(AGS_CLAIM) or {}
    if isinstance(ags, dict):
        for key in ("lineitems", "lineitem"):
            if ags.get(key):
                services[key] = str(ags[key])
        services["scope"] = [str(s) for s in ags.get("scope", []) if isinstance(s, str)]
    name = " ".join(str(claims.get(k, "")) for k in ("given_name", "family_name")).strip() or str(
        claims.get("name", ""))
    return Launch(str(claims["iss"]), subject, account_name(str(claims["iss"]), subject),
                  tuple(str(r) for r in roles), name[:200], str(context.get("id", ""))[:255],
                  str(link.get("id", ""))[:255], chosen_module(custom, target, modules), target, services)


def chosen_module(custom: dict, target: str, modules: list[str]) -> str:
    """The module notebook the activity points at: custom ``module=02`` (or a notebook name), else the
    target_link_uri's ?module=; only a notebook the course has, never a path the platform makes up."""
    wanted = str(custom.get("module", "")) if isinstance(custom, dict) else ""
    if not wanted:
        found = re.search(r"[?&]module=([\w.-]+)", target)
        wanted = found.group(1) if found else ""
    if not wanted:
        return ""
    for notebook in modules:
        if notebook == wanted or notebook.split("_", 1)[0] == wanted or notebook == f"{wanted}.ipynb":
            return notebook
    return ""
