"""The gateway's way to each service: its own connection pool, a bounded
number of requests in flight, a short queue in front, and a progress watch.

Why it is built so: one shared ``httpx.AsyncClient`` with the default pool
(100 connections) wedged for good under overload. Requests cancelled while
waiting for a pool slot (``asyncio.wait_for`` around pooled requests) leak
the slot in httpcore (encode/httpcore#1093); once every slot had leaked,
every request answered ``PoolTimeout`` until the gateway was restarted. So:

- **Admission before the pool.** A request first takes one of the service's
  ``concurrency`` slots (an :class:`asyncio.Semaphore`, which is safe to
  cancel while waiting). The pool holds as many connections as there are
  slots (plus the reserve), so a request never waits inside the pool.
- **A short queue, then shedding.** At most ``queue`` requests wait for a
  slot, each at most ``queue_seconds``; anything beyond is answered at once
  with 503 and ``Retry-After`` (:class:`Overloaded`), never a 10 s wait.
- **A reserve** of slots for requests that must stay served under overload
  (logging in, refreshing a token): they take a normal slot if one is free,
  otherwise a reserved one.
- **httpx's own timeouts** (connect, read, write, pool) bound each call;
  nothing wraps a pooled request in a cancellation.
- **Progress.** Each completed call (answered or failed) is progress. A
  service with calls in flight and none completed for ``stall_seconds`` is
  *stalled*: ``/health/live`` then fails so a supervisor restarts the
  gateway. A ``PoolTimeout`` — which admission makes impossible unless the
  pool lost slots — replaces the service's client with a fresh one at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from chassis.errors import ProblemError

log = logging.getLogger(__name__)


class Overloaded(ProblemError):
    """Shed at once: the service already has as much work as it may take."""

    status = 503
    slug = "overloaded"
    title = "Too busy"


@dataclass(frozen=True)
class Admission:
    """How much work one service is given at a time (``GATEWAY_UPSTREAM_*``)."""

    concurrency: int = 24
    reserve: int = 4
    queue: int = 200
    queue_seconds: float = 1.0
    retry_after_seconds: int = 2


class Upstream:
    """One service: its client, its slots and its progress."""

    def __init__(
        self,
        name: str,
        base_url: str,
        admission: Admission,
        timeout: float,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.base = base_url.rstrip("/")
        self.admission = admission
        self.timeout = timeout
        self._transport = transport
        self._monotonic = monotonic
        self._slots = asyncio.Semaphore(admission.concurrency)
        self._reserve = asyncio.Semaphore(admission.reserve)
        self._retired: list[httpx.AsyncClient] = []
        self.client = self._new_client()
        self.waiting = 0
        self.in_flight = 0
        self.completed = 0
        self.shed = 0
        self.recycled = 0
        self.last_progress = monotonic()

    def _new_client(self) -> httpx.AsyncClient:
        size = self.admission.concurrency + self.admission.reserve
        return httpx.AsyncClient(
            timeout=httpx.Timeout(self.timeout, pool=1.0),
            # idle connections are kept 60 s, under the services' 65 s (chassis.serve):
            # httpx's 5 s default reconnects (a thread-pool address lookup each)
            # whenever traffic to a service pauses
            limits=httpx.Limits(
                max_connections=size, max_keepalive_connections=size, keepalive_expiry=60
            ),
            follow_redirects=False,
            transport=self._transport,
        )

    # -- admission ----------------------------------------------------------------
    def _overloaded(self, why: str) -> Overloaded:
        self.shed += 1
        retry = str(self.admission.retry_after_seconds)
        return Overloaded(
            f"{self.name} is busy ({why}); try again in {retry} s",
            headers={"Retry-After": retry},
            service=self.name,
        )

    async def _acquire(self, priority: bool) -> asyncio.Semaphore:
        if not self._slots.locked():
            await self._slots.acquire()  # free: does not wait
            return self._slots
        if priority and not self._reserve.locked():
            await self._reserve.acquire()
            return self._reserve
        if self.waiting >= self.admission.queue:
            raise self._overloaded("its queue is full")
        self.waiting += 1
        try:
            async with asyncio.timeout(self.admission.queue_seconds):
                await self._slots.acquire()
        except TimeoutError:
            raise self._overloaded("no slot freed in time") from None
        finally:
            self.waiting -= 1
        return self._slots

    @contextlib.asynccontextmanager
    async def slot(self, priority: bool = False) -> AsyncIterator[None]:
        """Hold one of the service's slots (waiting briefly, or shed)."""
        held = await self._acquire(priority)
        self.in_flight += 1
        try:
            yield
        finally:
            self.in_flight -= 1
            self.completed += 1
            self.last_progress = self._monotonic()
            held.release()

    # -- calls --------------------------------------------------------------------
    async def request(
        self,
        method: str,
        url: httpx.URL | str,
        *,
        priority: bool = False,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """One call to the service, within a slot; ``url`` is absolute or a path."""
        if isinstance(url, str) and url.startswith("/"):
            url = self.base + url
        if timeout is not None:
            kwargs["timeout"] = httpx.Timeout(timeout, pool=1.0)
        async with self.slot(priority):
            try:
                return await self.client.request(method, url, **kwargs)
            except httpx.PoolTimeout:
                self._recycle()
                raise

    def _recycle(self) -> None:
        """The pool lost slots (admission keeps it from filling otherwise):
        take a fresh client; the old one is closed at shutdown."""
        log.error("%s: the connection pool lost its slots; replacing the client", self.name)
        self._retired.append(self.client)
        self.client = self._new_client()
        self.recycled += 1

    def stalled(self, stall_seconds: float) -> bool:
        return self.in_flight > 0 and self._monotonic() - self.last_progress > stall_seconds

    def state(self) -> dict[str, Any]:
        return {
            "in_flight": self.in_flight,
            "waiting": self.waiting,
            "completed": self.completed,
            "shed": self.shed,
            "recycled": self.recycled,
            "seconds_since_progress": round(self._monotonic() - self.last_progress, 1),
        }

    async def aclose(self) -> None:
        for client in (*self._retired, self.client):
            await client.aclose()


class Upstreams:
    """Every service the gateway calls, by name, plus a small pool of its own
    for health probes, API descriptions and the signing keys, so none of those
    ever waits behind traffic."""

    def __init__(
        self,
        services: dict[str, str],
        admission: Admission,
        timeout: float,
        probe_timeout: float,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.by_name = {
            name: Upstream(name, url, admission, timeout, transport=transport, monotonic=monotonic)
            for name, url in services.items()
        }
        self.probe = httpx.AsyncClient(
            timeout=httpx.Timeout(probe_timeout, pool=probe_timeout),
            limits=httpx.Limits(max_connections=4 * max(1, len(services))),
            follow_redirects=False,
            transport=transport,
        )

    def __getitem__(self, name: str) -> Upstream:
        return self.by_name[name]

    def __contains__(self, name: object) -> bool:
        return name in self.by_name

    def stalled(self, stall_seconds: float) -> list[str]:
        return sorted(n for n, u in self.by_name.items() if u.stalled(stall_seconds))

    async def aclose(self) -> None:
        for upstream in self.by_name.values():
            await upstream.aclose()
        await self.probe.aclose()
