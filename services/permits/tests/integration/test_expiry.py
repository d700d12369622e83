"""R-PER-5: 180 days without a passing inspection → EXPIRED (moved clock, no sleeping)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from permits.entrypoints.expiry_sweep import ExpirySweep

pytestmark = pytest.mark.integration


async def _issued(harness: Any) -> dict[str, Any]:
    admin = harness.token("alpha", "staff", roles=["admin"])
    permit = (
        await harness.http.post(
            "/v1/jurisdictions/alpha/permits", headers=admin, json=harness.application()
        )
    ).json()
    url = f"/v1/jurisdictions/alpha/permits/{permit['id']}/transitions"
    for version, to in enumerate(("IN_REVIEW", "PENDING_APPROVAL", "READY_TO_ISSUE", "ISSUED"), 1):
        r = await harness.http.post(url, headers=admin, json={"to": to, "version": version})
        assert r.status_code == 200, r.text
    return dict(r.json())


async def _status(harness: Any, permit_id: str) -> str:
    doc = await harness.app.runtime.db["permits"].find_one({"_id": permit_id})
    return str(doc["status"])


async def test_expires_at_day_180_not_179_and_warns_before(harness: Any) -> None:
    await harness.setup_type("alpha")
    permit = await _issued(harness)
    sweep: ExpirySweep = harness.app.runtime.extras["expiry_sweep"]
    start = harness.clock.now()
    harness.clock.set(start + timedelta(days=179))
    assert await sweep.sweep_once() == {"expired": 0, "warned": 1}
    assert await _status(harness, permit["id"]) == "ISSUED"
    harness.clock.set(start + timedelta(days=180))
    assert (await sweep.sweep_once())["expired"] == 1
    assert await _status(harness, permit["id"]) == "EXPIRED"
    outbox = harness.app.runtime.db["outbox"]
    assert (
        await outbox.count_documents({"event_type": "permitsuite.permits.PermitExpiring.v1"}) == 1
    )
    assert await outbox.count_documents({"event_type": "permitsuite.permits.PermitExpired.v1"}) == 1
    # staff reinstate (an extension): the clock starts again
    admin = harness.token("alpha", "staff", roles=["admin"])
    doc = await harness.app.runtime.db["permits"].find_one({"_id": permit["id"]})
    back = await harness.http.post(
        f"/v1/jurisdictions/alpha/permits/{permit['id']}/transitions",
        headers=admin,
        json={"to": "ISSUED", "version": doc["version"], "comment": "extension granted"},
    )
    assert back.status_code == 200
    assert (
        await outbox.count_documents({"event_type": "permitsuite.permits.PermitReinstated.v1"}) == 1
    )
    harness.clock.set(start + timedelta(days=359))
    assert (await sweep.sweep_once())["expired"] == 0


async def test_one_replica_sweeps_at_a_time(harness: Any) -> None:
    """A named lease: while one replica holds it, another sweeps nothing."""
    await harness.setup_type("alpha")
    app = harness.app
    first = ExpirySweep(app.runtime, app.units, notice_days=14, lease=timedelta(days=400))
    second = ExpirySweep(app.runtime, app.units, notice_days=14)
    assert await first.sweep_once() == {"expired": 0, "warned": 0}  # takes the lease
    await _issued(harness)
    harness.clock.advance(timedelta(days=181))
    assert await second.sweep_once() == {"expired": 0, "warned": 0}  # held by the first
    assert (await first.sweep_once())["expired"] == 1  # the holder renews and works
    await _issued(harness)
    harness.clock.advance(timedelta(days=401))  # the first replica is gone: its lease runs out
    assert (await second.sweep_once())["expired"] == 1
