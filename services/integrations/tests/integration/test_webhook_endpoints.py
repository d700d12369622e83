"""A jurisdiction's webhook endpoints as its admins manage them (issue 26,
item 2), through the real broker and database: an endpoint given up on (410
Gone at once, three days of failure) and its admins told; sending again one
event or everything since a time; a secret rotated with an overlap in which
both sign; in production no URL that reaches inside."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from devstack.testing import eventually

from contracts.identity import MembershipGranted
from integrations.domain.webhooks import UrlRules

pytestmark = pytest.mark.integration


def answering(status: int) -> Any:
    async def answer(_: Any) -> tuple[int, dict[str, str]]:
        return status, {}

    return answer


async def admins_known(harness: Any) -> None:
    """alpha has one admin (and a clerk, who is not told)."""
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
        return await db["processed_events"].count_documents({"_id": {"$regex": ":m-[12]$"}}) == 2

    await eventually(known, what="the memberships handled")


async def told(harness: Any) -> list[dict[str, Any]]:
    """What was published to tell admins of an endpoint disabled."""
    return [
        json.loads(doc["value"])
        async for doc in harness.runtime.db["outbox"].find(
            {"event_type": "permitsuite.integrations.WebhookEndpointDisabled.v1"}
        )
    ]


async def test_410_gone_disables_at_once_and_the_admins_are_told(
    harness: Any, receivers: Any
) -> None:
    """Switched on again, it resumes where it stopped, its back-off from the start."""
    await admins_known(harness)
    went = await receivers(answer=answering(410))
    endpoint = await harness.add_endpoint("alpha", went.url)
    await harness.steps("alpha", ["p1"], 2)
    await eventually(
        lambda: harness.state_is(endpoint["id"], "disabled"), what="410 disables the endpoint"
    )
    shown = await harness.endpoint("alpha", endpoint["id"])
    assert "410" in shown["health"]["disabled_reason"] and len(went.got) == 1
    [notice] = await told(harness)
    assert (notice["endpoint_id"], notice["notify_emails"]) == (
        endpoint["id"],
        ["admin@alpha.example"],
    )
    r = await harness.http.patch(
        f"/v1/jurisdictions/alpha/webhook-endpoints/{endpoint['id']}",
        json={"enabled": True},
        headers=harness.admin("alpha"),
    )
    assert r.status_code == 200 and r.json()["health"]["state"] == "healthy"


async def test_three_days_of_failure_disable_and_the_admins_are_told(
    harness: Any, receivers: Any
) -> None:
    """Tried again and again on the clock (two hours a step) until three
    days of failure; then disabled, once."""
    await admins_known(harness)
    dead = await receivers(answer=answering(503))
    endpoint = await harness.add_endpoint("alpha", dead.url)
    await harness.steps("alpha", ["p1"], 1)
    await eventually(lambda: dead.got, what="the first try")
    while not await harness.state_is(endpoint["id"], "disabled"):
        tries = len(dead.got)
        harness.clock.advance(timedelta(hours=2))
        await eventually(lambda t=tries: len(dead.got) > t, what="the next try")
        await eventually(
            lambda t=tries: harness.settled(endpoint["id"], t + 1), what="the try is written"
        )
    shown = await harness.endpoint("alpha", endpoint["id"])
    assert shown["health"]["disabled_reason"] == "every delivery failed for 3 days"
    assert 36 <= len(dead.got) <= 40  # one try in two hours, for three days
    assert [n["endpoint_id"] for n in await told(harness)] == [endpoint["id"]]


async def test_sending_again_one_event_or_everything_since(harness: Any, receivers: Any) -> None:
    hook = await receivers()
    endpoint = await harness.add_endpoint("alpha", hook.url)
    sent = await harness.steps("alpha", ["p1"], 3)
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
    await eventually(lambda: harness.settled(endpoint["id"], len(hook.got)), what="the log written")
    log = await harness.log("alpha", endpoint["id"])
    assert [x["manual"] for x in log] == [False, False, False, True, False, False, False]
    for body, field in (({"event_id": "nope"}, "event_id"), ({}, None)):
        r = await harness.http.post(url, json=body, headers=harness.admin("alpha"))
        assert r.status_code in (404, 422), r.text
        if field:
            assert field in r.text


async def _rotated(harness: Any, endpoint_id: str) -> str:
    """The endpoint's secret rotated with a day's overlap: the new secret."""
    r = await harness.http.post(
        f"/v1/jurisdictions/alpha/webhook-endpoints/{endpoint_id}/secret",
        json={"overlap_hours": 24},
        headers=harness.admin("alpha"),
    )
    assert r.status_code == 200, r.text
    return str(r.json()["secret"])


async def _pinged(harness: Any, endpoint_id: str) -> None:
    r = await harness.http.post(
        f"/v1/jurisdictions/alpha/webhook-endpoints/{endpoint_id}/ping",
        headers=harness.admin("alpha"),
    )
    assert r.status_code == 200 and r.json()["delivered"], r.text


async def test_rotation_signs_with_both_secrets_during_the_overlap(
    harness: Any, receivers: Any
) -> None:
    hook = await receivers()
    endpoint = await harness.add_endpoint("alpha", hook.url)
    fresh = await _rotated(harness, endpoint["id"])
    assert fresh != endpoint["secret"]
    await _pinged(harness, endpoint["id"])
    ping = hook.got[-1]
    assert len(ping.headers["webhook-signature"].split()) == 2
    assert ping.event["type"] == "permitsuite.webhooks.Ping.v1"
    assert harness.signed_by(fresh, ping) and harness.signed_by(endpoint["secret"], ping)


async def test_the_secrets_are_sealed_in_the_database(harness: Any, receivers: Any) -> None:
    """A copy of the database cannot sign as the suite: neither the secret
    shown at creation nor a rotated one is stored as it is, and both still
    sign (opened with INTEGRATIONS_SECRETS_KEY)."""
    hook = await receivers()
    endpoint = await harness.add_endpoint("alpha", hook.url)
    fresh = await _rotated(harness, endpoint["id"])
    stored = await harness.runtime.db["webhook_endpoints"].find_one({"_id": endpoint["id"]})
    assert stored is not None and len(stored["secrets"]) == 2
    assert all(set(item) == {"sealed", "until"} for item in stored["secrets"])
    for secret in (endpoint["secret"], fresh):
        assert secret not in str(stored) and secret.removeprefix("whsec_") not in str(stored)
    await _pinged(harness, endpoint["id"])
    ping = hook.got[-1]
    assert harness.signed_by(endpoint["secret"], ping) and harness.signed_by(fresh, ping)


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


async def test_an_endpoint_switched_off_is_sent_nothing_more(harness: Any, receivers: Any) -> None:
    hook = await receivers()
    endpoint = await harness.add_endpoint("alpha", hook.url)
    await harness.steps("alpha", ["p1"], 1)
    await eventually(lambda: len(hook.got) == 1, what="the first delivery")
    r = await harness.http.patch(
        f"/v1/jurisdictions/alpha/webhook-endpoints/{endpoint['id']}",
        json={"enabled": False},
        headers=harness.admin("alpha"),
    )
    assert r.status_code == 200 and r.json()["health"]["state"] == "disabled", r.text
    await eventually(lambda: harness.settled(endpoint["id"], 1), what="its worker let it go")
    await harness.publish(harness.permit_step("p1", "alpha", 1), "alpha-p1-1", "alpha")

    async def stored() -> bool:
        return await harness.runtime.db["feed_events"].count_documents({}) == 2

    await eventually(stored, what="the next event stored")
    doc = await harness.runtime.db["webhook_endpoints"].find_one({"_id": endpoint["id"]})
    assert doc["due_at"].year == 9999 and len(hook.got) == 1  # not woken, nothing sent
