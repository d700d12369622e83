"""The embedded balancer in front of replicas (issue 25): connections take
turns between the replicas, a replica that is down is skipped, and with none
up the client sees the connection closed rather than a hang."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from devstack.processes import free_port

from permitsuite_embedded.balancer import Route, serve

HOST = "127.0.0.1"


async def _replica(name: bytes) -> asyncio.Server:
    """Answers each line with its name and the line, until the client is done."""

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while line := await reader.readline():
            writer.write(name + b":" + line)
            await writer.drain()
        writer.close()

    return await asyncio.start_server(on_connect, HOST, 0)


def _port(server: asyncio.Server) -> int:
    return int(server.sockets[0].getsockname()[1])


async def _ask(port: int, line: bytes = b"hello\n") -> bytes:
    reader, writer = await asyncio.open_connection(HOST, port)
    writer.write(line)
    await writer.drain()
    answer = await asyncio.wait_for(reader.readline(), 5)
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return answer


@contextlib.asynccontextmanager
async def _running(*servers: asyncio.Server) -> AsyncIterator[None]:
    try:
        yield
    finally:
        for server in servers:
            server.close()


async def test_connections_take_turns_between_the_replicas() -> None:
    one, two = await _replica(b"one"), await _replica(b"two")
    front = free_port()
    balancers = await serve(HOST, [Route(front, [_port(one), _port(two)])])
    async with _running(one, two, *balancers):
        answers = [await _ask(front) for _ in range(4)]
    assert answers == [b"one:hello\n", b"two:hello\n", b"one:hello\n", b"two:hello\n"]


async def test_a_replica_that_is_down_is_skipped() -> None:
    one, two = await _replica(b"one"), await _replica(b"two")
    down = _port(two)
    two.close()
    await two.wait_closed()
    front = free_port()
    balancers = await serve(HOST, [Route(front, [_port(one), down])])
    async with _running(one, *balancers):
        answers = {await _ask(front) for _ in range(4)}
    assert answers == {b"one:hello\n"}


async def test_with_no_replica_up_the_connection_is_closed() -> None:
    front = free_port()
    balancers = await serve(HOST, [Route(front, [free_port()])])
    async with _running(*balancers):
        assert await _ask(front) == b""  # closed at once, no hang


def test_a_route_names_a_port_and_its_replicas() -> None:
    assert Route.parse("8103=41001,41002") == Route(8103, [41001, 41002])
    for bad in ("8103", "8103=", "x=1"):
        with pytest.raises(argparse.ArgumentTypeError):
            Route.parse(bad)
