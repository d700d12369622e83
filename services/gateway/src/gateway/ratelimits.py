"""Per-client rate limits on the abuse-prone public routes (login, enrollment,
password reset, registration, linking, public search): a sliding window
counter per client address and rule (this window's count plus the last
one's, weighted by how much of it the sliding window still covers).

One rule (``SlidingWindows``, on the suite's injectable clock), two stores
of counters:

- in memory (``async+memory://``, the default): per gateway process;
- in the database the suite already has (``mongodb://…``): one counter
  document per rule, client and window, so every gateway replica counts the
  same requests (an operator running two gateways does not double every
  limit). Counting is one atomic ``$inc``; two replicas admitting the last
  request of a window at the same moment may let one more through, never
  fewer.

Not a moving window (a timestamp per request): under many addresses its
upkeep cost the gateway a fifth of its time (py-spy in the capacity
benchmark). The counter keeps two numbers per key. ``limits`` parses the
rules (``10/minute``)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from limits import RateLimitItem, parse
from pymongo import AsyncMongoClient, IndexModel

from chassis.clock import Clock
from chassis.errors import ProblemError
from gateway.routing import path_matches
from gateway.settings import RateLimit

Doc = dict[str, Any]


class TooManyRequests(ProblemError):
    status = 429
    slug = "too-many-requests"
    title = "Too many requests"


class Counters(Protocol):
    """Request counters by key, each gone after its expiry."""

    async def count(self, key: str) -> int: ...

    async def add(self, key: str, *, now: datetime, expires: datetime) -> None: ...

    async def close(self) -> None: ...


class MemoryCounters:
    """In this process; expired counters are swept every ``sweep_every`` adds
    (a pass over the dict, not a timer per key)."""

    def __init__(self, sweep_every: int = 10_000) -> None:
        self.counts: dict[str, tuple[int, datetime]] = {}
        self.sweep_every = sweep_every
        self.adds = 0

    async def count(self, key: str) -> int:
        found = self.counts.get(key)
        return found[0] if found else 0

    async def add(self, key: str, *, now: datetime, expires: datetime) -> None:
        count, _ = self.counts.get(key, (0, expires))
        self.counts[key] = (count + 1, expires)
        self.adds += 1
        if self.adds % self.sweep_every == 0:
            self.counts = {k: v for k, v in self.counts.items() if v[1] > now}

    async def close(self) -> None:
        return None


@dataclass
class MongoCounters:
    """In the database the suite already has: every gateway replica counts the
    same requests. Each count is one atomic ``$inc``; a TTL index removes a
    counter once it can count no more."""

    client: AsyncMongoClient[Doc]
    database: str = "permitsuite_gateway"
    collection_name: str = "rate_windows"
    _indexed: bool = False

    @property
    def collection(self) -> Any:
        return self.client[self.database][self.collection_name]

    async def count(self, key: str) -> int:
        found = await self.collection.find_one({"_id": key})
        return int((found or {}).get("count", 0))

    async def add(self, key: str, *, now: datetime, expires: datetime) -> None:
        if not self._indexed:
            index = IndexModel("expire_at", expireAfterSeconds=0, name="expire_at")
            await self.collection.create_indexes([index])
            self._indexed = True
        await self.collection.update_one(
            {"_id": key},
            {"$inc": {"count": 1}, "$setOnInsert": {"expire_at": expires}},
            upsert=True,
        )

    async def close(self) -> None:
        await self.client.close()


EXPIRY_MARGIN = timedelta(seconds=1)


@dataclass
class SlidingWindows:
    """The sliding window counter over a store of counters, on the suite's clock."""

    counters: Counters
    clock: Clock

    async def hit(self, rule: str, client: str, item: RateLimitItem) -> int | None:
        """Count one request; None if within the limit, else the seconds to wait."""
        span = item.get_expiry()
        now = self.clock.now()
        window = int(now.timestamp() // span)
        into = (now.timestamp() - window * span) / span  # how far into this window
        key = f"{rule}|{client}|{span}|"
        previous = await self.counters.count(f"{key}{window - 1}")
        current = await self.counters.count(f"{key}{window}")
        if previous * (1 - into) + current + 1 > item.amount:
            # the weighted count falls as the window slides on
            return max(1, math.ceil((1 - into) * span))
        expires = now + timedelta(seconds=2 * span) + EXPIRY_MARGIN
        await self.counters.add(f"{key}{window}", now=now, expires=expires)
        return None

    async def close(self) -> None:
        await self.counters.close()


def windows_for(storage_uri: str, clock: Clock) -> SlidingWindows:
    """``async+memory://`` (this process) or ``mongodb://…`` (every replica)."""
    if storage_uri.startswith(("mongodb://", "mongodb+srv://")):
        client: AsyncMongoClient[Doc] = AsyncMongoClient(storage_uri, appname="gateway")
        database = client.get_default_database("permitsuite_gateway").name  # the URL's, if named
        return SlidingWindows(MongoCounters(client, database), clock)
    if storage_uri != "async+memory://":
        raise ValueError("GATEWAY_RATE_LIMIT_STORAGE must be async+memory:// or mongodb://…")
    return SlidingWindows(MemoryCounters(), clock)


class RateLimits:
    def __init__(self, rules: list[RateLimit], windows: SlidingWindows) -> None:
        self.rules = [(rule, parse(rule.limit)) for rule in rules]
        self.windows = windows

    async def check(self, method: str, path: str, client: str, *, basic: bool = False) -> None:
        """Count this request against every rule it matches (``basic``: it
        carries HTTP Basic credentials); 429 with Retry-After when one is
        exhausted."""
        for rule, item in self.rules:
            if rule.method != method or not path_matches(rule.pattern, path):
                continue
            if rule.basic is not None and rule.basic != basic:
                continue
            retry = await self.windows.hit(rule.name, client, item)
            if retry is not None:
                raise TooManyRequests(
                    f"too many {rule.name} requests from this address; try again in {retry} s",
                    headers={"Retry-After": str(retry)},
                    limit=rule.limit,
                )
