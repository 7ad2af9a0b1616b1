"""The platform this course is registered with, and the tool's own key pair (its public half is the tool's JWKS).

The hub writes ``lti.json`` (no secret in it) and keeps the private key beside it, both readable by the grader
account only; the roster and passback commands read them from there (``COURSE_LTI`` names the file).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from course.grading.nbgrader_run import GradingError

__all__ = ["LTIError", "Platform", "Registration", "load_registration", "make_key", "public_jwks", "read_key"]

REQUIRED = ("issuer", "client_id", "deployment_ids", "jwks_url", "auth_url", "token_url")


class LTIError(GradingError):
    """A launch, token or service call the course refuses or the platform refused, with what to do about it."""


@dataclass(frozen=True)
class Platform:
    """What the platform's administrator gives when registering the tool (docs/lti.md names each field)."""

    issuer: str
    client_id: str
    deployment_ids: tuple[str, ...]
    jwks_url: str
    auth_url: str
    token_url: str

    @classmethod
    def from_settings(cls, entry: dict, where: str) -> Platform:
        missing = [k for k in REQUIRED if not entry.get(k)]
        if missing:
            raise LTIError(f"{where}: the platform's registration lacks {', '.join(missing)} (see docs/lti.md)")
        ids = entry["deployment_ids"]
        if isinstance(ids, str) or not all(isinstance(i, str) and i for i in ids):
            raise LTIError(f"{where}: deployment_ids must be a list of the platform's deployment ids (text)")
        return cls(entry["issuer"], entry["client_id"], tuple(ids), entry["jwks_url"], entry["auth_url"],
                   entry["token_url"])


@dataclass(frozen=True)
class Registration:
    """The platform, the tool's key (file and key id) and the file where the hub keeps the course's service URLs."""

    platform: Platform
    key_file: str
    key_id: str
    contexts_file: str
    tool_url: str = ""

    def to_json(self) -> str:
        data = asdict(self)
        data["platform"]["deployment_ids"] = list(self.platform.deployment_ids)
        return json.dumps(data, indent=1) + "\n"


def load_registration(path: str | os.PathLike | None = None) -> Registration:
    """The registration the hub wrote (``COURSE_LTI`` or ``path``), or a clear error saying where to look."""
    path = path or os.environ.get("COURSE_LTI")
    if not path:
        raise LTIError("no LTI registration: run this in the formgrader's terminal on the hub (it sets COURSE_LTI), "
                       "or pass --lti /opt/secure-attachment/lti/lti.json")
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        platform = Platform.from_settings(data["platform"], str(path))
        return Registration(platform, data["key_file"], data["key_id"], data["contexts_file"],
                            data.get("tool_url", ""))
    except PermissionError:
        raise LTIError(f"{path}: permission denied. Only the grader account may use the platform's services: run "
                       "this in the formgrader's terminal") from None
    except OSError as error:
        raise LTIError(f"cannot read the LTI registration {path}: {error.strerror}") from None
    except (ValueError, KeyError, TypeError) as error:
        raise LTIError(f"{path} is not an LTI registration the hub wrote ({error})") from None


def make_key(path: Path) -> None:
    """A new 2048-bit RSA private key in ``path``, created 0600 (never readable by anyone else, even briefly)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)


def read_key(path: str | os.PathLike):
    from cryptography.hazmat.primitives import serialization

    try:
        return serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except PermissionError:
        raise LTIError(f"{path}: permission denied. The tool's key is the grader account's only: run this in the "
                       "formgrader's terminal") from None
    except (OSError, ValueError) as error:
        raise LTIError(f"cannot read the tool's key {path}: {error}") from None


def public_jwks(private_key, key_id: str) -> dict:
    """The tool's JWKS: the public half of its key, for the platform to check the tool's signed requests."""
    from jwt.algorithms import RSAAlgorithm

    jwk = json.loads(RSAAlgorithm.to_jwk(private_key.public_key()))
    jwk.update({"kid": key_id, "alg": "RS256", "use": "sig"})
    return {"keys": [jwk]}


def key_id(private_key) -> str:
    """A stable id for the key: a hash of its public numbers (RFC 7638 thumbprint)."""
    import base64
    import hashlib

    numbers = private_key.public_key().public_numbers()

    def b64(n: int) -> str:
        return base64.urlsafe_b64encode(n.to_bytes((n.bit_length() + 7) // 8, "big")).rstrip(b"=").decode()

    canonical = json.dumps({"e": b64(numbers.e), "kty": "RSA", "n": b64(numbers.n)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()
