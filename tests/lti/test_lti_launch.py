"""Every LTI 1.3 launch is verified before anyone is signed in, and the platform's token endpoint refuses a tool
that cannot prove itself: each refusal named in issue 21, against the test platform on 127.0.0.1, in-process."""

from __future__ import annotations

import base64
import json
import re
import time
from dataclasses import replace
from urllib.parse import urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from support.lti_platform import PAGE_SIZE, LoopbackPlatform
from tool_keys import ToolKeySet

from course.grading.lms.lti.launch import CLAIM, LaunchRefused, NonceStore, account_name, verify_launch
from course.grading.lms.lti.registration import LTIError, Platform, Registration
from course.grading.lms.lti.services import SCOPES, PlatformServices, client_assertion

MODULES = ["00_start_here.ipynb", "01_why_attachment_matters.ipynb", "02_reading_cues.ipynb"]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lti")
    tool = ToolKeySet(folder)
    platform = LoopbackPlatform(folder, tool.url).start()
    platform.add_member("u-student", "Ada", "Learner")
    platform.add_member("u-teacher", "Tess", "Teacher", "Instructor")
    for n in range(PAGE_SIZE):
        platform.add_member(f"u-class-{n}", f"Given{n}", "Family")
    registered = Platform.from_settings(platform.registration(), "test settings")
    try:
        yield {"tool": tool, "platform": platform, "registered": registered, "folder": folder,
               "jwks": jwt.PyJWKClient(registered.jwks_url)}
    finally:
        platform.stop()
        tool.stop()


def launch(world, token: str, nonce: str, nonces: NonceStore | None = None):
    store = nonces or NonceStore(world["folder"] / f"nonces-{time.monotonic_ns()}.sqlite")
    return verify_launch(token, world["registered"], nonce, store, world["jwks"], MODULES)


def refused(world, token: str, nonce: str = "n-1") -> str:
    with pytest.raises(LaunchRefused) as caught:
        launch(world, token, nonce)
    return str(caught.value)


def test_a_good_launch_gives_the_person_their_account_roles_module_and_services(world):
    """Does a launch the platform signed give the stable account name, the roles, the module and services?"""
    platform = world["platform"]
    student = launch(world, platform.id_token("u-student", "n-1"), "n-1")
    assert student.account == account_name(platform.issuer, "u-student")
    assert re.fullmatch(r"lti-[0-9a-f]{12}", student.account)
    assert student.account != account_name("https://other.example", "u-student")
    assert not student.grader and student.name == "Ada Learner"
    assert student.module == "02_reading_cues.ipynb"
    assert urlsplit(student.services["context_memberships_url"]).path == "/nrps/course-ctx-1"
    assert student.services["lineitems"].endswith("/ags/course-ctx-1/lineitems")
    teacher = launch(world, platform.id_token("u-teacher", "n-2"), "n-2")
    assert teacher.grader
    assistant = launch(world, platform.id_token("u-student", "n-3", **{CLAIM + "roles": [
        "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"]}), "n-3")
    assert assistant.grader


def test_a_module_the_course_has_not_is_never_a_landing_page(world):
    made_up = world["platform"].id_token("u-student", "n-1", **{CLAIM + "custom": {"module": "../../etc/passwd"}})
    assert launch(world, made_up, "n-1").module == ""


def test_a_token_signed_by_another_key_is_refused(world):
    """Bad signature: the platform's library signs with a key that is not the one it publishes (same key id)."""
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert "signature" in refused(world, world["platform"].id_token("u-student", "n-1", signed_by=stranger))


def test_a_wrong_issuer_or_audience_is_refused(world):
    platform = world["platform"]
    assert "issuer" in refused(world, platform.id_token("u-student", "n-1", iss="https://evil.example"))
    assert "audience" in refused(world, platform.id_token("u-student", "n-1", aud="another-tool"))


def test_an_unknown_deployment_is_refused(world):
    token = world["platform"].id_token("u-student", "n-1", **{CLAIM + "deployment_id": "dep-unknown"})
    assert "deployment" in refused(world, token)


def test_an_expired_launch_is_refused(world):
    assert "expired" in refused(world, world["platform"].id_token("u-student", "n-1", expires_in=-3600))


def test_a_replayed_launch_is_refused(world):
    """The same id_token (same nonce) posted a second time, even with the same browser's nonce."""
    token = world["platform"].id_token("u-student", "n-replay")
    nonces = NonceStore(world["folder"] / "replay.sqlite")
    launch(world, token, "n-replay", nonces)
    with pytest.raises(LaunchRefused, match="used before"):
        launch(world, token, "n-replay", nonces)


def test_a_nonce_not_given_to_this_browser_is_refused(world):
    assert "nonce" in refused(world, world["platform"].id_token("u-student", "n-other"), nonce="n-mine")


def edited(token: str, **claims) -> str:
    """The token with its payload changed and its signature kept, as a student would edit it."""
    header, payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data.update(claims)
    raw = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{header}.{raw}.{signature}"


def test_a_students_token_edited_to_claim_instructor_is_refused(world):
    token = world["platform"].id_token("u-student", "n-1")
    promoted = edited(token, **{CLAIM + "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]})
    assert "signature" in refused(world, promoted)


def registration(world, key_file) -> Registration:
    return Registration(world["registered"], str(key_file), world["tool"].kid, str(world["folder"] / "ctx.json"))


def test_the_platform_refuses_a_token_request_with_a_wrong_client_assertion(world):
    """A token for the grade service needs an assertion signed by the tool's key: another key gets nothing."""
    tool = world["tool"]
    good = PlatformServices(registration(world, tool.key_file))
    accepted = world["platform"].rows("SELECT COUNT(*) FROM jtis")[0][0]
    assert good.token("score")  # the tool's own key: granted
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    bad = PlatformServices(registration(world, tool.key_file), private_key=stranger)
    with pytest.raises(LTIError, match="HTTP 401.*invalid_client"):
        bad.token("score")
    assert world["platform"].rows("SELECT COUNT(*) FROM jtis")[0][0] == accepted + 1  # the tool's own only


def test_the_platform_refuses_a_replayed_or_misaddressed_client_assertion(world):
    """The checks the platform adds to its library's: a client assertion is used once, and only at its token URL."""
    reg, token_url = registration(world, world["tool"].key_file), world["registered"].token_url
    form = {"grant_type": "client_credentials", "scope": SCOPES["score"],
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}
    assertion = client_assertion(reg)
    answers = [requests.post(token_url, data={**form, "client_assertion": assertion}, timeout=30) for _ in "12"]
    assert [a.status_code for a in answers] == [200, 401] and "used before" in answers[1].text
    elsewhere = replace(reg, platform=replace(reg.platform, token_url="https://other.example/token"))
    misaddressed = requests.post(token_url, data={**form, "client_assertion": client_assertion(elsewhere)}, timeout=30)
    assert misaddressed.status_code == 401 and "audience" in misaddressed.text


def test_the_tools_services_read_the_class_list_in_pages_and_store_a_grade(world):
    """The tool's own client against the platform's NRPS and AGS: every member over two pages, a grade column, a
    score stored and read back, an older score refused; a token granted for scores cannot make a grade column."""
    platform = world["platform"]
    services = PlatformServices(registration(world, world["tool"].key_file))
    claims = launch(world, platform.id_token("u-teacher", "n-services"), "n-services").services
    members = services.members(claims["context_memberships_url"])
    assert sorted(m["user_id"] for m in members) == sorted(sub for (sub,) in platform.rows("SELECT sub FROM members"))
    assert len(members) > PAGE_SIZE
    item = services.create_line_item(claims["lineitems"], "Risk factors", 25, "risk_factors")
    assert services.line_items(claims["lineitems"], "risk_factors") == [item]
    score = {"userId": "u-student", "scoreGiven": 20.5, "scoreMaximum": 25, "activityProgress": "Completed",
             "gradingProgress": "FullyGraded", "timestamp": "2026-12-06T03:00:00.000000+00:00"}
    assert services.post_score(item["id"], score) == 201
    assert [(r["userId"], r["resultScore"]) for r in services.results(item["id"])] == [("u-student", 20.5)]
    with pytest.raises(LTIError, match="HTTP 409"):
        services.post_score(item["id"], {**score, "scoreGiven": 1, "timestamp": "2026-12-06T02:00:00.000000+00:00"})
    assert platform.latest_scores() == {"u-student": (20.5, 25)}
    made = requests.post(claims["lineitems"], json={"label": "x", "scoreMaximum": 1},
                         headers={"Authorization": f"Bearer {services.token('score')}"}, timeout=30)
    assert made.status_code == 401 and platform.rows("SELECT COUNT(*) FROM lineitems")[0][0] == 1
