"""R-PER-3 the workflow through the Permit aggregate, R-PER-6 issuance, on the fakes."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import pytest

from chassis.refusals import Conflicting, Denied, Missing
from chassis.status import IllegalTransition
from contracts.permits import (
    PermitCancelled,
    PermitIssued,
    PermitReinstated,
    PermitStatusChanged,
)
from permits.domain.workflow import NotAllowed, check_transition, moves_for
from permits.service_layer import workflow
from permits.service_layer.commands import Transition

from .conftest import ADMIN, CASHIER, JID, PAT, World, person


def _transition(permit_id: str, to: str, version: int, actor: object = ADMIN) -> Transition:
    return Transition(
        jurisdiction_id=JID,
        actor=actor,  # type: ignore[arg-type]
        permit_id=permit_id,
        to=to,
        comment="looks good",
        version=version,
    )


async def test_r_per_3_a_move_writes_history_and_one_event_at_the_new_version(
    world: World,
) -> None:
    await world.permit_type()
    permit = await world.apply()
    await world.units.run(JID, partial(workflow.transition, _transition(permit.id, "IN_REVIEW", 1)))
    moved = await world.get(permit.id)
    assert (moved.status, moved.version) == ("IN_REVIEW", 2)
    last = moved.history[-1]
    assert (last.from_status, last.to, last.by, last.comment) == (
        "SUBMITTED",
        "IN_REVIEW",
        ADMIN.account_id,
        "looks good",
    )
    [changed] = world.uow.published(PermitStatusChanged)
    assert (changed.from_status, changed.to_status, changed.version) == (
        "SUBMITTED",
        "IN_REVIEW",
        2,
    )


async def test_r_per_3_a_move_the_table_lacks_is_409_even_with_a_stale_version(
    world: World,
) -> None:
    await world.permit_type()
    permit = await world.apply()
    with pytest.raises(IllegalTransition) as refused:
        await world.units.run(
            JID, partial(workflow.transition, _transition(permit.id, "ISSUED", 7))
        )
    assert refused.value.kind == "conflict" and refused.value.code == "illegal-transition"


async def test_r_per_3_a_stale_version_is_409_and_changes_nothing(world: World) -> None:
    await world.permit_type()
    permit = await world.apply()
    await world.move(permit.id, "IN_REVIEW")
    before = len(world.uow.events)
    with pytest.raises(Conflicting) as refused:
        await world.units.run(
            JID, partial(workflow.transition, _transition(permit.id, "PENDING_APPROVAL", 1))
        )
    assert refused.value.code == "version-conflict"
    assert (await world.get(permit.id)).status == "IN_REVIEW"
    assert len(world.uow.events) == before


async def test_r_per_3_a_role_without_the_move_is_403_and_non_staff_too(world: World) -> None:
    await world.permit_type()
    permit = await world.apply()
    with pytest.raises(NotAllowed):
        await world.units.run(
            JID, partial(workflow.transition, _transition(permit.id, "IN_REVIEW", 1, CASHIER))
        )
    with pytest.raises(Denied):
        await world.units.run(
            JID, partial(workflow.transition, _transition(permit.id, "IN_REVIEW", 1, PAT))
        )
    other = person("staff", roles=["admin"], jid="beta")
    with pytest.raises(Missing):
        await world.units.run(
            JID, partial(workflow.transition, _transition(permit.id, "IN_REVIEW", 1, other))
        )


async def test_r_per_6_issuing_starts_the_inactivity_clock(world: World) -> None:
    await world.permit_type(inactivity_days=90)
    permit = await world.apply()
    issued = await world.move(
        permit.id, "IN_REVIEW", "PENDING_APPROVAL", "READY_TO_ISSUE", "ISSUED"
    )
    now = world.clock.now()
    assert (issued.issued_at, issued.expires_at) == (now, now + timedelta(days=90))
    [event] = world.uow.published(PermitIssued)
    assert not event.automatic and event.inspection_types == ["BUILDING FINAL"]
    assert event.version == issued.version


async def test_r_per_3_cancel_and_reinstate_say_so(world: World) -> None:
    await world.permit_type()
    permit = await world.apply()
    await world.move(permit.id, "CANCELLED", "SUBMITTED")
    [cancelled] = world.uow.published(PermitCancelled)
    [reinstated] = world.uow.published(PermitReinstated)
    assert (cancelled.version, reinstated.version) == (2, 3)
    assert (reinstated.from_status, reinstated.to_status) == ("CANCELLED", "SUBMITTED")


@pytest.mark.parametrize(
    ("status", "roles", "offered"),
    [
        ("SUBMITTED", ["plan_reviewer"], ["IN_REVIEW"]),
        ("SUBMITTED", ["cashier"], []),
        ("IN_REVIEW", ["permit_technician"], ["CANCELLED"]),
        ("IN_REVIEW", ["plan_reviewer"], ["PENDING_APPROVAL"]),
        ("READY_TO_ISSUE", ["permit_technician"], ["ISSUED", "CANCELLED"]),
        ("ISSUED", ["inspector"], ["TCO", "FINALED"]),
        ("ISSUED", ["admin"], ["TCO", "FINALED"]),  # expiry is the suite's alone
        ("AWAITING_PAYMENT", [], []),
    ],
)
def test_r_per_3_the_moves_offered_are_the_tables_for_the_roles(
    status: str, roles: list[str], offered: list[str]
) -> None:
    """Issue 27: the staff console offers a member only the moves the
    transition table gives their roles — never one the suite makes itself."""
    assert moves_for(status, roles) == offered
    for to in offered:
        check_transition(status, to, roles)  # each offered move is one the table takes
