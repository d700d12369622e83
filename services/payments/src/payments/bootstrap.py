"""The composition root of the payments service."""

from __future__ import annotations

from fastapi import FastAPI

from chassis.app import ServiceRuntime, build_runtime, create_service_app
from chassis.clock import Clock
from chassis.logging import configure_logging
from chassis.mongo import ensure_indexes, tenant_index
from payments.entrypoints.http import public, router
from payments.handlers.cart import PaymentsApp
from payments.handlers.receivables import permits_consumer
from payments.handlers.reconcile import Reconciler
from payments.providers import PaymentProvider
from payments.providers.sandbox import SandboxProvider
from payments.providers.stripe_checkout import StripeProvider
from payments.settings import PaymentsSettings


def make_provider(settings: PaymentsSettings) -> PaymentProvider:
    key = settings.provider_api_key.get_secret_value()
    secret = settings.webhook_secret.get_secret_value()
    if settings.provider == "stripe":
        return StripeProvider(key, secret, tolerance_seconds=settings.webhook_tolerance_seconds)
    return SandboxProvider(
        settings.sandbox_url, key, secret, tolerance_seconds=settings.webhook_tolerance_seconds
    )


async def create_indexes(rt: ServiceRuntime) -> None:
    await ensure_indexes(
        rt.db,
        {
            "carts": [tenant_index("account_id")],
            "receivables": [tenant_index("number")],
            "payments": [
                tenant_index("account_id", ("created_at", -1)),
                tenant_index(
                    "receipt_number",
                    unique=True,
                    partialFilterExpression={"receipt_number": {"$type": "string"}},
                ),
                tenant_index("items.number"),
                tenant_index(("created_at", -1)),
            ],
            "reservations": [tenant_index("payment_id")],
            "refunds": [tenant_index("payment_id")],
            "idempotency_keys": [tenant_index("payment_id")],
        },
    )
    # reconciliation looks across tenants by status and age
    await rt.db["payments"].create_index([("status", 1), ("created_at", 1)], name="reconcile")
    await rt.db["refunds"].create_index([("status", 1), ("created_at", 1)], name="reconcile")


def create_app(
    settings: PaymentsSettings | None = None,
    clock: Clock | None = None,
    provider: PaymentProvider | None = None,
) -> FastAPI:
    settings = settings or PaymentsSettings()
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    runtime = build_runtime(settings, clock)
    payments = PaymentsApp(runtime, settings, provider or make_provider(settings))
    reconciler = Reconciler(payments)
    runtime.extras["reconciler"] = reconciler

    async def startup(rt: ServiceRuntime) -> None:
        await create_indexes(rt)
        if settings.role in ("worker", "all"):
            rt.spawn(reconciler.run(rt.stopping, settings.reconcile_interval_seconds), "reconcile")

    app = create_service_app(
        runtime,
        title="Permitsuite payments",
        description="Receivables, the cart, convenience fees, hosted checkout, settlement, "
        "receipts, refunds and counter payments.",
        routers=[router, public],
        consumers=[permits_consumer()],
        on_startup=[startup],
    )
    app.state.payments = payments
    return app
