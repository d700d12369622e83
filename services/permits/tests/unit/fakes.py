"""Permits' unit of work in memory: the chassis fakes plus the small ports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chassis.testing.fakes import FakeDocuments, FakeRepository, FakeTransaction, FakeUnitOfWork
from chassis.uow import Units
from contracts import IntegrationEvent
from permits.adapters.repositories import PermitRepository
from permits.domain.permit import Permit
from permits.domain.permit_type import PermitType
from permits.service_layer.unit_of_work import PermitsUnitOfWork

Doc = dict[str, Any]


class _Scoped:
    def __init__(self, tx: FakeTransaction, jurisdiction_id: str, name: str) -> None:
        self.tx = tx
        self.jurisdiction_id = jurisdiction_id
        self.docs = tx.store(name)

    def key(self, *parts: Any) -> tuple[Any, ...]:
        return (self.jurisdiction_id, *parts)


class FakePermitTypes(_Scoped):
    async def get(self, code: str) -> PermitType | None:
        doc = self.docs.get(self.key(code))
        return None if doc is None else PermitType.from_doc(doc)

    async def all(self) -> list[PermitType]:
        return [
            PermitType.from_doc(d) for k, d in self.docs.items() if k[0] == self.jurisdiction_id
        ]

    async def documents(self) -> list[Doc]:
        return sorted(
            (d for k, d in self.docs.items() if k[0] == self.jurisdiction_id),
            key=lambda d: d["code"],
        )

    async def put(self, code: str, body: Doc) -> Doc:
        self.docs[self.key(code)] = {**body, "code": code}
        return self.docs[self.key(code)]


class FakeCounters(_Scoped):
    async def ensure(self, type_code: str, year: int) -> None:
        self.docs.setdefault(self.key(type_code, year), {"seq": 0})

    async def next(self, type_code: str, year: int) -> int:
        counter = self.docs.setdefault(self.key(type_code, year), {"seq": 0})
        counter["seq"] += 1
        return int(counter["seq"])


class FakeLinkAttempts(_Scoped):
    async def failures_since(self, account_id: str, since: datetime) -> int:
        return sum(1 for k, at in self.docs.items() if k[:2] == self.key(account_id) and at > since)

    async def record_failure(self, account_id: str, at: datetime) -> None:
        self.docs[self.key(account_id, len(self.docs))] = at  # type: ignore[assignment]


class FakeJurisdictions(_Scoped):
    async def time_zone(self) -> str:
        return str(self.docs.get(self.key(), {}).get("time_zone", "UTC"))

    async def remember(self, name: str, time_zone: str) -> None:
        self.docs[self.key()] = {"name": name, "time_zone": time_zone}


class FakePermitsUnitOfWork:
    def __init__(self, tx: FakeTransaction, jurisdiction_id: str) -> None:
        self.tx = tx
        self.jurisdiction_id = jurisdiction_id
        self.permits: FakeRepository[Permit] = FakeRepository(
            tx, jurisdiction_id, PermitRepository, "permits"
        )
        self.permit_types = FakePermitTypes(tx, jurisdiction_id, "permit_types")
        self.counters = FakeCounters(tx, jurisdiction_id, "counters")
        self.link_attempts = FakeLinkAttempts(tx, jurisdiction_id, "link_attempts")
        self.jurisdictions = FakeJurisdictions(tx, jurisdiction_id, "jurisdictions")
        self.permit_docs = FakeDocuments(tx, jurisdiction_id, "permits")

    @property
    def now(self) -> datetime:
        return self.tx.clock.now()

    def emit(self, event: IntegrationEvent) -> None:
        self.tx.emit(event, jurisdiction_id=self.jurisdiction_id)


def fake_units(uow: FakeUnitOfWork) -> Units[PermitsUnitOfWork]:
    return Units(uow, FakePermitsUnitOfWork)
