"""Read views on the fakes (seed 003's Paid Items, R-ID-6): a payer sees
their own payments and receipts, staff their jurisdiction's; anyone else
gets the 404 a missing payment gets."""

from __future__ import annotations

import pytest

from chassis.refusals import Missing
from payments.service_layer import views

from .conftest import CASHIER, JID, RICH, SAM, World


async def test_paid_items_and_the_receipt_are_the_payers_own(world: World) -> None:
    await world.configure()
    await world.assess(lines=[("PLANNING", 3500)])
    await world.fill_cart(RICH)
    payment = await world.checkout(RICH)

    async def paid_items(who: object, paid_only: bool = True) -> list[str]:
        docs, total = await world.svc.units.read(
            JID,
            lambda uow: views.my_payments(uow, who, paid_only=paid_only, limit=10, offset=0),  # type: ignore[arg-type]
        )
        assert total == len(docs)
        return [d["_id"] for d in docs]

    assert await paid_items(RICH) == []  # open, not paid yet
    assert await paid_items(RICH, paid_only=False) == [payment["_id"]]
    with pytest.raises(Missing, match="no receipt"):
        await world.svc.units.read(JID, lambda uow: views.receipt(uow, RICH, payment["_id"]))
    await world.webhook(payment)
    assert await paid_items(RICH) == [payment["_id"]]
    assert await paid_items(SAM) == []
    units = world.svc.units
    receipt = await units.read(JID, lambda uow: views.receipt(uow, RICH, payment["_id"]))
    assert receipt["receipt_number"] and receipt["refunds"] == []
    seen = await units.read(JID, lambda uow: views.get_payment(uow, CASHIER, payment["_id"]))
    assert seen["_id"] == payment["_id"]  # staff of the jurisdiction
    with pytest.raises(Missing, match="no such payment"):  # not the payer: as if missing
        await units.read(JID, lambda uow: views.get_payment(uow, SAM, payment["_id"]))
