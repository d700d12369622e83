"""Repositories of aggregates: tenant-scoped get/add/save with a version check.

``save`` replaces the stored document only if it is still at the version the
aggregate was loaded at (optimistic concurrency), and hands the aggregate's
pending events to the unit of work, which writes them to the outbox in the
same transaction. A subclass names its collection and maps the aggregate to
and from its document; :class:`chassis.testing.fakes.FakeRepository` uses the
same mapping in memory, so unit tests exercise it too.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import fields
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from chassis.aggregate import Aggregate, HistoryEntry
from chassis.mongo import TenantRepository
from chassis.refusals import Conflicting, Missing
from contracts import IntegrationEvent

A = TypeVar("A", bound=Aggregate)
Doc = dict[str, Any]


class StaleAggregate(Conflicting):
    """The aggregate changed since it was loaded (a conflict; a consumer retries)."""

    code = "version-conflict"
    title = "Changed meanwhile"


class Session(Protocol):
    """What a repository needs of a transaction (or of :class:`chassis.uow.ReadOnly`)."""

    db: Any
    session: Any

    def emit(self, event: IntegrationEvent, *, jurisdiction_id: str | None) -> Any: ...


class AggregateRepository(ABC, Generic[A]):
    """The port every service's repository implements (Mongo and fake)."""

    not_found: ClassVar[str] = "not found"

    @abstractmethod
    async def get(self, aggregate_id: str) -> A | None: ...

    @abstractmethod
    async def find_one(self, filter_: Mapping[str, Any]) -> A | None:
        """By equality fields (the shapes ARCHITECTURE.md calls flat)."""

    @abstractmethod
    async def find(self, filter_: Mapping[str, Any], *, bounded: str | None = None) -> list[A]:
        """Every match of a flat filter — for small, bounded sets (a permit's
        scheduled inspections); ``bounded`` says why the match is small where
        the filter alone does not (one company's users, one email start)."""

    @abstractmethod
    async def add(self, aggregate: A) -> None: ...

    @abstractmethod
    async def save(self, aggregate: A) -> None: ...

    async def require(self, aggregate_id: str) -> A:
        """``get``, or 404: an object of another jurisdiction does not exist here."""
        found = await self.get(aggregate_id)
        if found is None:
            raise Missing(self.not_found)
        return found


class DocumentMapper(ABC, Generic[A]):
    """How an aggregate is stored: one document, ``_id`` its id."""

    @classmethod
    @abstractmethod
    def to_doc(cls, aggregate: A) -> Doc: ...

    @classmethod
    @abstractmethod
    def from_doc(cls, doc: Doc) -> A: ...


def plain_doc(aggregate: Aggregate) -> Doc:
    """A dataclass aggregate's public fields as a document (``id`` → ``_id``,
    history entries as documents); nested dataclasses are the caller's to map."""
    doc = {
        f.name: getattr(aggregate, f.name) for f in fields(aggregate) if not f.name.startswith("_")
    }
    doc["_id"] = doc.pop("id")
    doc["history"] = [entry.as_doc() for entry in aggregate.history]
    return doc


def aggregate_values(cls: type[Aggregate], doc: Doc) -> Doc:
    """The constructor arguments of ``cls`` found in ``doc`` (unknown keys dropped)."""
    names = {f.name for f in fields(cls) if f.init and not f.name.startswith("_")}
    values = {k: v for k, v in doc.items() if k in names}
    values["id"] = doc["_id"]
    values["history"] = [HistoryEntry.from_doc(h) for h in doc.get("history", [])]
    return values


class MongoAggregateRepository(AggregateRepository[A], DocumentMapper[A]):
    collection_name: ClassVar[str]

    def __init__(self, tx: Session, jurisdiction_id: str) -> None:
        self.tx = tx
        self.jurisdiction_id = jurisdiction_id
        self.docs = documents(tx.db, jurisdiction_id, tx.session, self.collection_name)

    async def get(self, aggregate_id: str) -> A | None:
        return await self.find_one({"_id": aggregate_id})

    async def find_one(self, filter_: Mapping[str, Any]) -> A | None:
        doc = await self.docs.find_one(filter_)
        return None if doc is None else self.from_doc(doc)

    async def find(self, filter_: Mapping[str, Any], *, bounded: str | None = None) -> list[A]:
        return [self.from_doc(doc) for doc in await self.docs.find(filter_, bounded=bounded)]

    async def add(self, aggregate: A) -> None:
        if not aggregate.is_new:
            raise ValueError("add takes a new aggregate; save a loaded one")
        await self.docs.insert_one(self.to_doc(aggregate))
        self._hand_over(aggregate)

    async def save(self, aggregate: A) -> None:
        if not aggregate.changed:
            return
        # a document written before its aggregate had a version counts as version 0
        seen = aggregate.loaded_version or {"$in": [0, None]}
        replaced = await self.docs.replace_one(
            {"_id": aggregate.id, "version": seen}, self.to_doc(aggregate)
        )
        if not replaced:
            raise StaleAggregate("it changed since it was loaded; reload and try again")
        self._hand_over(aggregate)

    def _hand_over(self, aggregate: A) -> None:
        for event in aggregate.pull_events():
            self.tx.emit(event, jurisdiction_id=aggregate.jurisdiction_id)
        aggregate.mark_saved()


class DataclassRepository(MongoAggregateRepository[A]):
    """A repository of a dataclass aggregate stored as its public fields; name
    the collection and the type (override the mapping for nested types)."""

    aggregate_type: ClassVar[type[Aggregate]]

    @classmethod
    def to_doc(cls, aggregate: A) -> Doc:
        return plain_doc(aggregate)

    @classmethod
    def from_doc(cls, doc: Doc) -> A:
        return cls.aggregate_type(**aggregate_values(cls.aggregate_type, doc))  # type: ignore[return-value]


class _Collection(TenantRepository):
    def __init__(
        self,
        db: AsyncDatabase[Doc],
        jurisdiction_id: str,
        session: AsyncClientSession | None,
        collection: str,
    ) -> None:
        self.collection_name = collection  # type: ignore[misc]
        super().__init__(db, jurisdiction_id, session)


def documents(
    db: AsyncDatabase[Doc],
    jurisdiction_id: str,
    session: AsyncClientSession | None,
    collection: str,
) -> TenantRepository:
    """One collection's documents in one jurisdiction (the read side's port,
    :class:`chassis.reads.Documents`)."""
    return _Collection(db, jurisdiction_id, session, collection)
