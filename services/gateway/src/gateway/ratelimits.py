"""Per-client rate limits on the abuse-prone public routes (login, enrollment,
password reset, registration, linking, public search), with the `limits`
library: a sliding window counter per client address and rule (this minute's
count plus the last minute's, weighted by how much of it the window still
covers), kept in memory or in a shared store.

Not the moving window: its in-memory store expires entries with a thread-pool
call per client key after every hit, so under many addresses the gateway
spent a fifth of its time handing those to threads (py-spy in the capacity
benchmark). The counter keeps two numbers per key and needs no such pass."""

from __future__ import annotations

import math
import time

from limits import parse
from limits.aio.storage import Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.storage import storage_from_string

from chassis.errors import ProblemError
from gateway.routing import path_matches
from gateway.settings import RateLimit


class TooManyRequests(ProblemError):
    status = 429
    slug = "too-many-requests"
    title = "Too many requests"


class RateLimits:
    def __init__(self, rules: list[RateLimit], storage_uri: str) -> None:
        self.rules = [(rule, parse(rule.limit)) for rule in rules]
        storage = storage_from_string(storage_uri)
        if not isinstance(storage, Storage):
            raise ValueError("GATEWAY_RATE_LIMIT_STORAGE must be an async+… storage URI")
        self.limiter = SlidingWindowCounterRateLimiter(storage)

    async def check(self, method: str, path: str, client: str) -> None:
        """Count this request against every rule it matches; 429 with
        Retry-After when one is exhausted."""
        for rule, item in self.rules:
            if rule.method != method or not path_matches(rule.pattern, path):
                continue
            if not await self.limiter.hit(item, rule.name, client):
                stats = await self.limiter.get_window_stats(item, rule.name, client)
                retry = max(1, math.ceil(stats.reset_time - time.time()))
                raise TooManyRequests(
                    f"too many {rule.name} requests from this address; try again in {retry} s",
                    headers={"Retry-After": str(retry)},
                    limit=rule.limit,
                )
