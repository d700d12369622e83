"""PaymentSettled / PaymentRefunded through the real broker (R-PAY-5, R-PER-6)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chassis.testing import eventually
from contracts import Envelope
from contracts.payments import Allocation, PaymentRefunded, PaymentSettled

pytestmark = pytest.mark.integration


@pytest.fixture
def permits_role() -> str:
    return "all"


async def _awaiting_payment(harness: Any, auto_issue: bool) -> dict[str, Any]:
    admin = harness.token("alpha", "staff", roles=["admin"])
    await harness.http.put(
        "/v1/jurisdictions/alpha/permit-types/RES",
        headers=admin,
        json={
            "name": "RESIDENTIAL",
            "number_format": "RES{yy}-{seq:04}",
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
            "/v1/jurisdictions/alpha/permits", headers=admin, json=harness.application()
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


async def test_settled_twice_is_paid_once_and_issues_automatically(harness: Any) -> None:
    permit = await _awaiting_payment(harness, auto_issue=True)
    lines = [f["id"] for f in permit["fees"]]
    settled = PaymentSettled(
        payment_id="pay-1",
        jurisdiction_id="alpha",
        allocations=[Allocation(permit_id=permit["id"], line_ids=lines, amount_minor=13100)],
        settled_at=datetime(2026, 1, 2, tzinfo=UTC),
    )
    await _publish(harness, settled, "evt-pay-1")
    await _publish(harness, settled, "evt-pay-1")  # redelivered
    processed = harness.app.runtime.db["processed_events"]

    async def handled() -> bool:
        return await processed.count_documents({"consumer": "permits.payments"}) == 1

    await eventually(handled)
    doc = await _get(harness, permit["id"])
    assert doc["fees_due"] == "0.00"
    assert {f["status"] for f in doc["fees"]} == {"paid"}
    assert doc["status"] == "ISSUED"  # R-PER-6: this type issues electronically
    assert [h["to"] for h in doc["history"]][-2:] == ["READY_TO_ISSUE", "ISSUED"]
    issued = await harness.app.runtime.db["outbox"].count_documents(
        {"event_type": "permitsuite.permits.PermitIssued.v1"}
    )
    assert issued == 1


async def test_without_auto_issue_it_waits_ready_and_a_refund_reopens_the_balance(
    harness: Any,
) -> None:
    permit = await _awaiting_payment(harness, auto_issue=False)
    lines = [f["id"] for f in permit["fees"]]
    await _publish(
        harness,
        PaymentSettled(
            payment_id="pay-2",
            jurisdiction_id="alpha",
            allocations=[Allocation(permit_id=permit["id"], line_ids=lines, amount_minor=13100)],
            settled_at=datetime(2026, 1, 2, tzinfo=UTC),
        ),
        "evt-pay-2",
    )

    async def ready() -> bool:
        return (await _get(harness, permit["id"]))["status"] == "READY_TO_ISSUE"

    await eventually(ready)
    await _publish(
        harness,
        PaymentRefunded(
            payment_id="pay-2",
            jurisdiction_id="alpha",
            allocations=[Allocation(permit_id=permit["id"], line_ids=lines, amount_minor=13100)],
            refunded_at=datetime(2026, 1, 3, tzinfo=UTC),
        ),
        "evt-refund-2",
    )

    async def reopened() -> bool:
        return (await _get(harness, permit["id"]))["status"] == "AWAITING_PAYMENT"

    await eventually(reopened)
    assert (await _get(harness, permit["id"]))["fees_due"] == "131.00"
