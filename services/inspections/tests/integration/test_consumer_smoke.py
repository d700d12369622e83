"""Inspections' consumers through the real broker: identity's zone, permits'
issuance (a status change and PermitIssued at one version) and a fee paid
reach inspections' copy of the permit, once. The rules are tested without the
broker everywhere else."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from contracts.payments import Allocation, PaymentSettled
from contracts.permits import FeeAssessed, FeeLine, SiteAddress

pytestmark = pytest.mark.integration


@pytest.fixture
def inspections_role() -> str:
    return "all"


async def test_events_of_three_services_reach_inspections(harness: Any) -> None:
    await harness.jurisdiction()
    await harness.issue("p1", "RES26-0001")
    fee = FeeAssessed(
        permit_id="p1",
        jurisdiction_id="alpha",
        number="RES26-0001",
        type_name="RESIDENTIAL",
        site=SiteAddress(street="17575 Peak Ave"),
        lines=[FeeLine(line_id="l1", name="REINSPECTION", amount_minor=7500)],
        balance_minor=7500,
        version=10,
    )
    await harness.publish(fee, "fa-1")
    await harness.publish(fee, "fa-1")  # redelivered
    await harness.wait_for("permits", {"_id": "p1", "open_lines": "l1"})
    paid = PaymentSettled(
        payment_id="pay-1",
        jurisdiction_id="alpha",
        allocations=[Allocation(permit_id="p1", line_ids=["l1"], amount_minor=7500)],
        settled_at=datetime(2026, 1, 2, tzinfo=UTC),
    )
    await harness.publish(paid, "ps-1")
    await harness.wait_for("permits", {"_id": "p1", "open_lines": []})
    doc = await harness.runtime.db["permits"].find_one({"_id": "p1"})
    assert doc is not None and (doc["status"], doc["number"]) == ("ISSUED", "RES26-0001")
