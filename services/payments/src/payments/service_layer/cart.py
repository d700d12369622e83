"""Payment settings and the shopping cart (R-PAY-2/3/4)."""

from __future__ import annotations

from chassis.access import require_member, require_staff
from chassis.changes import changed_keys
from chassis.principal import Principal
from chassis.refusals import Denied
from contracts.payments import PaymentsConfigurationChanged
from payments.domain.cart import CheckoutSummary, Doc, cart_lines, checkout_summary
from payments.domain.errors import NothingDue
from payments.service_layer.commands import (
    AddPermitsToCart,
    AddToCart,
    PutSettings,
    RemoveFromCart,
)
from payments.service_layer.unit_of_work import PaymentsUnitOfWork


async def put_settings(cmd: PutSettings, uow: PaymentsUnitOfWork) -> Doc:
    require_staff(cmd.actor, uow.jurisdiction_id, "admin")
    before = await uow.settings.load()
    await uow.settings.put(cmd.body)
    after = await uow.settings.load()
    uow.emit(  # the jurisdiction's audit trail
        PaymentsConfigurationChanged(
            jurisdiction_id=uow.jurisdiction_id,
            what="payment settings",
            changed_by=cmd.actor.account_id,
            changed=changed_keys(before, after),
        )
    )
    return after


async def online_settings(uow: PaymentsUnitOfWork) -> Doc:
    settings = await uow.settings.load()
    if not settings["online_payments"]:
        raise Denied("this jurisdiction does not take payments online", code="online-payments-off")
    return settings


async def add_to_cart(cmd: AddToCart, uow: PaymentsUnitOfWork) -> None:
    require_member(cmd.actor, uow.jurisdiction_id)
    await online_settings(uow)
    receivable = await uow.receivables.get(cmd.permit_id)
    chosen = cart_lines(receivable, cmd.actor, cmd.line_ids)
    await uow.carts.put(cmd.actor.account_id, cmd.permit_id, chosen)


async def add_permits_to_cart(cmd: AddPermitsToCart, uow: PaymentsUnitOfWork) -> None:
    """Pay All Fees (seed 003's Shopping Cart menu, R-PAY-3): every open fee of
    each permit named, in one unit of work — a permit the caller may not pay,
    or without fees due, leaves the cart as it was."""
    require_member(cmd.actor, uow.jurisdiction_id)
    await online_settings(uow)
    chosen: dict[str, list[str]] = {}
    for n, permit_id in enumerate(cmd.permit_ids):
        receivable = await uow.receivables.get(permit_id)
        try:
            chosen[permit_id] = cart_lines(receivable, cmd.actor, None)
        except NothingDue as refused:  # which of the permits named it was
            raise NothingDue(refused.number, index=n) from None
    for permit_id, lines in chosen.items():
        await uow.carts.put(cmd.actor.account_id, permit_id, lines)


async def remove_from_cart(cmd: RemoveFromCart, uow: PaymentsUnitOfWork) -> None:
    require_member(cmd.actor, uow.jurisdiction_id)
    await uow.carts.drop(cmd.actor.account_id, [cmd.permit_id])


async def summary(actor: Principal, method: str | None, uow: PaymentsUnitOfWork) -> CheckoutSummary:
    """The Checkout Summary of seed 003 (fees per permit, the method's fee, total due)."""
    require_member(actor, uow.jurisdiction_id)
    items = await uow.carts.items(actor.account_id)
    receivables = {permit_id: await uow.receivables.get(permit_id) for permit_id in items}
    return checkout_summary(items, receivables, await uow.settings.load(), method, actor)
