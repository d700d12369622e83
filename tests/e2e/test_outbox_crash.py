"""Outbox under a crash: the identity process dies after its transaction
commits and before it publishes; after a restart the event is published."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import pytest
from devstack.testing import read_records

pytestmark = pytest.mark.e2e


def test_event_committed_before_a_crash_is_published_after_restart(suite: Any) -> None:
    suite.create_operator()
    op = suite.operator_token()
    r = httpx.post(
        f"{suite.url}/v1/jurisdictions",
        json={"id": "crashville", "name": "Crashville", "time_zone": "UTC"},
        headers={"Authorization": f"Bearer {op}"},
    )
    assert r.status_code == 201

    suite.identity.stop()
    suite.identity.start(extra_env={"PERMITSUITE_FAILPOINTS": "after_commit_before_publish"})
    # the request is answered before its work (no account enumeration by
    # timing, chassis.deferred); the work then commits and the process dies
    # before publishing
    r = httpx.post(
        f"{suite.identity.url}/v1/jurisdictions/crashville/enrollments",
        json={"email": "c@example.org"},
    )
    assert r.status_code == 202
    assert suite.identity.wait_exit() == 137

    topic = suite.scope.topic("identity.events")
    bootstrap = suite.scope.infra.kafka_bootstrap

    def verification_events() -> list[dict[str, Any]]:
        records = asyncio.run(read_records(bootstrap, topic, count=10_000, timeout=2))
        return [
            json.loads(r.value)
            for r in records
            if dict(r.headers)["ce_type"] == b"permitsuite.identity.EmailVerificationRequested.v1"
        ]

    assert verification_events() == []  # committed, not published

    suite.identity.start()  # the relay finds the pending outbox document
    found: list[dict[str, Any]] = []
    end = time.monotonic() + 30
    while time.monotonic() < end and not found:
        found = verification_events()
    assert [e["email"] for e in found] == ["c@example.org"]
