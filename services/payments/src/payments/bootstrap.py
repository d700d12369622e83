"""The composition root of the payments service."""

from __future__ import annotations

from fastapi import FastAPI

from chassis.app import ServiceRuntime, build_runtime, create_service_app
from chassis.clock import Clock
from chassis.logging import configure_logging
from chassis.mongo import ensure_indexes, tenant_index
from payments.entrypoints.http import router
from payments.handlers.cart import PaymentsApp
from payments.handlers.receivables import permits_consumer
from payments.settings import PaymentsSettings


def create_app(settings: PaymentsSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or PaymentsSettings()
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    runtime = build_runtime(settings, clock)

    async def startup(rt: ServiceRuntime) -> None:
        await ensure_indexes(
            rt.db, {"carts": [tenant_index("account_id")], "receivables": [tenant_index("number")]}
        )

    app = create_service_app(
        runtime,
        title="Permitsuite payments",
        description="Receivables, the cart and convenience fees (checkout follows).",
        routers=[router],
        consumers=[permits_consumer()],
        on_startup=[startup],
    )
    app.state.payments = PaymentsApp(runtime)
    return app
