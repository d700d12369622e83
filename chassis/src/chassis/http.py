"""ASGI middleware shared by every service and the gateway."""

from __future__ import annotations

import re
import time
from ipaddress import ip_address, ip_network
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chassis.context import CORRELATION_HEADER, correlation_id_var, current_correlation_id
from chassis.metrics import HTTP_REQUESTS

_SAFE_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


class BodyLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` with 413, declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > self.max_bytes:
                    await _too_large(send, self.max_bytes)
                    return
        total = 0

        async def limited_receive() -> Message:
            nonlocal total
            message = await receive()
            if message["type"] == "http.request":
                total += len(message.get("body", b""))
                if total > self.max_bytes:
                    raise HTTPException(413, f"request body exceeds {self.max_bytes} bytes")
            return message

        await self.app(scope, limited_receive, send)


async def _too_large(send: Send, limit: int) -> None:
    body = (
        '{"type":"https://permitsuite.org/problems/payload-too-large",'
        f'"title":"Request body too large","status":413,"detail":"limit is {limit} bytes"}}'
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class ObservabilityMiddleware:
    """Correlation id in and out, and per-route latency histograms."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        for name, value in scope.get("headers", ()):
            if name == CORRELATION_HEADER.lower().encode():
                incoming = value.decode("latin-1")
        token = correlation_id_var.set(incoming if incoming and _SAFE_ID.match(incoming) else None)
        correlation = current_correlation_id()
        status: dict[str, Any] = {"code": 500}
        started = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                headers = list(message.get("headers", []))
                headers.append((CORRELATION_HEADER.lower().encode(), correlation.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", None) or "unmatched"
            HTTP_REQUESTS.labels(
                self.service, scope.get("method", ""), path, status["code"]
            ).observe(time.perf_counter() - started)
            correlation_id_var.reset(token)


def is_trusted(address: str, trusted: list[str]) -> bool:
    """``address`` is one of ``trusted``: an address, or a network (``10.0.0.0/8``:
    a container network, where the gateway's own address changes)."""
    try:
        found = ip_address(address)
    except ValueError:
        return False
    for entry in trusted:
        try:
            if found in ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_address(peer: str | None, forwarded_for: str | None, trusted: list[str]) -> str | None:
    """The client's address: ``X-Forwarded-For`` is believed only as far as it
    was written by trusted proxies. Walking from the right (the hop nearest to
    us), every trusted address is skipped; the first one that is not trusted
    is the client. A malformed entry ends the walk at the last good hop."""
    if peer is None or not is_trusted(peer, trusted) or not forwarded_for:
        return peer
    client = peer
    for hop in reversed([h.strip() for h in forwarded_for.split(",")]):
        try:
            client = str(ip_address(hop))
        except ValueError:
            return client
        if not is_trusted(client, trusted):
            return client
    return client
