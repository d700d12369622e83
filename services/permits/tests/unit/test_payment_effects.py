"""R-PAY-6 / R-PER-6: what a settled or refunded payment does to a permit, on the fakes.

The consumer's de-duplication of a redelivered event is the chassis' (proven
once against the real broker); here the rule itself is idempotent too."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

from contracts.payments import Allocation, PaymentRefunded, PaymentSettled
from contracts.permits import PermitIssued, PermitStatusChanged
from permits.domain.permit import Permit
from permits.service_layer import payments

from .conftest import JID, World

AT = datetime(2026, 3, 3, tzinfo=UTC)


def _settled(permit: Permit, *line_ids: str, payment_id: str = "pay-1") -> PaymentSettled:
    ids = list(line_ids) or [ln.id for ln in permit.fees]
    return PaymentSettled(
        payment_id=payment_id,
        jurisdiction_id=JID,
        allocations=[Allocation(permit_id=permit.id, line_ids=ids, amount_minor=0)],
        settled_at=AT,
    )


def _refunded(permit: Permit, payment_id: str = "pay-1") -> PaymentRefunded:
    return PaymentRefunded(
        payment_id=payment_id,
        jurisdiction_id=JID,
        allocations=[
            Allocation(permit_id=permit.id, line_ids=[ln.id for ln in permit.fees], amount_minor=0)
        ],
        refunded_at=AT,
    )


async def _settle(world: World, event: PaymentSettled) -> None:
    await world.units.run(JID, partial(payments.on_payment_settled, event))


async def test_r_per_6_paid_in_full_it_is_ready_to_issue(world: World) -> None:
    permit = await world.awaiting_payment()
    await _settle(world, _settled(permit))
    paid = await world.get(permit.id)
    assert (paid.status, paid.fees_due_minor) == ("READY_TO_ISSUE", 0)
    assert {ln.payment_id for ln in paid.fees} == {"pay-1"}
    assert paid.history[-1].comment == "fees paid"
    assert not world.uow.published(PermitIssued)


async def test_r_per_6_a_type_that_issues_electronically_issues_on_payment(world: World) -> None:
    permit = await world.awaiting_payment(auto_issue=True)
    await _settle(world, _settled(permit))
    issued = await world.get(permit.id)
    assert issued.status == "ISSUED"
    assert [h.to for h in issued.history][-2:] == ["READY_TO_ISSUE", "ISSUED"]
    moves = [(e.from_status, e.to_status) for e in world.uow.published(PermitStatusChanged)]
    assert moves[-2:] == [("AWAITING_PAYMENT", "READY_TO_ISSUE"), ("READY_TO_ISSUE", "ISSUED")]
    [event] = world.uow.published(PermitIssued)
    assert event.automatic and event.version == issued.version == permit.version + 1


async def test_r_pay_6_settled_twice_is_paid_once(world: World) -> None:
    permit = await world.awaiting_payment(auto_issue=True)
    await _settle(world, _settled(permit))
    once = await world.get(permit.id)
    events = len(world.uow.events)
    await _settle(world, _settled(permit))  # the same payment again
    await _settle(world, _settled(permit, payment_id="pay-2"))  # another, for paid lines
    again = await world.get(permit.id)
    assert again.version == once.version and len(world.uow.events) == events
    assert {ln.payment_id for ln in again.fees} == {"pay-1"}


async def test_r_pay_6_a_partial_payment_leaves_it_awaiting_payment(world: World) -> None:
    permit = await world.awaiting_payment()
    await _settle(world, _settled(permit, permit.fees[0].id))
    partly = await world.get(permit.id)
    assert (partly.status, partly.fees_due_minor) == ("AWAITING_PAYMENT", 3500)


async def test_r_pay_6_a_refund_before_issuance_awaits_payment_again_through_the_workflow(
    world: World,
) -> None:
    """The old ``undo_payment`` moved READY_TO_ISSUE -> AWAITING_PAYMENT with no
    history entry, no PermitStatusChanged and no version guard, so other
    services' copies of the permit never learnt of it."""
    permit = await world.awaiting_payment()
    await _settle(world, _settled(permit))
    ready = await world.get(permit.id)
    await world.units.run(JID, partial(payments.on_payment_refunded, _refunded(permit)))
    reopened = await world.get(permit.id)
    assert (reopened.status, reopened.fees_due_minor) == ("AWAITING_PAYMENT", 13100)
    assert reopened.version == ready.version + 1
    last = reopened.history[-1]
    assert (last.from_status, last.to, last.by) == ("READY_TO_ISSUE", "AWAITING_PAYMENT", "system")
    changed = world.uow.published(PermitStatusChanged)[-1]
    assert (changed.from_status, changed.to_status, changed.version) == (
        "READY_TO_ISSUE",
        "AWAITING_PAYMENT",
        reopened.version,
    )


async def test_r_pay_6_a_refund_after_issuance_reopens_the_balance_only(world: World) -> None:
    permit = await world.awaiting_payment(auto_issue=True)
    await _settle(world, _settled(permit))
    await world.units.run(JID, partial(payments.on_payment_refunded, _refunded(permit)))
    refunded = await world.get(permit.id)
    assert (refunded.status, refunded.fees_due_minor) == ("ISSUED", 13100)
    events = len(world.uow.events)
    await world.units.run(JID, partial(payments.on_payment_refunded, _refunded(permit)))
    assert len(world.uow.events) == events  # refunded twice: once


async def test_r_pay_6_a_payment_for_an_unknown_permit_changes_nothing(world: World) -> None:
    permit = await world.awaiting_payment()
    stranger = PaymentSettled(
        payment_id="pay-9",
        jurisdiction_id=JID,
        allocations=[Allocation(permit_id="nope", line_ids=["x"], amount_minor=100)],
        settled_at=AT,
    )
    await _settle(world, stranger)
    assert (await world.get(permit.id)).status == "AWAITING_PAYMENT"
