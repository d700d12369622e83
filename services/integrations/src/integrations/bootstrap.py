"""The composition root of the integrations service."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI

from chassis.app import ServiceRuntime, build_runtime, create_service_app
from chassis.clock import Clock
from chassis.logging import configure_logging
from integrations.adapters import feed, open_data, webhooks
from integrations.adapters.sealing import Sealer
from integrations.adapters.sender import Sender
from integrations.adapters.unit_of_work import integrations_units
from integrations.domain.webhooks import UrlRules
from integrations.entrypoints.consumers import consumers
from integrations.entrypoints.dependencies import IntegrationsApp
from integrations.entrypoints.dispatcher import Dispatcher
from integrations.entrypoints.http import router
from integrations.settings import IntegrationsSettings


def create_app(settings: IntegrationsSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or IntegrationsSettings()
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    runtime = build_runtime(settings, clock)
    rules = UrlRules(public_only=settings.public_webhooks_only)
    sealer = Sealer(settings.secrets_key.get_secret_value() if settings.secrets_key else None)
    units = integrations_units(runtime.uow, sealer)
    dispatcher = Dispatcher(
        runtime.db,
        runtime.clock,
        Sender(rules, runtime.clock, settings.webhook_timeout_seconds),
        units,
        sealer,
        lanes=settings.webhook_lanes,
        lease=timedelta(seconds=settings.webhook_lease_seconds),
        repair_every=timedelta(seconds=settings.webhook_repair_seconds),
    )
    pinger = Sender(rules, runtime.clock, settings.webhook_timeout_seconds)

    async def startup(rt: ServiceRuntime) -> None:
        await feed.create_indexes(rt.db, settings.feed_retention_days)
        await webhooks.create_indexes(rt.db, settings.feed_retention_days)
        await open_data.create_indexes(rt.db)
        if settings.role in ("worker", "all"):
            rt.spawn(dispatcher.run(rt.stopping, settings.webhook_poll_seconds), "webhooks")

    async def shutdown(rt: ServiceRuntime) -> None:
        await dispatcher.close()
        await pinger.close()

    app = create_service_app(
        runtime,
        title="Permitsuite integrations",
        description="Each jurisdiction's events for other systems: the event feed with "
        "replay from a cursor, signed webhooks, and the BLDS open-data export.",
        routers=[router],
        consumers=consumers(dispatcher.woken, sealer),
        on_startup=[startup],
        on_shutdown=[shutdown],
    )
    app.state.integrations = IntegrationsApp(runtime, units, rules, pinger, sealer)
    app.state.dispatcher = dispatcher
    return app
