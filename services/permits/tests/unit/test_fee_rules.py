"""R-PAY-1 assessment and R-PAY-6 voiding through the Permit aggregate, on the fakes."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

import pytest

from chassis.refusals import Conflicting, Denied, Missing
from chassis.status import IllegalTransition
from contracts.permits import FeeAssessed, FeeVoided, PermitStatusChanged
from permits.domain.errors import UnknownFee
from permits.service_layer import fees
from permits.service_layer.commands import AssessFees, VoidFee

from .conftest import ADMIN, CASHIER, INSPECTOR, JID, PAT, STRANGER, World


def _assess(permit_id: str, *items: tuple[str, str], actor: object = ADMIN) -> AssessFees:
    return AssessFees(
        jurisdiction_id=JID,
        actor=actor,  # type: ignore[arg-type]
        permit_id=permit_id,
        items=[(code, Decimal(q)) for code, q in items],
    )


async def test_r_pay_1_fees_on_a_permit_pending_approval_make_it_await_payment(
    world: World,
) -> None:
    permit = await world.awaiting_payment("MECH", "PLAN", "VAL")
    assert permit.status == "AWAITING_PAYMENT"
    assert [ln.amount_minor for ln in permit.fees] == [9600, 3500, 125000]  # 250,000 at 5/1000
    assert permit.fees_due_minor == 138100
    [assessed] = world.uow.published(FeeAssessed)
    assert assessed.balance_minor == 138100 and assessed.version == permit.version
    assert assessed.payer_emails == ["pat@example.org", "olive@example.org"]
    moved = world.uow.published(PermitStatusChanged)[-1]
    assert (moved.to_status, moved.by, moved.version) == ("AWAITING_PAYMENT", "system", 4)
    assert permit.history[-1].comment == "fees assessed"


async def test_r_pay_1_an_unknown_item_is_refused_naming_it_and_changes_nothing(
    world: World,
) -> None:
    await world.permit_type()
    permit = await world.apply()
    with pytest.raises(UnknownFee) as refused:
        await world.units.run(
            JID, partial(fees.assess_fees, _assess(permit.id, ("MECH", "0"), ("NOPE", "0")))
        )
    assert (refused.value.index, refused.value.part) == (1, "code")  # the second item's code
    assert (await world.get(permit.id)).fees.lines == []


async def test_r_pay_1_a_closed_permit_takes_no_fees(world: World) -> None:
    await world.permit_type()
    permit = await world.apply()
    await world.move(permit.id, "CANCELLED")
    with pytest.raises(IllegalTransition, match="takes no new fees"):
        await world.units.run(JID, partial(fees.assess_fees, _assess(permit.id, ("MECH", "0"))))


async def test_r_pay_1_only_fee_staff_assess_and_404_comes_before_403(world: World) -> None:
    await world.permit_type()
    permit = await world.apply()
    await world.units.run(
        JID, partial(fees.assess_fees, _assess(permit.id, ("MECH", "0"), actor=CASHIER))
    )
    for actor, error in ((INSPECTOR, Denied), (PAT, Denied), (STRANGER, Missing)):
        with pytest.raises(error):
            await world.units.run(
                JID, partial(fees.assess_fees, _assess(permit.id, ("MECH", "0"), actor=actor))
            )


async def test_r_pay_6_only_an_open_line_is_voided(world: World) -> None:
    permit = await world.awaiting_payment("MECH", "PLAN")
    line = permit.fees[0].id
    void = VoidFee(
        jurisdiction_id=JID, actor=ADMIN, permit_id=permit.id, line_id=line, reason="dup"
    )
    await world.units.run(JID, partial(fees.void_fee, void))
    [voided] = world.uow.published(FeeVoided)
    assert voided.balance_minor == 3500
    with pytest.raises(Conflicting, match="voided"):
        await world.units.run(JID, partial(fees.void_fee, void))
    missing = VoidFee(
        jurisdiction_id=JID, actor=ADMIN, permit_id=permit.id, line_id="x", reason="-"
    )
    with pytest.raises(Missing):
        await world.units.run(JID, partial(fees.void_fee, missing))
