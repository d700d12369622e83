"""The outbox's broker watch keeps watching (issue 22, defect 8): a check that
failed while the broker was dying tried to close its broker connection, the
close hung, and the watch never ran again — a later broker loss went unnoticed
and its unconsumed events were lost for good. The watch here talks to a stand-in
broker connection that fails and then hangs when closed, as a dying broker's did."""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka.errors import KafkaConnectionError

from chassis.clock import ManualClock
from chassis.marks import Marks
from chassis.recovery import BrokerWatch


class DyingBrokerConnection:
    def __init__(self) -> None:
        self.stops = 0

    async def end_offsets(self, tps: Any) -> dict[Any, int]:
        raise KafkaConnectionError("the broker went away")

    async def stop(self) -> None:
        self.stops += 1
        await asyncio.Event().wait()  # hangs, as aiokafka's did against a dying broker


class Watch(BrokerWatch):
    close_seconds = 0.01
    check_seconds = 0.5

    def __init__(self) -> None:
        marks = Marks()
        marks.note("permits.events", 0, 7, "evt-7")
        super().__init__(
            {"outbox_marks": None, "outbox": None},  # type: ignore[arg-type]
            marks,
            ManualClock(),
            service="permits",
            bootstrap_servers="127.0.0.1:1",
            physical=lambda topic: topic,
            retention=None,
        )
        self._loaded = True  # no saved marks to read
        self.connections: list[DyingBrokerConnection] = []
        self.checked = asyncio.Condition()

    async def _consumer(self) -> Any:
        async with self.checked:
            connection = DyingBrokerConnection()
            self.connections.append(connection)
            self._probe = connection  # type: ignore[assignment]
            self.checked.notify_all()
            return connection


async def test_a_check_whose_connection_hangs_on_close_does_not_stop_the_watch() -> None:
    watch = Watch()
    stop = asyncio.Event()
    running = asyncio.create_task(watch.run(stop, interval=0.01))
    async with watch.checked:
        await asyncio.wait_for(watch.checked.wait_for(lambda: len(watch.connections) >= 3), 5)
    stop.set()
    await asyncio.wait_for(running, 5)
    # every check started on a fresh connection; each failed one was let go
    assert all(c.stops == 1 for c in watch.connections[:-1])
