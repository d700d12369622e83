"""An unexpected error answers 500 and keeps the connection usable (issue 12.5).

Run under a real uvicorn server: Starlette re-raises after an ``Exception``
handler answers and uvicorn then closes the connection, which a pooling
client such as the gateway only learns about on its next request.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn
from devstack.testing.waiting import eventually
from fastapi import FastAPI, Request

from chassis.errors import install_problem_handlers
from chassis.http import ObservabilityMiddleware


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, set[int]]]:
    peers: set[int] = set()
    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(ObservabilityMiddleware, service="test")

    @app.get("/boom")
    async def boom(request: Request) -> None:
        assert request.client is not None
        peers.add(request.client.port)
        raise RuntimeError("a bug")

    @app.get("/ok")
    async def ok(request: Request) -> dict[str, bool]:
        assert request.client is not None
        peers.add(request.client.port)
        return {"ok": True}

    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, port=port, log_config=None, access_log=False))
    task = asyncio.create_task(srv.serve())
    await eventually(lambda: srv.started, what="uvicorn started")
    yield f"http://127.0.0.1:{port}", peers
    srv.should_exit = True
    await task


async def test_a_500_keeps_the_keep_alive_connection(server: tuple[str, set[int]]) -> None:
    base, peers = server
    async with httpx.AsyncClient(base_url=base) as client:
        codes = [(await client.get("/boom" if i % 2 else "/ok")).status_code for i in range(20)]
        problem = await client.get("/boom")
    assert codes == [200, 500] * 10
    assert problem.headers["content-type"] == "application/problem+json"
    assert problem.json()["title"] == "Internal server error"
    assert len(peers) == 1  # one connection served every request
    assert "x-correlation-id" in problem.headers  # the outer middleware saw the answer


async def test_405_names_every_method_of_the_path() -> None:
    """Issue 12.15: Starlette's 405 named only the first route of the path
    (FastAPI makes one route per method)."""
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/things/{tid}")
    async def read(tid: str) -> dict[str, str]:
        return {"id": tid}

    @app.post("/things/{tid}")
    async def write(tid: str) -> dict[str, str]:
        return {"id": tid}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        r = await client.delete("/things/1")
    assert r.status_code == 405
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["allow"] == "GET, POST"


async def test_405_sees_the_routes_of_included_routers() -> None:
    from fastapi import APIRouter

    app = FastAPI()
    install_problem_handlers(app)
    router = APIRouter(prefix="/v1")

    @router.get("/things")
    async def things() -> list[str]:
        return []

    @router.post("/things")
    async def add() -> list[str]:
        return []

    app.include_router(router)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        r = await client.options("/v1/things")
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, POST"
