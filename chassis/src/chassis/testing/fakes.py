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
from typing import Any, Generic, TypeVar

from chassis.aggregate import Aggregate
from chassis.clock import ManualClock
from chassis.repository import AggregateRepository, DocumentMapper, StaleAggregate
from contracts import IntegrationEvent

A = TypeVar("A", bound=Aggregate)
E = TypeVar("E", bound=IntegrationEvent)
T = TypeVar("T")
Doc = dict[str, Any]


class UnflatQuery(AssertionError):
    """A fake was asked for a filter shape the embedded database cannot answer
    from an index (ARCHITECTURE.md: equality fields and at most one ``$in``)."""


def _value(doc: Mapping[str, Any], dotted: str) -> Any:
    value: Any = doc
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def matches(doc: Mapping[str, Any], filter_: Mapping[str, Any]) -> bool:
    """Mongo's meaning of an equality filter with at most one ``$in`` (arrays
    match by membership); any other operator is refused."""
    ins = [k for k, v in filter_.items() if isinstance(v, Mapping)]
    if len(ins) > 1 or any(k.startswith("$") for k in filter_):
        raise UnflatQuery(f"not a flat filter: {dict(filter_)!r}")
    for key, wanted in filter_.items():
        if isinstance(wanted, Mapping) and set(wanted) != {"$in"}:
            raise UnflatQuery(f"only $in is supported in fakes, not {wanted!r}")
        have = _value(doc, key)
        options = list(wanted["$in"]) if isinstance(wanted, Mapping) else [wanted]
        values = have if isinstance(have, list) else [have]
        if not any(v in options for v in values):
            return False
    return True


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

    async def find(self, filter_: Mapping[str, Any]) -> list[A]:
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
