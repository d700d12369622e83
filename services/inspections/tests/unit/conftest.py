"""Unit tests of inspections' rules: the handlers on the fakes, milliseconds each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

import pytest

from chassis.clock import ManualClock
from chassis.principal import Principal
from chassis.testing.fakes import FakeUnitOfWork
from chassis.uow import Units
from contracts.identity import JurisdictionCreated
from contracts.permits import Party, PermitIssued, SiteAddress
from inspections.adapters.repositories import InspectionRepository
from inspections.entrypoints.consumers import HANDLERS
from inspections.service_layer import scheduling
from inspections.service_layer.commands import PutSettings, Request, Schedule
from inspections.service_layer.unit_of_work import InspectionsUnitOfWork

from .fakes import fake_units

JID = "alpha"
TYPES = ["ADDRESSING", "BUILDING FINAL", "ELECTRICAL FINAL"]
# Tuesday 2026-11-17, 10:00 in Boise (MST, UTC-7)
NOW = datetime(2026, 11, 17, 17, 0, tzinfo=UTC)


def person(kind: str, account: str, *, roles: list[str] | None = None, **kw: Any) -> Principal:
    return Principal(
        account_id=account,
        email=kw.pop("email", f"{account}@example.org"),
        jurisdiction_id=kw.pop("jid", JID),
        kind=kind,
        roles=roles or [],
        **kw,
    )


RICH = person("contractor", "rich", company_ids=["c1"])
SAM = person("public", "sam")
INSPECTOR = person("staff", "ivan", roles=["inspector"])
ADMIN = person("staff", "admin", roles=["admin"])


@dataclass
class World:
    uow: FakeUnitOfWork
    units: Units[InspectionsUnitOfWork]

    @property
    def clock(self) -> ManualClock:
        return self.uow.clock

    async def event(self, event: Any) -> None:
        """Another service's event, through the handler its consumer calls."""
        await self.units.run(JID, partial(HANDLERS[type(event)], event))

    async def issue(self, permit_id: str = "p1", version: int = 9, zip_code: str = "83642") -> None:
        await self.event(
            PermitIssued(
                permit_id=permit_id,
                jurisdiction_id=JID,
                number=f"BRES2026-{permit_id}",
                type_name="RESIDENTIAL",
                site=SiteAddress(street="17575 Peak Ave", zip=zip_code),
                inspection_types=TYPES,
                issued_at=NOW,
                expires_at=NOW + timedelta(days=180),
                automatic=True,
                applicant=Party(name="Rich", email="rich@example.org"),
                company_ids=["c1"],
                version=version,
            )
        )

    async def configure(self, **settings: Any) -> None:
        cmd = PutSettings(jurisdiction_id=JID, actor=ADMIN, body=settings)
        await self.units.run(JID, partial(scheduling.put_settings, cmd))

    async def schedule(self, *requests: Request, actor: Principal = RICH) -> list[dict[str, Any]]:
        cmd = Schedule(jurisdiction_id=JID, actor=actor, requests=list(requests))
        made = await scheduling.schedule(cmd, self.units)
        return [InspectionRepository.to_doc(i) for i in made]

    def count(self, key: str, day: str) -> int:
        slots = self.uow.stores.get("slots", {})
        return int(slots.get((JID, key, date.fromisoformat(day)), {"count": 0})["count"])


def req(day: str, kind: str = "BUILDING FINAL", permit: str = "p1", **kw: Any) -> Request:
    return Request(permit_id=permit, inspection_type=kind, date=date.fromisoformat(day), **kw)


@pytest.fixture
async def world() -> World:
    uow = FakeUnitOfWork(ManualClock(NOW))
    w = World(uow, fake_units(uow))
    await w.event(JurisdictionCreated(jurisdiction_id=JID, name="Alpha", time_zone="America/Boise"))
    await w.issue()
    return w
