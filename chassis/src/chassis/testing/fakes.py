"""Fakes of the suite's own unit of work and repositories, for unit tests of rules.

A business rule is tested in milliseconds against these, not over HTTP and a
database: :class:`FakeUnitOfWork` runs a function like the real unit of work
(all or nothing: a raised error rolls the stores back and publishes nothing),
:class:`FakeRepository` keeps aggregates as the documents their real
repository's mapping makes (so the mapping is tested too) with the same
version check, and the events a committed unit of work emitted are in
``uow.events``. Delivery itself (outbox, relay, consumer de-duplication) is
proven once, against real processes, in the chassis' integration tests.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from chassis.aggregate import Aggregate
from chassis.clock import ManualClock
from chassis.queryshape import violation
from chassis.repository import AggregateRepository, DocumentMapper, StaleAggregate
from contracts import IntegrationEvent

A = TypeVar("A", bound=Aggregate)
E = TypeVar("E", bound=IntegrationEvent)
T = TypeVar("T")
Doc = dict[str, Any]


def _value(doc: Mapping[str, Any], dotted: str) -> Any:
    value: Any = doc
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


RANGES = {
    "$gt": lambda have, bound: have > bound,
    "$gte": lambda have, bound: have >= bound,
    "$lt": lambda have, bound: have < bound,
    "$lte": lambda have, bound: have <= bound,
}


def _field_matches(have: Any, wanted: Any) -> bool:
    values = have if isinstance(have, list) else [have]
    if not isinstance(wanted, Mapping):
        return wanted in values
    for op, bound in wanted.items():
        if op == "$in":
            ok = any(v in list(bound) for v in values)
        else:
            ok = any(v is not None and RANGES[op](v, bound) for v in values)
        if not ok:
            return False
    return True


def matches(doc: Mapping[str, Any], filter_: Mapping[str, Any]) -> bool:
    """Mongo's meaning of a flat filter (equality fields, at most one ``$in``
    or range; arrays match by membership). Any other shape is refused with
    the rule it breaks (:mod:`chassis.queryshape`), as the database would be
    slow to answer it."""
    found = violation({"jurisdiction_id": None, **filter_}, bounded="a fake's store")
    if found is not None:
        raise found
    return all(_field_matches(_value(doc, k), wanted) for k, wanted in filter_.items())


@dataclass
class FakeTransaction:
    uow: FakeUnitOfWork
    emitted: list[tuple[IntegrationEvent, str | None]] = field(default_factory=list)
    after_commit_callbacks: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    read_only: bool = False

    @property
    def clock(self) -> ManualClock:
        return self.uow.clock

    def emit(self, event: IntegrationEvent, *, jurisdiction_id: str | None) -> None:
        if self.read_only:
            raise RuntimeError("a read records no events; run the change in a unit of work")
        self.emitted.append((event, jurisdiction_id))

    def after_commit(self, callback: Callable[[], Awaitable[None]]) -> None:
        self.after_commit_callbacks.append(callback)

    def store(self, name: str) -> dict[Any, Doc]:
        return self.uow.stores.setdefault(name, {})


class FakeUnitOfWork:
    """The real unit of work's contract in memory: ``await uow.run(fn)``."""

    def __init__(self, clock: ManualClock | None = None) -> None:
        self.clock = clock or ManualClock()
        self.stores: dict[str, dict[Any, Doc]] = {}
        self.events: list[tuple[IntegrationEvent, str | None]] = []
        self.commits = 0

    def reader(self) -> FakeTransaction:
        return FakeTransaction(self, read_only=True)

    async def run(self, fn: Callable[[FakeTransaction], Awaitable[T]]) -> T:
        before = copy.deepcopy(self.stores)
        tx = FakeTransaction(self)
        try:
            result = await fn(tx)
        except BaseException:
            self.stores.clear()
            self.stores.update(before)
            raise
        self.commits += 1
        self.events.extend(tx.emitted)
        for callback in tx.after_commit_callbacks:
            await callback()
        return result

    def published(self, kind: type[E]) -> list[E]:
        """The committed events of one type, in order."""
        return [e for e, _ in self.events if isinstance(e, kind)]

    def event_types(self) -> list[str]:
        return [type(e).__name__ for e, _ in self.events]


class FakeRepository(AggregateRepository[A], Generic[A]):
    """An aggregate repository in a fake transaction's store, using the real
    repository's mapping (``mapper``: its ``to_doc``/``from_doc``)."""

    def __init__(
        self,
        tx: FakeTransaction,
        jurisdiction_id: str,
        mapper: type[DocumentMapper[A]],
        collection: str,
    ) -> None:
        self.tx = tx
        self.jurisdiction_id = jurisdiction_id
        self.mapper = mapper
        self.docs = tx.store(collection)

    def _mine(self) -> Iterable[Doc]:
        return (d for d in self.docs.values() if d["jurisdiction_id"] == self.jurisdiction_id)

    async def get(self, aggregate_id: str) -> A | None:
        return await self.find_one({"_id": aggregate_id})

    async def find_one(self, filter_: Mapping[str, Any]) -> A | None:
        found = next((d for d in self._mine() if matches(d, filter_)), None)
        return None if found is None else self.mapper.from_doc(copy.deepcopy(found))

    async def find(self, filter_: Mapping[str, Any], *, bounded: str | None = None) -> list[A]:
        return [self.mapper.from_doc(copy.deepcopy(d)) for d in self._mine() if matches(d, filter_)]

    async def add(self, aggregate: A) -> None:
        if aggregate.jurisdiction_id != self.jurisdiction_id:
            raise ValueError("the aggregate belongs to another jurisdiction")
        if aggregate.id in self.docs:
            raise StaleAggregate("duplicate id")
        self.docs[aggregate.id] = copy.deepcopy(self.mapper.to_doc(aggregate))
        self._hand_over(aggregate)

    async def save(self, aggregate: A) -> None:
        if not aggregate.changed:
            return
        stored = self.docs.get(aggregate.id)
        if stored is None or stored.get("version", 0) != aggregate.loaded_version:
            raise StaleAggregate("it changed since it was loaded; reload and try again")
        self.docs[aggregate.id] = copy.deepcopy(self.mapper.to_doc(aggregate))
        self._hand_over(aggregate)

    def _hand_over(self, aggregate: A) -> None:
        for event in aggregate.pull_events():
            self.tx.emit(event, jurisdiction_id=aggregate.jurisdiction_id)
        aggregate.mark_saved()


class FakeDocuments:
    """A read view's collection (:class:`chassis.reads.Documents`) in a fake
    transaction's store: the jurisdiction's documents, filtered by
    :func:`matches` (which refuses the shapes the database would be slow to
    answer), projected, sorted and paged as the real one does."""

    def __init__(self, tx: FakeTransaction, jurisdiction_id: str, collection: str) -> None:
        self.docs = tx.store(collection)
        self.jurisdiction_id = jurisdiction_id

    def _match(self, filter_: Mapping[str, Any] | None) -> list[Doc]:
        return [
            copy.deepcopy(d)
            for d in self.docs.values()
            if d.get("jurisdiction_id") == self.jurisdiction_id and matches(d, filter_ or {})
        ]

    @staticmethod
    def _project(doc: Doc, projection: Mapping[str, Any] | None) -> Doc:
        if not projection:
            return doc
        if any(projection.values()):
            return {k: v for k, v in doc.items() if k == "_id" or projection.get(k)}
        return {k: v for k, v in doc.items() if k not in projection}

    async def find_one(
        self, filter_: Mapping[str, Any] | None = None, *, bounded: str | None = None, **kw: Any
    ) -> Doc | None:
        found = self._match(filter_)
        return self._project(found[0], kw.get("projection")) if found else None

    async def find(
        self,
        filter_: Mapping[str, Any] | None = None,
        *,
        sort: list[tuple[str, int]] | None = None,
        skip: int = 0,
        limit: int = 0,
        projection: Mapping[str, Any] | None = None,
        bounded: str | None = None,
    ) -> list[Doc]:
        found = self._match(filter_)
        for key, direction in reversed(sort or []):
            found.sort(key=lambda d, k=key: _value(d, k), reverse=direction < 0)  # type: ignore[misc]
        found = found[skip : skip + limit] if limit else found[skip:]
        return [self._project(d, projection) for d in found]

    async def page(
        self,
        filter_: Mapping[str, Any],
        *,
        order: Callable[[Doc], Any],
        offset: int,
        limit: int,
        bounded: str,
        projection: Mapping[str, Any] | None = None,
    ) -> tuple[list[Doc], int]:
        found = sorted(await self.find(filter_, projection=projection), key=order)
        return found[offset : offset + limit], len(found)

    async def newest_in_window(
        self,
        filter_: Mapping[str, Any],
        field: str,
        start: datetime,
        end: datetime,
        *,
        want: int,
        projection: Mapping[str, Any] | None = None,
        step: timedelta = timedelta(days=1),
    ) -> list[Doc]:
        window = {**filter_, field: {"$gte": start, "$lt": end}}
        found = await self.find(window, projection=projection)
        found.sort(key=lambda d: (d[field], str(d["_id"])), reverse=True)
        return found[:want]
