"""The gateway: one public entry point, routing to services, verifying tokens.

It holds no database and no broker connection. Problem documents from
services pass through unchanged; an unreachable service gives 503 and a slow
one 504, both as problem+json naming the service.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from chassis.auth import TokenVerifier
from chassis.clock import Clock, SystemClock
from chassis.context import CORRELATION_HEADER
from chassis.errors import (
    NotFound,
    install_problem_handlers,
    problem_responses,
)
from chassis.http import BodyLimitMiddleware, ObservabilityMiddleware
from chassis.logging import configure_logging
from contracts.schemas import asyncapi_document
from gateway.dashboard import router as dashboard_router
from gateway.proxy import CATCH_ALL, Proxy, UpstreamUnavailable
from gateway.proxy import METHODS as PROXY_METHODS
from gateway.queues import router as queues_router
from gateway.ratelimits import RateLimits
from gateway.routing import merge_openapi
from gateway.settings import GatewaySettings


def create_app(
    settings: GatewaySettings | None = None,
    clock: Clock | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """Build the gateway; ``transport`` replaces the network for unit tests."""
    settings = settings or GatewaySettings()
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    clock = clock or SystemClock()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with httpx.AsyncClient(
            timeout=settings.upstream_timeout_seconds, follow_redirects=False, transport=transport
        ) as client:
            app.state.http = client
            app.state.verifier = TokenVerifier(
                issuer=settings.jwt_issuer,
                audience=settings.jwt_audience,
                clock=clock,
                jwks_url=settings.jwks_url,
                cache_seconds=settings.jwks_cache_seconds,
                http=client,
            )
            yield

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
    app.include_router(dashboard_router)
    app.include_router(queues_router)

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi(request: Request) -> JSONResponse:
        client: httpx.AsyncClient = request.app.state.http
        own = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )

        async def fetch(base: str) -> dict[str, Any]:
            try:
                r = await client.get(
                    f"{base}/openapi.json", timeout=settings.health_timeout_seconds
                )
                return dict(r.json()) if r.status_code == 200 else {}
            except (httpx.HTTPError, ValueError):
                return {}

        docs = await asyncio.gather(*(fetch(u) for u in settings.services.values()))
        return JSONResponse(
            merge_openapi(
                own,
                dict(zip(settings.services, docs, strict=True)),
                settings.routes,
                settings.rate_limits,
            )
        )

    @app.get("/asyncapi.json", include_in_schema=False)
    async def asyncapi() -> JSONResponse:
        """Every event on every topic (AsyncAPI 3.0), from the contracts."""
        return JSONResponse(asyncapi_document())

    @app.get("/docs", include_in_schema=False)
    async def docs() -> Response:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="Permitsuite API")

    @app.get("/health/live", tags=["health"])
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/health",
        tags=["health"],
        summary="Readiness of every service",
        responses={
            503: {"description": "a service is not ready (each service's state is in the body)"}
        },
    )
    async def health(request: Request) -> JSONResponse:
        client: httpx.AsyncClient = request.app.state.http

        async def probe(name: str, base: str) -> tuple[str, dict[str, Any]]:
            try:
                r = await client.get(
                    f"{base}/health/ready", timeout=settings.health_timeout_seconds
                )
                body = (
                    r.json()
                    if r.headers.get("content-type", "").startswith("application/json")
                    else {}
                )
                return name, {"ready": r.status_code == 200, **body}
            except (httpx.HTTPError, ValueError) as exc:
                return name, {"ready": False, "detail": type(exc).__name__}

        results = dict(await asyncio.gather(*(probe(n, u) for n, u in settings.services.items())))
        ready = all(r["ready"] for r in results.values())
        return JSONResponse(
            {"ready": ready, "services": results}, status_code=200 if ready else 503
        )

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @app.get(
        "/dev/mail",
        tags=["dev"],
        summary="Mail captured by the embedded SMTP sink",
        response_model=list[dict[str, Any]],
        responses=problem_responses(404, 503),
    )
    async def dev_mail(request: Request) -> JSONResponse:
        if not settings.dev_mailbox_url:
            raise NotFound("the dev mailbox exists only in embedded mode")
        client: httpx.AsyncClient = request.app.state.http
        try:
            r = await client.get(f"{settings.dev_mailbox_url.rstrip('/')}/messages")
        except httpx.HTTPError as exc:
            raise UpstreamUnavailable("the mail sink is not reachable", service="mailsink") from exc
        return JSONResponse(r.json(), status_code=r.status_code)

    proxy = Proxy(settings, RateLimits(settings.rate_limits, settings.rate_limit_storage))
    app.add_api_route(CATCH_ALL, proxy, methods=list(PROXY_METHODS), include_in_schema=False)

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
    return app
