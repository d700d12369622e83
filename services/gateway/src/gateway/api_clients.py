"""API clients at the gateway (issue 26): a client token's standing, and the
client's own rate limit.

A client's access token is verified like any other; then, on each call,
identity is asked whether it still holds (``GET /v1/auth/client`` with the
token itself): a revoked client, a rotated secret or a scope taken away is a
401 on the very next call, on every gateway replica, without waiting for the
token to expire. Identity's answer carries the client's rate limit, counted
per client in the gateway's sliding windows (shared by every replica when
they are in the database). Nothing is cached, so nothing is stale; the cost
is one small call to identity per client call.

Which routes a client may use, with which scope, is decided by the service
that owns the route (``chassis.auth.within_scope``).
"""

from __future__ import annotations

import httpx
from limits import RateLimitItemPerMinute

from chassis.auth import Principal
from chassis.context import CORRELATION_HEADER, current_correlation_id
from chassis.errors import Unauthorized
from gateway.proxy import UpstreamUnavailable
from gateway.ratelimits import SlidingWindows, TooManyRequests
from gateway.upstreams import Upstream

STANDING_PATH = "/v1/auth/client"
RULE = "api-client"


class ClientGate:
    def __init__(self, identity: Upstream | None, windows: SlidingWindows, timeout: float) -> None:
        self.identity = identity
        self.windows = windows
        self.timeout = timeout

    async def admit(self, principal: Principal, authorization: str) -> None:
        """401 if the client's token no longer holds; 429 past its rate limit."""
        limit = await self._standing(authorization)
        retry = await self.windows.hit(RULE, principal.account_id, RateLimitItemPerMinute(limit))
        if retry is not None:
            raise TooManyRequests(
                f"this API client may make {limit} requests a minute; try again in {retry} s",
                headers={"Retry-After": str(retry)},
                limit=f"{limit}/minute",
            )

    async def _standing(self, authorization: str) -> int:
        if self.identity is None:
            raise UpstreamUnavailable("no identity service to check API clients with")
        headers = {"Authorization": authorization, CORRELATION_HEADER: current_correlation_id()}
        try:
            r = await self.identity.request(
                "GET", STANDING_PATH, headers=headers, timeout=self.timeout, priority=True
            )
        except httpx.HTTPError as exc:
            raise UpstreamUnavailable(
                "identity did not answer whether this API client may call", service="identity"
            ) from exc
        if r.status_code == 401:
            raise Unauthorized(_detail(r) or "this API client's token no longer holds")
        if r.status_code != 200:
            raise UpstreamUnavailable(
                "identity could not check this API client", service="identity"
            )
        return int(r.json()["rate_limit_per_minute"])


def _detail(r: httpx.Response) -> str | None:
    try:
        return str(r.json().get("detail") or "") or None
    except ValueError:
        return None
