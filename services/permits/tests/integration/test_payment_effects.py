"""PaymentSettled / PaymentRefunded through the real broker (R-PAY-5, R-PER-6)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from devstack.testing import eventually

from contracts import Envelope
from contracts.payments import Allocation, PaymentRefunded, PaymentSettled

pytestmark = pytest.mark.integration


@pytest.fixture
def permits_role() -> str:
    return "all"


async def _awaiting_payment(harness: Any, auto_issue: bool) -> dict[str, Any]:
    """A permit of its own type (AUTO issues electronically, RES does not)."""
    admin = harness.token("alpha", "staff", roles=["admin"])
    code = "AUTO" if auto_issue else "RES"
    await harness.http.put(
        f"/v1/jurisdictions/alpha/permit-types/{code}",
        headers=admin,
        json={
            "name": "RESIDENTIAL",
            "number_format": code + "{yy}-{seq:04}",
            "auto_issue": auto_issue,
            "inspection_types": ["BUILDING FINAL"],
            "fee_schedule": [
                {"code": "MECH", "name": "MECHANICAL PERMIT", "amount": "96.00"},
                {"code": "PLAN", "name": "PLANNING", "amount": "35.00"},
            ],
        },
    )
    permit = (
        await harness.http.post(
            "/v1/jurisdictions/alpha/permits",
            headers=admin,
            json=harness.application(type_code=code),
        )
    ).json()
    url = f"/v1/jurisdictions/alpha/permits/{permit['id']}"
    for to, version in (("IN_REVIEW", 1), ("PENDING_APPROVAL", 2)):
        await harness.http.post(
            f"{url}/transitions", headers=admin, json={"to": to, "version": version}
        )
    assessed = await harness.http.post(
        f"{url}/fees",
        headers={**admin, "Idempotency-Key": f"assess-{permit['id']}"},
        json={"items": [{"code": "MECH"}, {"code": "PLAN"}]},
    )
    assert assessed.json()["status"] == "AWAITING_PAYMENT"
    return dict(assessed.json())


async def _publish(harness: Any, event: Any, event_id: str) -> None:
    env = Envelope(
        id=event_id,
        source="/permitsuite/payments",
        type=event.event_type,
        time=datetime(2026, 1, 1, tzinfo=UTC),
        subject=event.subject(),
        jurisdiction="alpha",
        correlationid="c",
        data=event.model_dump(mode="json"),
    )
    await harness.app.runtime.publisher.publish_record(
        "payments.events", env.kafka_key(), env.kafka_value(), env.kafka_headers(), path="test"
    )


async def _get(harness: Any, permit_id: str) -> dict[str, Any]:
    admin = harness.token("alpha", "staff", roles=["admin"])
    return dict(
        (
            await harness.http.get(f"/v1/jurisdictions/alpha/permits/{permit_id}", headers=admin)
        ).json()
    )


async def _status_moves(harness: Any) -> list[tuple[str, str]]:
    outbox = harness.app.runtime.db["outbox"]
    docs = outbox.find({"event_type": "permitsuite.permits.PermitStatusChanged.v1"})
    moves = []
    async for doc in docs:
        data = json.loads(doc["value"])
        moves.append((data["from_status"], data["to_status"]))
    return moves


def _settled(permit: dict[str, Any], payment_id: str) -> PaymentSettled:
    return PaymentSettled(
        payment_id=payment_id,
        jurisdiction_id="alpha",
        allocations=[
            Allocation(
                permit_id=permit["id"],
                line_ids=[f["id"] for f in permit["fees"]],
                amount_minor=13100,
            )
        ],
        settled_at=datetime(2026, 1, 2, tzinfo=UTC),
    )


async def test_payment_events_through_the_real_broker(harness: Any) -> None:
    """The consumer smoke test (R-PAY-6, R-PER-6): PaymentSettled delivered twice
    pays once and issues a type that issues electronically; a PaymentRefunded
    before issuance reopens the balance through the workflow — a history entry
    and a PermitStatusChanged (the old handler moved the status silently). The
    rules themselves are unit-tested in ``tests/unit/test_payment_effects.py``."""
    auto = await _awaiting_payment(harness, auto_issue=True)
    await _publish(harness, _settled(auto, "pay-1"), "evt-pay-1")
    await _publish(harness, _settled(auto, "pay-1"), "evt-pay-1")  # redelivered
    manual = await _awaiting_payment(harness, auto_issue=False)
    await _publish(harness, _settled(manual, "pay-2"), "evt-pay-2")

    async def ready() -> bool:
        return (await _get(harness, manual["id"]))["status"] == "READY_TO_ISSUE"

    await eventually(ready)
    processed = harness.app.runtime.db["processed_events"]
    assert await processed.count_documents({"consumer": "permits.payments"}) == 2
    doc = await _get(harness, auto["id"])
    assert (doc["status"], doc["fees_due"]) == ("ISSUED", "0.00")
    assert [h["to"] for h in doc["history"]][-2:] == ["READY_TO_ISSUE", "ISSUED"]
    outbox = harness.app.runtime.db["outbox"]
    assert await outbox.count_documents({"event_type": "permitsuite.permits.PermitIssued.v1"}) == 1

    refund = PaymentRefunded(
        payment_id="pay-2",
        jurisdiction_id="alpha",
        allocations=_settled(manual, "pay-2").allocations,
        refunded_at=datetime(2026, 1, 3, tzinfo=UTC),
    )
    await _publish(harness, refund, "evt-refund-2")

    async def reopened() -> bool:
        return (await _get(harness, manual["id"]))["status"] == "AWAITING_PAYMENT"

    await eventually(reopened)
    doc = await _get(harness, manual["id"])
    assert doc["fees_due"] == "131.00"
    last = doc["history"][-1]
    assert (last["from"], last["to"], last["by"]) == (
        "READY_TO_ISSUE",
        "AWAITING_PAYMENT",
        "system",
    )
    assert ("READY_TO_ISSUE", "AWAITING_PAYMENT") in await _status_moves(harness)
