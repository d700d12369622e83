"""The composition root of the identity service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

from chassis.app import ServiceRuntime, build_runtime, create_service_app
from chassis.auth import TokenVerifier
from chassis.clock import Clock
from chassis.logging import configure_logging
from chassis.uow import Units
from identity.adapters.indexes import create_indexes
from identity.adapters.jwt_keys import TokenSigner
from identity.adapters.unit_of_work import IdentityTools, MongoIdentityUnitOfWork
from identity.entrypoints import (
    routes_admin,
    routes_api_clients,
    routes_auth,
    routes_companies,
    routes_internal,
    routes_me,
)
from identity.entrypoints.consumers import consumers
from identity.entrypoints.wellknown import well_known
from identity.service_layer import enrollment, resets
from identity.service_layer.unit_of_work import IdentityUnits
from identity.settings import IdentitySettings

DEFERRED = {
    # answered before they are looked at (no account enumeration by timing)
    enrollment.ENROLLMENT_REQUESTED: enrollment.send_enrollment_link,
    resets.RESET_REQUESTED: resets.send_reset_links,
}


@dataclass
class Identity:
    """The service's parts, built once: the runtime (database, broker,
    clock), its typed units of work, and the token signer."""

    runtime: ServiceRuntime
    settings: IdentitySettings
    signer: TokenSigner
    units: IdentityUnits
    unit_of_work: Any  # factory(tx, jurisdiction_id), for consumers and deferred work


def _deferred(unit_of_work: Any, handler: Any) -> Any:
    async def run(jurisdiction_id: str, payload: dict[str, Any], tx: Any) -> None:
        await handler(payload, unit_of_work(tx, jurisdiction_id))

    return run


def build_identity(settings: IdentitySettings, clock: Clock | None = None) -> Identity:
    runtime = build_runtime(settings, clock)
    signer = TokenSigner(
        settings.signing_key.get_secret_value(),
        key_id=settings.signing_key_id,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        previous_jwks=settings.previous_public_keys,
    )
    # Identity verifies its own tokens with its own key: no JWKS round trip.
    runtime.verifier = TokenVerifier(
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        clock=runtime.clock,
        jwks=signer.jwks(),
    )
    tools = IdentityTools(settings=settings, signer=signer, deferred=runtime.deferred)
    unit_of_work = MongoIdentityUnitOfWork.factory(tools)
    assert runtime.deferred is not None
    for kind, handler in DEFERRED.items():
        runtime.deferred.register(kind, _deferred(unit_of_work, handler))
    units: IdentityUnits = Units(runtime.uow, unit_of_work)
    return Identity(runtime, settings, signer, units, unit_of_work)


async def _indexes(runtime: ServiceRuntime) -> None:
    await create_indexes(runtime.db)


def create_app(settings: IdentitySettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or IdentitySettings()  # type: ignore[call-arg]
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    identity = build_identity(settings, clock)
    app = create_service_app(
        identity.runtime,
        title="Permitsuite identity",
        description="Jurisdictions, accounts, memberships and tokens.",
        routers=[
            routes_auth.router,
            routes_me.router,
            routes_admin.directory,
            routes_admin.router,
            routes_companies.router,
            routes_api_clients.router,
            routes_internal.router,
            well_known,
        ],
        consumers=consumers(identity.unit_of_work),
        on_startup=[_indexes],
    )
    app.state.identity = identity
    app.state.units = identity.units
    app.state.settings = settings
    app.state.signer = identity.signer
    return app
