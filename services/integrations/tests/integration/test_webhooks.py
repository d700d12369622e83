"""Signed webhooks per jurisdiction (issue 26, item 2), through the real
broker and database to a real HTTP receiver on loopback: each endpoint gets
its own jurisdiction's events only, signed (Standard Webhooks, verified with
the ``standardwebhooks`` package), in order per aggregate, at least once;
failures are retried after a back-off (the clock is moved, nothing sleeps);
a slow endpoint holds up only itself; a redirect is not followed; a worker
that dies mid-round, or a wake lost, loses nothing."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from devstack.testing import eventually

from integrations.adapters.sender import Sender
from integrations.domain.webhooks import UrlRules
from integrations.entrypoints.dispatcher import Dispatcher

pytestmark = pytest.mark.integration

PERMIT_EVENT = "permitsuite.permits.PermitStatusChanged.v1"


async def test_each_endpoint_gets_its_own_jurisdictions_events_signed(
    harness: Any, receivers: Any
) -> None:
    """Two jurisdictions, one endpoint each: exactly their own events, each
    signed with the endpoint's secret; the secret is shown at creation only;
    a third jurisdiction's admin finds neither endpoint nor its log (404)."""
    alpha, beta = await receivers(), await receivers()
    a = await harness.add_endpoint("alpha", alpha.url, description="GIS")
    b = await harness.add_endpoint("beta", beta.url, types=["permitsuite.permits."])
    assert a["secret"].startswith("whsec_") and a["health"]["state"] == "healthy"
    sent_alpha = await harness.steps("alpha", ["p1", "p2"], 2)
    sent_beta = await harness.steps("beta", ["q1"], 3)
    await eventually(lambda: len(alpha.got) >= 4 and len(beta.got) >= 3, what="deliveries")
    assert sorted(alpha.delivered_ids()) == sorted(sent_alpha)
    assert beta.delivered_ids() == sent_beta
    for got in alpha.got:
        assert harness.signed_by(a["secret"], got)
        assert got.event["jurisdiction"] == "alpha" and got.event["type"] == PERMIT_EVENT
        assert got.event["id"] == got.headers["webhook-id"]
    for got in beta.got:
        assert harness.signed_by(b["secret"], got) and got.event["jurisdiction"] == "beta"
    assert not harness.signed_by(b["secret"], alpha.got[0])
    shown = await harness.endpoint("alpha", a["id"])
    assert "secret" not in shown and shown["description"] == "GIS"
    for path in ("", "/deliveries"):
        r = await harness.http.get(
            f"/v1/jurisdictions/alpha/webhook-endpoints/{a['id']}{path}",
            headers=harness.admin("gamma"),
        )
        assert r.status_code in (403, 404), r.text
        r = await harness.http.get(
            f"/v1/jurisdictions/gamma/webhook-endpoints/{a['id']}{path}",
            headers=harness.admin("gamma"),
        )
        assert r.status_code == 404, r.text
    await eventually(lambda: harness.settled(a["id"], 4), what="the log written")
    log = await harness.log("alpha", a["id"])
    assert sorted(x["event_id"] for x in log) == sorted(sent_alpha)
    assert all(x["delivered"] and x["status"] == 200 for x in log)


async def test_failing_endpoint_gets_every_event_in_order_once_well(
    harness: Any, receivers: Any
) -> None:
    """An endpoint answering 500 for a while, then 200: every event arrives,
    in order per permit; the log shows each delivered once; the back-off
    grows and is waited out on the clock."""
    failing = {"on": True}

    async def answer(_: Any) -> tuple[int, dict[str, str]]:
        return (500, {}) if failing["on"] else (200, {})

    hook = await receivers(answer=answer)
    endpoint = await harness.add_endpoint("alpha", hook.url)
    sent = await harness.steps("alpha", ["p1", "p2", "p3"], 3)
    for tries in range(1, 4):
        await eventually(lambda t=tries: len(hook.got) >= t, what=f"try {tries}")
        # the answer reaches the receiver's log before the worker writes the failure
        await eventually(
            lambda t=tries: harness.settled(endpoint["id"], t), what=f"try {tries} written"
        )
        health = (await harness.endpoint("alpha", endpoint["id"]))["health"]
        assert health["state"] == "failing" and health["attempt"] == tries
        assert health["next_attempt_at"] is not None
        assert len(hook.got) == tries  # not again before the back-off ends
        harness.clock.advance(timedelta(hours=1))
    failing["on"] = False
    await eventually(lambda: len(hook.got) >= 3 + len(sent), what="all delivered")
    delivered = hook.delivered_ids()[3:]
    assert sorted(delivered) == sorted(sent)
    assert harness.per_permit(delivered) == harness.per_permit(sent)
    assert all(h == hook.got[0].headers["webhook-id"] for h in hook.delivered_ids()[:3])
    await eventually(lambda: harness.settled(endpoint["id"], len(hook.got)), what="the log written")
    log = await harness.log("alpha", endpoint["id"])
    ok = [x["event_id"] for x in log if x["delivered"]]
    assert sorted(ok) == sorted(sent) and len(set(ok)) == len(ok)
    assert [x["status"] for x in log[:3]] == [500, 500, 500]
    health = (await harness.endpoint("alpha", endpoint["id"]))["health"]
    assert health["state"] == "healthy" and health["attempt"] == 0


async def test_slow_endpoint_holds_up_only_itself(harness: Any, receivers: Any) -> None:
    """While one endpoint keeps every request hanging, another endpoint of the
    same jurisdiction gets all of its deliveries."""
    release = asyncio.Event()

    async def hang(_: Any) -> tuple[int, dict[str, str]]:
        await release.wait()
        return 200, {}

    slow, fast = await receivers(answer=hang), await receivers()
    await harness.add_endpoint("alpha", slow.url)
    await harness.add_endpoint("alpha", fast.url)
    sent = await harness.steps("alpha", ["p1"], 4)
    await eventually(lambda: len(fast.got) == len(sent), what="the fast endpoint's deliveries")
    assert fast.delivered_ids() == sent
    assert len(slow.got) == 1  # still on its first request
    release.set()
    await eventually(lambda: len(slow.got) == len(sent), what="the slow one catches up")
    assert slow.delivered_ids() == sent


async def test_worker_that_dies_mid_round_loses_nothing(harness: Any, receivers: Any) -> None:
    """A worker stops dead while sending (its task cancelled: nothing after
    the request is written); when its lease runs out another worker sends the
    same endpoint everything from the last event acknowledged."""
    first_try = asyncio.Event()

    async def stall_first(got: Any) -> tuple[int, dict[str, str]]:
        if not first_try.is_set():
            first_try.set()
            await asyncio.Event().wait()  # never answers
        return 200, {}

    hook = await receivers(answer=stall_first)
    dispatcher = harness.runtime_app.state.dispatcher
    await harness.add_endpoint("alpha", hook.url)
    sent = await harness.steps("alpha", ["p1", "p2"], 2)
    await eventually(first_try.is_set, what="the first request")
    for task in list(dispatcher.busy.values()):
        task.cancel()  # the worker "dies" mid-round
    other = Dispatcher(
        harness.runtime.db,
        harness.clock,
        Sender(UrlRules(public_only=False), harness.clock, 5),
        harness.runtime_app.state.integrations.units,
        dispatcher.sealer,  # the installation's key, as every worker has it
    )
    await other.look()
    assert not other.busy  # still leased to the dead worker
    harness.clock.advance(dispatcher.lease + timedelta(seconds=1))
    await other.look()
    await eventually(lambda: len(hook.got) >= len(sent) + 1, what="the other worker sends")
    await asyncio.gather(*other.busy.values())
    await other.close()
    assert sorted(set(hook.delivered_ids())) == sorted(sent)
    assert harness.per_permit(hook.delivered_ids()[1:]) == harness.per_permit(sent)


async def test_a_redirect_is_not_followed(harness: Any, receivers: Any) -> None:
    """A 3xx is a failed delivery: a redirect cannot lead a delivery elsewhere
    (inside the installation, in production)."""
    inner = await receivers()

    async def away(_: Any) -> tuple[int, dict[str, str]]:
        return 302, {"location": inner.url}

    outer = await receivers(answer=away)
    endpoint = await harness.add_endpoint("alpha", outer.url)
    await harness.steps("alpha", ["p1"], 1)
    await eventually(lambda: outer.got, what="the first try")
    await eventually(lambda: harness.settled(endpoint["id"], 1), what="the try is written")
    assert inner.got == []
    [attempt] = await harness.log("alpha", endpoint["id"])
    assert (attempt["status"], attempt["delivered"]) == (302, False)


async def _behind_its_feed(harness: Any, receivers: Any) -> tuple[Any, list[str]]:
    """An endpoint sent two events, then set back by one as if the second's
    wake had never reached it: its receiver, and the events' ids."""
    hook = await receivers()
    endpoint = await harness.add_endpoint("alpha", hook.url)
    sent = await harness.steps("alpha", ["p1"], 2)
    await eventually(lambda: len(hook.got) == 2, what="the first deliveries")
    await eventually(lambda: harness.settled(endpoint["id"], 2), what="caught up")
    endpoints = harness.runtime.db["webhook_endpoints"]
    await endpoints.update_one({"_id": endpoint["id"]}, {"$set": {"cursor": 1}})
    return hook, sent


async def test_an_idle_endpoint_behind_its_feed_is_woken_at_start(
    harness: Any, receivers: Any
) -> None:
    """A wake lost to a crash (an event committed, the worker gone before it
    was told) is found when a worker starts: the endpoint is sent the rest."""
    hook, sent = await _behind_its_feed(harness, receivers)
    dispatcher = harness.runtime_app.state.dispatcher
    assert await dispatcher.repair() == 1
    dispatcher.nudge()
    await eventually(lambda: len(hook.got) == 3, what="the rest sent")
    assert hook.delivered_ids()[2] == sent[1]


async def test_an_idle_endpoint_behind_its_feed_is_woken_within_the_repair_interval(
    harness: Any, receivers: Any
) -> None:
    """An event whose wake never reached an endpoint — stored while the
    endpoint was being created, its transaction reading the endpoints before
    the new one existed — is sent once the worker's repair comes round
    (``webhook_repair_seconds``), not only when a worker starts."""
    hook, sent = await _behind_its_feed(harness, receivers)
    harness.clock.advance(timedelta(seconds=61))  # the worker's repair is due
    harness.runtime_app.state.dispatcher.nudge()
    await eventually(lambda: len(hook.got) == 3, what="the event sent by the repair")
    assert hook.delivered_ids()[2] == sent[1]
