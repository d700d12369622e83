"""A consumer process for the mid-batch crash tests (``test_consumer_crash.py``).

It applies ``JurisdictionCreated`` events from ``identity.events``: one effect
document and one emitted event each, in the batch's transaction, until SIGTERM
or a fail point (``PERMITSUITE_FAILPOINTS``) kills it. Its settings come as
JSON in ``CRASH_WORKER_SETTINGS``.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal

from chassis.app import build_runtime
from chassis.consumer import EventConsumer, EventContext
from chassis.settings import ServiceSettings
from contracts.identity import AccountActivated, JurisdictionCreated

CONSUMER = "crashtest.effects"


async def main() -> None:
    settings = ServiceSettings(**json.loads(os.environ["CRASH_WORKER_SETTINGS"]))
    rt = build_runtime(settings)
    await rt.outbox.ensure_indexes()
    consumer = EventConsumer(CONSUMER, "identity.events")

    @consumer.on(JurisdictionCreated)
    async def on_created(event: JurisdictionCreated, ctx: EventContext) -> None:
        await ctx.tx.db["effects"].insert_one(
            {"event_id": ctx.envelope.id, "jid": event.jurisdiction_id}, session=ctx.tx.session
        )
        ctx.tx.emit(
            AccountActivated(
                account_id=f"acc-{ctx.envelope.id}",
                membership_id="m",
                email="a@example.org",
                jurisdiction_id=event.jurisdiction_id,
                kind="staff",
                display_name="A",
            ),
            jurisdiction_id=event.jurisdiction_id,
        )

    consumer.attach(
        rt.broker,
        rt.uow,
        rt.publisher,
        retries=settings.kafka_consumer_retries,
        backoff_seconds=settings.kafka_retry_backoff_seconds,
        fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
        batch_max_records=settings.kafka_consumer_batch_max_records,
        session_timeout_ms=settings.kafka_session_timeout_ms,
    )
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await rt.broker.start()
    print("consuming", flush=True)
    await stop.wait()
    await rt.broker.stop()
    await rt.client.close()


if __name__ == "__main__":
    asyncio.run(main())
