"""Payments' consumer through the real broker: permits' fee and party events
become receivables, in the permit's order, once (R-PAY-2/3). The rules are
tested without the broker everywhere else."""

from __future__ import annotations

from typing import Any

import pytest
from devstack.testing import eventually

from contracts.permits import FeeVoided, Party, PermitPartiesChanged

pytestmark = pytest.mark.integration


@pytest.fixture
def payments_role() -> str:
    return "all"


async def test_permits_events_reach_receivables_in_order_and_once(harness: Any) -> None:
    await harness.assess("p1", "RES26-0001", [("PLANNING", 3500), ("MECH", 9600)], version=5)
    void = FeeVoided(
        permit_id="p1",
        jurisdiction_id="alpha",
        number="RES26-0001",
        line_id="p1-1",
        reason="duplicate",
        balance_minor=3500,
        version=6,
    )
    await harness.publish(void, "v-6")
    await harness.publish(void, "v-6")  # redelivered
    parties = PermitPartiesChanged(
        permit_id="p1",
        jurisdiction_id="alpha",
        number="RES26-0001",
        applicant=Party(name="Sam", email="Sam@Example.org"),
        company_ids=["c2"],
        version=4,  # older than what the receivable has seen: ignored
    )
    await harness.publish(parties, "p-4")
    coll = harness.runtime.db["receivables"]
    processed = harness.runtime.db["processed_events"]

    async def handled() -> bool:
        return await processed.count_documents({"consumer": "payments.permits"}) == 3

    await eventually(handled)
    doc = await coll.find_one({"_id": "p1"})
    assert doc is not None
    assert doc["lines"]["p1-1"]["status"] == "voided" and doc["source_version"] == 6
    assert doc["payer_emails"] == ["pat@example.org"] and doc["company_ids"] == ["c1"]
