"""Receivables from permits' events (event-carried state, in the permit's order)."""

from __future__ import annotations

from collections.abc import Callable

from contracts.permits import FeeAssessed, FeeVoided, PermitPartiesChanged
from payments.domain.receivable import Receivable
from payments.service_layer.unit_of_work import PaymentsUnitOfWork


async def _apply(
    uow: PaymentsUnitOfWork, permit_id: str, change: Callable[[Receivable], bool]
) -> None:
    receivable = await uow.receivables.get(permit_id)
    if receivable is None:
        fresh = Receivable(id=permit_id, jurisdiction_id=uow.jurisdiction_id)
        if change(fresh):
            await uow.receivables.add(fresh)
    elif change(receivable):
        await uow.receivables.save(receivable)


async def on_fee_assessed(event: FeeAssessed, uow: PaymentsUnitOfWork) -> None:
    await _apply(uow, event.permit_id, lambda r: r.fees_assessed(event))


async def on_fee_voided(event: FeeVoided, uow: PaymentsUnitOfWork) -> None:
    await _apply(uow, event.permit_id, lambda r: r.fee_voided(event))


async def on_parties_changed(event: PermitPartiesChanged, uow: PaymentsUnitOfWork) -> None:
    await _apply(uow, event.permit_id, lambda r: r.parties_changed(event))
