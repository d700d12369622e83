"""The composition root of the notifications service."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI

from chassis.app import ServiceRuntime, build_runtime, create_service_app
from chassis.clock import Clock
from chassis.logging import configure_logging
from chassis.mongo import ensure_indexes
from notifications.adapters.deliveries import DELIVERY_INDEXES, DeliveryWorker, Sender
from notifications.adapters.smtp import SmtpSender
from notifications.adapters.templates import EmailTemplates
from notifications.domain.links import PortalLinks
from notifications.entrypoints.consumers import consumers
from notifications.settings import NotificationsSettings


def create_app(
    settings: NotificationsSettings | None = None,
    clock: Clock | None = None,
    sender: Sender | None = None,
) -> FastAPI:
    settings = settings or NotificationsSettings()
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    runtime = build_runtime(settings, clock)
    worker = DeliveryWorker(
        runtime.db,
        sender or SmtpSender(settings),
        runtime.clock,
        max_attempts=settings.delivery_max_attempts,
        retry_after=timedelta(seconds=settings.delivery_retry_seconds),
    )
    runtime.extras["delivery_worker"] = worker
    links = PortalLinks(settings.public_base_url)

    async def startup(rt: ServiceRuntime) -> None:
        await ensure_indexes(rt.db, DELIVERY_INDEXES)
        if settings.role in ("worker", "all"):
            rt.spawn(
                worker.run(rt.stopping, settings.delivery_sweep_interval_seconds), "deliveries"
            )

    return create_service_app(
        runtime,
        title="Permitsuite notifications",
        description="Renders and sends the suite's emails from its events.",
        consumers=consumers(EmailTemplates(), worker, links),
        on_startup=[startup],
    )
