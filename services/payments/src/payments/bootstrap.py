"""The composition root of the payments service."""

from __future__ import annotations

from functools import partial

from fastapi import FastAPI

from chassis.app import ServiceRuntime, build_runtime, create_service_app
from chassis.clock import Clock
from chassis.logging import configure_logging
from payments.adapters.providers.sandbox import SandboxProvider
from payments.adapters.providers.stripe_checkout import StripeProvider
from payments.adapters.repositories import create_indexes, locate_payment
from payments.adapters.unit_of_work import payments_units
from payments.entrypoints.consumers import consumers
from payments.entrypoints.dependencies import PaymentsApp
from payments.entrypoints.http import public, router
from payments.entrypoints.reconciler import Reconciler
from payments.service_layer.provider import PaymentProvider
from payments.service_layer.unit_of_work import PaymentsService
from payments.settings import PaymentsSettings


def make_provider(settings: PaymentsSettings) -> PaymentProvider:
    key = settings.provider_api_key.get_secret_value()
    secret = settings.webhook_secret.get_secret_value()
    if settings.provider == "stripe":
        return StripeProvider(key, secret, tolerance_seconds=settings.webhook_tolerance_seconds)
    return SandboxProvider(
        settings.sandbox_url, key, secret, tolerance_seconds=settings.webhook_tolerance_seconds
    )


def create_app(
    settings: PaymentsSettings | None = None,
    clock: Clock | None = None,
    provider: PaymentProvider | None = None,
) -> FastAPI:
    settings = settings or PaymentsSettings()
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    runtime = build_runtime(settings, clock)
    service = PaymentsService(
        units=payments_units(runtime.uow),
        clock=runtime.clock,
        provider=provider or make_provider(settings),
        locate_payment=partial(locate_payment, runtime.db),
        reservation_minutes=settings.reservation_minutes,
        return_url=settings.return_url,
        in_progress_seconds=settings.idempotency_in_progress_seconds,
    )
    reconciler = Reconciler(service, runtime.db, after_minutes=settings.reconcile_after_minutes)
    runtime.extras["reconciler"] = reconciler

    async def startup(rt: ServiceRuntime) -> None:
        await create_indexes(rt.db)
        if settings.role in ("worker", "all"):
            rt.spawn(reconciler.run(rt.stopping, settings.reconcile_interval_seconds), "reconcile")

    app = create_service_app(
        runtime,
        title="Permitsuite payments",
        description="Receivables, the cart, convenience fees, hosted checkout, settlement, "
        "receipts, refunds and counter payments.",
        routers=[router, public],
        consumers=consumers(),
        on_startup=[startup],
    )
    app.state.payments = PaymentsApp(runtime, service)
    return app
