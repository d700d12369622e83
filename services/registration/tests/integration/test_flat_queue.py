"""Reads stay flat (issue 14): the review queue among thousands of decided
registrations. The tests run the guard in refuse mode (an unflat read is a
500); a queue of decided registrations needs a submission window (422)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

pytestmark = pytest.mark.integration

HISTORY = 3000  # decided registrations of other companies


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_the_review_queue_stays_flat_among_thousands(harness: Any) -> None:
    staff = await harness.jurisdiction("alpha")
    rid, me = await harness.open_draft("alpha", "sam@sparky.example.org")
    await harness.complete_draft(rid, me)
    submitted = await harness.http.post(
        f"/v1/registrations/{rid}/submit", headers=me, json={"password": "sam sparks passphrase"}
    )
    assert submitted.status_code == 200, submitted.text
    registrations = harness.reg.runtime.db["registrations"]
    model = await registrations.find_one({"_id": rid})
    assert model is not None and model.get("submitted_at")
    copies = [
        {
            **model,
            "_id": f"hist-{n}",
            "email": f"person{n}@example.org",
            "draft_token_hash": f"hist-{n}",
            "account_id": f"acct-{n}",
            "company_name": f"Company {n}",
            "status": ("accepted", "denied")[n % 2],
            "submitted_at": model["submitted_at"] - timedelta(hours=6 * (n + 1)),
        }
        for n in range(HISTORY)
    ]
    for at in range(0, HISTORY, 500):
        await registrations.insert_many(copies[at : at + 500])

    base = "/v1/jurisdictions/alpha/registrations"
    pending = await harness.http.get(base, headers=auth(staff))
    assert pending.status_code == 200, pending.text
    assert [i["id"] for i in pending.json()["items"]] == [rid]
    assert pending.json()["total"] == 1
    by_trade = await harness.http.get(
        f"{base}?status=pending_validation&trade=General", headers=auth(staff)
    )
    assert [i["id"] for i in by_trade.json()["items"]] == [rid]
    since = (model["submitted_at"] - timedelta(days=7)).isoformat()
    week = await harness.http.get(
        base, headers=auth(staff), params={"status": "accepted", "submitted_from": since}
    )
    assert week.status_code == 200, week.text
    assert week.json()["total"] == 14  # a week of accepted ones, one every 12 hours
    unbounded = await harness.http.get(f"{base}?status=denied", headers=auth(staff))
    assert unbounded.status_code == 422
    assert unbounded.json()["errors"][0]["field"] == "submitted_from"
