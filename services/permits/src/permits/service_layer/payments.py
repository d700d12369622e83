"""What payments' events do to a permit (R-PAY-6, R-PER-6)."""

from __future__ import annotations

from contracts.payments import PaymentRefunded, PaymentSettled
from permits.service_layer.unit_of_work import PermitsUnitOfWork, terms_of


async def on_payment_settled(event: PaymentSettled, uow: PermitsUnitOfWork) -> None:
    """The allocated lines are paid, once; a zero balance readies the permit
    and, where its type says so, issues it."""
    for allocation in event.allocations:
        permit = await uow.permits.get(allocation.permit_id)
        if permit is None:
            continue
        terms = await terms_of(uow, permit)
        if permit.settle_lines(allocation.line_ids, event.payment_id, at=uow.now, terms=terms):
            await uow.permits.save(permit)


async def on_payment_refunded(event: PaymentRefunded, uow: PermitsUnitOfWork) -> None:
    """The refunded payment's lines are open again; a permit not yet issued
    awaits payment again."""
    for allocation in event.allocations:
        permit = await uow.permits.get(allocation.permit_id)
        if permit is not None and permit.unsettle_lines(event.payment_id, at=uow.now):
            await uow.permits.save(permit)
