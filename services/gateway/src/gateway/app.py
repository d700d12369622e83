"""The gateway: one public entry point, routing to services, verifying tokens.

It holds no database and no broker connection. Problem documents from
services pass through unchanged; an unreachable service gives 503 and a slow
one 504, both as problem+json naming the service.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from chassis.auth import TokenVerifier
from chassis.clock import Clock, configured_clock
from chassis.context import CORRELATION_HEADER
from chassis.errors import (
    install_problem_handlers,
)
from chassis.http import BodyLimitMiddleware, ObservabilityMiddleware
from chassis.logging import configure_logging
from chassis.tracing import trace_app
from gateway.api_clients import ClientGate
from gateway.dashboard import router as dashboard_router
from gateway.meta import router as meta_router
from gateway.proxy import CATCH_ALL, Proxy
from gateway.proxy import METHODS as PROXY_METHODS
from gateway.queues import router as queues_router
from gateway.ratelimits import RateLimits, windows_for
from gateway.settings import GatewaySettings
from gateway.shedding import LoadShedding
from gateway.upstreams import Admission, Upstreams


def create_app(
    settings: GatewaySettings | None = None,
    clock: Clock | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """Build the gateway; ``transport`` replaces the network for unit tests."""
    settings = settings or GatewaySettings()
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    clock = clock or configured_clock()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        upstreams = Upstreams(
            settings.services,
            Admission(
                concurrency=settings.upstream_concurrency,
                reserve=settings.upstream_reserve,
                queue=settings.upstream_queue,
                queue_seconds=settings.upstream_queue_seconds,
                retry_after_seconds=settings.retry_after_seconds,
            ),
            settings.upstream_timeout_seconds,
            settings.health_timeout_seconds,
            transport=transport,
        )
        app.state.upstreams = upstreams
        app.state.client_gate = ClientGate(
            upstreams.by_name.get("identity"), windows, settings.health_timeout_seconds
        )
        app.state.verifier = TokenVerifier(
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            clock=clock,
            jwks_url=settings.jwks_url,
            cache_seconds=settings.jwks_cache_seconds,
            http=upstreams.probe,
        )
        try:
            yield
        finally:
            await upstreams.aclose()
            await windows.close()

    app = FastAPI(
        title="Permitsuite gateway",
        description="Routes /v1/* to the services and verifies access tokens.",
        version="0.1.0",
        lifespan=lifespan,
        openapi_url=None,  # served below: the gateway's own routes merged with the services'
        docs_url=None,
    )
    install_problem_handlers(app)
    app.state.settings = settings
    app.include_router(meta_router)
    app.include_router(dashboard_router)
    app.include_router(queues_router)

    windows = windows_for(settings.rate_limit_storage, clock)
    proxy = Proxy(settings, RateLimits(settings.rate_limits, windows))
    app.add_api_route(CATCH_ALL, proxy, methods=list(PROXY_METHODS), include_in_schema=False)
    _middleware(app, settings)
    return app


def _middleware(app: FastAPI, settings: GatewaySettings) -> None:
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", CORRELATION_HEADER],
            expose_headers=[CORRELATION_HEADER, "Retry-After", "Idempotent-Replayed"],
        )
    app.add_middleware(ObservabilityMiddleware, service=settings.service_name)
    trace_app(app, settings.service_name)  # off unless a collector is configured
    # outermost: a request beyond the gateway's capacity costs nothing more
    app.add_middleware(
        LoadShedding,
        max_in_flight=settings.max_in_flight,
        reserve=settings.in_flight_reserve,
        retry_after_seconds=settings.retry_after_seconds,
    )
