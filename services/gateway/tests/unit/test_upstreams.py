"""A service's slots, queue, reserve and progress watch (gateway/upstreams.py),
and the gateway's own in-flight limit (gateway/shedding.py): overload is shed
at once, never queued for long, and nothing that is cancelled or shed keeps a
slot (issue 22: the gateway wedged for good under overload)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager

from chassis.clock import ManualClock
from gateway.app import create_app
from gateway.settings import GatewaySettings
from gateway.upstreams import Admission, Overloaded, Upstream

from .test_gateway_app import JWKS, NOW


class Held:
    """An upstream whose answers wait until released."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.arrived = 0
        self._arrival = asyncio.Condition()

    async def until_arrived(self, n: int) -> None:
        async with self._arrival:
            await self._arrival.wait_for(lambda: self.arrived >= n)

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/.well-known/jwks.json":
            return httpx.Response(200, json=JWKS)
        if request.url.path.startswith("/health"):
            return httpx.Response(200, json={"ready": True})
        async with self._arrival:
            self.arrived += 1
            self._arrival.notify_all()
        await self.release.wait()
        return httpx.Response(200, json={"ok": True})


def upstream(held: Held, **admission: float) -> Upstream:
    return Upstream(
        "permits",
        "http://permits.test",
        Admission(**{"concurrency": 2, "reserve": 1, "queue": 2, "queue_seconds": 5, **admission}),  # type: ignore[arg-type]
        timeout=5,
        transport=httpx.MockTransport(held),
    )


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_beyond_the_slots_and_the_queue_a_request_is_shed_at_once() -> None:
    held = Held()
    up = upstream(held)
    running = [asyncio.create_task(up.request("GET", "/x")) for _ in range(4)]  # 2 slots + 2 queued
    await settle()
    assert (up.in_flight, up.waiting) == (2, 2)
    started = time.monotonic()
    with pytest.raises(Overloaded) as shed:
        await up.request("GET", "/x")
    assert time.monotonic() - started < 0.1  # not a wait
    assert shed.value.status == 503 and shed.value.headers == {"Retry-After": "2"}
    held.release.set()
    assert all(r.status_code == 200 for r in await asyncio.gather(*running))
    assert (up.in_flight, up.waiting, up.shed) == (0, 0, 1)
    await up.aclose()


async def test_a_queued_request_waits_at_most_queue_seconds() -> None:
    held = Held()
    up = upstream(held, queue_seconds=0.05)
    running = [asyncio.create_task(up.request("GET", "/x")) for _ in range(2)]
    await settle()
    with pytest.raises(Overloaded):
        await up.request("GET", "/x")
    assert up.waiting == 0
    held.release.set()
    await asyncio.gather(*running)
    await up.aclose()


async def test_login_takes_the_reserve_when_the_service_is_busy() -> None:
    held = Held()
    up = upstream(held, queue=0)
    running = [asyncio.create_task(up.request("GET", "/x")) for _ in range(2)]
    await settle()
    with pytest.raises(Overloaded):
        await up.request("GET", "/x")
    login = asyncio.create_task(up.request("POST", "/v1/auth/token", priority=True))
    await settle()
    assert up.in_flight == 3  # the reserved slot
    held.release.set()
    assert (await login).status_code == 200
    await asyncio.gather(*running)
    await up.aclose()


async def test_cancelled_and_timed_out_callers_leave_every_slot_free() -> None:
    """The wedge: callers that give up (a client disconnects, a budget ends)
    while waiting or in flight must not keep a slot; afterwards the service
    takes its full concurrency again."""
    held = Held()
    up = upstream(held, queue=50)
    callers = [asyncio.create_task(up.request("GET", "/x")) for _ in range(40)]
    await settle()
    for task in callers:
        task.cancel()
    await asyncio.gather(*callers, return_exceptions=True)
    assert (up.in_flight, up.waiting) == (0, 0)
    held.release.set()
    answers = await asyncio.gather(*(up.request("GET", "/x") for _ in range(2)))
    assert [a.status_code for a in answers] == [200, 200]
    await up.aclose()


async def test_a_pool_timeout_replaces_the_client() -> None:
    def lost_slots(request: httpx.Request) -> httpx.Response:
        raise httpx.PoolTimeout("no connection", request=request)

    up = Upstream(
        "permits", "http://p.test", Admission(), 5, transport=httpx.MockTransport(lost_slots)
    )
    first = up.client
    with pytest.raises(httpx.PoolTimeout):
        await up.request("GET", "/x")
    assert up.client is not first and up.recycled == 1 and up.in_flight == 0
    await up.aclose()


async def test_stalled_means_calls_in_flight_and_none_finished_for_a_while() -> None:
    now = [100.0]
    held = Held()
    up = Upstream(
        "permits",
        "http://p.test",
        Admission(),
        5,
        transport=httpx.MockTransport(held),
        monotonic=lambda: now[0],
    )
    assert not up.stalled(30)
    now[0] += 60
    assert not up.stalled(30)  # idle is not stalled
    call = asyncio.create_task(up.request("GET", "/x"))
    await settle()
    assert up.stalled(30)
    held.release.set()
    await call
    assert not up.stalled(30)
    await up.aclose()


@pytest.fixture
async def gateway() -> AsyncIterator[tuple[httpx.AsyncClient, Held]]:
    held = Held()
    settings = GatewaySettings(
        services={"identity": "http://identity.test", "permits": "http://permits.test"},
        jwks_url="http://identity.test/.well-known/jwks.json",
        max_in_flight=3,
        in_flight_reserve=2,
        upstream_concurrency=8,
        log_json=False,
    )
    app = create_app(settings, ManualClock(NOW), transport=httpx.MockTransport(held))
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as c,
    ):
        yield c, held


async def test_the_gateway_sheds_beyond_its_capacity_but_serves_health_and_login(
    gateway: tuple[httpx.AsyncClient, Held],
) -> None:
    client, held = gateway
    busy = [
        asyncio.create_task(client.get("/v1/jurisdictions/demo/public-permits")) for _ in range(3)
    ]
    await held.until_arrived(3)
    shed = await client.get("/v1/jurisdictions/demo/public-permits")
    assert shed.status_code == 503 and shed.headers["Retry-After"] == "2"
    assert shed.json()["type"].endswith("/overloaded")
    assert (await client.get("/health")).status_code == 200  # the reserve
    held.release.set()
    assert all(r.status_code == 200 for r in await asyncio.gather(*busy))
    assert (await client.get("/v1/jurisdictions/demo/public-permits")).status_code == 200


async def test_live_fails_when_a_service_stops_making_progress() -> None:
    now = [0.0]
    held = Held()
    settings = GatewaySettings(
        services={"identity": "http://identity.test", "permits": "http://permits.test"},
        jwks_url="http://identity.test/.well-known/jwks.json",
        stall_seconds=30,
        log_json=False,
    )
    app = create_app(settings, ManualClock(NOW), transport=httpx.MockTransport(held))
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as client,
    ):
        permits = app.state.upstreams["permits"]
        permits._monotonic = lambda: now[0]
        permits.last_progress = 0.0
        call = asyncio.create_task(client.get("/v1/jurisdictions/demo/public-permits"))
        await held.until_arrived(1)
        assert (await client.get("/health/live")).status_code == 200
        now[0] = 31
        live = await client.get("/health/live")
        assert live.status_code == 503 and live.json()["services"] == ["permits"]
        held.release.set()
        await call
        assert (await client.get("/health/live")).status_code == 200
