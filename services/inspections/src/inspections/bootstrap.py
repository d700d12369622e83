"""The composition root of the inspections service."""

from __future__ import annotations

from fastapi import FastAPI

from chassis.app import ServiceRuntime, build_runtime, create_service_app
from chassis.clock import Clock
from chassis.logging import configure_logging
from inspections.adapters.repositories import create_indexes
from inspections.adapters.unit_of_work import inspections_units
from inspections.entrypoints.consumers import consumers
from inspections.entrypoints.dependencies import InspectionsApp
from inspections.entrypoints.http import router
from inspections.settings import InspectionsSettings


def create_app(settings: InspectionsSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or InspectionsSettings()
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    runtime = build_runtime(settings, clock)

    async def startup(rt: ServiceRuntime) -> None:
        await create_indexes(rt.db)

    app = create_service_app(
        runtime,
        title="Permitsuite inspections",
        description="Inspection calendar with local cut-offs, scheduling several at once, "
        "cancellation, results, inspector day lists.",
        routers=[router],
        consumers=consumers(),
        on_startup=[startup],
    )
    app.state.inspections = InspectionsApp(runtime, inspections_units(runtime.uow))
    return app
