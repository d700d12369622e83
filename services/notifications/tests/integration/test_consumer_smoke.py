"""Notifications' consumer through the real broker: one email per event, also
when the event is delivered twice."""

from __future__ import annotations

import pytest
from devstack.testing import eventually

from chassis.app import ServiceRuntime
from chassis.metrics import EVENTS_CONSUMED
from contracts.identity import EmailVerificationRequested
from permitsuite_embedded.mailsink import MailStore, SmtpSink

from .conftest import event_envelope, publish

pytestmark = pytest.mark.integration


@pytest.fixture
def notifications_role() -> str:
    return "all"


async def test_one_email_per_event_even_when_delivered_twice(
    notifications: ServiceRuntime, smtp_port: int
) -> None:
    duplicates = EVENTS_CONSUMED.labels(
        "notifications",
        "notifications.identity",
        EmailVerificationRequested.event_type,
        "duplicate",
    )
    seen_before = duplicates._value.get()
    store = MailStore()
    with SmtpSink(store, "127.0.0.1", smtp_port):
        env = event_envelope("evt-1", "pat@example.org")
        await publish(notifications, env)
        await publish(notifications, env)  # redelivery
        await publish(notifications, event_envelope("evt-2", "sam@example.org"))
        # both mails, in whatever order the batch sends them, and evt-1 marked
        # sent, while the SMTP server is still up
        for to in ("pat@example.org", "sam@example.org"):
            await eventually(lambda to=to: any(m["to"] == [to] for m in store.all()))

        async def sent() -> bool:
            delivery = await notifications.db["deliveries"].find_one({"_id": "evt-1"})
            return delivery is not None and delivery["status"] == "sent"

        await eventually(sent, what="evt-1's delivery marked sent")
        # the redelivery has been handled (as a duplicate) before we count mail
        await eventually(lambda: duplicates._value.get() == seen_before + 1)
    pat = [m for m in store.all() if m["to"] == ["pat@example.org"]]
    assert len(pat) == 1
    assert pat[0]["subject"] == "Confirm your email for Alpha County"
    assert pat[0]["links"] == [
        "http://gateway.test/enrollments/alpha.secret-token-value-1234567890"
    ]
    delivery = await notifications.db["deliveries"].find_one({"_id": "evt-1"})
    assert delivery is not None and delivery["jurisdiction_id"] == "alpha"
