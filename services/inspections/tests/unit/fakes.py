"""Inspections' unit of work in memory: the chassis fakes plus the small ports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from chassis.testing.fakes import FakeDocuments, FakeRepository, FakeTransaction, FakeUnitOfWork
from chassis.uow import Units
from contracts import IntegrationEvent
from inspections.adapters.repositories import InspectionRepository, PermitRepository
from inspections.domain.calendar import DEFAULT_SETTINGS
from inspections.domain.inspection import Inspection
from inspections.domain.permit import InspectablePermit
from inspections.service_layer.unit_of_work import InspectionsUnitOfWork

Doc = dict[str, Any]


class FakeSettings:
    def __init__(self, tx: FakeTransaction, jid: str) -> None:
        self.docs, self.zones, self.jid = tx.store("settings"), tx.store("zones"), jid

    async def load(self) -> Doc:
        merged = {**DEFAULT_SETTINGS, **self.docs.get(self.jid, {})}
        zone = self.zones.get(self.jid, {}).get("time_zone")
        merged["effective_time_zone"] = merged["time_zone"] or zone or "UTC"
        return merged

    async def put(self, body: Doc) -> None:
        self.docs[self.jid] = {**self.docs.get(self.jid, {}), **body}


class FakeZones:
    def __init__(self, tx: FakeTransaction, jid: str) -> None:
        self.docs, self.jid = tx.store("zones"), jid

    async def remember(self, name: str, time_zone: str) -> None:
        self.docs[self.jid] = {"name": name, "time_zone": time_zone}


class FakeSlots:
    def __init__(self, tx: FakeTransaction, jid: str) -> None:
        self.docs, self.jid = tx.store("slots"), jid

    async def ensure(self, key: str, day: date) -> None:
        self.docs.setdefault((self.jid, key, day), {"count": 0})

    async def booked(self, key: str) -> dict[date, int]:
        return {k[2]: v["count"] for k, v in self.docs.items() if k[:2] == (self.jid, key)}

    async def taken(self, key: str, day: date) -> int:
        return int(self.docs.get((self.jid, key, day), {"count": 0})["count"])

    async def add(self, key: str, day: date, n: int) -> None:
        self.docs[(self.jid, key, day)]["count"] += n


class FakeInspectionsUnitOfWork:
    def __init__(self, tx: FakeTransaction, jurisdiction_id: str) -> None:
        self.tx = tx
        self.jurisdiction_id = jurisdiction_id
        self.inspections: FakeRepository[Inspection] = FakeRepository(
            tx, jurisdiction_id, InspectionRepository, "inspections"
        )
        self.permits: FakeRepository[InspectablePermit] = FakeRepository(
            tx, jurisdiction_id, PermitRepository, "permits"
        )
        self.settings = FakeSettings(tx, jurisdiction_id)
        self.zones = FakeZones(tx, jurisdiction_id)
        self.slots = FakeSlots(tx, jurisdiction_id)
        self.inspection_docs = FakeDocuments(tx, jurisdiction_id, "inspections")
        self.permit_docs = FakeDocuments(tx, jurisdiction_id, "permits")

    @property
    def now(self) -> datetime:
        return self.tx.clock.now()

    def emit(self, event: IntegrationEvent) -> None:
        self.tx.emit(event, jurisdiction_id=self.jurisdiction_id)


def fake_units(uow: FakeUnitOfWork) -> Units[InspectionsUnitOfWork]:
    return Units(uow, FakeInspectionsUnitOfWork)
