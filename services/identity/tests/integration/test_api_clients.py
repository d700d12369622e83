"""API clients through identity's API on the real database (issue 26, item
3): an admin creates one, the system gets tokens with client credentials
(form or HTTP Basic), the token's standing holds until the client is
revoked or its secret rotated, bad input names its field, another
jurisdiction's admin sees 404, and a client token is refused on people's
routes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.integration

CLIENTS = "/v1/jurisdictions/{jid}/api-clients"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _create(h: Any, admin: str, jid: str = "alpha", **body: Any) -> httpx.Response:
    body = {"name": "County GIS", "scopes": ["events:read", "permits:read"], **body}
    return await h.http.post(CLIENTS.format(jid=jid), json=body, headers=auth(admin))


async def _grant(h: Any, client_id: str, secret: str, **extra: str) -> httpx.Response:
    data = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    return await h.http.post("/v1/auth/token", data={**data, **extra})


async def test_client_credentials_get_a_scoped_token_whose_standing_ends_at_revocation(
    harness: Any,
) -> None:
    admin = await harness.jurisdiction_with_admin("alpha")
    created = await _create(harness, admin, rate_limit_per_minute=120)
    assert created.status_code == 201, created.text
    client = created.json()
    client_id, secret = client["client_id"], client["client_secret"]
    assert client["scopes"] == ["events:read", "permits:read"] and client["last_used_at"] is None

    granted = await _grant(harness, client_id, secret, scope="events:read")
    assert granted.status_code == 200, granted.text
    body = granted.json()
    assert body["scope"] == "events:read" and body["refresh_token"] is None
    token = body["access_token"]
    basic = await harness.http.post(
        "/v1/auth/token",
        data={"grant_type": "client_credentials"},
        auth=httpx.BasicAuth(client_id, secret),
    )
    assert basic.status_code == 200 and basic.json()["scope"] == "events:read permits:read"

    standing = await harness.http.get("/v1/auth/client", headers=auth(token))
    assert standing.status_code == 200, standing.text
    assert standing.json() == {
        "client_id": client_id,
        "name": "County GIS",
        "jurisdiction_id": "alpha",
        "scopes": ["events:read"],
        "rate_limit_per_minute": 120,
    }
    read = await harness.http.get(f"{CLIENTS.format(jid='alpha')}/{client_id}", headers=auth(admin))
    assert read.json()["last_used_at"] is not None and "client_secret" not in read.json()

    revoked = await harness.http.delete(
        f"{CLIENTS.format(jid='alpha')}/{client_id}", headers=auth(admin)
    )
    assert revoked.status_code == 204
    assert (await harness.http.get("/v1/auth/client", headers=auth(token))).status_code == 401
    assert (await _grant(harness, client_id, secret)).status_code == 401
    listed = await harness.http.get(CLIENTS.format(jid="alpha"), headers=auth(admin))
    assert listed.json()["items"] == []


async def test_rotation_ends_the_old_secret_and_its_tokens(harness: Any) -> None:
    admin = await harness.jurisdiction_with_admin("alpha")
    client = (await _create(harness, admin)).json()
    old = (await _grant(harness, client["client_id"], client["client_secret"])).json()
    rotated = await harness.http.post(
        f"{CLIENTS.format(jid='alpha')}/{client['client_id']}/secret", headers=auth(admin)
    )
    assert rotated.status_code == 200 and rotated.json()["client_secret"] != client["client_secret"]
    old_token = auth(old["access_token"])
    assert (await harness.http.get("/v1/auth/client", headers=old_token)).status_code == 401
    assert (await _grant(harness, client["client_id"], client["client_secret"])).status_code == 401
    new = await _grant(harness, client["client_id"], rotated.json()["client_secret"])
    assert new.status_code == 200


async def test_bad_input_names_the_field_and_another_jurisdiction_sees_nothing(
    harness: Any,
) -> None:
    alpha = await harness.jurisdiction_with_admin("alpha")
    beta = await harness.jurisdiction_with_admin("beta")
    unknown = await _create(harness, alpha, scopes=["permits:write"])
    assert unknown.status_code == 422 and "scopes" in str(unknown.json()["errors"][0]["loc"])
    too_fast = await _create(harness, alpha, rate_limit_per_minute=0)
    assert too_fast.status_code == 422
    assert "rate_limit_per_minute" in str(too_fast.json()["errors"][0]["loc"])
    client = (await _create(harness, alpha)).json()
    one = f"{CLIENTS.format(jid='alpha')}/{client['client_id']}"
    for method in ("GET", "DELETE", "PATCH"):
        r = await harness.http.request(method, one, headers=auth(beta), json={"name": "x"})
        assert r.status_code == 404, (method, r.text)
    wrong_scope = await _grant(
        harness, client["client_id"], client["client_secret"], scope="payments:read"
    )
    assert wrong_scope.status_code == 422 and wrong_scope.json()["errors"][0]["loc"][-1] == "scope"


async def test_a_client_token_is_refused_on_peoples_routes(harness: Any) -> None:
    admin = await harness.jurisdiction_with_admin("alpha")
    client = (await _create(harness, admin)).json()
    token = (await _grant(harness, client["client_id"], client["client_secret"])).json()
    for path in ("/v1/me", CLIENTS.format(jid="alpha"), "/v1/jurisdictions/alpha/users"):
        r = await harness.http.get(path, headers=auth(token["access_token"]))
        assert r.status_code == 403, (path, r.text)
        assert "people" in r.json()["detail"]


async def test_a_retried_creation_under_its_key_makes_one_client(harness: Any) -> None:
    """A retried request has exactly one effect: the retry answers the client
    the first request made (replayed), with a new secret — the first answer's
    stops working, as it is stored hashed only — and the list holds one."""
    admin = await harness.jurisdiction_with_admin("alpha")
    keyed = {**auth(admin), "Idempotency-Key": "gis-client-1"}
    body = {"name": "County GIS", "scopes": ["events:read"]}
    first = await harness.http.post(CLIENTS.format(jid="alpha"), json=body, headers=keyed)
    again = await harness.http.post(CLIENTS.format(jid="alpha"), json=body, headers=keyed)
    assert first.status_code == 201 and again.status_code == 201, again.text
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["client_id"] == first.json()["client_id"]
    assert again.json()["client_secret"] != first.json()["client_secret"]
    listed = await harness.http.get(CLIENTS.format(jid="alpha"), headers=auth(admin))
    assert [c["client_id"] for c in listed.json()["items"]] == [first.json()["client_id"]]
    client_id = first.json()["client_id"]
    assert (await _grant(harness, client_id, first.json()["client_secret"])).status_code == 401
    assert (await _grant(harness, client_id, again.json()["client_secret"])).status_code == 200
    other = await harness.http.post(
        CLIENTS.format(jid="alpha"), json={**body, "name": "Other"}, headers=keyed
    )
    assert other.status_code == 422 and "Idempotency-Key" in other.text
