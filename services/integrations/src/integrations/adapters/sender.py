"""Send one signed delivery over HTTP, safely.

In production (``public_only``) the endpoint's name is resolved here, every
address it gives is checked (no loopback, private, link-local or reserved
address: a DNS change cannot point a delivery inside the installation), and
the request goes to the address that was checked — the name kept for TLS
(SNI and the certificate) and the ``Host`` header. Redirects are not
followed: a 3xx is a failed delivery, so a redirect cannot lead inside either.
"""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import httpx

from chassis.clock import Clock
from integrations.domain.webhooks import Outcome, UnsafeAddress, UrlRules, check_addresses

EXCERPT = 500  # characters of a response kept in the log
LOOKUP_TTL = timedelta(seconds=60)
LOOKUPS_AT_ONCE = 4  # the machine's resolver slows down badly with many at once


@dataclass(frozen=True)
class Sent:
    outcome: Outcome
    latency_ms: int | None
    excerpt: str


class Resolver:
    """Names to addresses, cached for a minute (failures too), a few lookups at a time."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.cache: dict[str, tuple[datetime, list[str] | str]] = {}
        self.gate = asyncio.Semaphore(LOOKUPS_AT_ONCE)

    async def addresses(self, host: str, port: int) -> list[str]:
        now = self.clock.now()
        cached = self.cache.get(host)
        if cached is None or cached[0] <= now:
            async with self.gate:
                cached = (now + LOOKUP_TTL, await self._lookup(host, port))
            self.cache[host] = cached
        if isinstance(cached[1], str):
            raise UnsafeAddress(cached[1])
        return cached[1]

    @staticmethod
    async def _lookup(host: str, port: int) -> list[str] | str:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except OSError as error:
            return f"the host does not resolve: {error}"
        return list(dict.fromkeys(str(info[4][0]) for info in infos))


class Sender:
    def __init__(self, rules: UrlRules, clock: Clock, timeout_seconds: float) -> None:
        self.rules = rules
        self.resolver = Resolver(clock)
        self.client = httpx.AsyncClient(
            timeout=timeout_seconds,
            follow_redirects=False,
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
        )

    async def close(self) -> None:
        await self.client.aclose()

    async def send(self, url: str, body: bytes, headers: dict[str, str]) -> Sent:
        try:
            target, extensions = await self._target(url, headers)
            response = await self.client.post(
                target, content=body, headers=headers, extensions=extensions
            )
        except UnsafeAddress as error:
            return Sent(Outcome(None, f"refused: {error}"), None, "")
        except httpx.TimeoutException:
            return Sent(Outcome(None, "timed out"), None, "")
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as error:  # idna's too
            return Sent(Outcome(None, f"{type(error).__name__}: {error}"[:EXCERPT]), None, "")
        latency = int(response.elapsed.total_seconds() * 1000)
        return Sent(Outcome(response.status_code), latency, response.text[:EXCERPT])

    async def _target(self, url: str, headers: dict[str, str]) -> tuple[str, dict[str, str]]:
        """The URL to connect to: the checked address in production, as given otherwise."""
        if not self.rules.public_only:
            return url, {}
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.scheme != "https":
            raise UnsafeAddress("the URL must use https")
        port = parts.port or 443
        addresses = await self.resolver.addresses(host, port)
        check_addresses(addresses, self.rules)
        pinned = f"[{addresses[0]}]" if ":" in addresses[0] else addresses[0]
        headers["Host"] = host if parts.port is None else f"{host}:{port}"
        netloc = f"{pinned}:{port}"
        return urlunsplit(parts._replace(netloc=netloc)), {"sni_hostname": host}
