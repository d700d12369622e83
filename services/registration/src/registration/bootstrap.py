"""The composition root of the registration service."""

from __future__ import annotations

from functools import partial

from fastapi import FastAPI

from chassis.app import ServiceRuntime, build_runtime, create_service_app
from chassis.clock import Clock
from chassis.documents import DocumentStore
from chassis.logging import configure_logging
from registration.adapters.identity_client import IdentityClient
from registration.adapters.repositories import create_indexes
from registration.adapters.unit_of_work import registration_units
from registration.entrypoints.dependencies import RegistrationApp
from registration.entrypoints.http import router, staff
from registration.service_layer import links
from registration.service_layer.unit_of_work import RegistrationService
from registration.settings import RegistrationSettings


def build_registration(
    settings: RegistrationSettings, clock: Clock | None = None
) -> RegistrationApp:
    runtime = build_runtime(settings, clock)
    token = settings.internal_token.get_secret_value() if settings.internal_token else None
    service = RegistrationService(
        units=registration_units(runtime.uow),
        identity=IdentityClient(settings.identity_url, token, settings.identity_timeout_seconds),
        files=DocumentStore(runtime.db),
        start_link_hours=settings.start_link_hours,
        resume_link_days=settings.resume_link_days,
        default_max_document_bytes=settings.default_max_document_bytes,
    )
    assert runtime.deferred is not None  # a start is answered before it is looked at
    runtime.deferred.register(links.START_REQUESTED, partial(links.send_start_link, service))
    return RegistrationApp(runtime, service)


async def _indexes(runtime: ServiceRuntime) -> None:
    await create_indexes(runtime.db)


def create_app(settings: RegistrationSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or RegistrationSettings()
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    registration = build_registration(settings, clock)
    app = create_service_app(
        registration.runtime,
        title="Permitsuite registration",
        description="Contractor self-registration: requirements, documents, staff review.",
        routers=[router, staff],
        on_startup=[_indexes],
    )
    app.state.registration = registration
    return app
