"""Build a service: its runtime (the composition root) and its FastAPI app.

``ServiceRuntime`` holds everything that touches the outside (Mongo, Kafka,
clock, token verifier); a service's ``bootstrap`` builds one and hands it to
:func:`create_service_app`, which wires lifespan, consumers, outbox relay,
health, metrics, problem+json errors and middleware. Tests build the same
runtime against the real broker and database processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, FastAPI
from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from chassis import idempotency
from chassis.auth import TokenVerifier
from chassis.clock import Clock, configured_clock
from chassis.consumer import PROCESSED_EVENTS, EventConsumer
from chassis.deferred import Deferred
from chassis.errors import install_problem_handlers
from chassis.health import health_router
from chassis.http import BodyLimitMiddleware, ObservabilityMiddleware
from chassis.kafka import EventPublisher, broker_security, make_broker
from chassis.mongo import create_client
from chassis.outbox import Outbox
from chassis.problems import install_refusal_handler
from chassis.recovery import BrokerWatch
from chassis.settings import ServiceSettings
from chassis.tracing import trace_app
from chassis.uow import UnitOfWork

log = logging.getLogger(__name__)

Hook = Callable[["ServiceRuntime"], Awaitable[None]]
SHUTDOWN_STEP_SECONDS = 5.0
DEFERRED_SWEEP_SECONDS = 10.0  # requests whose process died before doing them


@dataclass
class ServiceRuntime:
    settings: ServiceSettings
    clock: Clock
    client: AsyncMongoClient[dict[str, Any]]
    db: AsyncDatabase[dict[str, Any]]
    broker: KafkaBroker
    publisher: EventPublisher
    outbox: Outbox
    uow: UnitOfWork
    verifier: TokenVerifier | None = None
    deferred: Deferred | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    @property
    def service(self) -> str:
        return self.settings.service_name

    def spawn(self, coro: Awaitable[None], name: str) -> None:
        """Run a background loop until shutdown."""
        self._tasks.append(asyncio.ensure_future(coro))
        self._tasks[-1].set_name(name)

    @property
    def stopping(self) -> asyncio.Event:
        return self._stop


def build_runtime(settings: ServiceSettings, clock: Clock | None = None) -> ServiceRuntime:
    clock = clock or configured_clock()
    client = create_client(
        settings.mongodb_url, app_name=settings.service_name, majority=settings.production
    )
    db = client[settings.database_name()]
    broker = make_broker(
        settings.kafka_bootstrap_servers,
        client_id=settings.service_name,
        idempotent_producer=settings.kafka_idempotent_producer,
        security=broker_security(settings),
    )
    publisher = EventPublisher(broker, settings.service_name, settings.kafka_topic_prefix)
    outbox = Outbox(
        db,
        publisher,
        clock,
        service=settings.service_name,
        lease=timedelta(seconds=settings.outbox_lease_seconds),
        retention=timedelta(hours=settings.outbox_retention_hours),
    )
    uow = UnitOfWork(client, db, outbox, clock, service=settings.service_name)
    verifier = None
    if settings.jwks_url:
        verifier = TokenVerifier(
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            clock=clock,
            jwks_url=settings.jwks_url,
            cache_seconds=settings.jwks_cache_seconds,
        )
    deferred = Deferred(db, uow, clock, service=settings.service_name)
    return ServiceRuntime(
        settings, clock, client, db, broker, publisher, outbox, uow, verifier, deferred
    )


def create_service_app(
    runtime: ServiceRuntime,
    *,
    title: str,
    description: str = "",
    version: str = "0.1.0",
    routers: Sequence[APIRouter] = (),
    consumers: Sequence[EventConsumer] = (),
    on_startup: Sequence[Hook] = (),
    on_shutdown: Sequence[Hook] = (),
) -> FastAPI:
    settings = runtime.settings
    runs_workers = settings.role in ("worker", "all")
    runtime.extras["consumers"] = list(consumers)
    # one consumer per service for all of its topics: one group, one fetch loop
    attached = (
        [EventConsumer.merged(settings.service_name, consumers)]
        if len(consumers) > 1
        else list(consumers)
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await runtime.outbox.ensure_indexes()
        await runtime.db[PROCESSED_EVENTS].create_index("processed_at")
        await idempotency.ensure_indexes(runtime.db)
        for hook in on_startup:
            await hook(runtime)
        deferred = runtime.deferred if runtime.deferred and runtime.deferred.handlers else None
        if deferred is not None:
            await deferred.ensure_indexes()
        if runs_workers:
            for consumer in attached:
                consumer.attach(
                    runtime.broker,
                    runtime.uow,
                    runtime.publisher,
                    retries=settings.kafka_consumer_retries,
                    backoff_seconds=settings.kafka_retry_backoff_seconds,
                    fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
                    batch_max_records=settings.kafka_consumer_batch_max_records,
                    session_timeout_ms=settings.kafka_session_timeout_ms,
                    idle_wait_ms=settings.kafka_fetch_idle_wait_ms,
                    idle_after_seconds=settings.kafka_fetch_idle_after_seconds,
                )
        await runtime.broker.start()
        watch = BrokerWatch.of(runtime)
        runtime.spawn(
            watch.run(runtime.stopping, settings.outbox_broker_check_seconds), "broker-watch"
        )
        if runs_workers:
            runtime.spawn(
                runtime.outbox.run_relay(runtime.stopping, settings.outbox_relay_interval_seconds),
                "outbox-relay",
            )
            if deferred is not None:
                runtime.spawn(
                    deferred.run_sweep(runtime.stopping, DEFERRED_SWEEP_SECONDS), "deferred-sweep"
                )
        log.info("%s started (role=%s)", runtime.service, settings.role)
        try:
            yield
        finally:
            runtime.stopping.set()
            for task in runtime._tasks:
                task.cancel()
            await asyncio.gather(*runtime._tasks, return_exceptions=True)
            # Each step is bounded: with the broker or database already gone
            # (a crashed host, a killed supervisor) their clients can wait forever.
            steps = [
                *(hook(runtime) for hook in on_shutdown),
                watch.save_marks(),
                runtime.broker.stop(),
                runtime.client.close(),
            ]
            for step in steps:
                try:
                    await asyncio.wait_for(step, timeout=SHUTDOWN_STEP_SECONDS)
                except Exception:
                    log.warning(
                        "a shutdown step of %s failed or timed out", runtime.service, exc_info=True
                    )
            log.info("%s stopped", runtime.service)

    app = FastAPI(title=title, description=description, version=version, lifespan=lifespan)
    app.state.runtime = runtime
    install_problem_handlers(app)
    install_refusal_handler(app)
    app.include_router(health_router(version))
    for router in routers:
        app.include_router(router)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(ObservabilityMiddleware, service=runtime.service)
    trace_app(app, runtime.service)  # off unless a collector is configured
    return app
