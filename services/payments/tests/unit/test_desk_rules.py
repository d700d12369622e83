"""Refunds and counter payments (R-PAY-5/6), receivables in order, the payment
status table; on the fakes."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest

from chassis.money import Money
from chassis.refusals import Conflicting, Denied, Missing
from chassis.status import IllegalTransition
from contracts.permits import FeeVoided, Party, PermitPartiesChanged
from payments.adapters.repositories import PaymentRepository, RefundRepository
from payments.domain.errors import LinesNotOpen, NotRefundable
from payments.domain.payment import Payment
from payments.service_layer import desk, receivables
from payments.service_layer.commands import CounterPayment, RequestRefund

from .conftest import CASHIER, JID, PAT, RICH, SAM, World, person


async def _paid(world: World) -> dict[str, Any]:
    await world.configure()
    await world.assess(lines=[("PLANNING", 3500), ("MECH", 9600)])
    await world.fill_cart(RICH)
    payment = await world.checkout(RICH)
    await world.webhook(payment)
    return await world.load("payments", payment["_id"])


refund_doc = RefundRepository.to_doc


def _refund(payment_id: str, *line_ids: str, actor: Any = CASHIER) -> RequestRefund:
    return RequestRefund(
        jurisdiction_id=JID,
        actor=actor,
        payment_id=payment_id,
        reason="duplicate payment",
        line_ids=list(line_ids) or None,
    )


async def test_r_pay_6_a_line_refund_reopens_that_line_and_keeps_the_fee(world: World) -> None:
    payment = await _paid(world)
    refund = refund_doc(await desk.request_refund(world.svc, _refund(payment["_id"], "p1-1")))
    assert (refund["status"], refund["amount_minor"]) == ("DONE", 9600)
    partly = await world.load("payments", payment["_id"])
    assert (partly["status"], partly["refunded_minor"]) == ("PARTIALLY_REFUNDED", 9600)
    lines = (await world.load("receivables", "p1"))["lines"]
    assert (lines["p1-0"]["status"], lines["p1-1"]["status"]) == ("paid", "open")
    rest = refund_doc(await desk.request_refund(world.svc, _refund(payment["_id"])))
    assert rest["amount_minor"] == 3500  # the convenience fee goes back only with the whole
    assert (await world.load("payments", payment["_id"]))["status"] == "REFUNDED"
    with pytest.raises(Conflicting):
        await desk.request_refund(world.svc, _refund(payment["_id"]))


async def test_r_pay_6_a_whole_refund_returns_the_convenience_fee(world: World) -> None:
    payment = await _paid(world)
    refund = refund_doc(await desk.request_refund(world.svc, _refund(payment["_id"])))
    assert refund["amount_minor"] == payment["total_minor"] == 13100 + 393
    [event] = world.events("PaymentRefunded")
    assert sorted(event.allocations[0].line_ids) == ["p1-0", "p1-1"]


async def test_r_pay_6_a_refund_the_provider_has_not_taken_waits_requested(
    world: World,
) -> None:
    payment = await _paid(world)
    world.provider.down = True
    refund = refund_doc(await desk.request_refund(world.svc, _refund(payment["_id"])))
    assert refund["status"] == "REQUESTED"  # reconciliation finishes it
    assert (await world.load("payments", payment["_id"]))["status"] == "SETTLED"
    world.provider.down = False
    assert await desk.complete_refund(world.svc, JID, refund["_id"]) == "refunded"
    assert await desk.complete_refund(world.svc, JID, refund["_id"]) == "nothing-to-do"


async def test_refunds_are_for_cashiers_and_404_for_whoever_may_not_see_the_payment(
    world: World,
) -> None:
    payment = await _paid(world)
    with pytest.raises(Denied):
        await desk.request_refund(world.svc, _refund(payment["_id"], actor=RICH))  # the payer
    with pytest.raises(Missing):
        await desk.request_refund(world.svc, _refund(payment["_id"], actor=SAM))
    with pytest.raises(Missing):
        await desk.request_refund(
            world.svc, _refund(payment["_id"], actor=person("staff", "x", jid="beta"))
        )
    with pytest.raises(NotRefundable):
        await desk.request_refund(world.svc, _refund(payment["_id"], "nope"))


async def test_a_counter_payment_settles_at_once_and_never_pays_twice(world: World) -> None:
    await world.configure()
    await world.assess()
    cmd = CounterPayment(
        jurisdiction_id=JID,
        actor=CASHIER,
        permits=[{"permit_id": "p1"}],
        method="check",
        payer_name="Rich Contractor",
        reference="check 1043",
    )
    taken = PaymentRepository.to_doc(await desk.counter_payment(world.svc, cmd))
    assert (taken["status"], taken["total_minor"], taken["convenience_fee_minor"]) == (
        "SETTLED",
        102398,
        0,
    )
    assert taken["receipt_number"] == "R2026-000001" and taken["taken_by"] == "cashier"
    with pytest.raises(LinesNotOpen):  # nothing is open any more
        await desk.counter_payment(world.svc, cmd)
    with pytest.raises(Denied):
        await desk.counter_payment(world.svc, CounterPayment(**{**vars(cmd), "actor": PAT}))


async def test_r_pay_2_receivables_follow_the_permits_order(world: World) -> None:
    await world.assess(lines=[("PLANNING", 3500), ("MECH", 9600)], version=5)
    stale = PermitPartiesChanged(
        permit_id="p1",
        jurisdiction_id=JID,
        number="RES16-p1",
        applicant=Party(name="Sam", email="sam@example.org"),
        version=4,
    )
    await world.svc.units.run(JID, partial(receivables.on_parties_changed, stale))
    void = FeeVoided(
        permit_id="p1",
        jurisdiction_id=JID,
        number="RES16-p1",
        line_id="p1-1",
        reason="dup",
        balance_minor=3500,
        version=6,
    )
    for _ in range(2):
        await world.svc.units.run(JID, partial(receivables.on_fee_voided, void))
    doc = await world.load("receivables", "p1")
    assert doc["payer_emails"] == ["pat@example.org"]  # the older event changed nothing
    assert (doc["lines"]["p1-1"]["status"], doc["source_version"]) == ("voided", 6)
    await world.assess(lines=[("PLANNING", 3500), ("MECH", 9600)], version=5)  # late
    assert (await world.load("receivables", "p1"))["lines"]["p1-1"]["status"] == "voided"


def test_a_payment_moves_only_as_its_table_allows() -> None:
    at = datetime(2026, 3, 2, tzinfo=UTC)
    payment = Payment(
        id="pay_1",
        jurisdiction_id=JID,
        channel="online",
        status="SETTLED",
        method="card",
        items=[],
        fees=Money(0, "USD"),
        convenience_fee=Money(0, "USD"),
        total=Money(0, "USD"),
        created_at=at,
    )
    assert not payment.fail("declined", at=at)  # a settled payment does not fail
    with pytest.raises(IllegalTransition):
        payment.settle("R1", method=None, at=at)
    with pytest.raises(IllegalTransition):
        payment.charged_but_taken("ref_1", method=None, at=at)
    assert not payment.opened("ref", "https://pay", at=at)
