"""The composition root of the integrations service."""

from __future__ import annotations

from fastapi import FastAPI

from chassis.app import ServiceRuntime, build_runtime, create_service_app
from chassis.clock import Clock
from chassis.logging import configure_logging
from integrations.adapters.feed import create_indexes
from integrations.adapters.unit_of_work import integrations_units
from integrations.entrypoints.consumers import consumers
from integrations.entrypoints.dependencies import IntegrationsApp
from integrations.entrypoints.http import router
from integrations.settings import IntegrationsSettings


def create_app(settings: IntegrationsSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or IntegrationsSettings()
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    runtime = build_runtime(settings, clock)

    async def startup(rt: ServiceRuntime) -> None:
        await create_indexes(rt.db, settings.feed_retention_days)

    app = create_service_app(
        runtime,
        title="Permitsuite integrations",
        description="Each jurisdiction's events for other systems: the event feed with "
        "replay from a cursor.",
        routers=[router],
        consumers=consumers(),
        on_startup=[startup],
    )
    app.state.integrations = IntegrationsApp(runtime, integrations_units(runtime.uow))
    return app
