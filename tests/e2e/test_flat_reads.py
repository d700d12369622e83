"""Reads stay flat (issue 14): every user-facing read path of permits,
inspections and payments, walked through the gateway at a realistic size —
thousands of permits, inspections and payments of history in the
jurisdiction — with the real service processes refusing any read outside the
flat shapes (``PERMITSUITE_QUERY_SHAPES=refuse``, inherited from the test
process). An unflat read answers 500 and its service's log names the rule; a
search that names nothing bounded answers 422."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from devstack.testing import ServiceProcess, TestScope, eventually_sync
from devstack.testing.stack import service_stack
from devstack.testing.tokens import LocalIssuer
from pymongo import AsyncMongoClient

from .permit_steps import apply, put_residential_type, schedule_first_date

pytestmark = pytest.mark.e2e
ISSUER = LocalIssuer()
HISTORY = 3000  # documents of history per collection
RICH = {"email": "rich@example.org", "companies": ["c1"]}


@pytest.fixture
def stack(scope: TestScope, log_dir: Path, tmp_path: Path) -> Iterator[dict[str, ServiceProcess]]:
    asyncio.run(scope.create_topics())
    services = {
        "permits": {},
        "inspections": {},
        "payments": {"provider_api_key": "k-flat-test", "webhook_secret": "s-flat-test"},
    }
    with (
        ISSUER.serve_jwks(tmp_path, log_dir) as jwks_url,
        service_stack(scope, log_dir, jwks_url, services, gateway={}) as procs,
    ):
        yield procs


def _setup(stack: dict[str, ServiceProcess]) -> dict[str, Any]:
    """One of everything through the APIs: the shapes the history copies."""
    admin = ISSUER.headers("alpha", "staff", roles=["admin"])
    put_residential_type(stack["permits"].url, "alpha", admin)
    base = f"{stack['permits'].url}/v1/jurisdictions/alpha"
    issued = apply(base, admin, ["IN_REVIEW", "PENDING_APPROVAL", "READY_TO_ISSUE", "ISSUED"])
    owing = apply(base, admin, ["IN_REVIEW", "PENDING_APPROVAL"], fees=True)
    gw = stack["gateway"].url
    rich = ISSUER.headers("alpha", "contractor", **RICH)  # type: ignore[arg-type]
    day = schedule_first_date(gw, "alpha", rich, issued["id"])
    cashier = ISSUER.headers("alpha", "staff", roles=["cashier"])

    def pay() -> int:
        return httpx.post(
            f"{gw}/v1/jurisdictions/alpha/counter-payments",
            headers={**cashier, "Idempotency-Key": "desk-flat"},
            json={
                "permits": [{"permit_id": owing["id"]}],
                "method": "check",
                "payer_name": "Rich Contractor",
                "payer_email": "rich@example.org",
            },
        ).status_code

    eventually_sync(lambda: pay() == 201, what="payments takes the assessed fee at the desk")
    return {"issued": issued, "day": day}


async def _history(scope: TestScope) -> None:
    """``HISTORY`` copies of each service's documents: other people's permits,
    finished inspections, settled payments, spread over two years."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(scope.infra.mongodb_url)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    try:
        for service, collection, vary in (
            ("permits", "permits", _other_permit),
            ("inspections", "inspections", _finished_inspection),
            ("payments", "payments", _settled_payment),
        ):
            coll = client[f"{scope.database}_{service}"][collection]
            model = await coll.find_one({"jurisdiction_id": "alpha"})
            assert model is not None, f"no {collection} to copy"
            copies = [vary(dict(model), n, start + timedelta(hours=6 * n)) for n in range(HISTORY)]
            for at in range(0, HISTORY, 500):
                await coll.insert_many(copies[at : at + 500])
    finally:
        await client.close()


def _other_permit(doc: dict[str, Any], n: int, at: datetime) -> dict[str, Any]:
    status = ("FINALED", "EXPIRED", "ISSUED", "CANCELLED")[n % 4]
    return {
        **doc,
        "_id": f"hist-{n}",
        "number": f"HIST-{n:05}",
        "status": status,
        "applied_at": at,
        "applicant": {"name": "Someone", "email": f"person{n % 300}@example.org"},
        "owner": None,
        "company_ids": [f"co-{n % 40}"],
        "linked_accounts": [],
        "street_key": f"{n} ELM ST",
    }


def _finished_inspection(doc: dict[str, Any], n: int, at: datetime) -> dict[str, Any]:
    return {
        **doc,
        "_id": f"hist-{n}",
        "permit_id": f"hist-{n}",
        "number": f"HIST-{n:05}",
        "status": "RESULTED",
        "date": at.date().isoformat(),
        "requested_by": {"account_id": f"acct-{n % 300}", "email": None},
    }


def _settled_payment(doc: dict[str, Any], n: int, at: datetime) -> dict[str, Any]:
    return {
        **doc,
        "_id": f"hist-{n}",
        "account_id": f"acct-{n % 300}",
        "created_at": at,
        "settled_at": at,
        "receipt_number": f"R{at.year}-H{n:06}",
    }


def test_every_user_facing_read_is_flat_at_a_realistic_size(
    stack: dict[str, ServiceProcess], scope: TestScope, log_dir: Path
) -> None:
    seen = _setup(stack)
    asyncio.run(_history(scope))
    gw = f"{stack['gateway'].url}/v1"
    alpha = f"{gw}/jurisdictions/alpha"
    rich = ISSUER.headers("alpha", "contractor", **RICH)  # type: ignore[arg-type]
    pat = ISSUER.headers("alpha", "community_member", email="pat@example.org")
    staff = ISSUER.headers(
        "alpha", "staff", roles=["admin", "permit_technician", "inspector", "cashier"]
    )
    window = {"applied_from": (datetime.now(UTC) - timedelta(days=30)).isoformat()}
    quarter = {"applied_from": (datetime.now(UTC) - timedelta(days=91)).isoformat()}
    first_day = (date.fromisoformat(seen["day"]) - timedelta(days=91)).isoformat()
    paths: list[tuple[dict[str, str], str, dict[str, Any]]] = [
        (rich, f"{gw}/me/dashboard", {}),
        (rich, f"{alpha}/dashboard/permits", {}),
        (rich, f"{alpha}/dashboard/permits", {"which": "expired"}),
        (pat, f"{alpha}/permits", {}),
        (staff, f"{alpha}/permits", {}),
        (staff, f"{alpha}/permit-search", {"status": "IN_REVIEW"}),
        (staff, f"{alpha}/permit-search", {"address": "1968"}),
        (staff, f"{alpha}/permit-search", {"number": "HIST-00042"}),
        (staff, f"{alpha}/permit-search", window),
        (staff, f"{alpha}/permit-search", quarter),  # walked a day at a time
        (staff, f"{alpha}/permit-queues", {"status": ["IN_REVIEW", "AWAITING_PAYMENT"]}),
        (staff, f"{alpha}/inspection-search", {"from": first_day, "to": seen["day"]}),
        (staff, f"{alpha}/staff/payments", {"from": quarter["applied_from"]}),
        (staff, f"{gw}/staff/queues", {}),
        (rich, f"{alpha}/my-inspections", {}),
        (rich, f"{alpha}/inspections", {"permit_id": seen["issued"]["id"]}),
        (staff, f"{alpha}/inspection-search", {"date": seen["day"]}),
        (staff, f"{alpha}/inspection-search", {"status": "SCHEDULED"}),
        (rich, f"{alpha}/cart", {}),
        (rich, f"{alpha}/payments", {}),
        (staff, f"{alpha}/staff/payments", {"status": "PENDING"}),
        (staff, f"{alpha}/staff/payments", {"permit": seen["issued"]["number"]}),
    ]
    failures = []
    for who, url, params in paths:
        r = httpx.get(url, headers=who, params=params, timeout=30)
        if r.status_code != 200:
            failures.append((url, params, r.status_code, r.text[:200]))
    assert not failures, (failures, _rules_broken(log_dir))
    # what names nothing bounded is refused with the field to give, not read
    for url, params in (
        (f"{alpha}/permit-search", {"status": "FINALED"}),
        (f"{alpha}/inspection-search", {"status": "RESULTED"}),
        (f"{alpha}/staff/payments", {"method": "check"}),
        # a street prefix of one or two characters matched a large part of history
        (f"{alpha}/permit-search", {"address": "1"}),
        (f"{alpha}/permit-search", {"address": "12"}),
    ):
        r = httpx.get(url, headers=staff, params=params, timeout=30)
        assert r.status_code == 422, (url, params, r.text)
    dashboard = httpx.get(f"{gw}/me/dashboard", headers=rich, timeout=30).json()
    assert dashboard["active_permits"]["total"] == 2  # the history is other people's


def _rules_broken(log_dir: Path) -> list[str]:
    return [
        line.strip()
        for log in sorted(log_dir.glob("*.log"))
        for line in log.read_text(errors="replace").splitlines()
        if "UnflatQuery" in line or "Error" in line
    ][:20]
