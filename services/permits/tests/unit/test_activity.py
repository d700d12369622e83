"""R-PER-5: activity restarts the inactivity clock; expiry and its warning, on the fakes."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from contracts.inspections import InspectionResulted
from contracts.permits import PermitExpired, PermitExpiring
from permits.domain.permit import Permit
from permits.service_layer import activity

from .conftest import JID, World


async def _issued(world: World) -> Permit:
    await world.permit_type(inactivity_days=180)
    permit = await world.apply()
    return await world.move(permit.id, "IN_REVIEW", "PENDING_APPROVAL", "READY_TO_ISSUE", "ISSUED")


async def _inspected(world: World, permit: Permit, result: str, day: int) -> None:
    event = InspectionResulted(
        inspection_id=f"i-{day}",
        jurisdiction_id=JID,
        permit_id=permit.id,
        inspection_type="BUILDING FINAL",
        result=result,  # type: ignore[arg-type]
        resulted_at=permit.issued_at + timedelta(days=day),  # type: ignore[operator]
    )
    await world.units.run(JID, partial(activity.on_inspection_resulted, event))


async def _expire(world: World, permit: Permit) -> int:
    return int(await world.units.run(JID, partial(activity.expire_permit, permit.id)))


async def test_r_per_5_it_expires_on_day_180_not_179(world: World) -> None:
    permit = await _issued(world)
    world.clock.advance(timedelta(days=179, hours=23))
    assert await _expire(world, permit) == 0
    world.clock.advance(timedelta(hours=1))
    assert await _expire(world, permit) == 1
    expired = await world.get(permit.id)
    assert (expired.status, expired.expired_at) == ("EXPIRED", world.clock.now())
    assert expired.history[-1].comment == "no passing inspection in time"
    [event] = world.uow.published(PermitExpired)
    assert event.version == expired.version
    assert await _expire(world, permit) == 0  # once


async def test_r_per_5_a_passing_inspection_restarts_the_clock_a_failed_one_does_not(
    world: World,
) -> None:
    permit = await _issued(world)
    await _inspected(world, permit, "fail", 50)
    assert (await world.get(permit.id)).expires_at == permit.expires_at
    await _inspected(world, permit, "pass", 100)
    assert (await world.get(permit.id)).expires_at == permit.issued_at + timedelta(days=280)  # type: ignore[operator]
    world.clock.advance(timedelta(days=279))
    assert await _expire(world, permit) == 0
    world.clock.advance(timedelta(days=1))
    assert await _expire(world, permit) == 1


async def test_r_per_5_the_warning_goes_once_per_period(world: World) -> None:
    permit = await _issued(world)
    warn = partial(activity.warn_expiring, permit.id)
    assert await world.units.run(JID, warn) == 1
    assert await world.units.run(JID, warn) == 0
    [event] = world.uow.published(PermitExpiring)
    assert event.expires_at == permit.expires_at
    await _inspected(world, permit, "pass", 10)  # a new period: a new warning later
    assert await world.units.run(JID, warn) == 1


async def test_r_per_5_a_permit_not_issued_neither_expires_nor_restarts(world: World) -> None:
    await world.permit_type()
    permit = await world.apply()
    world.clock.advance(timedelta(days=400))
    assert await _expire(world, permit) == 0
    assert await world.units.run(JID, partial(activity.warn_expiring, permit.id)) == 0
