"""Unit tests of permits' rules: the handlers on the fakes, milliseconds each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from typing import Any

import pytest

from chassis.auth import Principal
from chassis.clock import ManualClock
from chassis.testing.fakes import FakeUnitOfWork
from chassis.uow import Units
from permits.domain.permit import Permit
from permits.service_layer import applications, fees, workflow
from permits.service_layer.commands import Apply, AssessFees, PutPermitType, Transition
from permits.service_layer.unit_of_work import PermitsUnitOfWork

from .fakes import fake_units

JID = "alpha"


def person(kind: str, *, roles: list[str] | None = None, jid: str = JID, **kw: Any) -> Principal:
    return Principal(
        account_id=kw.pop("account_id", f"{kind}-{'-'.join(roles or [])}"),
        email=kw.pop("email", ""),
        jurisdiction_id=jid,
        kind=kind,
        roles=roles or [],
        **kw,
    )


ADMIN = person("staff", roles=["admin"])
TECH = person("staff", roles=["permit_technician"])
CASHIER = person("staff", roles=["cashier"])
INSPECTOR = person("staff", roles=["inspector"])
PAT = person("public", email="pat@example.org", account_id="pat")
STRANGER = person("public", email="nobody@example.org", account_id="stranger")
RICH = person("contractor", email="rich@example.org", account_id="rich", company_ids=["c1"])
SCHEDULE = [
    {"code": "MECH", "name": "MECHANICAL PERMIT", "amount": "96.00"},
    {"code": "PLAN", "name": "PLANNING", "amount": "35.00"},
    {"code": "VAL", "name": "BUILDING", "kind": "valuation", "rate": "5.00", "per": "1000"},
]


@dataclass
class World:
    uow: FakeUnitOfWork
    units: Units[PermitsUnitOfWork]

    @property
    def clock(self) -> ManualClock:
        return self.uow.clock

    async def permit_type(self, code: str = "RES", **over: Any) -> None:
        body = {
            "name": "RESIDENTIAL",
            "number_format": f"{code}{{yy}}-{{seq:04}}",
            "inspection_types": ["BUILDING FINAL"],
            "fee_schedule": SCHEDULE,
            **over,
        }
        cmd = PutPermitType(jurisdiction_id=JID, actor=ADMIN, code=code, body=body)
        await self.units.run(JID, partial(applications.put_permit_type, cmd))

    async def apply(self, actor: Principal = ADMIN, **over: Any) -> Permit:
        jid = over.pop("jid", JID)
        values: dict[str, Any] = {
            "type_code": "RES",
            "site": {"street": "1968 E Dodd Rd", "zip": "83642"},
            "applicant": {"name": "Pat Applicant", "email": "Pat@Example.org"},
            "owner": {"name": "Olive Owner", "email": "olive@example.org"},
            "valuation": Decimal("250000"),
            **over,
        }
        return await applications.apply(
            Apply(jurisdiction_id=jid, actor=actor, **values), self.units
        )

    async def get(self, permit_id: str) -> Permit:
        found: Permit = await self.units.read(JID, lambda uow: uow.permits.require(permit_id))
        return found

    async def move(self, permit_id: str, *statuses: str, actor: Principal = ADMIN) -> Permit:
        for to in statuses:
            seen = await self.get(permit_id)
            cmd = Transition(
                jurisdiction_id=JID,
                actor=actor,
                permit_id=permit_id,
                to=to,
                comment=None,
                version=seen.version,
            )
            await self.units.run(JID, partial(workflow.transition, cmd))
        return await self.get(permit_id)

    async def awaiting_payment(self, *codes: str, auto_issue: bool = False) -> Permit:
        await self.permit_type(auto_issue=auto_issue)
        permit = await self.apply()
        await self.move(permit.id, "IN_REVIEW", "PENDING_APPROVAL")
        cmd = AssessFees(
            jurisdiction_id=JID,
            actor=ADMIN,
            permit_id=permit.id,
            items=[(code, Decimal(0)) for code in codes or ("MECH", "PLAN")],
        )
        await self.units.run(JID, partial(fees.assess_fees, cmd))
        return await self.get(permit.id)

    def events(self, since: int = 0) -> list[str]:
        return self.uow.event_types()[since:]


@pytest.fixture
def world() -> World:
    uow = FakeUnitOfWork(ManualClock(datetime(2026, 3, 2, 15, 0, tzinfo=UTC)))
    return World(uow, fake_units(uow))
