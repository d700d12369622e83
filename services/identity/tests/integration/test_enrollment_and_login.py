"""Identity's walking-skeleton journey and its rules, against real Mongo and Kafka."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

pytestmark = pytest.mark.integration

EVR = "permitsuite.identity.EmailVerificationRequested.v1"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_enroll_confirm_login_me(harness: Any) -> None:
    """R-ID-1: enroll with an email, confirm by link, set a password, log in."""
    await harness.create_jurisdiction("alpha")
    r = await harness.http.post(
        "/v1/jurisdictions/alpha/enrollments", json={"email": "Pat@Example.org"}
    )
    assert r.status_code == 202
    [event] = await harness.outbox_events(EVR)
    assert event["email"] == "pat@example.org"
    assert event["jurisdiction_name"] == "Alpha County"
    token = event["token"]

    view = await harness.http.get(f"/v1/enrollments/{token}")
    assert view.status_code == 200
    assert view.json()["existing_account"] is False

    done = await harness.http.post(
        f"/v1/enrollments/{token}",
        json={"display_name": "Pat Public", "password": "correct horse battery"},
    )
    assert done.status_code == 201, done.text
    assert done.json()["kind"] == "community_member"

    login = await harness.login("PAT@example.org", "correct horse battery", "alpha")
    assert login.status_code == 200, login.text
    me = await harness.http.get("/v1/me", headers=bearer(login.json()["access_token"]))
    assert me.status_code == 200
    body = me.json()
    assert body["email"] == "pat@example.org"
    assert body["jurisdiction_id"] == "alpha"
    assert body["kind"] == "community_member"
    assert body["jurisdictions"] == ["alpha"]
    activated = await harness.outbox_events("permitsuite.identity.AccountActivated.v1")
    assert [a["email"] for a in activated] == ["pat@example.org"]


async def test_enrollment_answers_the_same_for_existing_accounts(harness: Any) -> None:
    """No enumeration: 202 whether or not the email is already a member."""
    await harness.create_jurisdiction("alpha")
    await harness.enroll("alpha", "known@example.org")
    again = await harness.http.post(
        "/v1/jurisdictions/alpha/enrollments", json={"email": "known@example.org"}
    )
    fresh = await harness.http.post(
        "/v1/jurisdictions/alpha/enrollments", json={"email": "new@example.org"}
    )
    assert again.status_code == fresh.status_code == 202
    assert again.json() == fresh.json()
    emails = [e["email"] for e in await harness.outbox_events(EVR)]
    assert emails.count("known@example.org") == 1  # no second link for a member


async def test_confirmation_link_is_single_use(harness: Any) -> None:
    await harness.create_jurisdiction("alpha")
    await harness.http.post("/v1/jurisdictions/alpha/enrollments", json={"email": "a@example.org"})
    [event] = await harness.outbox_events(EVR)
    body = {"display_name": "A", "password": "correct horse battery"}
    assert (
        await harness.http.post(f"/v1/enrollments/{event['token']}", json=body)
    ).status_code == 201
    second = await harness.http.post(f"/v1/enrollments/{event['token']}", json=body)
    assert second.status_code == 404
    assert second.headers["content-type"] == "application/problem+json"


async def test_confirmation_link_expires(harness: Any) -> None:
    """Links expire after the configured hours (injectable clock, no sleeping)."""
    await harness.create_jurisdiction("alpha")
    await harness.http.post("/v1/jurisdictions/alpha/enrollments", json={"email": "a@example.org"})
    [event] = await harness.outbox_events(EVR)
    harness.clock.advance(timedelta(hours=24, seconds=1))
    r = await harness.http.get(f"/v1/enrollments/{event['token']}")
    assert r.status_code == 404


async def test_self_enrollment_honours_the_feature_flag(harness: Any) -> None:
    await harness.create_jurisdiction("closed", public_self_enrollment=False)
    r = await harness.http.post(
        "/v1/jurisdictions/closed/enrollments", json={"email": "a@example.org"}
    )
    assert r.status_code == 403
    assert r.json()["type"].endswith("/enrollment-disabled")
    contractor = await harness.http.post(
        "/v1/jurisdictions/closed/enrollments",
        json={"email": "a@example.org", "kind": "contractor"},
    )
    assert contractor.status_code == 403
    assert await harness.outbox_events(EVR) == []


async def test_one_login_many_jurisdictions_token_scoped_to_one(harness: Any) -> None:
    """Accounts are global; memberships and tokens are per jurisdiction."""
    await harness.create_jurisdiction("alpha")
    await harness.create_jurisdiction("beta")
    await harness.enroll("alpha", "multi@example.org")
    assert (
        await harness.login("multi@example.org", "correct horse battery", "beta")
    ).status_code == 401

    await harness.http.post(
        "/v1/jurisdictions/beta/enrollments", json={"email": "multi@example.org"}
    )
    events = await harness.outbox_events(EVR)
    token = next(e for e in events if e["jurisdiction_id"] == "beta")["token"]
    assert (await harness.http.get(f"/v1/enrollments/{token}")).json()["existing_account"] is True
    wrong = await harness.http.post(
        f"/v1/enrollments/{token}", json={"display_name": "M", "password": "a different password"}
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "password"
    ok = await harness.http.post(
        f"/v1/enrollments/{token}", json={"display_name": "M", "password": "correct horse battery"}
    )
    assert ok.status_code == 201
    login = await harness.login("multi@example.org", "correct horse battery", "beta")
    me = (await harness.http.get("/v1/me", headers=bearer(login.json()["access_token"]))).json()
    assert me["jurisdiction_id"] == "beta"
    assert me["jurisdictions"] == ["alpha", "beta"]


async def test_tampered_link_of_another_jurisdiction_is_not_found(harness: Any) -> None:
    """Cross-tenant: an alpha link re-prefixed with beta finds nothing."""
    await harness.create_jurisdiction("alpha")
    await harness.create_jurisdiction("beta")
    await harness.http.post("/v1/jurisdictions/alpha/enrollments", json={"email": "x@example.org"})
    [event] = await harness.outbox_events(EVR)
    forged = "beta." + event["token"].split(".", 1)[1]
    assert (await harness.http.get(f"/v1/enrollments/{forged}")).status_code == 404


async def test_wrong_password_and_unknown_account_look_the_same(harness: Any) -> None:
    await harness.create_jurisdiction("alpha")
    await harness.enroll("alpha", "pat@example.org")
    wrong = await harness.login("pat@example.org", "not the password", "alpha")
    unknown = await harness.login("nobody@example.org", "not the password", "alpha")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]


async def test_refresh_rotates_and_reuse_revokes_the_family(harness: Any) -> None:
    await harness.create_jurisdiction("alpha")
    await harness.enroll("alpha", "pat@example.org")
    first = (await harness.login("pat@example.org", "correct horse battery", "alpha")).json()
    r1 = await harness.http.post(
        "/v1/auth/token",
        data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
    )
    assert r1.status_code == 200
    second = r1.json()
    assert second["refresh_token"] != first["refresh_token"]
    replay = await harness.http.post(
        "/v1/auth/token",
        data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
    )
    assert replay.status_code == 401
    # the reuse revoked the whole family, including the newest token
    r2 = await harness.http.post(
        "/v1/auth/token",
        data={"grant_type": "refresh_token", "refresh_token": second["refresh_token"]},
    )
    assert r2.status_code == 401


async def test_access_token_expires_by_the_clock(harness: Any) -> None:
    await harness.create_jurisdiction("alpha")
    await harness.enroll("alpha", "pat@example.org")
    token = (await harness.login("pat@example.org", "correct horse battery", "alpha")).json()
    harness.clock.advance(timedelta(minutes=5, seconds=11))
    r = await harness.http.get("/v1/me", headers=bearer(token["access_token"]))
    assert r.status_code == 401
    assert r.json()["detail"] == "token expired"


async def test_only_operators_create_jurisdictions(harness: Any) -> None:
    await harness.create_jurisdiction("alpha")
    await harness.enroll("alpha", "pat@example.org")
    member = (await harness.login("pat@example.org", "correct horse battery", "alpha")).json()
    body = {"id": "gamma", "name": "Gamma", "time_zone": "UTC"}
    assert (await harness.http.post("/v1/jurisdictions", json=body)).status_code == 401
    forbidden = await harness.http.post(
        "/v1/jurisdictions", json=body, headers=bearer(member["access_token"])
    )
    assert forbidden.status_code == 403
    assert forbidden.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"id": "Not A Slug", "name": "x", "time_zone": "UTC"}, "id"),
        ({"id": "ok", "name": "x", "time_zone": "Mars/Olympus"}, "time_zone"),
        ({"id": "ok", "time_zone": "UTC"}, "name"),
    ],
)
async def test_bad_jurisdiction_input_names_the_field(
    harness: Any, payload: dict[str, Any], field: str
) -> None:
    token = await harness.operator_token()
    r = await harness.http.post("/v1/jurisdictions", json=payload, headers=bearer(token))
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in r.json()["errors"]]
    assert await harness.identity.runtime.db["jurisdictions"].count_documents({}) == 0


async def test_malformed_json_oversized_body_and_bad_tokens_are_4xx_problems(harness: Any) -> None:
    await harness.create_jurisdiction("alpha")
    malformed = await harness.http.post(
        "/v1/jurisdictions/alpha/enrollments",
        content=b'{"email": ',
        headers={"content-type": "application/json"},
    )
    assert malformed.status_code == 422
    assert malformed.json()["type"].endswith("/malformed-json")
    missing = await harness.http.post("/v1/jurisdictions/alpha/enrollments", json={})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "email"
    bad_email = await harness.http.post(
        "/v1/jurisdictions/alpha/enrollments", json={"email": "nope"}
    )
    assert bad_email.status_code == 422
    huge = await harness.http.post(
        "/v1/jurisdictions/alpha/enrollments", json={"email": "a@example.org", "pad": "x" * 70_000}
    )
    assert huge.status_code == 413
    assert huge.headers["content-type"] == "application/problem+json"
    for header in ("Bearer not-a-jwt", "Bearer a.b.c", "Basic Zm9vOmJhcg=="):
        r = await harness.http.get("/v1/me", headers={"Authorization": header})
        assert r.status_code == 401, header
        assert r.headers["content-type"] == "application/problem+json"
    unknown = await harness.http.post(
        "/v1/jurisdictions/nowhere/enrollments", json={"email": "a@example.org"}
    )
    assert unknown.status_code == 404
    assert await harness.outbox_events(EVR) == []


async def test_weak_password_is_refused_with_the_rule(harness: Any) -> None:
    await harness.create_jurisdiction("alpha")
    await harness.http.post("/v1/jurisdictions/alpha/enrollments", json={"email": "a@example.org"})
    [event] = await harness.outbox_events(EVR)
    r = await harness.http.post(
        f"/v1/enrollments/{event['token']}", json={"display_name": "A", "password": "short"}
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["type"] == "password.min_length"
    assert await harness.identity.runtime.db["accounts"].count_documents({"operator": False}) == 0


async def test_correlation_id_flows_from_http_request_to_event(harness: Any) -> None:
    await harness.create_jurisdiction("alpha")
    r = await harness.http.post(
        "/v1/jurisdictions/alpha/enrollments",
        json={"email": "c@example.org"},
        headers={"X-Correlation-ID": "corr-http-42"},
    )
    assert r.headers["x-correlation-id"] == "corr-http-42"
    doc = await harness.identity.runtime.db["outbox"].find_one({"event_type": EVR})
    assert doc["headers"]["ce_correlationid"] == "corr-http-42"
    assert "ce_causationid" not in doc["headers"]


async def test_health_and_metrics(harness: Any) -> None:
    await harness.create_jurisdiction("alpha")
    ready = await harness.http.get("/health/ready")
    assert ready.status_code == 200
    deps = {d["name"]: d for d in ready.json()["dependencies"]}
    assert deps["mongodb"]["ready"] and deps["mongodb"]["version"]
    assert deps["kafka"]["ready"]
    metrics = (await harness.http.get("/metrics")).text
    assert (
        'permitsuite_http_request_seconds_count{method="POST",route="/v1/jurisdictions"' in metrics
    )
    assert 'permitsuite_events_published_total{path="direct",service="identity"' in metrics
