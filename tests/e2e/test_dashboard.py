"""The aggregated dashboard through the gateway, with real service processes
(R-DASH-1…3): content per user, tenancy, and graceful degradation when the
inspections process is killed or the payments process hangs."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from devstack.testing import ServiceProcess, TestScope
from devstack.testing.stack import service_stack
from devstack.testing.tokens import LocalIssuer

from .permit_steps import apply, put_residential_type, schedule_first_date

pytestmark = pytest.mark.e2e
ISSUER = LocalIssuer()
BUDGET = 1.0
RICH = {"email": "rich@example.org", "companies": ["c1"]}


@pytest.fixture
def stack(scope: TestScope, log_dir: Path, tmp_path: Path) -> Iterator[dict[str, ServiceProcess]]:
    asyncio.run(scope.create_topics())
    services = {
        "permits": {},
        "inspections": {},
        "payments": {"provider_api_key": "k-dash-test", "webhook_secret": "s-dash-test"},
    }
    gateway = {"GATEWAY_DASHBOARD_TIMEOUT_SECONDS": str(BUDGET)}
    with (
        ISSUER.serve_jwks(tmp_path, log_dir) as jwks_url,
        service_stack(scope, log_dir, jwks_url, services, gateway=gateway) as procs,
    ):
        try:
            yield procs
        finally:  # a paused process would not stop
            payments = procs["payments"].process
            if payments is not None and payments.proc is not None:
                payments.proc.send_signal(signal.SIGCONT)


def test_dashboard_content_tenancy_and_degradation(stack: dict[str, ServiceProcess]) -> None:
    gw = stack["gateway"].url
    admin = ISSUER.headers("alpha", "staff", roles=["admin"])
    for jid in ("alpha", "beta"):
        put_residential_type(
            stack["permits"].url, jid, ISSUER.headers(jid, "staff", roles=["admin"])
        )
    base = f"{stack['permits'].url}/v1/jurisdictions/alpha"
    issued = apply(base, admin, ["IN_REVIEW", "PENDING_APPROVAL", "READY_TO_ISSUE", "ISSUED"])
    apply(base, admin, ["IN_REVIEW", "PENDING_APPROVAL"], fees=True)
    # the same company in another jurisdiction: never on alpha's dashboards
    apply(
        f"{stack['permits'].url}/v1/jurisdictions/beta",
        ISSUER.headers("beta", "staff", roles=["admin"]),
        ["IN_REVIEW"],
    )
    rich = ISSUER.headers("alpha", "contractor", **RICH)  # type: ignore[arg-type]

    schedule_first_date(gw, "alpha", rich, issued["id"])

    def dashboard(who: dict[str, str]) -> dict[str, Any]:
        r = httpx.get(f"{gw}/v1/me/dashboard", headers=who, timeout=10)
        assert r.status_code == 200, r.text
        return dict(r.json())

    full = dashboard(rich)
    assert full["degraded"] == []
    assert full["active_permits"]["total"] == 2 and full["total_fees_due"] == "35.00"
    assert {p["status_label"] for p in full["active_permits"]["items"]} == {
        "ISSUED",
        "AWAITING PAYMENT",
    }
    assert [i["inspection"] for i in full["active_inspections"]["items"]] == ["BUILDING FINAL"]
    assert full["expired_permits"]["total"] == 0 and full["cart_items"] == 0
    # the owner (a community member) sees the same permits and inspections
    pat = ISSUER.headers("alpha", "community_member", email="pat@example.org")
    owner = dashboard(pat)
    assert owner["active_permits"]["total"] == 2 and owner["active_inspections"]["total"] == 1
    # a user removed from the company: their token no longer names it
    removed = ISSUER.headers("alpha", "contractor", email="sam@example.org", companies=[])
    empty = dashboard(removed)
    assert empty["active_permits"]["total"] == 0 and empty["active_inspections"]["total"] == 0
    # a token for beta shows beta's only
    beta = dashboard(ISSUER.headers("beta", "contractor", **RICH))  # type: ignore[arg-type]
    assert beta["jurisdiction_id"] == "beta" and beta["active_permits"]["total"] == 1
    assert beta["active_permits"]["items"][0]["status_label"] == "IN REVIEW"

    stack["inspections"].kill9()  # down
    started = time.monotonic()
    degraded = dashboard(rich)
    assert time.monotonic() - started < BUDGET + 2
    assert degraded["degraded"] == ["inspections"] and degraded["active_inspections"] is None
    assert degraded["active_permits"]["total"] == 2

    payments = stack["payments"].process
    assert payments is not None and payments.proc is not None
    payments.proc.send_signal(signal.SIGSTOP)  # hangs: accepts nothing, answers nothing
    try:
        started = time.monotonic()
        slow = dashboard(rich)
        assert time.monotonic() - started < BUDGET + 2
        assert slow["degraded"] == ["inspections", "payments"] and slow["cart_items"] is None
    finally:
        payments.proc.send_signal(signal.SIGCONT)
