"""Replicas side by side (issue 25, item 2): ``make run --replicas 2`` runs two
API and two worker processes of every service, two gateways and two portals,
each set behind one address, on the embedded engines.

- each service's two workers split the partitions of its consumer group;
- the expiry sweep and the reconciliation run on one worker at a time (their
  leases), the other counting its rounds as skipped;
- ``kill -9`` of a permits worker while payments settle loses nothing and
  doubles nothing (R-PAY-5: each permit paid and issued once, one email each,
  one receipt per payment); its unpublished events are taken over by the
  other worker's outbox relay when its lease runs out;
- rate limits and login throttling count across both gateways;
- a portal session outlives the portal replica that created it.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from devstack.testing import eventually_sync, read_records
from prometheus_client.parser import text_string_to_metric_families

from .launched import LaunchedSuite
from .permit_steps import SITE

pytestmark = pytest.mark.e2e

SERVICES = (
    "identity",
    "notifications",
    "registration",
    "permits",
    "payments",
    "inspections",
    "integrations",
)
PARTITIONS = 3
CONTRACTOR, ADMIN = "contractor@demo.example.org", "admin@demo.example.org"
# permits' first worker dies (exit 137, as kill -9) the first time it has
# committed an issued permit — paid by a settlement it consumed — before it
# published the event or acknowledged the settlement
VICTIM = "permits-worker-1"
CRASH = f"{VICTIM}=after_commit_before_publish:permitsuite.permits.PermitIssued.v1"


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LaunchedSuite]:
    root = tmp_path_factory.mktemp("replicas")
    launched = LaunchedSuite(
        root / "data",
        root / "run.log",
        args=["--replicas", "2", "--partitions", str(PARTITIONS), f"--failpoint={CRASH}"],
        # the periodic jobs every second, so both workers try them within the test
        env={
            "PERMITS_EXPIRY_SWEEP_INTERVAL_SECONDS": "1",
            "PAYMENTS_RECONCILE_INTERVAL_SECONDS": "1",
        },
    )
    try:
        yield launched.start()
    finally:
        launched.stop()


def samples(port: int, metric: str) -> list[tuple[dict[str, str], float]]:
    """``metric``'s samples on one process's /metrics."""
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    return [
        (dict(s.labels), s.value)
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == metric
    ]


def replicas(suite: LaunchedSuite, service: str, role: str) -> list[dict[str, Any]]:
    rows = [r for r in suite.processes().values() if r.get("service") == service]
    return [r for r in rows if r["role"] == role]


def test_every_service_runs_as_two_api_and_two_worker_processes_behind_one_address(
    suite: LaunchedSuite,
) -> None:
    processes = suite.processes()
    for service in SERVICES:
        assert len(replicas(suite, service, "api")) == 2
        assert len(replicas(suite, service, "worker")) == 2
    assert {"gateway-1", "gateway-2", "portal-1", "portal-2", "balancer"} <= set(processes)
    assert len({row["pid"] for row in processes.values()}) == len(processes)
    # the one address answers from both gateways in turn (new connections)
    assert all(httpx.get(f"{suite.gateway}/health").status_code == 200 for _ in range(4))


def test_the_workers_of_each_service_split_its_partitions(suite: LaunchedSuite) -> None:
    consuming = ("identity", "notifications", "permits", "payments", "inspections", "integrations")
    for service in consuming:
        workers = replicas(suite, service, "worker")
        shares = [
            {
                labels["topic"]: value
                for labels, value in samples(w["port"], "permitsuite_consumer_partitions")
            }
            for w in workers
        ]
        topics = set(shares[0]) | set(shares[1])
        assert topics, f"{service}'s workers consume nothing"
        for topic in topics:  # every partition has exactly one owner among the two
            assert shares[0].get(topic, 0) + shares[1].get(topic, 0) == PARTITIONS, (service, topic)
        assert all(sum(share.values()) >= 1 for share in shares), (service, shares)
        for api in replicas(suite, service, "api"):  # API processes consume nothing
            assert samples(api["port"], "permitsuite_consumer_partitions") == []


def _rounds(workers: list[dict[str, Any]], job: str) -> list[dict[str, float]]:
    """Each worker's rounds of ``job`` by outcome (ran, skipped)."""
    return [
        {
            labels["outcome"]: value
            for labels, value in samples(w["port"], "permitsuite_leased_job_rounds_total")
            if labels["job"] == job
        }
        for w in workers
    ]


@pytest.mark.parametrize(
    ("service", "job"), [("permits", "permits.expiry"), ("payments", "payments.reconcile")]
)
def test_periodic_jobs_run_on_one_worker_under_their_lease(
    suite: LaunchedSuite, service: str, job: str
) -> None:
    """R-PER-5's expiry sweep and R-PAY-5's reconciliation: one worker at a time."""
    workers = replicas(suite, service, "worker")
    # each worker has tried at least three rounds (one a second)
    eventually_sync(
        lambda: all(sum(r.values()) >= 3 for r in _rounds(workers, job)),
        timeout=60,
        what=f"{job} rounds",
    )
    seen = _rounds(workers, job)
    ran = [r.get("ran", 0) for r in seen]
    skipped = [r.get("skipped", 0) for r in seen]
    assert sorted(ran)[0] == 0 and sorted(ran)[1] >= 3, seen  # one ran every round
    assert skipped[ran.index(0)] >= 3, seen  # the other stood aside every round
    for api in replicas(suite, service, "api"):
        assert samples(api["port"], "permitsuite_leased_job_rounds_total") == []


def _permit_with_fees(suite: LaunchedSuite, staff: dict[str, str], n: int) -> dict[str, Any]:
    """A RESIDENTIAL permit of company AEC0119 with its own applicant, fees assessed."""
    base = f"{suite.gateway}/v1/jurisdictions/demo"
    company = httpx.get(f"{base}/companies?q=AEC0119", headers=staff).json()["items"][0]["id"]
    r = httpx.post(
        f"{base}/permits",
        headers=staff,
        json={
            "type_code": "RES",
            "valuation": "100000.00",
            "site": {**SITE, "street": f"{100 + n} Replica Way"},
            "applicant": {"name": f"Applicant {n}", "email": f"applicant{n}@replicas.example.org"},
            "owner": {"name": f"Owner {n}", "email": f"owner{n}@replicas.example.org"},
            "company_ids": [company],
        },
    )
    assert r.status_code == 201, r.text
    permit = r.json()
    for step in ("IN_REVIEW", "PENDING_APPROVAL"):
        r = httpx.post(
            f"{base}/permits/{permit['id']}/transitions",
            headers=staff,
            json={"to": step, "version": permit["version"]},
        )
        assert r.status_code == 200, r.text
        permit = r.json()
    r = httpx.post(
        f"{base}/permits/{permit['id']}/fees",
        headers={**staff, "Idempotency-Key": f"replicas-fees-{n}"},
        json={"items": [{"code": "PLAN"}]},
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


def _pay(suite: LaunchedSuite, permit: dict[str, Any], contractor: dict[str, str]) -> str:
    """The contractor pays one permit's fees by card on the sandbox's page."""
    base = f"{suite.gateway}/v1/jurisdictions/demo"

    def in_cart() -> bool:  # payments learns of the fees from permits' events
        r = httpx.post(f"{base}/cart/items", headers=contractor, json={"permit_id": permit["id"]})
        return r.status_code == 204

    eventually_sync(in_cart, timeout=60, what=f"{permit['number']}'s fees in the cart")
    pay = httpx.post(
        f"{base}/checkout",
        headers={**contractor, "Idempotency-Key": f"replicas-pay-{permit['id']}"},
        json={"method": "card"},
    )
    assert pay.status_code == 201, pay.text
    back = httpx.post(pay.json()["hosted_url"], data={"action": "approve", "method": "card"})
    assert back.status_code == 303, back.text
    payment = f"{base}/payments/{pay.json()['id']}"

    def settled() -> bool:  # the sandbox's webhook; permits then hears of it by event
        return httpx.get(payment, headers=contractor).json()["status"] == "SETTLED"

    eventually_sync(settled, timeout=60, what="the payment settled")
    return str(pay.json()["id"])


def _mail(suite: LaunchedSuite) -> list[dict[str, Any]]:
    return list(httpx.get(f"{suite.gateway}/dev/mail", timeout=10).json())


def test_kill_9_of_a_worker_mid_flow_loses_nothing_and_doubles_nothing(
    suite: LaunchedSuite,
) -> None:
    """R-PAY-5, R-PER: a permits worker dies between committing a permit paid
    and issued and publishing that, with the settlement not yet acknowledged.
    The other worker takes its partitions and gets the settlement again (no
    second effect); a relay publishes the dead worker's events once their
    lease runs out; the launcher starts the worker again."""
    staff, contractor = suite.login(ADMIN), suite.login(CONTRACTOR)
    first_pid = int(suite.processes()[VICTIM]["pid"])
    permits: list[dict[str, Any]] = []
    payments: list[str] = []
    crashed = f"{VICTIM} exited; restarting it"
    # each settlement goes to the worker holding its partition (the victim
    # holds at least one of three): pay permits until the victim has had one,
    # and a few more while it is down
    while len(permits) < 4 or crashed not in suite.log.read_text():
        assert len(permits) < 24, "the victim never consumed a settlement"
        permits.append(_permit_with_fees(suite, staff, len(permits)))
        payments.append(_pay(suite, permits[-1], contractor))
    suite.restarted(VICTIM, first_pid)
    base = f"{suite.gateway}/v1/jurisdictions/demo"

    def all_issued() -> bool:
        states = [
            httpx.get(f"{base}/permits/{p['id']}", headers=contractor).json() for p in permits
        ]
        return all(s["status"] == "ISSUED" and s["fees_due"] == "0.00" for s in states)

    # the dead worker's partitions move after its session times out (10 s),
    # its leased outbox documents after their lease (30 s)
    eventually_sync(all_issued, timeout=180, what="every permit paid and issued")

    def mailed() -> bool:
        subjects = [m["subject"] for m in _mail(suite)]
        issued = sum(1 for p in permits if f"Permit {p['number']} was issued" in subjects)
        return issued == len(permits)

    eventually_sync(mailed, timeout=120, what="the issue emails, the delayed one too")
    mail = _mail(suite)
    for n, permit in enumerate(permits):
        to_applicant = [
            m
            for m in mail
            if m["subject"] == f"Permit {permit['number']} was issued"
            and f"applicant{n}@replicas.example.org" in m["to"]
        ]
        assert len(to_applicant) == 1, (permit["number"], to_applicant)
    # the relays published each issued permit's event once, the dead worker's too
    records = asyncio.run(
        read_records(
            f"127.0.0.1:{suite.ports['kafka']}", "permits.events", count=100_000, timeout=5
        )
    )
    issued = Counter(
        json.loads(r.value)["permit_id"]
        for r in records
        if dict(r.headers)["ce_type"] == b"permitsuite.permits.PermitIssued.v1"
    )
    assert [issued[p["id"]] for p in permits] == [1] * len(permits)
    receipts = Counter(
        m["subject"] for m in mail if m["subject"].startswith("Receipt ") and CONTRACTOR in m["to"]
    )
    assert len(receipts) >= len(payments) and set(receipts.values()) == {1}, receipts


def _as_client(suite: LaunchedSuite, address: str) -> dict[str, str]:
    """Headers of a request from ``address``, vouched for as the portal does."""
    secret = str(suite.secrets()["proxy_secret"])
    return {"X-Forwarded-For": address, "X-Permitsuite-Proxy-Secret": secret}


def test_login_throttling_and_rate_limits_count_across_both_gateways(
    suite: LaunchedSuite,
) -> None:
    gateways = [
        f"http://127.0.0.1:{suite.processes()[g]['port']}" for g in ("gateway-1", "gateway-2")
    ]

    def login(n: int, email: str, address: str) -> httpx.Response:
        return httpx.post(
            f"{gateways[n % 2]}/v1/auth/token",
            data={"username": email, "password": "wrong-password", "jurisdiction": "demo"},
            headers=_as_client(suite, address),
            timeout=30,
        )

    # identity's throttling (R-ID): three free failures of one account from one
    # address, then growing waits (1 s, 2 s, …) — counted by both identity
    # replicas, through either gateway
    answers = [
        login(n, "guessed@replicas.example.org", "203.0.113.7").status_code for n in range(7)
    ]
    assert answers[:4] == [401] * 4 and 429 in answers[4:], answers
    # the gateway's login limit, 10 a minute per address: counted by both gateways
    answers = [
        login(n, f"sprayed{n}@replicas.example.org", "203.0.113.8").status_code for n in range(11)
    ]
    assert answers[:10] == [401] * 10
    limited = login(10, "sprayed10@replicas.example.org", "203.0.113.8")
    assert answers[10] == 429 and "too many login requests" in limited.json()["detail"]


def _portal_login(client: httpx.Client, portal: str, password: str) -> None:
    page = client.get(f"{portal}/j/demo/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None, page.text
    r = client.post(
        f"{portal}/j/demo/login",
        data={
            "csrf_token": token.group(1),
            "login_as": "contractor",
            "email": CONTRACTOR,
            "password": password,
        },
    )
    assert r.status_code == 303, r.text


def _signed_in(client: httpx.Client, portal: str) -> bool:
    r = client.get(f"{portal}/j/demo/dashboard")
    return r.status_code == 200 and "Log out" in r.text


def test_a_portal_session_survives_a_restart_of_the_replica_that_created_it(
    suite: LaunchedSuite, tmp_path: Path
) -> None:
    first = f"http://127.0.0.1:{suite.processes()['portal-1']['port']}"
    second = f"http://127.0.0.1:{suite.processes()['portal-2']['port']}"
    with httpx.Client(timeout=30) as browser:
        _portal_login(browser, first, suite.passwords[CONTRACTOR])
        assert _signed_in(browser, first) and _signed_in(browser, second)
        pid = suite.kill9("portal-1")
        assert _signed_in(browser, suite.portal)  # the other replica carries on meanwhile
        suite.restarted("portal-1", pid)
        assert _signed_in(browser, first)  # the session is in the database, not the process
