"""Webhook rules (issue 26, item 2), pure: which URLs and addresses a
delivery may reach (SSRF), the back-off and when an endpoint is given up on,
which secrets sign during a rotation, and the Standard Webhooks headers."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from chassis.clock import ManualClock
from integrations.adapters.sender import Sender
from integrations.domain.signing import payload, signed_headers
from integrations.domain.webhooks import (
    GIVE_UP_AFTER,
    IDLE,
    LONGEST_WAIT,
    Outcome,
    UnsafeAddress,
    UrlRules,
    after_failure,
    check_addresses,
    check_url,
    new_secret,
    retry_delay,
    rotated,
    signing_secrets,
)

PUBLIC, EMBEDDED = UrlRules(public_only=True), UrlRules(public_only=False)
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.1/",
        "https://192.168.1.20:8443/x",
        "https://[::1]/",
        "https://[::ffff:127.0.0.1]/",
        "https://[fd00::1]/",
        "https://localhost/hook",
        "https://api.localhost/hook",
        "http://gis.example.gov/hook",  # plain http
        "ftp://gis.example.gov/",
        "https://user:pw@gis.example.gov/",
        "https:///nohost",
        "https://gis.example.gov:0/",
    ],
)
def test_production_refuses_inner_and_plain_urls(url: str) -> None:
    with pytest.raises(UnsafeAddress):
        check_url(url, PUBLIC)


def test_production_takes_https_at_a_public_name_or_address() -> None:
    for url in ("https://gis.example.gov/hook", "https://8.8.8.8/x", "https://[2001:4860::8888]/"):
        assert check_url(url, PUBLIC) == url


def test_the_embedded_stack_takes_loopback_http() -> None:
    assert check_url("http://127.0.0.1:8199/hook", EMBEDDED)
    with pytest.raises(UnsafeAddress):
        check_url("gopher://127.0.0.1/", EMBEDDED)


def test_a_name_resolving_to_any_inner_address_is_refused() -> None:
    """Checked at every delivery: a name that once resolved outside and now
    points in (DNS rebinding) is refused, even next to a public address."""
    check_addresses(["93.184.216.34", "2606:2800:220:1::1"], PUBLIC)
    for inner in (["127.0.0.1"], ["93.184.216.34", "10.1.2.3"], ["169.254.169.254"], ["::1"]):
        with pytest.raises(UnsafeAddress):
            check_addresses(inner, PUBLIC)
    with pytest.raises(UnsafeAddress):
        check_addresses([], PUBLIC)
    check_addresses(["127.0.0.1"], EMBEDDED)


async def test_the_sender_refuses_a_name_that_resolves_to_loopback() -> None:
    """``localhost`` resolves to loopback here: in production nothing is sent
    and the attempt says why."""
    sender = Sender(PUBLIC, ManualClock(NOW), 2)
    try:
        sent = await sender.send("https://localhost:9/hook", b"{}", {})
    finally:
        await sender.close()
    assert not sent.outcome.delivered and sent.outcome.status is None
    assert sent.outcome.error is not None and "refused" in sent.outcome.error


def test_back_off_doubles_with_jitter_up_to_an_hour() -> None:
    rng = random.Random(7)
    waits = [retry_delay(attempt, rng) for attempt in range(1, 16)]
    assert timedelta(seconds=2.5) <= waits[0] <= timedelta(seconds=5)
    assert timedelta(seconds=5) <= waits[1] <= timedelta(seconds=10)
    assert all(LONGEST_WAIT / 2 <= w <= LONGEST_WAIT for w in waits[11:])
    assert len({w for w in waits[11:]}) > 1  # jittered, not in step


def test_gone_disables_at_once_and_three_days_of_failure_give_up() -> None:
    rng = random.Random(1)
    gone = after_failure(Outcome(410), NOW, 1, NOW, rng)
    assert gone.disable and "410" in gone.disable and gone.due_at == IDLE
    retry = after_failure(Outcome(500), NOW - timedelta(days=2), 40, NOW, rng)
    assert retry.disable is None and NOW < retry.due_at <= NOW + LONGEST_WAIT
    done = after_failure(Outcome(None, "timed out"), NOW - GIVE_UP_AFTER, 60, NOW, rng)
    assert done.disable == "every delivery failed for 3 days"


def test_a_rotated_secret_signs_with_the_new_one_until_the_overlap_ends() -> None:
    old, fresh = new_secret(), new_secret()
    assert old.startswith("whsec_") and old != fresh
    held = rotated([{"secret": old, "until": None}], {"secret": fresh}, NOW, timedelta(hours=24))
    assert signing_secrets(held, NOW) == [fresh, old]
    assert signing_secrets(held, NOW + timedelta(hours=25)) == [fresh]
    later = NOW + timedelta(hours=1)
    again = rotated(held, {"secret": new_secret()}, later, timedelta(hours=24))
    assert fresh in signing_secrets(again, NOW + timedelta(hours=2))
    assert old not in signing_secrets(again, NOW + timedelta(hours=2))  # older ones go
    assert signing_secrets(rotated(held, {"secret": fresh}, NOW, timedelta(0)), NOW) == [fresh]


def test_headers_follow_standard_webhooks_and_verify_with_the_package() -> None:
    secret = new_secret()
    event = {"_id": "ev-1", "position": 3, "stored_at": NOW, "jurisdiction_id": "j", "type": "t"}
    body = payload(event)
    assert b"position" not in body and b"stored_at" not in body and b'"id":"ev-1"' in body
    headers = signed_headers("ev-1", body, [{"secret": secret, "until": None}], NOW)
    assert headers["webhook-id"] == "ev-1"
    assert headers["webhook-timestamp"] == str(int(NOW.timestamp()))
    expected = Webhook(secret).sign("ev-1", NOW, body.decode())
    assert headers["webhook-signature"] == expected and expected.startswith("v1,")
