"""Forwarding one request to the service that owns its path.

The path is normalised first (:mod:`gateway.paths`), so the route table, the
rate limits and the service all see the same path; the token is checked for
the kind the route takes; hop-by-hop headers are dropped both ways and a
redirect to a service's internal address is never passed to the client.
"""

from __future__ import annotations

import hmac
from typing import Any

import httpx
from fastapi import Request, Response

from chassis.context import CORRELATION_HEADER, current_correlation_id
from chassis.errors import (
    MethodNotAllowed,
    NotFound,
    ProblemError,
    Unauthorized,
    allowed_methods,
)
from chassis.http import client_address
from gateway.paths import forward_path
from gateway.ratelimits import RateLimits
from gateway.routing import match_route
from gateway.settings import GatewaySettings, Route
from gateway.shedding import RESERVED_PATHS
from gateway.upstreams import Upstream

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
}
CATCH_ALL = "/{path:path}"
# Every method is forwarded: the service answers 405 with its own Allow.
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
# Safe to send again when a pooled connection turned out to be closed by the
# service before it answered (RFC 9110 §9.2.2).
IDEMPOTENT = {"GET", "HEAD", "OPTIONS", "PUT", "DELETE"}
PRIORITY_PATHS = frozenset(RESERVED_PATHS)
# the portal's hop proves itself with GATEWAY_PROXY_SECRET (never forwarded on)
PROXY_SECRET_HEADER = "x-permitsuite-proxy-secret"


class UpstreamUnavailable(ProblemError):
    status = 503
    slug = "service-unavailable"
    title = "Service unavailable"


class UpstreamTimeout(ProblemError):
    status = 504
    slug = "service-timeout"
    title = "Service did not answer in time"


class Proxy:
    def __init__(self, settings: GatewaySettings, rate_limits: RateLimits) -> None:
        self.settings = settings
        self.rate_limits = rate_limits
        self._own: list[Any] | None = None  # the gateway's own routes, found once

    def own_routes(self, request: Request) -> list[Any]:
        if self._own is None:
            routes = request.app.router.routes
            self._own = [r for r in routes if getattr(r, "path", "") != CATCH_ALL]
        return self._own

    def client(self, request: Request) -> str:
        """The client's address: the peer, or what trusted hops say in
        ``X-Forwarded-For`` — load balancers by address, the portal by its
        secret (an address alone would trust every local client)."""
        peer = request.client.host if request.client else None
        trusted = self.settings.trusted_proxies
        secret = self.settings.proxy_secret
        presented = request.headers.get(PROXY_SECRET_HEADER)
        if (
            peer
            and secret
            and presented
            and hmac.compare_digest(presented.encode(), secret.get_secret_value().encode())
        ):
            trusted = [*trusted, peer]
        address = client_address(peer, request.headers.get("x-forwarded-for"), trusted)
        return address or "unknown"

    async def __call__(self, request: Request) -> Response:
        path = forward_path(request.scope.get("raw_path") or request.url.path.encode())
        if allowed := allowed_methods(
            self.own_routes(request), request.scope
        ):  # the gateway's route, other method
            raise MethodNotAllowed(
                f"{request.method} is not allowed here", headers={"Allow": ", ".join(allowed)}
            )
        route = match_route(self.settings.routes, path.decoded)
        if route is None or route.service not in self.settings.services:
            raise NotFound(f"no route for {path.decoded}")
        client = self.client(request)
        basic = request.headers.get("authorization", "").lower().startswith("basic ")
        await self.rate_limits.check(request.method, path.decoded, client, basic=basic)
        await self._authenticate(request, route)
        base = self.settings.services[route.service].rstrip("/")
        # logging in (and refreshing a token) stays served when the service is busy
        priority = path.decoded in PRIORITY_PATHS
        answer = await self._send(request, route, base + path.encoded, client, priority)
        return self._response(answer, base)

    async def _authenticate(self, request: Request, route: Route) -> None:
        """A bearer token must verify (and an API client's still hold, within
        its rate limit: :mod:`gateway.api_clients`); HTTP Basic is passed on
        only where the route takes it (an API client at the token endpoint)."""
        authorization = request.headers.get("authorization")
        if authorization:
            scheme, _, token = authorization.partition(" ")
            if route.basic and scheme.lower() == "basic":
                return
            if scheme.lower() != "bearer" or not token:
                raise Unauthorized("only bearer tokens are accepted")
            principal = await request.app.state.verifier.verify(token, typ=route.token)
            if principal.is_client():
                await request.app.state.client_gate.admit(principal, authorization)
        elif route.auth == "required":
            raise Unauthorized("a bearer token is required")

    async def _send(
        self, request: Request, route: Route, url: str, client: str, priority: bool
    ) -> httpx.Response:
        skip = HOP_BY_HOP | {CORRELATION_HEADER.lower(), "x-forwarded-for", PROXY_SECRET_HEADER}
        headers = {k: v for k, v in request.headers.items() if k.lower() not in skip}
        headers[CORRELATION_HEADER] = current_correlation_id()
        headers["X-Forwarded-For"] = client
        headers["X-Forwarded-Proto"] = request.url.scheme
        headers["X-Forwarded-Host"] = request.headers.get("host", "")
        upstream: Upstream = request.app.state.upstreams[route.service]
        body = await request.body()
        attempts = 2 if request.method in IDEMPOTENT else 1
        for attempt in range(attempts):
            try:
                return await upstream.request(
                    request.method,
                    httpx.URL(url, params=request.query_params.multi_items()),
                    headers=headers,
                    content=body,
                    priority=priority,
                )
            except httpx.PoolTimeout as exc:  # the pool lost slots; the client was replaced
                raise UpstreamUnavailable(
                    f"{route.service} is busy",
                    service=route.service,
                    headers={"Retry-After": str(self.settings.retry_after_seconds)},
                ) from exc
            except httpx.TimeoutException as exc:
                raise UpstreamTimeout(
                    f"{route.service} did not answer in time", service=route.service
                ) from exc
            except httpx.RemoteProtocolError as exc:
                # a kept-alive connection the service had already closed
                if attempt + 1 < attempts:
                    continue
                raise UpstreamUnavailable(
                    f"{route.service} closed the connection", service=route.service
                ) from exc
            except httpx.TransportError as exc:
                raise UpstreamUnavailable(
                    f"{route.service} is not reachable", service=route.service
                ) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _response(upstream: httpx.Response, base: str) -> Response:
        headers = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP}
        headers.pop("content-encoding", None)  # httpx already decoded the body
        headers.pop(CORRELATION_HEADER.lower(), None)  # ours is added on the way out
        location = headers.get("location")
        if location is not None and location.startswith(base):
            # a service's redirect names its internal address: keep only the path
            headers["location"] = location[len(base) :] or "/"
        return Response(upstream.content, status_code=upstream.status_code, headers=headers)
