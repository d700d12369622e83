"""R-PAY-3/4/5: the cart, the Checkout Summary, checkout and settlement, on the fakes."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import pytest

from chassis.money import Money
from chassis.refusals import Denied, Missing
from payments.domain.errors import NothingDue, ProviderUnavailable, UnknownMethod
from payments.service_layer import cart
from payments.service_layer.commands import AddPermitsToCart
from payments.service_layer.unit_of_work import FeesReserved

from .conftest import ADMIN, JID, PAT, RICH, SAM, World


async def test_r_pay_4_the_checkout_summary_reproduces_seed_003(world: World) -> None:
    """Fees $1,023.98; card 3% -> $30.72 = $1,054.70; e-check $1.50 -> $1,025.48."""
    await world.configure()
    await world.assess()
    await world.fill_cart(RICH)
    card = await world.svc.units.read(JID, partial(cart.summary, RICH, "card"))
    assert (card.total_fees.minor, card.convenience_fee.minor, card.total_due.minor) == (
        102398,
        3072,
        105470,
    )
    assert card.convenience_fee_label == "Access Idaho Fee"
    echeck = await world.svc.units.read(JID, partial(cart.summary, RICH, "echeck"))
    assert echeck.total_due.minor == 102548
    with pytest.raises(UnknownMethod) as unknown:  # R-PAY-4: only the methods offered
        await world.svc.units.read(JID, partial(cart.summary, RICH, "bitcoin"))
    assert unknown.value.data == {"method": "bitcoin", "offered": ["card", "echeck"]}


async def test_r_pay_4_a_fee_the_jurisdiction_bears_is_not_charged(world: World) -> None:
    await world.configure(
        methods=[{"code": "card", "label": "Card", "fee_percent": "3", "borne_by": "jurisdiction"}]
    )
    await world.assess()
    await world.fill_cart(RICH)
    card = await world.svc.units.read(JID, partial(cart.summary, RICH, "card"))
    assert (card.convenience_fee.minor, card.absorbed_fee.minor) == (0, 3072)


async def test_r_pay_3_only_whoever_may_pay_puts_fees_in_a_cart(world: World) -> None:
    await world.assess()
    with pytest.raises(Denied):
        await world.fill_cart(PAT)  # online payments are off until configured
    await world.configure()
    await world.fill_cart(PAT)  # the applicant's email
    await world.fill_cart(RICH)  # a user of the company on the permit
    with pytest.raises(Missing):
        await world.fill_cart(SAM)


async def test_r_pay_5_an_open_checkout_holds_its_lines_until_it_ends(world: World) -> None:
    await world.configure()
    await world.assess()
    await world.fill_cart(RICH)
    await world.fill_cart(PAT)
    first = await world.checkout(RICH)
    assert first["status"] == "PENDING" and first["hosted_url"]
    with pytest.raises(FeesReserved):
        await world.checkout(PAT)
    world.clock.advance(timedelta(minutes=31))  # the first payer never paid
    assert (await world.checkout(PAT))["status"] == "PENDING"


async def test_r_pay_5_the_provider_down_fails_the_payment_and_frees_everything(
    world: World,
) -> None:
    await world.configure()
    await world.assess()
    await world.fill_cart(RICH)
    world.provider.down = True
    with pytest.raises(ProviderUnavailable) as refused:
        await world.checkout(RICH)
    assert refused.value.kind == "unavailable"
    [payment] = world.uow.stores["payments"].values()
    assert (payment["status"], payment["failure_reason"]) == ("FAILED", "provider-error")
    assert world.uow.stores["reservations"] == {}
    assert len(world.uow.stores["released_keys"]) == 1  # a retry may use the key again
    world.provider.down = False
    assert (await world.checkout(RICH))["status"] == "PENDING"


async def test_r_pay_5_a_verified_success_settles_once_with_a_receipt(world: World) -> None:
    await world.configure()
    await world.assess()
    await world.fill_cart(RICH)
    payment = await world.checkout(RICH)
    assert await world.webhook(payment, event_id="e1", method="card") == "settled"
    assert await world.webhook(payment, event_id="e1") == "duplicate"
    assert await world.webhook(payment, event_id="e2") == "already-settled"
    settled = await world.load("payments", payment["_id"])
    assert (settled["status"], settled["receipt_number"]) == ("SETTLED", "R2026-000001")
    receivable = await world.load("receivables", "p1")
    assert {ln["status"] for ln in receivable["lines"].values()} == {"paid"}
    assert await world.svc.units.read(JID, lambda uow: uow.carts.items("rich")) == {}
    [event] = world.events("PaymentSettled")
    assert (event.total_minor, event.convenience_fee_minor) == (105470, 3072)
    assert world.uow.stores["reservations"] == {}


async def test_r_pay_5_a_wrong_amount_settles_nothing(world: World) -> None:
    await world.configure()
    await world.assess()
    await world.fill_cart(RICH)
    payment = await world.checkout(RICH)
    assert await world.webhook(payment, amount_minor=1) == "amount-mismatch"
    assert (await world.load("payments", payment["_id"]))["status"] == "PENDING"


async def test_r_pay_5_a_success_after_expiry_still_settles(world: World) -> None:
    await world.configure()
    await world.assess()
    await world.fill_cart(RICH)
    payment = await world.checkout(RICH)
    assert await world.webhook(payment, "expired") == "failed"
    assert await world.webhook(payment, "succeeded") == "settled"  # the money was taken


async def test_r_pay_5_two_payers_at_once_the_second_charge_goes_back_whole(
    world: World,
) -> None:
    await world.configure()
    await world.assess()
    await world.fill_cart(RICH)
    await world.fill_cart(PAT)
    first = await world.checkout(RICH)
    world.clock.advance(timedelta(minutes=31))  # its hold ran out; the page stayed open
    second = await world.checkout(PAT)
    assert await world.webhook(second) == "settled"
    assert await world.webhook(first) == "refunding"
    refunded = await world.load("payments", first["_id"])
    assert refunded["status"] == "REFUNDED"  # the refund ran right after the commit
    assert world.provider.refunds[0][1] == refunded["total_minor"]
    [event] = world.events("PaymentRefunded")
    assert event.automatic and event.other_payer_email == "pat@example.org"
    receivable = await world.load("receivables", "p1")
    assert {ln["payment_id"] for ln in receivable["lines"].values()} == {second["_id"]}


async def test_r_pay_3_pay_all_fees_puts_several_permits_in_the_cart_or_none(world: World) -> None:
    """Seed 003's Pay All Fees: every open fee of each permit named goes in at
    once; one the payer may not pay (or with nothing due) leaves the cart as it was."""
    await world.configure()
    await world.assess("p1")
    await world.assess("p2", [("PLANNING", 3500)])
    await world.assess("p3", [("PLANNING", 3500)])
    world.uow.stores["receivables"]["p3"]["company_ids"] = ["c9"]  # not Rich's company
    world.uow.stores["receivables"]["p3"]["payer_emails"] = []
    everything = AddPermitsToCart(jurisdiction_id=JID, actor=RICH, permit_ids=["p1", "p2", "p3"])
    with pytest.raises(Missing):
        await world.svc.units.run(JID, partial(cart.add_permits_to_cart, everything))
    assert await world.svc.units.read(JID, lambda uow: uow.carts.items("rich")) == {}
    await world.assess("p4", [])  # nothing due on it
    settled = AddPermitsToCart(jurisdiction_id=JID, actor=RICH, permit_ids=["p1", "p4"])
    with pytest.raises(NothingDue) as nothing:  # which of the permits named (issue 24)
        await world.svc.units.run(JID, partial(cart.add_permits_to_cart, settled))
    assert (nothing.value.index, nothing.value.number) == (1, "RES16-p4")
    mine = AddPermitsToCart(jurisdiction_id=JID, actor=RICH, permit_ids=["p1", "p2"])
    await world.svc.units.run(JID, partial(cart.add_permits_to_cart, mine))
    summary = await world.svc.units.read(JID, partial(cart.summary, RICH, "echeck"))
    assert [p.number for p in summary.permits] == ["RES16-p1", "RES16-p2"]
    assert summary.total_fees == Money(102398 + 3500, "USD")


async def test_a_settings_change_is_announced_for_the_audit_trail(world: World) -> None:
    """Issue 25: who changed which payment settings, for the jurisdiction's trail."""
    await world.configure()
    await world.configure(fee_label="Convenience fee")
    *_, last = world.events("PaymentsConfigurationChanged")
    assert last.what == "payment settings" and last.changed == ["fee_label"]
    assert last.changed_by == ADMIN.account_id
