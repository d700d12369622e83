"""Notifications sends its emails from other services' events: retries,
branding, receipts and refunds, local times (R-NOT)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from devstack.testing import eventually

from chassis.app import ServiceRuntime
from chassis.clock import ManualClock
from chassis.metrics import EMAILS_SENT, EVENTS_CONSUMED
from contracts import Envelope
from contracts.inspections import InspectionScheduled
from contracts.payments import Allocation, PaymentRefunded, PaymentSettled
from permitsuite_embedded.mailsink import MailStore, SmtpSink

from .conftest import event_envelope, publish

pytestmark = pytest.mark.integration


async def test_smtp_outage_is_retried_by_the_sweep(
    notifications: ServiceRuntime, smtp_port: int, manual_clock: ManualClock
) -> None:
    """Nothing acknowledged is lost: a failed send stays pending and is resent;
    the operator's email alert counts both (permitsuite_emails_total)."""
    retried_before = EMAILS_SENT.labels("notifications", "retried")._value.get()
    sent_before = EMAILS_SENT.labels("notifications", "sent")._value.get()
    await publish(notifications, event_envelope("evt-9", "late@example.org"))
    deliveries = notifications.db["deliveries"]

    async def recorded_and_failed() -> bool:
        doc = await deliveries.find_one({"_id": "evt-9"})
        return doc is not None and doc["attempts"] >= 1 and doc["last_error"] is not None

    await eventually(recorded_and_failed)
    assert (await deliveries.find_one({"_id": "evt-9"}) or {})["status"] == "pending"

    worker = notifications.extras["delivery_worker"]
    store = MailStore()
    with SmtpSink(store, "127.0.0.1", smtp_port):
        assert await worker.sweep_once() == 0  # still inside the retry lease
        manual_clock.advance(timedelta(seconds=31))
        assert await worker.sweep_once() == 1
    assert [m["to"] for m in store.all()] == [["late@example.org"]]
    assert (await deliveries.find_one({"_id": "evt-9"}) or {})["status"] == "sent"
    assert EMAILS_SENT.labels("notifications", "retried")._value.get() >= retried_before + 1
    assert EMAILS_SENT.labels("notifications", "sent")._value.get() >= sent_before + 1


async def test_invitation_uses_the_jurisdictions_branding(
    notifications: ServiceRuntime, smtp_port: int
) -> None:
    """Branding travels in JurisdictionCreated; the invitation email uses it."""
    from contracts.identity import Branding, InvitationIssued, JurisdictionCreated

    created = JurisdictionCreated(
        jurisdiction_id="alpha",
        name="Alpha County",
        time_zone="America/Boise",
        branding=Branding(
            display_name="Alpha Building Division", from_address="permits@alpha.example.org"
        ),
    )
    invited = InvitationIssued(
        invitation_id="inv-1",
        jurisdiction_id="alpha",
        jurisdiction_name="Alpha County",
        email="tess@example.org",
        kind="staff",
        roles=["permit_technician"],
        token="alpha.invitation-token-1234567890",
        expires_at=datetime(2026, 1, 9, 17, tzinfo=UTC),
    )
    store = MailStore()
    with SmtpSink(store, "127.0.0.1", smtp_port):
        for event_id, event in (("j-1", created), ("i-1", invited)):
            env = Envelope(
                id=event_id,
                source="/permitsuite/identity",
                type=event.event_type,
                time=datetime(2026, 1, 1, tzinfo=UTC),
                subject=event.subject(),
                jurisdiction="alpha",
                correlationid="c",
                data=event.model_dump(mode="json"),
            )
            # the same key keeps the two in order on one partition
            await publish(notifications, env)
        await eventually(lambda: len(store.all()) == 1)
    [mail] = store.all()
    assert mail["from"] == "permits@alpha.example.org"
    assert mail["subject"] == "You are invited to Alpha Building Division's online permitting"
    assert "with the role permit technician" in mail["text"]
    assert "January 9, 2026 at 10:00 AM MST" in mail["text"]
    assert mail["links"] == ["http://gateway.test/invitations/alpha.invitation-token-1234567890"]


def _payments_envelope(event_id: str, event: Any) -> Envelope:
    return Envelope(
        id=event_id,
        source="/permitsuite/payments",
        type=event.event_type,
        time=datetime(2026, 1, 1, tzinfo=UTC),
        subject=event.subject(),
        jurisdiction="alpha",
        correlationid="corr-2",
        data=event.model_dump(mode="json"),
    )


async def test_receipt_and_automatic_refund_tell_both_payers(
    notifications: ServiceRuntime, smtp_port: int
) -> None:
    """R-PAY-5: the receipt goes to the payer; a double charge refunded
    automatically tells the refunded payer and the one whose payment stands —
    each once, although the event is delivered twice."""
    settled = PaymentSettled(
        payment_id="pay_1",
        jurisdiction_id="alpha",
        allocations=[
            Allocation(permit_id="p1", number="RES16-0688", line_ids=["l1"], amount_minor=102398)
        ],
        settled_at=datetime(2026, 1, 1, tzinfo=UTC),
        receipt_number="R2026-000001",
        method="card",
        fees_minor=102398,
        convenience_fee_minor=3072,
        convenience_fee_label="Access Idaho Fee",
        total_minor=105470,
        payer_email="pat@example.org",
    )
    refunded = PaymentRefunded(
        payment_id="pay_2",
        jurisdiction_id="alpha",
        refunded_at=datetime(2026, 1, 1, tzinfo=UTC),
        amount_minor=105470,
        reason="the fees of RES16-0688 were paid by another payment",
        automatic=True,
        permit_numbers=["RES16-0688"],
        payer_email="rich@example.org",
        other_payer_email="pat@example.org",
    )
    duplicates = EVENTS_CONSUMED.labels(
        "notifications", "notifications.payments", PaymentRefunded.event_type, "duplicate"
    )
    seen_before = duplicates._value.get()
    store = MailStore()
    with SmtpSink(store, "127.0.0.1", smtp_port):
        for env in (
            _payments_envelope("evt-p1", settled),
            _payments_envelope("evt-p2", refunded),
            _payments_envelope("evt-p2", refunded),  # redelivered
        ):
            await publish(notifications, env, "payments.events")
        await eventually(lambda: len(store.all()) >= 3)
        deliveries = notifications.db["deliveries"]

        async def handled_all() -> bool:
            return await deliveries.count_documents({"status": "sent"}) == 3

        await eventually(handled_all)
        await eventually(lambda: duplicates._value.get() == seen_before + 1)
    mail = {(m["to"][0], m["subject"]) for m in store.all()}
    assert len(store.all()) == 3
    assert mail == {
        ("pat@example.org", "Receipt R2026-000001: $1,054.70 paid to alpha"),
        ("rich@example.org", "alpha refunded $1,054.70"),
        ("pat@example.org", "Your payment to alpha stands; a duplicate was refunded"),
    }


async def test_inspection_scheduled_email_shows_the_local_cancel_cutoff(
    notifications: ServiceRuntime, smtp_port: int
) -> None:
    """R-NOT / R-INS-5: the requester and the permit's parties are told, with
    the cancellation cut-off in the jurisdiction's time zone."""
    event = InspectionScheduled(
        inspection_id="ins_1",
        jurisdiction_id="alpha",
        permit_id="p1",
        inspection_type="BUILDING FINAL",
        number="BRES2018-0000",
        address="17575 Peak Ave",
        date=date(2026, 11, 18),
        requested_by="acc-rich",
        cancel_until=datetime(2026, 11, 18, 13, 0, tzinfo=UTC),
        notify_emails=["rich@example.org", "pat@example.org"],
    )
    mail = await _one_mail(notifications, smtp_port, event, "evt-i1")
    assert sorted(mail["to"]) == ["pat@example.org", "rich@example.org"]
    assert mail["subject"] == "BUILDING FINAL inspection scheduled for 11/18/2026 (BRES2018-0000)"


async def test_a_disabled_webhook_endpoint_is_told_to_the_jurisdictions_admins(
    notifications: ServiceRuntime, smtp_port: int
) -> None:
    """Issue 26: an endpoint disabled after three days of failure (or a 410)
    is emailed to the jurisdiction's admins, with what to do about it."""
    from contracts.integrations import WebhookEndpointDisabled

    event = WebhookEndpointDisabled(
        endpoint_id="e1",
        jurisdiction_id="alpha",
        url="https://gis.example.gov/hook",
        description="County GIS",
        reason="every delivery failed for 3 days",
        disabled_at=datetime(2026, 3, 4, 18, tzinfo=UTC),
        notify_emails=["admin@alpha.example", "deputy@alpha.example"],
    )
    mail = await _one_mail(notifications, smtp_port, event, "evt-w1")
    assert sorted(mail["to"]) == ["admin@alpha.example", "deputy@alpha.example"]
    assert mail["subject"] == "A webhook endpoint was disabled: County GIS"
    assert "every delivery failed for 3 days" in mail["text"] and '"enabled": true' in mail["text"]


async def _one_mail(
    notifications: ServiceRuntime, smtp_port: int, event: Any, event_id: str
) -> dict[str, Any]:
    """The one mail ``event`` (of alpha, through its topic) makes."""
    store = MailStore()
    with SmtpSink(store, "127.0.0.1", smtp_port):
        env = Envelope(
            id=event_id,
            source="/permitsuite/test",
            type=event.event_type,
            time=datetime(2026, 1, 1, tzinfo=UTC),
            subject=event.subject(),
            jurisdiction="alpha",
            correlationid=f"corr-{event_id}",
            data=event.model_dump(mode="json"),
        )
        await publish(notifications, env, event.topic)
        await eventually(lambda: len(store.all()) == 1)
    [mail] = store.all()
    return dict(mail)
