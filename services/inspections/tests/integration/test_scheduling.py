"""The inspection calendar, scheduling, cancelling and results against the
real database and broker (R-INS-1 … R-INS-7)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from contracts.payments import Allocation, PaymentSettled
from contracts.permits import (
    FeeAssessed,
    FeeLine,
    Party,
    PermitExpired,
    PermitStatusChanged,
    SiteAddress,
)

pytestmark = pytest.mark.integration
DENVER = ZoneInfo("America/Denver")
BASE = "/v1/jurisdictions/alpha"


def at_denver(y: int, m: int, d: int, hh: int, mm: int) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=DENVER).astimezone(UTC)


async def dates(
    harness: Any, who: dict[str, str], permit: str = "p1", kind: str = "BUILDING FINAL"
) -> Any:
    return await harness.http.get(
        f"{BASE}/inspection-dates", params={"permit_id": permit, "type": kind}, headers=who
    )


async def submit(
    harness: Any, who: dict[str, str], *requests: dict[str, Any], key: str | None = None
) -> Any:
    headers = {**who, **({"Idempotency-Key": key} if key else {})}
    return await harness.http.post(
        f"{BASE}/inspections", headers=headers, json={"requests": list(requests)}
    )


def req(day: str, kind: str = "BUILDING FINAL", permit: str = "p1", **kw: Any) -> dict[str, Any]:
    return {"permit_id": permit, "inspection_type": kind, "date": day, **kw}


async def outbox(harness: Any, name: str) -> list[dict[str, Any]]:
    cursor = harness.runtime.db["outbox"].find({"event_type": f"permitsuite.inspections.{name}.v1"})
    return [json.loads(d["value"]) async for d in cursor]


@pytest.fixture
async def ready(harness: Any) -> Any:
    harness.clock.set(at_denver(2026, 11, 17, 10, 0))  # a Tuesday morning in Denver
    await harness.jurisdiction("alpha", "America/Denver")
    await harness.issue("p1", "BRES2026-0001")
    return harness


async def test_next_day_cutoff_1559_vs_1600_local(ready: Any) -> None:
    """R-INS-2 through the API, in the jurisdiction's zone (from identity's event)."""
    ready.clock.set(at_denver(2026, 11, 17, 15, 59))
    r = await dates(ready, ready.rich())
    assert r.status_code == 200, r.text
    assert r.json()["time_zone"] == "America/Denver"
    assert r.json()["dates"][0] == "2026-11-18"
    ready.clock.set(at_denver(2026, 11, 17, 16, 0))
    assert (await dates(ready, ready.rich())).json()["dates"][0] == "2026-11-19"


async def test_weekends_and_configured_holidays_are_not_offered(ready: Any) -> None:
    await ready.configure(holidays=["2026-11-26", "2026-11-27"])
    offered = (await dates(ready, ready.rich())).json()["dates"]
    assert "2026-11-21" not in offered and "2026-11-22" not in offered  # weekend
    assert "2026-11-26" not in offered and "2026-11-27" not in offered  # holidays
    assert offered[:4] == ["2026-11-18", "2026-11-19", "2026-11-20", "2026-11-23"]


async def test_two_at_once_and_all_or_nothing(ready: Any) -> None:
    """R-INS-4: both are scheduled, or — when one date is not offered — neither."""
    rich = ready.rich()
    bad = await submit(ready, rich, req("2026-11-18"), req("2026-11-21", "ADDRESSING"))
    assert bad.status_code == 409
    assert "2026-11-21" in bad.json()["detail"] and bad.json()["date"] == "2026-11-21"
    assert await ready.runtime.db["inspections"].count_documents({}) == 0
    assert await outbox(ready, "InspectionScheduled") == []

    ok = await submit(
        ready, rich, req("2026-11-18", ampm="AM", note="gate 1234"), req("2026-11-19", "ADDRESSING")
    )
    assert ok.status_code == 201, ok.text
    items = ok.json()["items"]
    assert [(i["inspection"], i["date"], i["status"]) for i in items] == [
        ("BUILDING FINAL", "2026-11-18", "SCHEDULED"),
        ("ADDRESSING", "2026-11-19", "SCHEDULED"),
    ]
    assert items[0]["record_no"] == "BRES2026-0001" and items[0]["cancellable"] is True
    events = await outbox(ready, "InspectionScheduled")
    assert len(events) == 2 and events[0]["cancel_until"] == "2026-11-18T13:00:00Z"
    assert set(events[0]["notify_emails"]) == {"rich@example.org", "pat@example.org"}
    again = await submit(ready, rich, req("2026-11-20"))
    assert again.status_code == 409 and again.json()["type"].endswith("already-scheduled")


async def test_a_date_that_is_not_offered_is_refused(ready: Any) -> None:
    for day in ("2026-11-17", "2026-11-22", "2027-01-29"):  # today, Sunday, past horizon
        r = await submit(ready, ready.rich(), req(day))
        assert r.status_code == 409 and r.json()["type"].endswith("date-unavailable"), day


async def test_cancel_until_0600_local_on_the_day(ready: Any) -> None:
    """R-INS-5: 05:59 on the day → cancelled; 06:00 → 409 naming the cut-off;
    staff may still cancel."""
    rich = ready.rich()
    first, second = (
        await submit(ready, rich, req("2026-11-18"), req("2026-11-18", "ADDRESSING"))
    ).json()["items"]
    ready.clock.set(at_denver(2026, 11, 18, 5, 59))
    rich = ready.rich()
    r = await ready.http.post(f"{BASE}/inspections/{first['id']}/cancel", headers=rich, json={})
    assert r.status_code == 200 and r.json()["status"] == "CANCELLED"
    ready.clock.set(at_denver(2026, 11, 18, 6, 0))
    rich = ready.rich()
    late = await ready.http.post(f"{BASE}/inspections/{second['id']}/cancel", headers=rich, json={})
    assert late.status_code == 409
    assert "06:00" in late.json()["detail"] and "America/Denver" in late.json()["detail"]
    mine = (await ready.http.get(f"{BASE}/my-inspections", headers=rich)).json()["items"]
    assert [(i["id"], i["cancellable"]) for i in mine] == [(second["id"], False)]
    staff = ready.token("alpha", "staff", roles=["admin"])
    r = await ready.http.post(
        f"{BASE}/inspections/{second['id']}/cancel", headers=staff, json={"reason": "rain"}
    )
    assert r.status_code == 200
    assert len(await outbox(ready, "InspectionCancelled")) == 2


async def test_cancel_cutoff_in_another_zone_and_across_dst(harness: Any) -> None:
    """New York, the Monday after DST ends: 06:00 EST is 11:00 UTC."""
    harness.clock.set(datetime(2026, 10, 30, 14, 0, tzinfo=UTC))  # Friday
    await harness.jurisdiction("alpha", "America/New_York")
    await harness.issue("p1", "BRES2026-0001")
    r = await submit(harness, harness.rich(), req("2026-11-02"))
    assert r.status_code == 201, r.text
    assert r.json()["items"][0]["cancel_until"] == "2026-11-02T11:00:00Z"


async def test_capacity_holds_under_20_concurrent_submits(ready: Any) -> None:
    await ready.configure(capacity={"BUILDING FINAL": 3})
    for n in range(2, 21):
        await ready.issue(f"p{n}", f"BRES2026-{n:04d}")
    results = await asyncio.gather(
        *(submit(ready, ready.rich(), req("2026-11-18", permit=f"p{n}")) for n in range(1, 21))
    )
    codes = sorted(r.status_code for r in results)
    assert codes == [201] * 3 + [409] * 17, [
        r.text for r in results if r.status_code not in (201, 409)
    ]
    assert await ready.runtime.db["inspections"].count_documents({"date": "2026-11-18"}) == 3
    slot = await ready.runtime.db["slots"].find_one({"_id": "alpha:BUILDING FINAL:2026-11-18"})
    assert slot["count"] == 3
    offered = (await dates(ready, ready.rich(), "p20")).json()["dates"]
    assert "2026-11-18" not in offered  # full


async def test_fees_due_block_when_configured(ready: Any) -> None:
    await ready.configure(block_when_fees_due=True)
    fee = FeeAssessed(
        permit_id="p1",
        jurisdiction_id="alpha",
        number="BRES2026-0001",
        type_name="RESIDENTIAL",
        site=SiteAddress(street="17575 Peak Ave"),
        lines=[FeeLine(line_id="l1", name="REINSPECTION", amount_minor=5000)],
        balance_minor=5000,
        version=10,
    )
    await ready.publish(fee, "fa-1")
    await ready.wait_for("permits", {"_id": "p1", "open_lines": "l1"})
    blocked = await submit(ready, ready.rich(), req("2026-11-18"))
    assert blocked.status_code == 409 and blocked.json()["type"].endswith("fees-due")
    paid = PaymentSettled(
        payment_id="pay_1",
        jurisdiction_id="alpha",
        allocations=[Allocation(permit_id="p1", line_ids=["l1"], amount_minor=5000)],
        settled_at=ready.clock.now(),
    )
    await ready.publish(paid, "ps-1")
    await ready.wait_for("permits", {"_id": "p1", "open_lines": []})
    assert (await submit(ready, ready.rich(), req("2026-11-18"))).status_code == 201


async def test_results_and_a_failed_inspection_requested_again(ready: Any) -> None:
    """R-INS-6: inspector results; a fail lists corrections; InspectionResulted."""
    rich = ready.rich()
    item = (await submit(ready, rich, req("2026-11-18"))).json()["items"][0]
    url = f"{BASE}/inspections/{item['id']}/result"
    # the requester sees the inspection but may not result it (403); whoever may
    # not see it gets 404, as for an inspection that does not exist
    assert (await ready.http.post(url, headers=rich, json={"result": "pass"})).status_code == 403
    stranger = ready.token("alpha", "community_member", email="sam@example.org")
    assert (
        await ready.http.post(url, headers=stranger, json={"result": "pass"})
    ).status_code == 404
    no_corrections = await ready.http.post(url, headers=ready.inspector(), json={"result": "fail"})
    assert no_corrections.status_code == 422
    r = await ready.http.post(
        url,
        headers=ready.inspector(),
        json={"result": "fail", "comments": "see list", "corrections": ["strap water heater"]},
    )
    assert r.status_code == 200 and r.json()["status"] == "RESULTED"
    again = await submit(ready, ready.rich(), req("2026-11-19"))
    assert again.status_code == 201
    r = await ready.http.post(
        f"{BASE}/inspections/{again.json()['items'][0]['id']}/result",
        headers=ready.inspector(),
        json={"result": "pass"},
    )
    assert r.status_code == 200
    results = await outbox(ready, "InspectionResulted")
    assert [e["result"] for e in results] == ["fail", "pass"]
    assert results[0]["corrections"] == ["strap water heater"]
    history = (await ready.http.get(f"{BASE}/inspections/{item['id']}", headers=rich)).json()
    assert [h["what"] for h in history["history"]] == ["scheduled", "resulted: fail"]
    # the permit's page lists every inspection with its result, not only the scheduled
    listed = await ready.http.get(f"{BASE}/inspections", params={"permit_id": "p1"}, headers=rich)
    assert listed.status_code == 200, listed.text
    assert [
        (i["date"], i["status"], i["result"], i["corrections"]) for i in listed.json()["items"]
    ] == [
        ("2026-11-18", "RESULTED", "fail", ["strap water heater"]),
        ("2026-11-19", "RESULTED", "pass", []),
    ]


async def test_my_results_openings_and_a_requester_reschedule(ready: Any) -> None:
    """Issue 23: the Inspections menu lists past results with their
    corrections (R-INS-6), each offered day says how many it can still take
    (R-INS-2), and the requester moves an inspection to an offered day."""
    await ready.http.put(
        f"{BASE}/inspection-settings",
        headers=ready.token("alpha", "staff", roles=["admin"]),
        json={"capacity": {"BUILDING FINAL": 2}},
    )
    offered = (await dates(ready, ready.rich())).json()
    assert offered["openings"][0] == {"date": "2026-11-18", "left": 2}
    rich = ready.rich()
    failed, later = [
        (await submit(ready, rich, req(day, kind))).json()["items"][0]
        for day, kind in (("2026-11-18", "BUILDING FINAL"), ("2026-11-19", "ADDRESSING"))
    ]
    assert (await dates(ready, rich)).json()["openings"][0] == {"date": "2026-11-18", "left": 1}
    await ready.http.post(
        f"{BASE}/inspections/{failed['id']}/result",
        headers=ready.inspector(),
        json={"result": "fail", "corrections": ["strap water heater"]},
    )
    mine = f"{BASE}/my-inspections"
    results = (await ready.http.get(mine, params={"which": "results"}, headers=rich)).json()
    assert [(i["id"], i["result"], i["corrections"]) for i in results["items"]] == [
        (failed["id"], "fail", ["strap water heater"])
    ]
    active = (await ready.http.get(mine, headers=rich)).json()
    assert [i["id"] for i in active["items"]] == [later["id"]]
    moved = await ready.http.post(
        f"{BASE}/inspections/{later['id']}/reschedule", headers=rich, json={"date": "2026-11-23"}
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["date"] == "2026-11-23"
    stranger = ready.token("alpha", "community_member", email="sam@example.org")
    hidden = await ready.http.post(
        f"{BASE}/inspections/{later['id']}/reschedule",
        headers=stranger,
        json={"date": "2026-11-24"},
    )
    assert hidden.status_code == 404
    assert (await ready.http.get(mine, params={"which": "results"}, headers=stranger)).json()[
        "total"
    ] == 0


async def test_a_permits_inspections_are_public_without_anything_personal(ready: Any) -> None:
    """Issue 23: a public permit page lists its inspections with their results,
    without a login: type, date, status, result — no note, requester or corrections."""
    made = await submit(ready, ready.rich(), req("2026-11-18", note="gate code 4411"))
    item = made.json()["items"][0]
    await ready.http.post(
        f"{BASE}/inspections/{item['id']}/result",
        headers=ready.inspector(),
        json={"result": "fail", "corrections": ["strap water heater"]},
    )
    public = await ready.http.get(f"{BASE}/public-inspections", params={"permit_id": "p1"})
    assert public.status_code == 200, public.text
    assert public.json() == [
        {
            "inspection": "BUILDING FINAL",
            "date": "2026-11-18",
            "status": "RESULTED",
            "result": "fail",
        }
    ]
    assert "4411" not in public.text and "water heater" not in public.text
    beta = await ready.http.get(
        "/v1/jurisdictions/beta/public-inspections", params={"permit_id": "p1"}
    )
    assert beta.json() == []


async def test_inspector_day_list_and_staff_reschedule(ready: Any) -> None:
    await ready.issue("p2", "BRES2026-0002")
    rich = ready.rich()
    await submit(ready, rich, req("2026-11-18"), req("2026-11-18", permit="p2"))
    day = await ready.http.get(
        f"{BASE}/inspection-search",
        params={"date": "2026-11-18", "area": "83642"},
        headers=ready.inspector(),
    )
    assert day.status_code == 200 and day.json()["total"] == 2
    assert {i["record_status"] for i in day.json()["items"]} == {"ISSUED"}
    ready.clock.set(at_denver(2026, 11, 18, 7, 0))  # the inspection day, local
    today = await ready.http.get(
        f"{BASE}/inspection-search", params={"today": "true"}, headers=ready.inspector()
    )
    assert today.json()["total"] == 2
    ready.clock.set(at_denver(2026, 11, 17, 10, 0))
    rich = ready.rich()
    denied = await ready.http.get(f"{BASE}/inspection-search", headers=rich)
    assert denied.status_code == 403  # staff-only, in the caller's own jurisdiction
    one = day.json()["items"][0]["id"]
    staff = ready.token("alpha", "staff", roles=["admin"])
    moved = await ready.http.post(
        f"{BASE}/inspections/{one}/reschedule", headers=staff, json={"date": "2026-11-20"}
    )
    assert moved.status_code == 200 and moved.json()["date"] == "2026-11-20"
    assert len(await outbox(ready, "InspectionRescheduled")) == 1


async def test_idempotency_key_replays_the_same_inspections(ready: Any) -> None:
    rich = ready.rich()
    first = await submit(ready, rich, req("2026-11-18"), key="k1")
    again = await submit(ready, rich, req("2026-11-18"), key="k1")
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert [i["id"] for i in again.json()["items"]] == [i["id"] for i in first.json()["items"]]
    other = await submit(ready, rich, req("2026-11-19"), key="k1")
    assert other.status_code == 422
    assert await ready.runtime.db["inspections"].count_documents({}) == 1


async def test_another_contractor_or_jurisdiction_gets_404(ready: Any) -> None:
    rich = ready.rich()
    item = (await submit(ready, rich, req("2026-11-18"))).json()["items"][0]
    stranger = ready.token("alpha", "contractor", email="sam@example.org", companies=["c2"])
    beta_staff = ready.token("beta", "staff", roles=["admin", "inspector"])
    for who in (stranger, beta_staff):
        assert (await dates(ready, who)).status_code == 404
        assert (await submit(ready, who, req("2026-11-19"))).status_code == 404
        r = await ready.http.get(f"{BASE}/inspections/{item['id']}", headers=who)
        assert r.status_code == 404
        r = await ready.http.post(f"{BASE}/inspections/{item['id']}/cancel", headers=who, json={})
        assert r.status_code == 404
    mine = (await ready.http.get(f"{BASE}/my-inspections", headers=stranger)).json()
    assert mine["total"] == 0
    for who in (stranger, beta_staff):  # a permit's inspections: the same 404
        r = await ready.http.get(f"{BASE}/inspections", params={"permit_id": "p1"}, headers=who)
        assert r.status_code == 404
    unnamed = await ready.http.get(f"{BASE}/inspections", headers=rich)  # which permit?
    assert unnamed.status_code == 422
    assert [e["field"] for e in unnamed.json()["errors"]] == ["permit_id"]


async def test_expired_permit_cancels_pending_once_even_if_delivered_twice(ready: Any) -> None:
    """R-PER-5: one cancellation, one event, one release — also when the event
    is applied twice (the consumer's own de-duplication is the chassis', tested
    there and in the consumer smoke test)."""
    await submit(ready, ready.rich(), req("2026-11-18"), req("2026-11-19", "ADDRESSING"))
    expired = PermitExpired(
        permit_id="p1",
        jurisdiction_id="alpha",
        number="BRES2026-0001",
        expired_at=ready.clock.now(),
        applicant=Party(name="Rich", email="rich@example.org"),
        version=20,
    )
    moved = PermitStatusChanged(
        permit_id="p1",
        jurisdiction_id="alpha",
        number="BRES2026-0001",
        from_status="ISSUED",
        to_status="EXPIRED",
        by="system",
        at=ready.clock.now(),
        version=20,
    )
    await ready.publish(moved, "psc-20")  # same transaction, same version, first
    await ready.publish(expired, "pe-1")
    await ready.publish(expired, "pe-1")  # redelivered
    await ready.wait_for("inspections", {"status": "CANCELLED"}, count=2)
    assert len(await outbox(ready, "InspectionCancelled")) == 2
    assert (await dates(ready, ready.rich())).status_code == 409  # no longer inspectable
    slots = [s["count"] async for s in ready.runtime.db["slots"].find({})]
    assert len(slots) == 4 and set(slots) == {0}  # two type slots, two area slots


async def test_capacity_per_inspector_area_across_types(ready: Any) -> None:
    await ready.configure(area_capacity={"83642": 1})
    await ready.issue("p2", "BRES2026-0002")
    assert (await submit(ready, ready.rich(), req("2026-11-18"))).status_code == 201
    offered = (await dates(ready, ready.rich(), "p2", "ADDRESSING")).json()["dates"]
    assert "2026-11-18" not in offered and "2026-11-19" in offered
    full = await submit(ready, ready.rich(), req("2026-11-18", "ADDRESSING", permit="p2"))
    assert full.status_code == 409 and full.json()["date"] == "2026-11-18"


async def test_r_ins_7_my_inspections_reads_no_finished_permits(
    ready: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 22: "my inspections" read every permit copy of the caller's
    companies, every status — a contractor with thousands of finished permits
    paid for its whole history. Only permits that can still be inspected are
    read (R-INS-1), whatever the history."""
    from chassis.testing.reads import ReadCounter

    permit = await ready.runtime.db["permits"].find_one({"_id": "p1"})
    finished = [
        {**permit, "_id": f"done-{n}", "number": f"BRES2020-{n:04}", "status": "FINALED"}
        for n in range(400)
    ]
    await ready.runtime.db["permits"].insert_many(finished)
    await submit(ready, ready.rich(), req("2026-11-18"))
    read = ReadCounter(monkeypatch, "permits")
    mine = (await ready.http.get(f"{BASE}/my-inspections", headers=ready.rich())).json()
    assert mine["total"] == 1
    assert read.documents <= 3  # p1, once per access path (company, email): not the 400
