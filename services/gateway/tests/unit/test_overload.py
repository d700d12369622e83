"""The gateway under overload, over real sockets (issue 22): driven far past
its limits by a slow upstream and by clients that give up, it sheds with fast
503s and ``Retry-After``, and within 10 s of the load stopping every route
answers normally again — it never wedges (encode/httpcore#1093 made the old
shared client answer 504 for good).

The gateway and a stand-in upstream run as uvicorn servers in this process;
no broker or database is involved."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import uvicorn
from devstack.testing import eventually
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gateway.app import create_app
from gateway.settings import GatewaySettings

from .test_gateway_app import JWKS, token

RECOVERY_SECONDS = 10


class Service:
    """Every upstream at once: answers at once, or after ``delay`` seconds."""

    def __init__(self) -> None:
        self.delay = 0.0

    async def endpoint(self, request: Request) -> JSONResponse:
        path = request.url.path
        if path == "/.well-known/jwks.json":
            return JSONResponse(JWKS)
        if path == "/health/ready":
            return JSONResponse({"ready": True})
        if self.delay:
            await asyncio.sleep(self.delay)
        body: dict[str, Any] = {"items": [], "total": 0, "limit": 20, "offset": 0}
        if path.endswith("/cart"):
            body = {"permits": [], "total_fees": "0.00"}
        return JSONResponse(body)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/{path:path}", self.endpoint)])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.asynccontextmanager
async def serving(app: Any, port: int) -> AsyncIterator[None]:
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    await eventually(lambda: server.started, timeout=10, what="the server listening")
    try:
        yield
    finally:
        server.should_exit = True
        await task


async def test_overload_is_shed_fast_and_the_gateway_recovers_within_10_s() -> None:
    service = Service()
    up_port, gw_port = free_port(), free_port()
    base = f"http://127.0.0.1:{up_port}"
    settings = GatewaySettings(
        services={n: base for n in ("identity", "permits", "inspections", "payments")},
        jwks_url=f"{base}/.well-known/jwks.json",
        upstream_concurrency=4,
        upstream_reserve=1,
        upstream_queue=4,
        upstream_queue_seconds=0.3,
        upstream_timeout_seconds=1.5,
        dashboard_timeout_seconds=1.0,
        max_in_flight=40,
        log_json=False,
        log_level="WARNING",
    )
    bearer = {"Authorization": f"Bearer {token(kind='contractor', exp=int(time.time()) + 600)}"}
    routes = ["/v1/me/dashboard", "/v1/jurisdictions/demo/permits"]
    gw = f"http://127.0.0.1:{gw_port}"
    limits = httpx.Limits(max_connections=500, max_keepalive_connections=0)
    async with (
        serving(service.app(), up_port),
        serving(create_app(settings), gw_port),
        httpx.AsyncClient(base_url=gw, limits=limits, timeout=20) as patient,
        httpx.AsyncClient(base_url=gw, limits=limits, timeout=0.2) as impatient,
    ):
        assert (await patient.get(routes[0], headers=bearer)).status_code == 200

        # the load: a slow upstream, 8x the gateway's capacity, half the
        # clients hanging up mid-request
        service.delay = 1.0
        shed_times: list[float] = []
        statuses: list[int] = []

        async def call(client: httpx.AsyncClient, route: str) -> None:
            started = time.monotonic()
            try:
                r = await client.get(route, headers=bearer)
            except httpx.TimeoutException:
                return  # gave up: the connection is closed under the gateway
            statuses.append(r.status_code)
            if r.status_code == 503:
                assert int(r.headers["Retry-After"]) > 0
                assert r.headers["content-type"] == "application/problem+json"
                shed_times.append(time.monotonic() - started)

        for _ in range(2):
            await asyncio.gather(
                *(call(patient if i % 2 else impatient, routes[i % 2]) for i in range(320))
            )
        assert 503 in statuses, statuses
        assert set(statuses) <= {200, 503, 504}
        # shed at once or after the short queue: never the 10 s the old gateway made clients wait
        assert max(shed_times) < 2.0, max(shed_times)

        # the load stops: within 10 s every route answers normally
        service.delay = 0.0

        async def normal() -> bool:
            answers = [await patient.get(r, headers=bearer) for r in routes]
            answers.append(await patient.get("/health"))
            answers.append(await patient.get("/health/live"))
            codes = [a.status_code for a in answers]
            return codes == [200, 200, 200, 200] and answers[0].json()["degraded"] == []

        await eventually(
            normal, timeout=RECOVERY_SECONDS, what="every route normal after the load stopped"
        )
        # and takes full load again
        results = await asyncio.gather(*(patient.get(routes[1], headers=bearer) for _ in range(8)))
        assert [r.status_code for r in results] == [200] * 8
