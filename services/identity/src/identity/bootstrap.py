"""The composition root of the identity service."""

from __future__ import annotations

from functools import partial

from fastapi import FastAPI

from chassis.app import ServiceRuntime, build_runtime, create_service_app
from chassis.auth import TokenVerifier
from chassis.clock import Clock
from chassis.logging import configure_logging
from chassis.uow import Units
from identity.adapters.indexes import create_indexes
from identity.adapters.jwt_keys import TokenSigner
from identity.adapters.unit_of_work import MongoIdentityUnitOfWork, present
from identity.entrypoints import (
    routes_admin,
    routes_auth,
    routes_companies,
    routes_internal,
    routes_me,
)
from identity.entrypoints.consumers import registration_consumer
from identity.entrypoints.wellknown import well_known
from identity.service_layer import Identity, enrollment, resets
from identity.service_layer.unit_of_work import IdentityUnits
from identity.settings import IdentitySettings


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
    identity = Identity(runtime=runtime, settings=settings, signer=signer)
    # answered before they are looked at (no account enumeration by timing)
    assert runtime.deferred is not None
    runtime.deferred.register(
        enrollment.ENROLLMENT_REQUESTED, partial(enrollment.send_enrollment_link, identity)
    )
    runtime.deferred.register(resets.RESET_REQUESTED, partial(resets.send_reset_links, identity))
    return identity


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
            routes_internal.router,
            well_known,
        ],
        consumers=[registration_consumer(identity)],
        on_startup=[_indexes],
    )
    app.state.identity = identity
    units: IdentityUnits = Units(identity.runtime.uow, MongoIdentityUnitOfWork, present)
    app.state.units = units
    return app
