"""The gateway's own routes: the merged API description, aggregated health,
metrics and, in embedded mode, the captured mail."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from fastapi import APIRouter, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from chassis.errors import NotFound, problem_responses
from contracts.schemas import asyncapi_document
from gateway.proxy import UpstreamUnavailable
from gateway.routing import merge_openapi
from gateway.settings import GatewaySettings

router = APIRouter()


def _upstream(request: Request) -> tuple[GatewaySettings, httpx.AsyncClient]:
    """The settings and the gateway's own small pool (never behind traffic)."""
    return request.app.state.settings, request.app.state.upstreams.probe


@router.get("/openapi.json", include_in_schema=False)
async def openapi(request: Request) -> JSONResponse:
    """The gateway's routes merged with every service's (a service that does
    not answer is left out, not an error)."""
    settings, client = _upstream(request)
    app = request.app
    own = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )

    async def fetch(base: str) -> dict[str, Any]:
        try:
            r = await client.get(f"{base}/openapi.json", timeout=settings.health_timeout_seconds)
            return dict(r.json()) if r.status_code == 200 else {}
        except (httpx.HTTPError, ValueError):
            return {}

    docs = await asyncio.gather(*(fetch(u) for u in settings.services.values()))
    services = dict(zip(settings.services, docs, strict=True))
    return JSONResponse(merge_openapi(own, services, settings.routes, settings.rate_limits))


@router.get("/asyncapi.json", include_in_schema=False)
async def asyncapi() -> JSONResponse:
    """Every event on every topic (AsyncAPI 3.0), from the contracts."""
    return JSONResponse(asyncapi_document())


@router.get("/docs", include_in_schema=False)
async def docs() -> Response:
    return get_swagger_ui_html(openapi_url="/openapi.json", title="Permitsuite API")


@router.get(
    "/health/live",
    tags=["health"],
    summary="The gateway itself makes progress",
    responses={503: {"description": "a service's calls stopped finishing: restart the gateway"}},
)
async def live(request: Request) -> JSONResponse:
    """Fails when a service has calls in flight and none has finished for
    ``GATEWAY_STALL_SECONDS``: every call is bounded by its timeouts, so that
    means the gateway's client is wedged and only a restart helps."""
    settings: GatewaySettings = request.app.state.settings
    stalled = request.app.state.upstreams.stalled(settings.stall_seconds)
    if stalled:
        return JSONResponse({"status": "stalled", "services": stalled}, status_code=503)
    return JSONResponse({"status": "ok"})


@router.get(
    "/health",
    tags=["health"],
    summary="Readiness of every service",
    responses={
        503: {"description": "a service is not ready (each service's state is in the body)"}
    },
)
async def health(request: Request) -> JSONResponse:
    settings, client = _upstream(request)

    async def probe(name: str, base: str) -> tuple[str, dict[str, Any]]:
        try:
            r = await client.get(f"{base}/health/ready", timeout=settings.health_timeout_seconds)
            is_json = r.headers.get("content-type", "").startswith("application/json")
            return name, {"ready": r.status_code == 200, **(r.json() if is_json else {})}
        except (httpx.HTTPError, ValueError) as exc:
            return name, {"ready": False, "detail": type(exc).__name__}

    results = dict(await asyncio.gather(*(probe(n, u) for n, u in settings.services.items())))
    for name, upstream in request.app.state.upstreams.by_name.items():
        results[name]["gateway"] = upstream.state()  # slots, queue, shed, progress
    ready = all(r["ready"] for r in results.values())
    return JSONResponse({"ready": ready, "services": results}, status_code=200 if ready else 503)


@router.get("/metrics", include_in_schema=False)
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


@router.get(
    "/dev/mail",
    tags=["dev"],
    summary="Mail captured by the embedded SMTP sink",
    response_model=list[dict[str, Any]],
    responses=problem_responses(404, 503),
)
async def dev_mail(request: Request) -> JSONResponse:
    return await _dev_sink(request, "messages", "the mail sink")


async def _dev_sink(request: Request, path: str, what: str) -> JSONResponse:
    """A list kept by the embedded stack's sink (mail, webhook deliveries)."""
    settings, client = _upstream(request)
    if not settings.dev_mailbox_url:
        raise NotFound(f"{what} exists only in embedded mode")
    try:
        r = await client.get(
            f"{settings.dev_mailbox_url.rstrip('/')}/{path}",
            timeout=settings.upstream_timeout_seconds,
        )
    except httpx.HTTPError as exc:
        raise UpstreamUnavailable(f"{what} is not reachable", service="mailsink") from exc
    return JSONResponse(r.json(), status_code=r.status_code)


@router.get(
    "/dev/webhooks",
    tags=["dev"],
    summary="Webhook deliveries received by the embedded stack's dev receiver",
    response_model=list[dict[str, Any]],
    responses=problem_responses(404, 503),
)
async def dev_webhooks(request: Request) -> JSONResponse:
    return await _dev_sink(request, "webhooks", "the dev webhook receiver")
