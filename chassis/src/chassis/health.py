"""``/health/live``, ``/health/ready`` and ``/metrics``."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel


class DependencyHealth(BaseModel):
    name: str
    ready: bool
    version: str | None = None
    detail: str | None = None


class Readiness(BaseModel):
    service: str
    version: str
    ready: bool
    dependencies: list[DependencyHealth]


async def _check_mongo(runtime: Any) -> DependencyHealth:
    try:
        info = await asyncio.wait_for(runtime.client.admin.command("buildInfo"), timeout=2)
        return DependencyHealth(name="mongodb", ready=True, version=str(info.get("version")))
    except Exception as exc:
        return DependencyHealth(name="mongodb", ready=False, detail=type(exc).__name__)


async def _check_kafka(runtime: Any) -> DependencyHealth:
    try:
        ok = await runtime.broker.ping(timeout=2)
    except Exception as exc:
        return DependencyHealth(name="kafka", ready=False, detail=type(exc).__name__)
    return DependencyHealth(name="kafka", ready=bool(ok), detail=None if ok else "no metadata")


def health_router(version: str) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/health/live")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/health/ready",
        response_model=Readiness,
        responses={503: {"model": Readiness, "description": "a dependency is not ready"}},
    )
    async def ready(request: Request) -> JSONResponse:
        runtime = request.app.state.runtime
        deps = list(await asyncio.gather(_check_mongo(runtime), _check_kafka(runtime)))
        body = Readiness(
            service=runtime.service,
            version=version,
            ready=all(d.ready for d in deps),
            dependencies=deps,
        )
        return JSONResponse(body.model_dump(), status_code=200 if body.ready else 503)

    @router.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
