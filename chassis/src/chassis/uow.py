"""Unit of work: a Mongo transaction that changes aggregates and records events.

``await runner.run(fn)`` calls ``fn(tx)`` inside one transaction (retried by
PyMongo on transient transaction errors). Events emitted with ``tx.emit`` are
inserted into the outbox in the same transaction and published right after
commit. Callbacks registered with ``tx.after_commit`` run after that.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Generic, Protocol, TypeVar

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from chassis.clock import Clock
from chassis.context import current_causation_id, current_correlation_id
from chassis.faults import failpoint
from chassis.idempotency import PendingKey, record_in_transaction
from chassis.mongo import TenantRepository
from chassis.outbox import Outbox
from chassis.tracing import current_traceparent, in_this_context
from contracts import Envelope, IntegrationEvent

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R", bound=TenantRepository)


class Transaction:
    def __init__(
        self, session: AsyncClientSession, db: AsyncDatabase[dict[str, Any]], runner: UnitOfWork
    ) -> None:
        self.session = session
        self.db = db
        self.clock = runner.clock
        self._runner = runner
        self.outbox_docs: list[dict[str, Any]] = []
        self.after_commit_callbacks: list[Callable[[], Awaitable[None]]] = []

    def repo(self, cls: type[R], jurisdiction_id: str) -> R:
        """A tenant repository bound to this transaction's session."""
        return cls(self.db, jurisdiction_id, self.session)

    def emit(self, event: IntegrationEvent, *, jurisdiction_id: str | None) -> Envelope:
        traceparent, tracestate = current_traceparent()  # the trace continues in its consumers
        envelope = Envelope(
            traceparent=traceparent,
            tracestate=tracestate,
            source=f"/permitsuite/{self._runner.service}",
            type=event.event_type,
            time=self.clock.now(),
            subject=event.subject(),
            jurisdiction=jurisdiction_id,
            correlationid=current_correlation_id(),
            causationid=current_causation_id(),
            data=event.model_dump(mode="json"),
        )
        self.outbox_docs.append(self._runner.outbox.document(envelope, event.topic))
        return envelope

    def after_commit(self, callback: Callable[[], Awaitable[None]]) -> None:
        self.after_commit_callbacks.append(in_this_context(callback))


class UnitOfWork:
    def __init__(
        self,
        client: AsyncMongoClient[dict[str, Any]],
        db: AsyncDatabase[dict[str, Any]],
        outbox: Outbox,
        clock: Clock,
        *,
        service: str,
    ) -> None:
        self.client = client
        self.db = db
        self.outbox = outbox
        self.clock = clock
        self.service = service

    def reader(self) -> ReadOnly:
        return ReadOnly(self.db, self.clock)

    async def run(self, fn: Callable[[Transaction], Awaitable[T]]) -> T:
        tx: Transaction | None = None
        result: Any = None
        key: PendingKey | None = None

        async def attempt(session: AsyncClientSession) -> None:
            nonlocal tx, result, key
            tx = Transaction(session, self.db, self)  # fresh state on every retry
            result = await fn(tx)
            await self.outbox.add(tx.outbox_docs, session)
            # the request's Idempotency-Key, if any, commits with its first effect
            key = await record_in_transaction(self.db, session, self.clock.now(), result)

        async with self.client.start_session() as session:
            await session.with_transaction(attempt)
        assert tx is not None
        if key is not None:
            key.committed = True
        failpoint("after_commit_before_publish")
        for doc in tx.outbox_docs:  # or only when a given event type was committed
            failpoint(f"after_commit_before_publish:{doc['event_type']}")
        if tx.outbox_docs:
            await self.outbox.publish_now(tx.outbox_docs)
        for callback in tx.after_commit_callbacks:
            try:
                await callback()
            except Exception:
                log.exception("after-commit callback failed")
        return result  # type: ignore[no-any-return]


class ReadOnly:
    """What a read needs of a transaction, without one: reads that need no
    snapshot (a single document, a view) skip the transaction's round trips."""

    session: None = None

    def __init__(self, db: AsyncDatabase[dict[str, Any]], clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def emit(self, event: IntegrationEvent, *, jurisdiction_id: str | None) -> Envelope:
        raise RuntimeError("a read records no events; run the change in a unit of work")


U = TypeVar("U")


class Addressed(Protocol):
    """A command names the jurisdiction it acts in (``chassis.commands.Command``
    and the commands of callers without a login alike)."""

    @property
    def jurisdiction_id(self) -> str: ...


C = TypeVar("C", bound=Addressed)


class Units(Generic[U]):
    """A service's typed unit of work, per jurisdiction.

    ``factory(tx, jurisdiction_id)`` builds the service's own unit of work (its
    repositories bound to the transaction). A route hands a command to its
    handler with ``await units.handle(cmd, handler)`` (one transaction) and a
    query with ``await units.ask(query, handler)`` (none); either answers the
    handler's typed result — an aggregate or a read model — which the route
    renders (an Idempotency-Key's record keeps the route's rendering:
    :meth:`chassis.idempotency.IdempotentCall.run`). ``run``/``read`` take a
    function of the unit of work, for flows of several steps. The runner is
    any object with ``run(fn)`` and ``reader()``: the real
    :class:`UnitOfWork` or :class:`chassis.testing.fakes.FakeUnitOfWork`.
    """

    def __init__(self, runner: Any, factory: Callable[[Any, str], U]) -> None:
        self.runner = runner
        self.factory = factory

    async def run(self, jurisdiction_id: str, fn: Callable[[U], Awaitable[T]]) -> T:
        """``fn(uow)`` in one transaction of the jurisdiction."""

        async def work(tx: Any) -> T:
            return await fn(self.factory(tx, jurisdiction_id))

        result: T = await self.runner.run(work)
        return result

    async def handle(self, cmd: C, handler: Callable[[C, U], Awaitable[T]]) -> T:
        """``handler(cmd, uow)`` in one transaction of the command's
        jurisdiction: the one way a route hands a command to its handler."""
        return await self.run(cmd.jurisdiction_id, lambda uow: handler(cmd, uow))

    async def read(self, jurisdiction_id: str, fn: Callable[[U], Awaitable[T]]) -> T:
        """``fn(uow)`` without a transaction."""
        return await fn(self.factory(self.runner.reader(), jurisdiction_id))

    async def ask(self, query: C, handler: Callable[[C, U], Awaitable[T]]) -> T:
        """``handler(query, uow)`` without a transaction: a read (no snapshot
        needed), or single-document writes that must stand whatever the
        answer (a failed login's count). Nothing it does can emit an event."""
        return await self.read(query.jurisdiction_id, lambda uow: handler(query, uow))
