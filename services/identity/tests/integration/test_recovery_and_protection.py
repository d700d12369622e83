"""Forgot password (R-ID-4), profile (R-ID-5), login throttling, token hygiene."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
import jwt
import pytest

pytestmark = pytest.mark.integration

RESET = "permitsuite.identity.PasswordResetRequested.v1"
PASSWORD = "correct horse battery"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_forgot_password_by_email_same_answer_single_use_and_ends_sessions(
    harness: Any,
) -> None:
    await harness.create_jurisdiction("alpha")
    await harness.enroll("alpha", "pat@example.org")
    session = (await harness.login("pat@example.org", PASSWORD, "alpha")).json()
    known = await harness.http.post(
        "/v1/jurisdictions/alpha/password-resets", json={"email": "pat@example.org"}
    )
    unknown = await harness.http.post(
        "/v1/jurisdictions/alpha/password-resets", json={"email": "nobody@example.org"}
    )
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert [e["email"] for e in await harness.outbox_events(RESET)] == ["pat@example.org"]
    token = await harness.latest_link(RESET, "pat@example.org")
    assert (await harness.http.get(f"/v1/password-resets/{token}")).json()[
        "security_question"
    ] is None
    done = await harness.http.post(
        f"/v1/password-resets/{token}", json={"password": "a fresh passphrase 1"}
    )
    assert done.status_code == 204
    again = await harness.http.post(
        f"/v1/password-resets/{token}", json={"password": "another one 2x"}
    )
    assert again.status_code == 404
    old_refresh = await harness.http.post(
        "/v1/auth/token",
        data={"grant_type": "refresh_token", "refresh_token": session["refresh_token"]},
    )
    assert old_refresh.status_code == 401  # a reset ends every session
    assert (
        await harness.http.get("/v1/me", headers=auth(session["access_token"]))
    ).status_code == 401
    assert (await harness.login("pat@example.org", PASSWORD, "alpha")).status_code == 401
    assert (
        await harness.login("pat@example.org", "a fresh passphrase 1", "alpha")
    ).status_code == 200
    changed = await harness.outbox_events("permitsuite.identity.PasswordChanged.v1")
    assert [c["how"] for c in changed] == ["reset"]


async def test_reset_link_expires_after_thirty_minutes(harness: Any) -> None:
    await harness.create_jurisdiction("alpha")
    await harness.enroll("alpha", "pat@example.org")
    await harness.http.post(
        "/v1/jurisdictions/alpha/password-resets", json={"email": "pat@example.org"}
    )
    token = await harness.latest_link(RESET, "pat@example.org")
    harness.clock.advance(timedelta(minutes=30, seconds=1))
    r = await harness.http.post(
        f"/v1/password-resets/{token}", json={"password": "a fresh passphrase 1"}
    )
    assert r.status_code == 404


async def test_forgot_password_by_license_number_reaches_company_admins(harness: Any) -> None:
    admin = await harness.jurisdiction_with_admin("alpha")
    company = await harness.http.post(
        "/v1/jurisdictions/alpha/companies",
        headers=auth(admin),
        json={"name": "Rich", "license_number": "AEC0119"},
    )
    await harness.http.post(
        f"/v1/jurisdictions/alpha/companies/{company.json()['id']}/users",
        headers=auth(admin),
        json={"email": "rich@example.org", "display_name": "Rich", "company_admin": True},
    )
    token = await harness.latest_link(
        "permitsuite.identity.InvitationIssued.v1", "rich@example.org"
    )
    await harness.http.post(f"/v1/invitations/{token}", json={"password": "rich passphrase 42"})
    for license_number in ("aec0119", "NOPE123"):
        r = await harness.http.post(
            "/v1/jurisdictions/alpha/password-resets", json={"license_number": license_number}
        )
        assert r.status_code == 202
    assert [e["email"] for e in await harness.outbox_events(RESET)] == ["rich@example.org"]
    both = await harness.http.post(
        "/v1/jurisdictions/alpha/password-resets",
        json={"email": "a@example.org", "license_number": "X"},
    )
    assert both.status_code == 422


async def test_reset_requires_the_security_answer_where_the_jurisdiction_says_so(
    harness: Any,
) -> None:
    await harness.create_jurisdiction("alpha")
    op = await harness.operator_token()
    await harness.http.patch(
        "/v1/jurisdictions/alpha", headers=auth(op), json={"reset_requires_security_answer": True}
    )
    await harness.enroll("alpha", "pat@example.org")
    tokens = (await harness.login("pat@example.org", PASSWORD, "alpha")).json()
    set_q = await harness.http.put(
        "/v1/me/security-question",
        headers=auth(tokens["access_token"]),
        json={"question": "First car?", "answer": "Old  Ford"},
    )
    assert set_q.status_code == 204
    await harness.http.post(
        "/v1/jurisdictions/alpha/password-resets", json={"email": "pat@example.org"}
    )
    token = await harness.latest_link(RESET, "pat@example.org")
    assert (await harness.http.get(f"/v1/password-resets/{token}")).json()[
        "security_question"
    ] == "First car?"
    wrong = await harness.http.post(
        f"/v1/password-resets/{token}",
        json={"password": "a fresh passphrase 1", "security_answer": "Fiat"},
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "security_answer"
    right = await harness.http.post(
        f"/v1/password-resets/{token}",
        json={"password": "a fresh passphrase 1", "security_answer": " old ford "},
    )
    assert right.status_code == 204


async def test_lockout_after_repeated_failures_and_its_expiry(harness: Any) -> None:
    """One account from one address: growing delays, then a lockout; unknown
    accounts behave the same; audited."""
    await harness.create_jurisdiction("alpha")
    await harness.enroll("alpha", "pat@example.org")
    statuses = []
    for _ in range(4):
        statuses.append((await harness.login("pat@example.org", "wrong", "alpha")).status_code)
    assert statuses == [401, 401, 401, 401]
    delayed = await harness.login("pat@example.org", PASSWORD, "alpha")
    assert delayed.status_code == 429 and delayed.headers["retry-after"] == "1"

    async def ghost() -> int:  # from another address, so only the account key counts
        r = await harness.http.post(
            "/v1/auth/token",
            headers={"X-Forwarded-For": "198.51.100.7"},
            data={"username": "ghost@example.org", "password": "wrong", "jurisdiction": "alpha"},
        )
        return int(r.status_code)

    unknown = [await ghost() for _ in range(4)]
    assert unknown == statuses  # the same for an account that does not exist
    assert await ghost() == 429

    for _ in range(6):  # keep failing, each time after the delay, until locked
        harness.clock.advance(timedelta(seconds=61))
        await harness.login("pat@example.org", "wrong", "alpha")
    harness.clock.advance(timedelta(seconds=61))
    locked = await harness.login("pat@example.org", PASSWORD, "alpha")
    assert locked.status_code == 429
    harness.clock.advance(timedelta(minutes=15))
    assert (await harness.login("pat@example.org", PASSWORD, "alpha")).status_code == 200
    audit = harness.identity.runtime.db["audit_log"]
    assert (
        await audit.count_documents(
            {"action": "login_lockout", "subject": "pair:pat@example.org|127.0.0.1"}
        )
        == 1
    )


async def _login_from(harness: Any, address: str, email: str, password: str) -> httpx.Response:
    return await harness.http.post(  # type: ignore[no-any-return]
        "/v1/auth/token",
        headers={"X-Forwarded-For": address},
        data={"username": email, "password": password, "jurisdiction": "alpha"},
    )


async def test_spraying_from_one_address_spares_the_accounts_that_log_in_there(
    harness: Any,
) -> None:
    """Issue 12.14: failures from one address (an office, a load balancer) across
    made-up accounts lock that address for unknown pairs only; a person who has
    logged in from it before still gets in, and so does anyone from elsewhere."""
    await harness.create_jurisdiction("alpha")
    await harness.enroll("alpha", "pat@example.org")
    await harness.enroll("alpha", "sam@example.org")
    office = "203.0.113.9"
    assert (await _login_from(harness, office, "pat@example.org", PASSWORD)).status_code == 200
    codes = []
    for n in range(30):
        harness.clock.advance(timedelta(seconds=61))  # past each growing delay
        codes.append((await _login_from(harness, office, f"u{n}@example.org", "x")).status_code)
    assert codes == [401] * 30
    assert (await _login_from(harness, office, "new@example.org", "x")).status_code == 429
    assert (await _login_from(harness, office, "pat@example.org", PASSWORD)).status_code == 200
    assert (await _login_from(harness, office, "sam@example.org", PASSWORD)).status_code == 429
    elsewhere = await _login_from(harness, "198.51.100.1", "sam@example.org", PASSWORD)
    assert elsewhere.status_code == 200


async def test_someone_elses_failures_never_lock_the_owner_out(harness: Any) -> None:
    """Issue 12.14: failures for one account from many addresses only delay it
    (at most the account's max delay), and a pair locked at the guesser's
    address does not touch the owner's; the right password then works."""
    await harness.create_jurisdiction("alpha")
    await harness.enroll("alpha", "pat@example.org")
    codes = []
    for n in range(40):  # ten from each of four addresses, each after the delays
        harness.clock.advance(timedelta(seconds=31))
        r = await _login_from(harness, f"198.51.100.{n % 4}", "pat@example.org", "guess")
        codes.append(r.status_code)
    assert codes == [401] * 40
    owner = await _login_from(harness, "192.0.2.44", "pat@example.org", PASSWORD)
    assert owner.status_code == 429  # the account-wide delay, never a lockout
    assert int(owner.headers["retry-after"]) <= 30
    harness.clock.advance(timedelta(seconds=int(owner.headers["retry-after"])))
    owner = await _login_from(harness, "192.0.2.44", "pat@example.org", PASSWORD)
    assert owner.status_code == 200
    guesser = await _login_from(harness, "198.51.100.0", "pat@example.org", PASSWORD)
    assert guesser.status_code == 429  # the guesser's own address stays locked


async def test_tokens_with_bad_alg_audience_expiry_or_key_are_rejected(harness: Any) -> None:
    await harness.create_jurisdiction("alpha")
    await harness.enroll("alpha", "pat@example.org")
    good = (await harness.login("pat@example.org", PASSWORD, "alpha")).json()["access_token"]
    claims = jwt.decode(good, options={"verify_signature": False})
    header = jwt.get_unverified_header(good)
    from cryptography.hazmat.primitives import serialization

    from identity.adapters.jwt_keys import generate_private_key_pem

    other_key = serialization.load_pem_private_key(generate_private_key_pem().encode(), None)
    forged = {
        "none": jwt.encode(claims, None, algorithm="none"),  # type: ignore[arg-type]
        "wrong aud": jwt.encode(
            {**claims, "aud": "elsewhere"},
            other_key,
            algorithm="EdDSA",
            headers={"kid": header["kid"]},
        ),
        "wrong key": jwt.encode(
            claims, other_key, algorithm="EdDSA", headers={"kid": header["kid"]}
        ),
    }
    for name, token in forged.items():
        assert (await harness.http.get("/v1/me", headers=auth(token))).status_code == 401, name
    harness.clock.advance(timedelta(minutes=6))
    assert (await harness.http.get("/v1/me", headers=auth(good))).status_code == 401


async def test_old_signing_key_still_verifies_after_rotation(scope: Any, manual_clock: Any) -> None:
    """Key rotation: retired public keys stay in the JWKS until their tokens expire."""
    from identity.adapters.jwt_keys import TokenSigner, generate_private_key_pem
    from identity.bootstrap import build_identity
    from identity.settings import IdentitySettings

    old_pem = generate_private_key_pem()
    old = TokenSigner(old_pem, key_id="old", issuer="permitsuite-identity", audience="permitsuite")
    token = old.access_token(
        subject="acc",
        email="a@example.org",
        jurisdiction_id="alpha",
        kind="staff",
        roles=["admin"],
        now=manual_clock.now(),
        lifetime=timedelta(minutes=5),
    )
    settings = IdentitySettings(
        **scope.settings_kwargs(
            "identity",
            signing_key=generate_private_key_pem(),
            previous_public_keys=json.dumps(old.jwks()),
        )
    )
    idn = build_identity(settings, manual_clock)
    assert {k["kid"] for k in idn.signer.jwks()["keys"]} == {idn.signer.key_id, "old"}
    principal = await idn.runtime.verifier.verify(token)
    assert principal.roles == ["admin"]
    await idn.runtime.client.close()


async def test_logout_revokes_and_profile_changes_need_current_secrets(harness: Any) -> None:
    await harness.create_jurisdiction("alpha")
    await harness.enroll("alpha", "pat@example.org")
    first = (await harness.login("pat@example.org", PASSWORD, "alpha")).json()
    second = (await harness.login("pat@example.org", PASSWORD, "alpha")).json()
    assert (
        await harness.http.post("/v1/auth/logout", data={"refresh_token": first["refresh_token"]})
    ).status_code == 204
    assert (
        await harness.http.post(
            "/v1/auth/token",
            data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
        )
    ).status_code == 401

    token = second["access_token"]
    patched = await harness.http.patch(
        "/v1/me",
        headers=auth(token),
        json={"display_name": "Pat Q. Public", "phone": "208-555-0101"},
    )
    assert patched.status_code == 200 and patched.json()["display_name"] == "Pat Q. Public"
    wrong = await harness.http.post(
        "/v1/me/password",
        headers=auth(token),
        json={"current_password": "nope", "new_password": "a fresh passphrase 1"},
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "current_password"
    weak = await harness.http.post(
        "/v1/me/password",
        headers=auth(token),
        json={"current_password": PASSWORD, "new_password": "short"},
    )
    # refused where this body holds it (issue 24: the rule's refusal is domain data)
    assert weak.status_code == 422 and weak.json()["rule"] == "min_length"
    assert [(e["field"], e["type"]) for e in weak.json()["errors"]] == [
        ("new_password", "password.min_length")
    ]
    changed = await harness.http.post(
        "/v1/me/password",
        headers=auth(token),
        json={"current_password": PASSWORD, "new_password": "a fresh passphrase 1"},
    )
    assert changed.status_code == 200
    assert (await harness.http.get("/v1/me", headers=auth(token))).status_code == 401  # old session
    new = changed.json()["access_token"]
    await harness.http.put(
        "/v1/me/security-question", headers=auth(new), json={"question": "Pet?", "answer": "Rex"}
    )
    no_answer = await harness.http.put(
        "/v1/me/security-question", headers=auth(new), json={"question": "Car?", "answer": "Ford"}
    )
    assert no_answer.status_code == 422
    ok = await harness.http.put(
        "/v1/me/security-question",
        headers=auth(new),
        json={"current_answer": "rex", "question": "Car?", "answer": "Ford"},
    )
    assert ok.status_code == 204
