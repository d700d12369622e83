"""The composition root of the permits service."""

from __future__ import annotations

from fastapi import FastAPI

from chassis.app import ServiceRuntime, build_runtime, create_service_app
from chassis.clock import Clock
from chassis.logging import configure_logging
from permits.adapters.repositories import create_indexes
from permits.adapters.unit_of_work import permits_units
from permits.entrypoints.consumers import consumers
from permits.entrypoints.dependencies import PermitsApp
from permits.entrypoints.expiry_sweep import ExpirySweep
from permits.entrypoints.http import router
from permits.settings import PermitsSettings


def create_app(settings: PermitsSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or PermitsSettings()
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    runtime = build_runtime(settings, clock)
    units = permits_units(runtime.uow)
    permits_app = PermitsApp(runtime, units, settings.max_document_bytes)
    sweep = ExpirySweep(runtime, units, notice_days=settings.expiring_notice_days)
    runtime.extras["expiry_sweep"] = sweep

    async def startup(rt: ServiceRuntime) -> None:
        await create_indexes(rt.db)
        # the expiry sweep looks across tenants by status and deadline
        await rt.db["permits"].create_index([("status", 1), ("expires_at", 1)], name="sweep")
        if settings.role in ("worker", "all"):
            rt.spawn(sweep.run(rt.stopping, settings.expiry_sweep_interval_seconds), "expiry")

    app = create_service_app(
        runtime,
        title="Permitsuite permits",
        description="Permit applications, numbering, workflow, access, fees, issuance, expiry.",
        routers=[router],
        consumers=consumers(),
        on_startup=[startup],
    )
    app.state.permits = permits_app
    return app
