"""Notifications against the real database and an SMTP server (aiosmtpd).

Events reach its consumers through ``chassis.testing.delivery.deliver`` (the
consumer's own code path, without the broker's group joins); the smoke test
in ``test_consumer_smoke.py`` goes through the real broker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from asgi_lifespan import LifespanManager
from devstack.processes import free_port
from devstack.testing import TestScope

from chassis.app import ServiceRuntime
from chassis.clock import ManualClock
from chassis.testing.delivery import deliver
from contracts import Envelope
from contracts.identity import EmailVerificationRequested
from notifications.bootstrap import create_app
from notifications.settings import NotificationsSettings


def event_envelope(event_id: str, email: str) -> Envelope:
    event = EmailVerificationRequested(
        enrollment_id=f"enr-{event_id}",
        jurisdiction_id="alpha",
        jurisdiction_name="Alpha County",
        email=email,
        kind="community_member",
        token="alpha.secret-token-value-1234567890",
        expires_at=datetime(2026, 1, 2, tzinfo=UTC),
    )
    return Envelope(
        id=event_id,
        source="/permitsuite/identity",
        type=event.event_type,
        time=datetime(2026, 1, 1, tzinfo=UTC),
        subject=event.subject(),
        jurisdiction="alpha",
        correlationid="corr-1",
        data=event.model_dump(mode="json"),
    )


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def notifications_role() -> str:
    return "api"


@pytest.fixture
async def notifications(
    scope: TestScope, manual_clock: ManualClock, smtp_port: int, notifications_role: str
) -> AsyncIterator[ServiceRuntime]:
    await scope.create_topics()
    settings = NotificationsSettings(
        **scope.settings_kwargs(
            "notifications",
            smtp_port=smtp_port,
            smtp_timeout_seconds=2,
            public_base_url="http://gateway.test",
            delivery_sweep_interval_seconds=3600,
            role=notifications_role,
        )
    )
    app = create_app(settings, manual_clock)
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30):
        yield app.state.runtime
        await app.state.runtime.client.drop_database(settings.database_name())


async def publish(rt: ServiceRuntime, env: Envelope, topic: str = "identity.events") -> None:
    """Through the broker when the consumers run (the smoke test), else straight
    into their code path."""
    if rt.settings.role == "api":
        await deliver(rt, env, topic)
        return
    await rt.publisher.publish_record(
        topic, env.kafka_key(), env.kafka_value(), env.kafka_headers(), path="test"
    )
