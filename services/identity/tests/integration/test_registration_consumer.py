"""R-REG-5: identity consumes RegistrationAccepted (idempotently)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from devstack.testing import eventually

from contracts import Envelope
from contracts.registration import RegisteredCompany, RegistrationAccepted

pytestmark = pytest.mark.integration


@pytest.fixture
def identity_role() -> str:
    return "all"


def _accepted(event_id: str, email: str = "new@rich.example.org") -> Envelope:
    event = RegistrationAccepted(
        registration_id="reg-1",
        jurisdiction_id="alpha",
        registrant_email=email,
        registrant_name="Rich Newcomer",
        company=RegisteredCompany(
            name="Rich Newcomer LLC", license_number="aec0777", trades=["Electrical"]
        ),
    )
    return Envelope(
        id=event_id,
        source="/permitsuite/registration",
        type=event.event_type,
        time=datetime(2026, 1, 1, tzinfo=UTC),
        subject=event.subject(),
        jurisdiction="alpha",
        correlationid="c",
        data=event.model_dump(mode="json"),
    )


async def test_registration_accepted_creates_company_and_invites_registrant_once(
    harness: Any,
) -> None:
    await harness.create_jurisdiction("alpha")
    runtime = harness.identity.runtime
    for event_id in (
        "e1",
        "e1",
        "e2",
    ):  # a redelivery, and a second event for the same registration
        env = _accepted(event_id)
        await runtime.publisher.publish_record(
            "registration.events",
            env.kafka_key(),
            env.kafka_value(),
            env.kafka_headers(),
            path="test",
        )
    processed = runtime.db["processed_events"]

    async def both_handled() -> bool:
        return await processed.count_documents({"consumer": "identity.registration"}) == 2

    await eventually(both_handled)
    companies = [c async for c in runtime.db["companies"].find({"jurisdiction_id": "alpha"})]
    assert [(c["name"], c["license_number"]) for c in companies] == [
        ("Rich Newcomer LLC", "AEC0777")
    ]
    member = await runtime.db["memberships"].find_one({"email": "new@rich.example.org"})
    assert member is not None and member["kind"] == "contractor"
    assert member["company_admin_of"] == [companies[0]["_id"]]
    invitations = await harness.outbox_events("permitsuite.identity.InvitationIssued.v1")
    assert [i["email"] for i in invitations] == ["new@rich.example.org"]
    token = invitations[0]["token"]
    accepted = await harness.http.post(
        f"/v1/invitations/{token}", json={"password": "rich newcomer passphrase"}
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "active"
