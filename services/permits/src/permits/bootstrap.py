"""The composition root of the permits service."""

from __future__ import annotations

from fastapi import FastAPI

from chassis.app import ServiceRuntime, build_runtime, create_service_app
from chassis.clock import Clock
from chassis.logging import configure_logging
from permits.adapters.repositories import create_indexes
from permits.consumers import identity_consumer, payments_consumer
from permits.entrypoints.http import router
from permits.handlers.permits import PermitsApp
from permits.settings import PermitsSettings


async def _indexes(runtime: ServiceRuntime) -> None:
    await create_indexes(runtime.db)


def create_app(settings: PermitsSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or PermitsSettings()
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    runtime = build_runtime(settings, clock)
    app = create_service_app(
        runtime,
        title="Permitsuite permits",
        description="Permit applications, numbering, status workflow and access rules.",
        routers=[router],
        consumers=[identity_consumer(), payments_consumer()],
        on_startup=[_indexes],
    )
    app.state.permits = PermitsApp(runtime)
    return app
