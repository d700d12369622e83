"""The composition root of the inspections service."""

from __future__ import annotations

from fastapi import FastAPI

from chassis.app import ServiceRuntime, build_runtime, create_service_app
from chassis.clock import Clock
from chassis.logging import configure_logging
from chassis.mongo import ensure_indexes, tenant_index
from inspections.entrypoints.http import router
from inspections.handlers.consumers import identity_consumer, payments_consumer, permits_consumer
from inspections.handlers.state import InspectionsApp
from inspections.settings import InspectionsSettings


async def create_indexes(rt: ServiceRuntime) -> None:
    await ensure_indexes(
        rt.db,
        {
            "inspections": [
                tenant_index("permit_id", "status"),
                tenant_index("requested_by.account_id", "status"),
                tenant_index("date", "area"),
                tenant_index("number"),
            ],
            "permits": [tenant_index("company_ids"), tenant_index("party_emails")],
            "slots": [tenant_index("type", "date")],
        },
    )


def create_app(settings: InspectionsSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or InspectionsSettings()
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    runtime = build_runtime(settings, clock)

    async def startup(rt: ServiceRuntime) -> None:
        await create_indexes(rt)

    app = create_service_app(
        runtime,
        title="Permitsuite inspections",
        description="Inspection calendar with local cut-offs, scheduling several at once, "
        "cancellation, results, inspector day lists.",
        routers=[router],
        consumers=[identity_consumer(), permits_consumer(), payments_consumer()],
        on_startup=[startup],
    )
    app.state.inspections = InspectionsApp(runtime)
    return app
