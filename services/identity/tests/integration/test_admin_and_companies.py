"""Issue 3 through identity's API: operators, staff admins, companies and their
authorized users, invitations, PINs (R-ID-1 … R-ID-6), cross-tenant isolation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

pytestmark = pytest.mark.integration

INVITED = "permitsuite.identity.InvitationIssued.v1"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _invite_and_accept(h: Any, email: str, password: str = "strong passphrase 77") -> None:
    token = await h.latest_link(INVITED, email)
    r = await h.http.post(f"/v1/invitations/{token}", json={"password": password})
    assert r.status_code == 200, r.text


async def test_operator_creates_jurisdiction_whose_first_admin_is_invited(harness: Any) -> None:
    admin = await harness.jurisdiction_with_admin("alpha")
    me = (await harness.http.get("/v1/me", headers=auth(admin))).json()
    assert me["kind"] == "staff" and me["roles"] == ["admin"]
    op = await harness.operator_token()
    listed = await harness.http.get("/v1/jurisdictions", headers=auth(op))
    assert [j["id"] for j in listed.json()] == ["alpha"]
    assert (await harness.http.get("/v1/jurisdictions", headers=auth(admin))).status_code == 403
    patched = await harness.http.patch(
        "/v1/jurisdictions/alpha",
        headers=auth(op),
        json={
            "branding": {
                "display_name": "Alpha Building",
                "from_address": "permits@alpha.example.org",
                "notice": "Closed on December 24.",
            },
            "password_policy": "etrakit",
        },
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["branding"]["from_address"] == "permits@alpha.example.org"
    # the notice the portal's home page shows (issue 23), public like the rest of the profile
    public = (await harness.http.get("/v1/jurisdictions/alpha")).json()
    assert public["branding"]["notice"] == "Closed on December 24."
    updated = await harness.outbox_events("permitsuite.identity.JurisdictionUpdated.v1")
    assert updated[-1]["branding"]["display_name"] == "Alpha Building"
    assert (
        await harness.http.patch("/v1/jurisdictions/alpha", headers=auth(admin), json={"name": "X"})
    ).status_code == 403


async def test_invitation_link_is_valid_eight_days_and_single_use(harness: Any) -> None:
    admin = await harness.jurisdiction_with_admin("alpha")
    for email in ("late@example.org", "twice@example.org"):
        r = await harness.http.post(
            "/v1/jurisdictions/alpha/users",
            headers=auth(admin),
            json={"email": email, "display_name": "Sam", "kind": "community_member"},
        )
        assert r.status_code == 201 and r.json()["status"] == "invited"
    twice = await harness.latest_link(INVITED, "twice@example.org")
    ok = await harness.http.post(
        f"/v1/invitations/{twice}", json={"password": "strong passphrase 77"}
    )
    assert ok.status_code == 200 and ok.json()["status"] == "active"
    again = await harness.http.post(
        f"/v1/invitations/{twice}", json={"password": "strong passphrase 77"}
    )
    assert again.status_code == 404
    late = await harness.latest_link(INVITED, "late@example.org")
    harness.clock.advance(timedelta(days=8, seconds=1))
    assert (await harness.http.get(f"/v1/invitations/{late}")).status_code == 404


async def test_staff_admin_disables_reenables_and_changes_roles(harness: Any) -> None:
    admin = await harness.jurisdiction_with_admin("alpha")
    r = await harness.http.post(
        "/v1/jurisdictions/alpha/users",
        headers=auth(admin),
        json={
            "email": "tech@example.org",
            "display_name": "Tess",
            "kind": "staff",
            "roles": ["permit_technician"],
        },
    )
    assert r.status_code == 201, r.text
    membership_id = r.json()["membership_id"]
    await _invite_and_accept(harness, "tech@example.org")
    tokens = (await harness.login("tech@example.org", "strong passphrase 77", "alpha")).json()

    off = await harness.http.patch(
        f"/v1/jurisdictions/alpha/users/{membership_id}",
        headers=auth(admin),
        json={"status": "disabled"},
    )
    assert off.status_code == 200 and off.json()["status"] == "disabled"
    refresh = await harness.http.post(
        "/v1/auth/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
    )
    assert refresh.status_code == 401  # sessions revoked at once
    assert (
        await harness.http.get("/v1/me", headers=auth(tokens["access_token"]))
    ).status_code == 401
    assert (
        await harness.login("tech@example.org", "strong passphrase 77", "alpha")
    ).status_code == 401

    on = await harness.http.patch(
        f"/v1/jurisdictions/alpha/users/{membership_id}",
        headers=auth(admin),
        json={"status": "active", "roles": ["inspector", "cashier"]},
    )
    assert on.status_code == 200 and on.json()["roles"] == ["inspector", "cashier"]
    back = await harness.login("tech@example.org", "strong passphrase 77", "alpha")
    me = (await harness.http.get("/v1/me", headers=auth(back.json()["access_token"]))).json()
    assert me["roles"] == ["inspector", "cashier"]
    revoked = await harness.outbox_events("permitsuite.identity.MembershipRevoked.v1")
    assert [e["email"] for e in revoked] == ["tech@example.org"]
    users = await harness.http.get("/v1/jurisdictions/alpha/users?kind=staff", headers=auth(admin))
    assert users.json()["total"] == 2
    # a technician is not a user admin
    tech = back.json()["access_token"]
    assert (
        await harness.http.get("/v1/jurisdictions/alpha/users", headers=auth(tech))
    ).status_code == 403


async def test_the_last_admin_cannot_be_disabled(harness: Any) -> None:
    admin = await harness.jurisdiction_with_admin("alpha")
    me = (
        await harness.http.get("/v1/jurisdictions/alpha/users?kind=staff", headers=auth(admin))
    ).json()
    own = me["items"][0]["membership_id"]
    r = await harness.http.patch(
        f"/v1/jurisdictions/alpha/users/{own}", headers=auth(admin), json={"status": "disabled"}
    )
    assert r.status_code == 409


async def test_company_users_and_removal_cuts_access(harness: Any) -> None:
    """R-ID-2, R-ID-5: staff create the company; its admin manages users; removing
    a user revokes their refresh tokens at once, access tokens expire on time."""
    admin = await harness.jurisdiction_with_admin("alpha")
    company = await harness.http.post(
        "/v1/jurisdictions/alpha/companies",
        headers=auth(admin),
        json={
            "name": "Rich Contractor",
            "license_number": "aec0119",
            "trades": ["General"],
            "email": "office@rich.example.org",
        },
    )
    assert company.status_code == 201, company.text
    cid = company.json()["id"]
    assert company.json()["license_number"] == "AEC0119"
    dup = await harness.http.post(
        "/v1/jurisdictions/alpha/companies",
        headers=auth(admin),
        json={"name": "Copy", "license_number": "AEC0119"},
    )
    assert dup.status_code == 409
    second = await harness.http.post(
        "/v1/jurisdictions/alpha/companies",
        headers=auth(admin),
        json={"name": "Second Co", "license_number": "AEC0120"},
    )
    assert second.status_code == 201, second.text  # staff-made companies have no registration id

    boss = await harness.http.post(
        f"/v1/jurisdictions/alpha/companies/{cid}/users",
        headers=auth(admin),
        json={"email": "rich@example.org", "display_name": "Rich", "company_admin": True},
    )
    assert boss.status_code == 201, boss.text
    await _invite_and_accept(harness, "rich@example.org")
    rich = (await harness.login("rich@example.org", "strong passphrase 77", "alpha")).json()
    me = (await harness.http.get("/v1/me", headers=auth(rich["access_token"]))).json()
    assert me["kind"] == "contractor" and me["company_admin_of"] == [cid]

    # the company admin adds a worker (PIN delivery) and edits the company, not its license
    worker = await harness.http.post(
        f"/v1/jurisdictions/alpha/companies/{cid}/users",
        headers=auth(rich["access_token"]),
        json={"email": "worker@example.org", "display_name": "Wes", "delivery": "pin"},
    )
    assert worker.status_code == 201 and worker.json()["pin"]
    setup = await harness.login("worker@example.org", worker.json()["pin"], "alpha")
    done = await harness.http.post(
        "/v1/me/setup",
        headers=auth(setup.json()["access_token"]),
        json={
            "new_password": "worker passphrase 9",
            "security_question": "First car?",
            "security_answer": "Ford",
        },
    )
    assert done.status_code == 200, done.text
    worker_tokens = done.json()
    edit = await harness.http.patch(
        f"/v1/jurisdictions/alpha/companies/{cid}",
        headers=auth(rich["access_token"]),
        json={"phone": "208-555-0100"},
    )
    assert edit.status_code == 200 and edit.json()["phone"] == "208-555-0100"
    license_edit = await harness.http.patch(
        f"/v1/jurisdictions/alpha/companies/{cid}",
        headers=auth(rich["access_token"]),
        json={"license_number": "X1"},
    )
    assert license_edit.status_code == 403
    worker_edit = await harness.http.patch(
        f"/v1/jurisdictions/alpha/companies/{cid}",
        headers=auth(worker_tokens["access_token"]),
        json={"phone": "1"},
    )
    assert worker_edit.status_code == 403
    listed = await harness.http.get(
        f"/v1/jurisdictions/alpha/companies/{cid}/users",
        headers=auth(worker_tokens["access_token"]),
    )
    assert sorted(u["email"] for u in listed.json()) == ["rich@example.org", "worker@example.org"]

    # removal: refresh fails immediately; the access token still verifies elsewhere until it expires
    worker_account = next(
        u["account_id"] for u in listed.json() if u["email"] == "worker@example.org"
    )
    removed = await harness.http.delete(
        f"/v1/jurisdictions/alpha/companies/{cid}/users/{worker_account}",
        headers=auth(rich["access_token"]),
    )
    assert removed.status_code == 204
    refresh = await harness.http.post(
        "/v1/auth/token",
        data={"grant_type": "refresh_token", "refresh_token": worker_tokens["refresh_token"]},
    )
    assert refresh.status_code == 401
    verifier = harness.identity.runtime.verifier
    principal = await verifier.verify(worker_tokens["access_token"])
    assert principal.company_ids == [cid]  # another service accepts it for now…
    harness.clock.advance(timedelta(minutes=5, seconds=11))
    with pytest.raises(Exception, match="expired"):
        await verifier.verify(worker_tokens["access_token"])  # …but not past its lifetime
    events = await harness.outbox_events("permitsuite.identity.AuthorizedUserRemoved.v1")
    assert [e["email"] for e in events] == ["worker@example.org"]


async def test_pin_first_login_forces_setup_and_then_dies(harness: Any) -> None:
    """R-ID-2 (eTRAKIT): the PIN works once, forces password + security question."""
    admin = await harness.jurisdiction_with_admin("alpha")
    r = await harness.http.post(
        "/v1/jurisdictions/alpha/users",
        headers=auth(admin),
        json={
            "email": "pin@example.org",
            "display_name": "Pia",
            "kind": "community_member",
            "delivery": "pin",
        },
    )
    pin = r.json()["pin"]
    assert len(pin) == 8 and await harness.outbox_events(INVITED) != []  # only the admin's
    first = await harness.login("pin@example.org", pin, "alpha")
    assert first.status_code == 200
    body = first.json()
    assert body["setup_required"] is True and body["refresh_token"] is None
    setup_token = body["access_token"]
    assert (await harness.http.get("/v1/me", headers=auth(setup_token))).status_code == 401
    weak = await harness.http.post(
        "/v1/me/setup",
        headers=auth(setup_token),
        json={"new_password": "password1", "security_question": "Pet?", "security_answer": "Rex"},
    )
    assert weak.status_code == 422 and weak.json()["rule"] == "too_common"
    ok = await harness.http.post(
        "/v1/me/setup",
        headers=auth(setup_token),
        json={
            "new_password": "a brand new passphrase",
            "security_question": "Pet?",
            "security_answer": "Rex",
        },
    )
    assert ok.status_code == 200 and ok.json()["refresh_token"]
    assert (await harness.login("pin@example.org", pin, "alpha")).status_code == 401
    assert (
        await harness.http.post(
            "/v1/me/setup",
            headers=auth(setup_token),
            json={
                "new_password": "another passphrase 5",
                "security_question": "Pet?",
                "security_answer": "Rex",
            },
        )
    ).status_code == 404
    assert (
        await harness.login("pin@example.org", "a brand new passphrase", "alpha")
    ).status_code == 200
    changed = await harness.outbox_events("permitsuite.identity.PasswordChanged.v1")
    assert [c["how"] for c in changed] == ["first_login"]


async def test_pin_expires(harness: Any) -> None:
    admin = await harness.jurisdiction_with_admin("alpha")
    r = await harness.http.post(
        "/v1/jurisdictions/alpha/users",
        headers=auth(admin),
        json={
            "email": "pin@example.org",
            "display_name": "Pia",
            "kind": "community_member",
            "delivery": "pin",
        },
    )
    harness.clock.advance(timedelta(days=14, seconds=1))
    assert (await harness.login("pin@example.org", r.json()["pin"], "alpha")).status_code == 401


async def test_password_policy_is_per_jurisdiction(harness: Any) -> None:
    """R-ID-3: ASVS by default; a jurisdiction may choose the eTRAKIT rules."""
    await harness.create_jurisdiction("alpha")
    op = await harness.operator_token()
    await harness.http.patch(
        "/v1/jurisdictions/alpha", headers=auth(op), json={"password_policy": "etrakit"}
    )
    await harness.http.post("/v1/jurisdictions/alpha/enrollments", json={"email": "e@example.org"})
    token = await harness.latest_link(
        "permitsuite.identity.EmailVerificationRequested.v1", "e@example.org"
    )
    letters = await harness.http.post(
        f"/v1/enrollments/{token}", json={"display_name": "E", "password": "onlyletters"}
    )
    assert letters.status_code == 422 and letters.json()["rule"] == "letter_and_digit"
    too_long = await harness.http.post(
        f"/v1/enrollments/{token}", json={"display_name": "E", "password": "a1" * 13}
    )
    assert too_long.json()["rule"] == "max_length"
    ok = await harness.http.post(
        f"/v1/enrollments/{token}", json={"display_name": "E", "password": "Boise2Idaho"}
    )
    assert ok.status_code == 201


async def test_staff_admin_of_one_jurisdiction_sees_nothing_of_another(harness: Any) -> None:
    """Tenancy: B's users, companies and audit are 404 for A's admin."""
    a_admin = await harness.jurisdiction_with_admin("alpha")
    b_admin = await harness.jurisdiction_with_admin("beta")
    company = await harness.http.post(
        "/v1/jurisdictions/beta/companies",
        headers=auth(b_admin),
        json={"name": "Beta Builders", "license_number": "B1"},
    )
    cid = company.json()["id"]
    b_users = (await harness.http.get("/v1/jurisdictions/beta/users", headers=auth(b_admin))).json()
    b_member = b_users["items"][0]["membership_id"]
    for method, path, body in [
        ("GET", "/v1/jurisdictions/beta/users", None),
        ("GET", f"/v1/jurisdictions/beta/users/{b_member}", None),
        ("PATCH", f"/v1/jurisdictions/beta/users/{b_member}", {"status": "disabled"}),
        (
            "POST",
            "/v1/jurisdictions/beta/users",
            {"email": "x@example.org", "display_name": "X", "kind": "community_member"},
        ),
        ("GET", "/v1/jurisdictions/beta/companies", None),
        ("GET", f"/v1/jurisdictions/beta/companies/{cid}", None),
        ("PATCH", f"/v1/jurisdictions/beta/companies/{cid}", {"phone": "1"}),
        ("GET", "/v1/jurisdictions/beta/audit", None),
    ]:
        r = await harness.http.request(method, path, json=body, headers=auth(a_admin))
        assert r.status_code == 404, (method, path, r.status_code)
    # and A's own paths do not leak B's objects either
    assert (
        await harness.http.get(f"/v1/jurisdictions/alpha/companies/{cid}", headers=auth(a_admin))
    ).status_code == 404
    assert (
        await harness.http.get(f"/v1/jurisdictions/alpha/users/{b_member}", headers=auth(a_admin))
    ).status_code == 404


async def test_contractor_in_two_jurisdictions_gets_separate_tokens(harness: Any) -> None:
    """One login, two memberships: exchange without the password, each token sees its side."""
    a_admin = await harness.jurisdiction_with_admin("alpha")
    b_admin = await harness.jurisdiction_with_admin("beta")
    ids = {}
    for jid, token in (("alpha", a_admin), ("beta", b_admin)):
        c = await harness.http.post(
            f"/v1/jurisdictions/{jid}/companies",
            headers=auth(token),
            json={"name": f"Rich {jid}", "license_number": f"L-{jid}"},
        )
        ids[jid] = c.json()["id"]
        await harness.http.post(
            f"/v1/jurisdictions/{jid}/companies/{ids[jid]}/users",
            headers=auth(token),
            json={"email": "rich@example.org", "display_name": "Rich", "company_admin": True},
        )
    invitations = [
        e["token"] for e in await harness.outbox_events(INVITED) if e["email"] == "rich@example.org"
    ]
    assert len(invitations) == 2
    for token in invitations:  # the second time the account proves itself with its password
        r = await harness.http.post(
            f"/v1/invitations/{token}", json={"password": "strong passphrase 77"}
        )
        assert r.status_code == 200, r.text
    a = (await harness.login("rich@example.org", "strong passphrase 77", "alpha")).json()
    memberships = (
        await harness.http.get("/v1/me/memberships", headers=auth(a["access_token"]))
    ).json()
    assert [m["jurisdiction_id"] for m in memberships] == ["alpha", "beta"]
    b = await harness.http.post(
        "/v1/auth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": a["refresh_token"],
            "jurisdiction": "beta",
        },
    )
    assert b.status_code == 200, b.text
    b_token = b.json()["access_token"]
    assert (await harness.http.get("/v1/me", headers=auth(b_token))).json()[
        "jurisdiction_id"
    ] == "beta"
    assert (
        await harness.http.get(
            f"/v1/jurisdictions/beta/companies/{ids['beta']}", headers=auth(b_token)
        )
    ).status_code == 200
    assert (
        await harness.http.get(
            f"/v1/jurisdictions/alpha/companies/{ids['alpha']}", headers=auth(b_token)
        )
    ).status_code == 404
    assert (
        await harness.http.get(
            f"/v1/jurisdictions/beta/companies/{ids['beta']}", headers=auth(a["access_token"])
        )
    ).status_code == 404
    nowhere = await harness.http.post(
        "/v1/auth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": a["refresh_token"],
            "jurisdiction": "gamma",
        },
    )
    assert nowhere.status_code == 401


async def test_the_last_company_admin_can_never_be_removed(harness: Any) -> None:
    """Issue 12.9: a company admin could remove themselves, leaving a company
    with no users and a person who could no longer log in."""
    admin = await harness.jurisdiction_with_admin("alpha")
    company = await harness.http.post(
        "/v1/jurisdictions/alpha/companies",
        headers=auth(admin),
        json={"name": "Solo Builders", "license_number": "AEC0999"},
    )
    cid = company.json()["id"]
    await harness.http.post(
        f"/v1/jurisdictions/alpha/companies/{cid}/users",
        headers=auth(admin),
        json={"email": "solo@example.org", "display_name": "Solo", "company_admin": True},
    )
    await _invite_and_accept(harness, "solo@example.org")
    solo = (await harness.login("solo@example.org", "strong passphrase 77", "alpha")).json()
    me = (await harness.http.get("/v1/me", headers=auth(solo["access_token"]))).json()
    for who in (solo["access_token"], admin):  # neither the admin themselves nor staff
        r = await harness.http.delete(
            f"/v1/jurisdictions/alpha/companies/{cid}/users/{me['account_id']}", headers=auth(who)
        )
        assert r.status_code == 409
        assert r.headers["content-type"] == "application/problem+json"
    users = await harness.http.get(
        f"/v1/jurisdictions/alpha/companies/{cid}/users", headers=auth(admin)
    )
    assert [u["email"] for u in users.json()] == ["solo@example.org"]
    assert (
        await harness.login("solo@example.org", "strong passphrase 77", "alpha")
    ).status_code == 200

    # issue 22, defect 15: a second admin who was invited and never accepted is
    # not an admin yet — only active admins count
    await harness.http.post(
        f"/v1/jurisdictions/alpha/companies/{cid}/users",
        headers=auth(solo["access_token"]),
        json={"email": "later@example.org", "display_name": "Later", "company_admin": True},
    )
    r = await harness.http.delete(
        f"/v1/jurisdictions/alpha/companies/{cid}/users/{me['account_id']}",
        headers=auth(solo["access_token"]),
    )
    assert r.status_code == 409
    assert (
        await harness.login("solo@example.org", "strong passphrase 77", "alpha")
    ).status_code == 200


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/me", {"display_name": None}, "display_name"),
        ("/v1/jurisdictions/alpha", {"name": None}, "name"),
        ("/v1/jurisdictions/alpha", {"time_zone": None}, "time_zone"),
    ],
)
async def test_null_for_a_required_value_is_422_and_changes_nothing(
    harness: Any, path: str, body: dict[str, Any], field: str
) -> None:
    """Issue 12.7: ``PATCH /v1/me {"display_name": null}`` was a 500 and broke the
    account's GET /v1/me for good."""
    admin = await harness.jurisdiction_with_admin("alpha")
    token = admin if path == "/v1/me" else await harness.operator_token()
    before = (await harness.http.get(path, headers=auth(token))).json()
    r = await harness.http.patch(path, headers=auth(token), json=body)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in r.json()["errors"]] == [field]
    after = await harness.http.get(path, headers=auth(token))
    assert after.status_code == 200
    assert after.json() == before


async def test_a_clearable_profile_field_may_be_null(harness: Any) -> None:
    admin = await harness.jurisdiction_with_admin("alpha")
    set_ = await harness.http.patch("/v1/me", headers=auth(admin), json={"phone": "208-555-0101"})
    assert set_.status_code == 200, set_.text
    cleared = await harness.http.patch("/v1/me", headers=auth(admin), json={"phone": None})
    assert cleared.status_code == 200
    assert (await harness.http.get("/v1/me", headers=auth(admin))).status_code == 200


async def test_the_directory_lists_jurisdictions_and_profiles_state_password_rules(
    harness: Any,
) -> None:
    """A portal's start page lists the installation's jurisdictions without a
    login; a jurisdiction's public profile lists its password rules (seed 003's
    first-login page shows them)."""
    await harness.jurisdiction_with_admin("alpha")
    await harness.jurisdiction_with_admin("beta")
    listed = await harness.http.get("/v1/jurisdiction-directory")
    assert listed.status_code == 200
    assert {(e["id"], e["name"]) for e in listed.json()} >= {
        ("alpha", "Alpha County"),
        ("beta", "Beta County"),
    }
    assert set(listed.json()[0]) == {"id", "name", "branding"}  # nothing else is public
    profile = (await harness.http.get("/v1/jurisdictions/alpha")).json()
    assert any("characters" in rule for rule in profile["password_rules"])


async def test_a_contractors_name_is_public_and_nothing_else_is(harness: Any) -> None:
    """Issue 23: a public permit page names its contracting company (as
    eTRAKIT's business list does), without a login; only the name, and only
    in the company's own jurisdiction."""
    await harness.jurisdiction_with_admin("alpha")
    b_admin = await harness.jurisdiction_with_admin("beta")
    company = await harness.http.post(
        "/v1/jurisdictions/beta/companies",
        headers=auth(b_admin),
        json={"name": "Beta Builders", "license_number": "B1", "phone": "208-555-0100"},
    )
    cid = company.json()["id"]
    found = await harness.http.get(f"/v1/jurisdictions/beta/public-companies/{cid}")
    assert found.status_code == 200, found.text
    assert found.json() == {"id": cid, "name": "Beta Builders"}
    other = await harness.http.get(f"/v1/jurisdictions/alpha/public-companies/{cid}")
    assert other.status_code == 404
