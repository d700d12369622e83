"""An API client of the jurisdiction (issue 26, item 3) records inspection
results with the ``inspections:result`` scope and reads the day list with
``inspections:read``: each scope opens its routes only, and a client of
another jurisdiction finds nothing (404), as anyone would."""

from __future__ import annotations

from typing import Any

import pytest

from .test_scheduling import BASE, outbox, ready, req, submit

pytestmark = pytest.mark.integration
__all__ = ["ready"]  # the fixture, shared with the scheduling tests


def client(harness: Any, scope: str, jid: str = "alpha") -> dict[str, str]:
    return harness.token(jid, "client", subject=f"{jid}.c0ffee", scope=scope)


async def test_a_client_records_a_result_only_with_the_result_scope(ready: Any) -> None:
    item = (await submit(ready, ready.rich(), req("2026-11-18"))).json()["items"][0]
    url = f"{BASE}/inspections/{item['id']}/result"
    reader = client(ready, "inspections:read")
    refused = await ready.http.post(url, headers=reader, json={"result": "pass"})
    assert refused.status_code == 403 and refused.json()["scope"] == "inspections:result"
    elsewhere = client(ready, "inspections:result", jid="beta")
    missing = await ready.http.post(
        f"/v1/jurisdictions/beta/inspections/{item['id']}/result",
        headers=elsewhere,
        json={"result": "pass"},
    )
    assert missing.status_code == 404
    across = await ready.http.post(url, headers=elsewhere, json={"result": "pass"})
    assert across.status_code == 404
    done = await ready.http.post(
        url, headers=client(ready, "inspections:result"), json={"result": "pass"}
    )
    assert done.status_code == 200 and done.json()["status"] == "RESULTED"
    resulted = await outbox(ready, "InspectionResulted")
    assert [e["result"] for e in resulted] == ["pass"]


async def test_a_client_reads_the_day_list_with_the_read_scope(ready: Any) -> None:
    await submit(ready, ready.rich(), req("2026-11-18"))
    day = {"date": "2026-11-18"}
    read = await ready.http.get(
        f"{BASE}/inspection-search", params=day, headers=client(ready, "inspections:read")
    )
    assert read.status_code == 200 and read.json()["total"] == 1
    lacking = await ready.http.get(
        f"{BASE}/inspection-search", params=day, headers=client(ready, "events:read")
    )
    assert lacking.status_code == 403
    booking = await ready.http.post(
        f"{BASE}/inspections",
        headers=client(ready, "inspections:read inspections:result"),
        json={"requests": [req("2026-11-19")]},
    )
    assert booking.status_code == 403 and "people" in booking.json()["detail"]
