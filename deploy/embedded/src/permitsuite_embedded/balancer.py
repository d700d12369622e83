"""One address in front of a service's replicas (``make run REPLICAS=2``).

A round-robin TCP balancer, the part a Kubernetes Service or a load balancer
plays in production: each connection goes to the next replica; a replica that
refuses the connection (stopped, restarting) is skipped, so the others carry
the traffic while the launcher starts it again. HTTP keep-alive connections
stay with the replica they reached, as they do behind a real balancer.

``python -m permitsuite_embedded.balancer --host 127.0.0.1 --route 8103=41001,41002``
(one ``--route`` per public port). It holds no state: a restart loses only
the connections open at that moment.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from collections.abc import Iterable
from dataclasses import dataclass, field

CONNECT_TIMEOUT = 2.0
CHUNK = 64 * 1024


@dataclass
class Route:
    """A public port and the replicas behind it."""

    port: int
    backends: list[int]
    turn: int = field(default=0)

    @classmethod
    def parse(cls, text: str) -> Route:
        """``PORT=BACKEND,BACKEND…``"""
        port, _, backends = text.partition("=")
        ports = [int(p) for p in backends.split(",") if p.strip()]
        if not port.strip().isdigit() or not ports:
            raise argparse.ArgumentTypeError(f"a route is PORT=BACKEND[,BACKEND…], not {text!r}")
        return cls(int(port), ports)

    def order(self) -> list[int]:
        """The backends to try for the next connection: the next in turn first."""
        start = self.turn % len(self.backends)
        self.turn += 1
        return self.backends[start:] + self.backends[:start]


async def _connect(
    host: str, route: Route
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
    for port in route.order():
        with contextlib.suppress(OSError, TimeoutError):
            return await asyncio.wait_for(asyncio.open_connection(host, port), CONNECT_TIMEOUT)
    return None


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy until ``reader`` ends, then pass the end on (half-close)."""
    with contextlib.suppress(OSError):
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()


async def _relay(
    host: str, route: Route, client: asyncio.StreamReader, to_client: asyncio.StreamWriter
) -> None:
    upstream = await _connect(host, route)
    if upstream is None:  # no replica answers: the client sees the connection closed
        to_client.close()
        return
    from_backend, to_backend = upstream
    try:
        await asyncio.gather(_pipe(client, to_backend), _pipe(from_backend, to_client))
    finally:
        for writer in (to_backend, to_client):
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


async def serve(host: str, routes: Iterable[Route]) -> list[asyncio.Server]:
    """Listen on every route's port; the servers are returned already serving."""
    servers = []
    for route in routes:

        async def on_connect(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, route: Route = route
        ) -> None:
            await _relay(host, route, reader, writer)

        servers.append(await asyncio.start_server(on_connect, host, route.port))
    return servers


async def _main(host: str, routes: list[Route]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    servers = await serve(host, routes)
    try:
        await stop.wait()
    finally:
        for server in servers:
            server.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--route", type=Route.parse, action="append", required=True)
    args = parser.parse_args(argv)
    asyncio.run(_main(args.host, args.route))


if __name__ == "__main__":
    main()
