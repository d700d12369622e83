"""The composition root of the registration service."""

from __future__ import annotations

from fastapi import FastAPI

from chassis.app import ServiceRuntime, build_runtime, create_service_app
from chassis.clock import Clock
from chassis.documents import DocumentStore
from chassis.logging import configure_logging
from registration.adapters.identity_client import IdentityClient
from registration.adapters.repositories import create_indexes
from registration.entrypoints.http import router, staff
from registration.handlers.common import Reg
from registration.settings import RegistrationSettings


def build_registration(settings: RegistrationSettings, clock: Clock | None = None) -> Reg:
    runtime = build_runtime(settings, clock)
    token = settings.internal_token.get_secret_value() if settings.internal_token else None
    return Reg(
        runtime=runtime,
        settings=settings,
        documents=DocumentStore(runtime.db),
        identity=IdentityClient(settings.identity_url, token, settings.identity_timeout_seconds),
    )


async def _indexes(runtime: ServiceRuntime) -> None:
    await create_indexes(runtime.db)  # type: ignore[arg-type]


def create_app(settings: RegistrationSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or RegistrationSettings()
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    reg = build_registration(settings, clock)
    app = create_service_app(
        reg.runtime,
        title="Permitsuite registration",
        description="Contractor self-registration: requirements, documents, staff review.",
        routers=[router, staff],
        on_startup=[_indexes],
    )
    app.state.reg = reg
    return app
