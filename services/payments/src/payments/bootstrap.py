"""The composition root of the payments service."""

from __future__ import annotations

from functools import partial

from fastapi import FastAPI

from chassis.app import ServiceRuntime, build_runtime, create_service_app
from chassis.clock import Clock
from chassis.logging import configure_logging
from payments.adapters.merchant_accounts import MakeProvider, MongoMerchantAccounts
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


def provider_maker(settings: PaymentsSettings) -> MakeProvider:
    """A provider client for an account's keys: Stripe's, or the sandbox's."""

    def make(name: str, key: str, secret: str) -> PaymentProvider:
        tolerance = settings.webhook_tolerance_seconds
        if name == "stripe":
            return StripeProvider(key, secret, tolerance_seconds=tolerance)
        return SandboxProvider(settings.sandbox_url, key, secret, tolerance_seconds=tolerance)

    return make


def _installation_keys(settings: PaymentsSettings) -> tuple[str, str, str]:
    """The installation's own account: its provider, API key and webhook secret."""
    return (
        settings.provider,
        settings.provider_api_key.get_secret_value(),
        settings.webhook_secret.get_secret_value(),
    )


def create_app(
    settings: PaymentsSettings | None = None,
    clock: Clock | None = None,
    provider: PaymentProvider | None = None,
    make_provider: MakeProvider | None = None,
) -> FastAPI:
    """``provider`` and ``make_provider``: the installation's account's client
    and how a jurisdiction's account's client is made (tests reach the sandbox
    in process)."""
    settings = settings or PaymentsSettings()
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    runtime = build_runtime(settings, clock)
    key = settings.accounts_key.get_secret_value() if settings.accounts_key else None
    make = make_provider or provider_maker(settings)
    accounts = MongoMerchantAccounts(
        runtime.db, key, make, provider or make(*_installation_keys(settings))
    )
    service = PaymentsService(
        units=payments_units(runtime.uow),
        clock=runtime.clock,
        accounts=accounts,
        locate_payment=partial(locate_payment, runtime.db),
        reservation_minutes=settings.reservation_minutes,
        return_url=settings.return_url,
        in_progress_seconds=settings.idempotency_in_progress_seconds,
        providers=("stripe",) if settings.production else ("stripe", "sandbox"),
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
