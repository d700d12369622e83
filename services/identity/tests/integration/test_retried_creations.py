"""Issue 22, defect 12, in identity: a staff member or company admin whose
creating request got no answer retries with the same Idempotency-Key and
gets what the first request made, once (R-ID-1, R-ID-5)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.integration


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_retried_company_creation_with_its_key_answers_the_first(harness: Any) -> None:
    """Issue 22, defect 12: a staff member whose "create company" got no
    answer retries with the same Idempotency-Key and gets the company the first
    request made, not a 409 about its own license number (R-ID-5)."""
    admin = await harness.jurisdiction_with_admin("alpha")
    keyed = {**auth(admin), "Idempotency-Key": "company-1"}
    body = {"name": "Rich Contractor", "license_number": "AEC0119"}
    url = "/v1/jurisdictions/alpha/companies"
    first = await harness.http.post(url, headers=keyed, json=body)
    again = await harness.http.post(url, headers=keyed, json=body)
    assert first.status_code == 201, first.text
    assert again.status_code == 201, again.text
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    other = await harness.http.post(url, headers=keyed, json={**body, "name": "Other"})
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    # without the key the retry is refused by the license number, and nothing is added
    assert (await harness.http.post(url, headers=auth(admin), json=body)).status_code == 409


async def test_a_retried_user_creation_with_its_key_answers_the_user_with_a_new_pin(
    harness: Any,
) -> None:
    """Issue 22, defect 12 (R-ID-1): a staff admin whose "create user" got no
    answer retries with the same Idempotency-Key: the same user, not a 409 —
    and since the PIN is kept hashed only, a new PIN that replaces the first.
    Once the PIN is used, a retry renews nothing."""
    admin = await harness.jurisdiction_with_admin("alpha")
    url = "/v1/jurisdictions/alpha/users"
    keyed = {**auth(admin), "Idempotency-Key": "user-1"}
    body = {"email": "sam@example.org", "display_name": "Sam", "kind": "community_member"}
    first = await harness.http.post(url, headers=keyed, json={**body, "delivery": "pin"})
    again = await harness.http.post(url, headers=keyed, json={**body, "delivery": "pin"})
    assert first.status_code == 201 and again.status_code == 201, again.text
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["membership_id"] == first.json()["membership_id"]
    old_pin, new_pin = first.json()["pin"], again.json()["pin"]
    assert new_pin and new_pin != old_pin
    assert (await harness.login("sam@example.org", old_pin, "alpha")).status_code == 401
    setup = await harness.login("sam@example.org", new_pin, "alpha")
    assert setup.status_code == 200, setup.text
    done = await harness.http.post(
        "/v1/me/setup",
        headers=auth(setup.json()["access_token"]),
        json={
            "new_password": "sam passphrase 77",
            "security_question": "First pet?",
            "security_answer": "Rex",
        },
    )
    assert done.status_code == 200, done.text
    late = await harness.http.post(url, headers=keyed, json={**body, "delivery": "pin"})
    assert late.status_code == 201 and late.json()["pin"] is None
    # another body under the key is refused; without a key a retry is a 409
    other = await harness.http.post(url, headers=keyed, json={**body, "display_name": "X"})
    assert other.status_code == 422
    assert (await harness.http.post(url, headers=auth(admin), json=body)).status_code == 409


async def test_a_retried_company_user_with_its_key_is_added_once(harness: Any) -> None:
    """Issue 22, defect 12 (R-ID-5): the same for a company's authorized user."""
    admin = await harness.jurisdiction_with_admin("alpha")
    company = await harness.http.post(
        "/v1/jurisdictions/alpha/companies",
        headers=auth(admin),
        json={"name": "Rich Contractor", "license_number": "AEC0119"},
    )
    url = f"/v1/jurisdictions/alpha/companies/{company.json()['id']}/users"
    keyed = {**auth(admin), "Idempotency-Key": "worker-1"}
    body = {"email": "wes@example.org", "display_name": "Wes", "delivery": "pin"}
    first = await harness.http.post(url, headers=keyed, json=body)
    again = await harness.http.post(url, headers=keyed, json=body)
    assert first.status_code == 201 and again.status_code == 201, again.text
    assert again.json()["membership_id"] == first.json()["membership_id"]
    assert again.json()["pin"] != first.json()["pin"]
    listed = await harness.http.get(url, headers=auth(admin))
    assert [u["email"] for u in listed.json()] == ["wes@example.org"]
