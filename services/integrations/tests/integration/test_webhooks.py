"""Signed webhooks per jurisdiction (issue 26, item 2), through the real
broker and database to a real HTTP receiver on loopback: each endpoint gets
its own jurisdiction's events only, signed (Standard Webhooks, verified with
the ``standardwebhooks`` package), in order per aggregate, at least once;
failures are retried after a back-off (the clock is moved, nothing sleeps),
410 Gone and three days of failure disable; a slow endpoint holds up only
itself; a worker that dies mid-round loses nothing."""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from devstack.testing import eventually
from standardwebhooks.webhooks import Webhook

from contracts.identity import MembershipGranted
from integrations.adapters.sender import Sender
from integrations.domain.webhooks import UrlRules
from integrations.entrypoints.dispatcher import Dispatcher

pytestmark = pytest.mark.integration

PERMIT_EVENT = "permitsuite.permits.PermitStatusChanged.v1"


class BadSignature(Exception):
    pass


def verify(secret: str, got: Any) -> dict[str, Any]:
    """A receiver's check, with the package's signing: one of the signatures
    sent is the one ``secret`` makes of id, timestamp and body. (Its
    ``verify`` also refuses a timestamp five minutes from the wall clock; the
    tests' clock is set, so that part is left out here.)"""
    headers = got.headers
    at = datetime.fromtimestamp(int(headers["webhook-timestamp"]), tz=UTC)
    expected = Webhook(secret).sign(headers["webhook-id"], at, got.body.decode())
    if expected not in headers["webhook-signature"].split():
        raise BadSignature("no signature made with this secret")
    return dict(json.loads(got.body))


async def steps(harness: Any, jid: str, permits: list[str], count: int) -> list[str]:
    """Publish ``count`` steps of each permit, interleaved; their ids in order."""
    ids = []
    for step in range(count):
        for permit in permits:
            ids.append(f"{jid}-{permit}-{step}")
            await harness.publish(harness.permit_step(permit, jid, step), ids[-1], jid)
    return ids


def per_permit(ids: list[str]) -> dict[str, list[str]]:
    order: dict[str, list[str]] = defaultdict(list)
    for event_id in ids:
        order[event_id.rsplit("-", 1)[0]].append(event_id)
    return dict(order)


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
    sent_alpha = await steps(harness, "alpha", ["p1", "p2"], 2)
    sent_beta = await steps(harness, "beta", ["q1"], 3)
    await eventually(lambda: len(alpha.got) >= 4 and len(beta.got) >= 3, what="deliveries")
    assert sorted(alpha.delivered_ids()) == sorted(sent_alpha)
    assert beta.delivered_ids() == sent_beta
    for got in alpha.got:
        event = verify(a["secret"], got)
        assert event["jurisdiction"] == "alpha" and event["type"] == PERMIT_EVENT
        assert event["id"] == got.headers["webhook-id"]
    for got in beta.got:
        assert verify(b["secret"], got)["jurisdiction"] == "beta"
    with pytest.raises(BadSignature, match="no signature"):
        verify(b["secret"], alpha.got[0])
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
    await eventually(lambda: _settled(harness, a["id"], 4), what="the log written")
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
    sent = await steps(harness, "alpha", ["p1", "p2", "p3"], 3)
    for tries in range(1, 4):
        await eventually(lambda t=tries: len(hook.got) >= t, what=f"try {tries}")
        health = (await harness.endpoint("alpha", endpoint["id"]))["health"]
        assert health["state"] == "failing" and health["attempt"] == tries
        assert health["next_attempt_at"] is not None
        assert len(hook.got) == tries  # not again before the back-off ends
        harness.clock.advance(timedelta(hours=1))
    failing["on"] = False
    await eventually(lambda: len(hook.got) >= 3 + len(sent), what="all delivered")
    delivered = hook.delivered_ids()[3:]
    assert sorted(delivered) == sorted(sent)
    assert per_permit(delivered) == per_permit(sent)
    assert all(h == hook.got[0].headers["webhook-id"] for h in hook.delivered_ids()[:3])
    await eventually(
        lambda: _settled(harness, endpoint["id"], len(hook.got)), what="the log written"
    )
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
    sent = await steps(harness, "alpha", ["p1"], 4)
    await eventually(lambda: len(fast.got) == len(sent), what="the fast endpoint's deliveries")
    assert fast.delivered_ids() == sent
    assert len(slow.got) == 1  # still on its first request
    release.set()
    await eventually(lambda: len(slow.got) == len(sent), what="the slow one catches up")
    assert slow.delivered_ids() == sent


async def test_gone_disables_at_once_and_three_days_of_failure_disable(
    harness: Any, receivers: Any
) -> None:
    async def gone(_: Any) -> tuple[int, dict[str, str]]:
        return 410, {}

    async def broken(_: Any) -> tuple[int, dict[str, str]]:
        return 503, {}

    admin = MembershipGranted(
        membership_id="m1",
        account_id="a1",
        jurisdiction_id="alpha",
        email="admin@alpha.example",
        kind="staff",
        roles=["admin"],
    )
    clerk = admin.model_copy(update={"membership_id": "m2", "email": "clerk@alpha.example"})
    await harness.publish(admin, "m-1", "alpha")
    await harness.publish(clerk.model_copy(update={"roles": ["permit_technician"]}), "m-2", "alpha")

    async def known() -> bool:
        db = harness.runtime.db
        return await db["processed_events"].count_documents({"_id": {"$regex": "m-2$"}}) == 1

    await eventually(known, what="the memberships handled")
    went, dead = await receivers(answer=gone), await receivers(answer=broken)
    first = await harness.add_endpoint("alpha", went.url)
    second = await harness.add_endpoint("alpha", dead.url)
    await steps(harness, "alpha", ["p1"], 2)
    await eventually(lambda: went.got and dead.got, what="first tries")
    await eventually(
        lambda: _state(harness, first["id"], "disabled"), what="410 disables the endpoint"
    )
    shown = await harness.endpoint("alpha", first["id"])
    assert "410" in shown["health"]["disabled_reason"]
    while not await _state(harness, second["id"], "disabled"):
        tries = len(dead.got)
        harness.clock.advance(timedelta(hours=2))
        await eventually(lambda t=tries: len(dead.got) > t, what="the next try")
        await eventually(
            lambda t=tries: _settled(harness, second["id"], t + 1), what="the try is written"
        )
    assert (await harness.endpoint("alpha", second["id"]))["health"]["disabled_reason"] == (
        "every delivery failed for 3 days"
    )
    assert len(went.got) == 1
    # the jurisdiction's admins are told, once per endpoint (notifications emails them)
    told = [
        json.loads(doc["value"])
        async for doc in harness.runtime.db["outbox"].find(
            {"event_type": "permitsuite.integrations.WebhookEndpointDisabled.v1"}
        )
    ]
    assert sorted(t["endpoint_id"] for t in told) == sorted([first["id"], second["id"]])
    assert all(t["notify_emails"] == ["admin@alpha.example"] for t in told)
    # switched on again: it resumes where it stopped, the back-off from the start
    r = await harness.http.patch(
        f"/v1/jurisdictions/alpha/webhook-endpoints/{first['id']}",
        json={"enabled": True},
        headers=harness.admin("alpha"),
    )
    assert r.status_code == 200 and r.json()["health"]["state"] == "healthy"


async def _state(harness: Any, endpoint_id: str, state: str) -> bool:
    return bool((await harness.endpoint("alpha", endpoint_id))["health"]["state"] == state)


async def _settled(harness: Any, endpoint_id: str, tries: int) -> bool:
    doc = await harness.runtime.db["webhook_endpoints"].find_one({"_id": endpoint_id})
    return bool(doc["logged"] >= tries and doc.get("owner") is None)


async def test_sending_again_one_event_or_everything_since(harness: Any, receivers: Any) -> None:
    hook = await receivers()
    endpoint = await harness.add_endpoint("alpha", hook.url)
    sent = await steps(harness, "alpha", ["p1"], 3)
    await eventually(lambda: len(hook.got) == 3, what="first deliveries")
    url = f"/v1/jurisdictions/alpha/webhook-endpoints/{endpoint['id']}/redeliveries"
    r = await harness.http.post(url, json={"event_id": sent[1]}, headers=harness.admin("alpha"))
    assert r.status_code == 202 and r.json()["queued"], r.text
    await eventually(lambda: len(hook.got) == 4, what="one event again")
    assert hook.delivered_ids()[3] == sent[1]
    since = harness.clock.now() - timedelta(minutes=1)
    r = await harness.http.post(
        url, json={"since": since.isoformat()}, headers=harness.admin("alpha")
    )
    assert r.status_code == 202, r.text
    await eventually(lambda: len(hook.got) == 7, what="everything since")
    assert hook.delivered_ids()[4:] == sent
    await eventually(
        lambda: _settled(harness, endpoint["id"], len(hook.got)), what="the log written"
    )
    log = await harness.log("alpha", endpoint["id"])
    assert [x["manual"] for x in log] == [False, False, False, True, False, False, False]
    for body, field in (({"event_id": "nope"}, "event_id"), ({}, None)):
        r = await harness.http.post(url, json=body, headers=harness.admin("alpha"))
        assert r.status_code in (404, 422), r.text
        if field:
            assert field in r.text


async def test_rotation_signs_with_both_secrets_during_the_overlap(
    harness: Any, receivers: Any
) -> None:
    hook = await receivers()
    endpoint = await harness.add_endpoint("alpha", hook.url)
    r = await harness.http.post(
        f"/v1/jurisdictions/alpha/webhook-endpoints/{endpoint['id']}/secret",
        json={"overlap_hours": 24},
        headers=harness.admin("alpha"),
    )
    assert r.status_code == 200, r.text
    fresh = r.json()["secret"]
    assert fresh != endpoint["secret"]
    r = await harness.http.post(
        f"/v1/jurisdictions/alpha/webhook-endpoints/{endpoint['id']}/ping",
        headers=harness.admin("alpha"),
    )
    assert r.status_code == 200 and r.json()["delivered"], r.text
    ping = hook.got[-1]
    assert len(ping.headers["webhook-signature"].split()) == 2
    assert verify(fresh, ping)["type"] == "permitsuite.webhooks.Ping.v1"
    assert verify(endpoint["secret"], ping)


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
    sent = await steps(harness, "alpha", ["p1", "p2"], 2)
    await eventually(first_try.is_set, what="the first request")
    for task in list(dispatcher.busy.values()):
        task.cancel()  # the worker "dies" mid-round
    other = Dispatcher(
        harness.runtime.db,
        harness.clock,
        Sender(UrlRules(public_only=False), harness.clock, 5),
        harness.runtime_app.state.integrations.units,
    )
    await other.look()
    assert not other.busy  # still leased to the dead worker
    harness.clock.advance(dispatcher.lease + timedelta(seconds=1))
    await other.look()
    await eventually(lambda: len(hook.got) >= len(sent) + 1, what="the other worker sends")
    await asyncio.gather(*other.busy.values())
    await other.close()
    assert sorted(set(hook.delivered_ids())) == sorted(sent)
    assert per_permit(hook.delivered_ids()[1:]) == per_permit(sent)


async def test_public_only_refuses_inner_addresses(harness: Any) -> None:
    """In production, endpoints at loopback, private and link-local addresses
    are refused, named at the url field; plain http too."""
    harness.runtime_app.state.integrations.rules = UrlRules(public_only=True)
    for url in (
        "https://127.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://10.0.0.1/",
        "https://[::1]/",
        "https://localhost/hook",
        "http://gis.example.gov/hook",
    ):
        r = await harness.http.post(
            "/v1/jurisdictions/alpha/webhook-endpoints",
            json={"url": url},
            headers=harness.admin("alpha"),
        )
        assert r.status_code == 422, (url, r.text)
        assert "url" in r.text


async def test_a_redirect_is_not_followed(harness: Any, receivers: Any) -> None:
    """A 3xx is a failed delivery: a redirect cannot lead a delivery elsewhere
    (inside the installation, in production)."""
    inner = await receivers()

    async def away(_: Any) -> tuple[int, dict[str, str]]:
        return 302, {"location": inner.url}

    outer = await receivers(answer=away)
    endpoint = await harness.add_endpoint("alpha", outer.url)
    await steps(harness, "alpha", ["p1"], 1)
    await eventually(lambda: outer.got, what="the first try")
    await eventually(lambda: _settled(harness, endpoint["id"], 1), what="the try is written")
    assert inner.got == []
    [attempt] = await harness.log("alpha", endpoint["id"])
    assert (attempt["status"], attempt["delivered"]) == (302, False)


async def test_an_idle_endpoint_behind_its_feed_is_woken_at_start(
    harness: Any, receivers: Any
) -> None:
    """A wake lost to a crash (an event committed, the worker gone before it
    was told) is found when a worker starts: the endpoint is sent the rest."""
    hook = await receivers()
    endpoint = await harness.add_endpoint("alpha", hook.url)
    sent = await steps(harness, "alpha", ["p1"], 2)
    await eventually(lambda: len(hook.got) == 2, what="the first deliveries")
    await eventually(lambda: _settled(harness, endpoint["id"], 2), what="caught up")
    endpoints = harness.runtime.db["webhook_endpoints"]
    await endpoints.update_one({"_id": endpoint["id"]}, {"$set": {"cursor": 1}})  # lost wake
    dispatcher = harness.runtime_app.state.dispatcher
    assert await dispatcher.repair() == 1
    dispatcher.nudge()
    await eventually(lambda: len(hook.got) == 3, what="the rest sent")
    assert hook.delivered_ids()[2] == sent[1]
