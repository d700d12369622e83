"""The outside tests of issue 12, kept: against the whole embedded suite
(`make run`, every process real), in this order —

1. a cross-tenant / cross-user matrix generated from the merged OpenAPI: every
   route that names an object, called for the demo contractor's objects by a
   member of another jurisdiction (must be 404) and by another user of the same
   jurisdiction (must answer exactly as for an object that does not exist, and
   never 2xx); nothing the owner sees has changed afterwards;
2. kill -9 of the broker in the middle of a flow: nothing acknowledged is lost,
   nothing happens twice;
3. kill -9 of the database in the middle of a flow: every permit confirmed with
   201 is there after the restart, no number was handed out twice;
4. a bounded schemathesis pass over the merged OpenAPI, anonymous, as the
   contractor and as staff: no 5xx, no response outside its schema, no
   undocumented status code or content type, 405 with the right ``Allow``.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
from devstack.testing import eventually_sync

from .hook_receiver import HookReceiver
from .launched import LaunchedSuite
from .openapi_examples import request_body, required_query

pytestmark = pytest.mark.e2e

RICH = "contractor@demo.example.org"
ADMIN = "admin@demo.example.org"
PDF = b"%PDF-1.7\n" + b"1" * 2000
METHODS = ("get", "post", "put", "patch", "delete")
# Path parameters that do not name an object: one-time secrets (their own
# tests show a wrong one is 404) and the payment provider's name.
NOT_OBJECTS = {"token", "provider", "kind"}  # kind: permits or inspections (open data)
FAKE = "00000000-0000-4000-8000-000000000000"
# Routes whose id only names an entry of the caller's own collection: another
# user acts on their own (an idempotent no-op), which the owner's snapshot shows.
CALLER_SCOPED = {("delete", "/v1/jurisdictions/{jurisdiction_id}/cart/items/{permit_id}")}
# Routes for anyone, without a login, by design (a permit's public page): their
# own tests show that nothing personal leaves them (issue 23).
PUBLIC_READS = {
    ("get", "/v1/jurisdictions/{jurisdiction_id}/public-permits/{number}"),
    ("get", "/v1/jurisdictions/{jurisdiction_id}/public-companies/{company_id}"),
}


@dataclass
class World:
    suite: LaunchedSuite
    doc: dict[str, Any]
    ids: dict[str, str] = field(default_factory=dict)
    registration_ids: dict[str, str] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    logged_in: dict[str, float] = field(default_factory=dict)

    @property
    def gw(self) -> str:
        return self.suite.gateway

    def auth(self, who: str) -> dict[str, str]:
        """A demo user's header, logged in again before the 5-minute token ends."""
        emails = {"rich": RICH, "admin": ADMIN}
        if who in emails and time.monotonic() - self.logged_in.get(who, -1e9) > 200:
            self.headers[who] = self.suite.login(emails[who])
            self.logged_in[who] = time.monotonic()
        return self.headers[who]

    def mail_link(self, to: str, subject_part: str) -> str:
        found: list[str] = []

        def arrived() -> bool:
            mails = httpx.get(f"{self.gw}/dev/mail", timeout=30).json()
            found[:] = [
                m["links"][0] for m in mails if to in m["to"] and subject_part in m["subject"]
            ]
            return bool(found)

        eventually_sync(arrived, timeout=60, what=f"mail to {to}")
        return found[-1]

    def api_link(self, to: str, subject_part: str) -> str:
        """The API route behind a mailed link: emails link to the portal's pages;
        an API client takes the link's token to the gateway's route."""
        link = self.mail_link(to, subject_part)
        path = link.split("/", 3)[3]  # e.g. enrollments/<token> or v1/registrations/...
        path = path.removeprefix("v1/")
        return f"{self.gw}/v1/{path}"


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LaunchedSuite]:
    tmp = tmp_path_factory.mktemp("harness")
    # a webhook worker killed mid-send: its endpoint is sent to again after 8 s, not 60
    lease = {"INTEGRATIONS_WEBHOOK_LEASE_SECONDS": "8", "INTEGRATIONS_WEBHOOK_TIMEOUT_SECONDS": "3"}
    launched = LaunchedSuite(tmp / "data", tmp / "run.log", env=lease).start()
    try:
        yield launched
    finally:
        assert launched.stop() == 0, launched.log.read_text()[-3000:]


def _member(world: World, jurisdiction: str, email: str) -> dict[str, str]:
    """A community member who enrolled on their own: related to nothing."""
    r = httpx.post(f"{world.gw}/v1/jurisdictions/{jurisdiction}/enrollments", json={"email": email})
    assert r.status_code == 202, r.text
    link = world.api_link(email, "")
    done = httpx.post(link, json={"display_name": "Nobody", "password": "nobody passphrase 9"})
    assert done.status_code == 201, done.text
    token = httpx.post(
        f"{world.gw}/v1/auth/token",
        data={"username": email, "password": "nobody passphrase 9", "jurisdiction": jurisdiction},
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _registration(world: World, email: str) -> tuple[str, dict[str, str]]:
    r = httpx.post(f"{world.gw}/v1/jurisdictions/demo/registrations", json={"email": email})
    assert r.status_code == 202, r.text
    opened = httpx.post(world.api_link(email, "Confirm your email to register"))
    assert opened.status_code == 201, opened.text
    rid = opened.json()["registration"]["id"]
    mine = {"X-Registration-Token": opened.json()["registration_token"]}
    up = httpx.put(
        f"{world.gw}/v1/registrations/{rid}/requirements/insurance/document",
        headers=mine,
        files={"file": ("coi.pdf", PDF, "application/pdf")},
    )
    assert up.status_code == 200, up.text
    return rid, mine


def _objects(world: World) -> None:
    """The demo contractor's objects, one of each kind the API names."""
    gw, rich, admin = world.gw, world.auth("rich"), world.auth("admin")
    base = f"{gw}/v1/jurisdictions/demo"
    me = httpx.get(f"{gw}/v1/me", headers=rich).json()
    users = httpx.get(
        f"{base}/users", headers=admin, params={"kind": "contractor", "email": RICH}
    ).json()["items"]
    rows = httpx.get(f"{base}/dashboard/permits", headers=rich).json()["items"]
    due = next(r for r in rows if r["status_label"] == "AWAITING PAYMENT")
    mech = next(r for r in rows if r["type"] == "MECHANICAL")
    permit = httpx.get(f"{base}/permits/{due['id']}", headers=rich).json()
    upload = httpx.post(
        f"{base}/permits/{due['id']}/documents",
        headers=rich,
        files={"file": ("plans.pdf", PDF, "application/pdf")},
    )
    assert upload.status_code == 200, upload.text
    eventually_sync(
        lambda: (
            httpx.post(
                f"{base}/cart/items", headers=rich, json={"permit_id": due["id"]}
            ).status_code
            == 204
        ),
        what="the fees in the cart",
    )
    pay = httpx.post(
        f"{base}/checkout",
        headers={**rich, "Idempotency-Key": f"harness-{uuid4()}"},
        json={"method": "card"},
    )
    assert pay.status_code == 201, pay.text
    dates: list[str] = []

    def offered() -> bool:
        r = httpx.get(
            f"{base}/inspection-dates",
            params={"permit_id": mech["id"], "type": "MECHANICAL ROUGH"},
            headers=rich,
        )
        dates[:] = r.json()["dates"] if r.status_code == 200 else []
        return bool(dates)

    eventually_sync(offered, what="inspection dates")
    inspection = httpx.post(
        f"{base}/inspections",
        headers=rich,
        json={
            "requests": [
                {"permit_id": mech["id"], "inspection_type": "MECHANICAL ROUGH", "date": dates[0]}
            ]
        },
    )
    assert inspection.status_code == 201, inspection.text
    hook = httpx.post(  # nothing listens there: its deliveries fail and back off
        f"{base}/webhook-endpoints",
        headers=world.auth("admin"),
        json={"url": "http://127.0.0.1:9/hook", "description": "the harness's"},
    )
    assert hook.status_code == 201, hook.text
    rid, mine = _registration(world, "registrant-a@example.org")
    other_rid, other = _registration(world, "registrant-b@example.org")
    world.headers["registrant"], world.headers["other_registrant"] = mine, other
    registration = httpx.get(f"{gw}/v1/registrations/{rid}", headers=mine).json()
    world.ids.update(
        permit_id=due["id"],
        line_id=permit["fees"][0]["id"],
        file_id=upload.json()["documents"][0]["file_id"],
        payment_id=pay.json()["id"],
        inspection_id=inspection.json()["items"][0]["id"],
        company_id=me["company_admin_of"][0],
        account_id=me["account_id"],
        membership_id=next(u["membership_id"] for u in users if u["email"] == RICH),
        code="RES",
        endpoint_id=hook.json()["id"],
    )
    insurance = next(q for q in registration["requirements"] if q["id"] == "insurance")
    world.registration_ids.update(
        registration_id=rid, requirement_id="insurance", file_id=insurance["document"]["file_id"]
    )
    assert other_rid != rid


@pytest.fixture(scope="module")
def world(suite: LaunchedSuite) -> World:
    doc = httpx.get(f"{suite.gateway}/openapi.json", timeout=60).json()
    w = World(suite, doc)
    for who in ("rich", "admin"):
        w.auth(who)
    w.headers["stranger"] = _member(w, "demo-auto", "stranger@example.org")
    w.headers["nobody"] = _member(w, "demo", "nobody@example.org")
    _objects(w)
    w.ids["client_id"] = _api_client(w, "demo", w.auth("admin"), ["events:read"])[0]
    return w


def _api_client(
    world: World, jurisdiction: str, admin: dict[str, str], scopes: list[str]
) -> tuple[str, str]:
    """An API client of the jurisdiction: its id and secret."""
    r = httpx.post(
        f"{world.gw}/v1/jurisdictions/{jurisdiction}/api-clients",
        headers=admin,
        json={"name": f"{jurisdiction}'s ledger", "scopes": scopes},
    )
    assert r.status_code == 201, r.text
    return r.json()["client_id"], r.json()["client_secret"]


def _client_token(world: World, client_id: str, secret: str) -> dict[str, str]:
    r = httpx.post(
        f"{world.gw}/v1/auth/token",
        data={"grant_type": "client_credentials"},
        auth=httpx.BasicAuth(client_id, secret),
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _object_operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path, item in doc["paths"].items():
        names = set(re.findall(r"{(\w+)}", path)) - {"jurisdiction_id"}
        if names and not names & NOT_OBJECTS:
            found += [
                (m, path, op)
                for m, op in item.items()
                if m in METHODS and (m, path) not in PUBLIC_READS
            ]
    return found


def _snapshot(world: World) -> dict[str, Any]:
    """What the owners see of their objects."""
    gw, ids, rich = world.gw, world.ids, world.auth("rich")
    base = f"{gw}/v1/jurisdictions/demo"
    reg = world.registration_ids["registration_id"]
    return {
        "permit": httpx.get(f"{base}/permits/{ids['permit_id']}", headers=rich).json(),
        "payment": httpx.get(f"{base}/payments/{ids['payment_id']}", headers=rich).json(),
        "inspection": httpx.get(f"{base}/inspections/{ids['inspection_id']}", headers=rich).json(),
        "company": httpx.get(f"{base}/companies/{ids['company_id']}", headers=rich).json(),
        "company_users": httpx.get(
            f"{base}/companies/{ids['company_id']}/users", headers=rich
        ).json(),
        "me": httpx.get(f"{gw}/v1/me", headers=rich).json(),
        "cart": httpx.get(f"{base}/cart", headers=rich).json(),
        "types": httpx.get(f"{base}/permit-types").json(),
        "registration": httpx.get(
            f"{gw}/v1/registrations/{reg}", headers=world.headers["registrant"]
        ).json(),
    }


def _call(
    world: World, method: str, path: str, op: dict[str, Any], ids: dict[str, str], who: str
) -> int:
    url = world.gw + path.format(jurisdiction_id="demo", **ids)
    extra = {"Idempotency-Key": f"matrix-{uuid4()}"}
    r = httpx.request(
        method,
        url,
        headers={**world.auth(who), **extra},
        params=required_query(op, world.doc),
        timeout=30,
        **request_body(op, world.doc),
    )
    return r.status_code


def test_other_jurisdictions_and_other_users_get_404_and_change_nothing(world: World) -> None:
    """Tenancy and object-level access (ARCHITECTURE "Tenancy", R-ID-6), for every
    route that names an object — generated from the route table, so a new route
    is covered the day it is added."""
    before = _snapshot(world)
    operations = _object_operations(world.doc)
    assert len(operations) >= 30
    wrong: list[str] = []
    for method, path, op in operations:
        registrant_route = path.startswith("/v1/registrations/")
        ids = {**world.ids, **(world.registration_ids if "registration" in path else {})}
        fake = {k: FAKE if k not in ("code", "requirement_id") else "NOPE" for k in ids}
        if not registrant_route:
            status = _call(world, method, path, op, ids, "stranger")
            if status != 404:
                wrong.append(f"{method.upper()} {path}: another jurisdiction got {status}")
        other = "other_registrant" if registrant_route else "nobody"
        real, missing = (_call(world, method, path, op, i, other) for i in (ids, fake))
        if real != missing or (real < 400 and (method, path) not in CALLER_SCOPED):
            wrong.append(
                f"{method.upper()} {path}: another user got {real}, a missing object {missing}"
            )
    assert wrong == [], "\n".join(wrong)
    assert _snapshot(world) == before


def test_an_api_client_reaches_its_own_jurisdiction_within_its_scopes(world: World) -> None:
    """Issue 26, item 3, through the gateway: a client of demo reads demo's
    feed and webhook deliveries; a scope it lacks is 403 and a person's route
    refuses it; a client of another jurisdiction (made by the operator) gets
    404 on demo's feed, endpoint and deliveries; once revoked, the demo
    client's very next call is 401."""
    base = f"{world.gw}/v1/jurisdictions/demo"
    admin = world.auth("admin")
    client_id, secret = _api_client(world, "demo", admin, ["events:read", "webhooks:manage"])
    demo = _client_token(world, client_id, secret)
    endpoint = f"{base}/webhook-endpoints/{world.ids['endpoint_id']}"
    for url in (f"{base}/events", endpoint, f"{endpoint}/deliveries"):
        r = httpx.get(url, headers=demo)
        assert r.status_code == 200, (url, r.text)
    lacking = httpx.get(f"{base}/permits/{world.ids['permit_id']}", headers=demo)
    assert lacking.status_code == 403 and lacking.json()["scope"] == "permits:read"
    assert httpx.get(f"{base}/cart", headers=demo).status_code == 403
    operator = world.suite.login("operator@demo.example.org", None)
    other_id, other_secret = _api_client(
        world, "demo-auto", operator, ["events:read", "webhooks:manage"]
    )
    other = _client_token(world, other_id, other_secret)
    own = httpx.get(f"{world.gw}/v1/jurisdictions/demo-auto/events", headers=other)
    assert own.status_code == 200, own.text
    for url in (f"{base}/events", endpoint, f"{endpoint}/deliveries"):
        r = httpx.get(url, headers=other)
        assert r.status_code == 404, (url, r.text)
    revoked = httpx.delete(f"{base}/api-clients/{client_id}", headers=admin)
    assert revoked.status_code == 204
    after = httpx.get(f"{base}/events", headers=demo)
    assert after.status_code == 401, after.text


def test_a_broker_crash_loses_nothing_and_doubles_nothing(world: World) -> None:
    """Issue 12.11: kill -9 of the broker while fees are assessed; the launcher
    restarts it empty; every FeeAssessed still reaches payments (the cart takes
    each permit) and the fee emails go out once per permit."""
    gw, admin = world.gw, world.auth("admin")
    base = f"{gw}/v1/jurisdictions/demo"
    permits = [_permit_in_review(world) for _ in range(6)]

    def assess(permit_id: str) -> int:
        return httpx.post(
            f"{base}/permits/{permit_id}/fees",
            headers={**admin, "Idempotency-Key": f"crash-{permit_id}"},
            json={"items": [{"code": "PLAN"}]},
            timeout=60,
        ).status_code

    with ThreadPoolExecutor(3) as pool:
        first = list(pool.map(assess, permits[:3]))
        os.kill(world.suite.infra_pid("kafka"), 9)
        rest = list(pool.map(assess, permits[3:]))
    assert first + rest == [200] * 6
    rich = world.auth("rich")

    def every_fee_reached_payments() -> bool:
        return all(
            httpx.post(f"{base}/cart/items", headers=rich, json={"permit_id": p}).status_code == 204
            for p in permits
        )

    eventually_sync(every_fee_reached_payments, timeout=120, what="every FeeAssessed consumed")
    assert "kafka restarted" in world.suite.log.read_text()
    numbers = [_number(world, p) for p in permits]

    def fee_mails_of_all() -> bool:  # notifications consumes on its own, after payments
        subjects = [m["subject"] for m in httpx.get(f"{gw}/dev/mail").json()]
        return all(any(n in s and "fees" in s.lower() for s in subjects) for n in numbers)

    eventually_sync(fee_mails_of_all, timeout=120, what="every fees-due email")
    mails = httpx.get(f"{gw}/dev/mail").json()
    for number in numbers:
        fee_mails = [m for m in mails if number in m["subject"] and "fees" in m["subject"].lower()]
        assert len(fee_mails) == 1, (number, [m["subject"] for m in fee_mails])
    for p in permits:
        httpx.delete(f"{base}/cart/items/{p}", headers=rich)


def test_a_database_crash_loses_no_acknowledged_permit(world: World) -> None:
    """Issue 12.12: kill -9 of the database while permits are created; every
    201 survives the restart, and no number was handed out twice."""
    gw, admin = world.gw, world.auth("admin")
    base = f"{gw}/v1/jurisdictions/demo"
    confirmed: list[dict[str, Any]] = []
    failed: list[int] = []
    stop = asyncio.Event()
    reached = {10: asyncio.Event(), 25: asyncio.Event()}

    async def apply_until_stopped(client: httpx.AsyncClient) -> None:
        while not stop.is_set():
            try:
                r = await client.post(f"{base}/permits", headers=admin, json=_application())
            except httpx.HTTPError:
                failed.append(0)
                continue
            if r.status_code != 201:
                failed.append(r.status_code)
                continue
            confirmed.append(r.json())
            for count, event in reached.items():
                if len(confirmed) >= count:
                    event.set()

    async def crash_midway() -> None:
        async with httpx.AsyncClient(timeout=30) as client:
            workers = [asyncio.create_task(apply_until_stopped(client)) for _ in range(3)]
            await reached[10].wait()
            os.kill(world.suite.infra_pid("mongodb"), 9)
            await reached[25].wait()  # the launcher brought it back; requests succeed again
            stop.set()
            await asyncio.gather(*workers)

    asyncio.run(asyncio.wait_for(crash_midway(), timeout=240))
    assert "mongodb restarted" in world.suite.log.read_text()
    numbers = [p["number"] for p in confirmed]
    assert len(set(numbers)) == len(numbers)
    for permit in confirmed:
        r = httpx.get(f"{base}/permits/{permit['id']}", headers=admin)
        assert r.status_code == 200, permit["number"]
        assert r.json()["number"] == permit["number"]


def test_a_webhook_worker_killed_mid_send_loses_nothing(world: World) -> None:
    """Issue 26: ``kill -9`` of the integrations process while a delivery is
    in flight; once the launcher started it again and the dead worker's lease
    ran out, every event of the permit arrives, in order (at least once)."""
    base, admin = f"{world.gw}/v1/jurisdictions/demo", world.auth("admin")
    with HookReceiver(hold_first=True) as hook:
        r = httpx.post(
            f"{base}/webhook-endpoints",
            headers=admin,
            json={"url": hook.url, "types": ["permitsuite.permits."]},
        )
        assert r.status_code == 201, r.text
        permit_id = _permit_in_review(world)
        eventually_sync(hook.holding.is_set, what="a delivery in flight")
        pid = world.suite.kill9("integrations")
        hook.release.set()
        world.suite.restarted("integrations", pid)
        stored: list[str] = []

        def all_arrived() -> bool:
            stored[:] = _permit_events(world, permit_id)
            return len(stored) >= 3 and set(stored) <= set(hook.ids())

        eventually_sync(all_arrived, timeout=120, what="every event of the permit delivered")
        mine = [i for i in dict.fromkeys(hook.ids()) if i in set(stored)]
        assert mine == stored  # in the order they were committed
        httpx.delete(f"{base}/webhook-endpoints/{r.json()['id']}", headers=admin)


def _permit_events(world: World, permit_id: str) -> list[str]:
    """The ids of the permit's events in the demo's feed, in order."""
    found: list[str] = []
    params = {"limit": 500, "types": "permitsuite.permits."}
    while True:
        page = httpx.get(
            f"{world.gw}/v1/jurisdictions/demo/events", params=params, headers=world.auth("admin")
        ).json()
        found += [e["id"] for e in page["items"] if e["subject"] == permit_id]
        if not page["more"]:
            return found
        params["after"] = page["next_cursor"]


def _application() -> dict[str, Any]:
    return {
        "type_code": "RES",
        "site": {"street": "1968 E Dodd Rd", "city": "Meridian", "state": "ID", "zip": "83642"},
        "valuation": "1000.00",
        "applicant": {"name": "Rich Contractor", "email": RICH},
        "company_ids": [],
    }


def _permit_in_review(world: World) -> str:
    base, admin = f"{world.gw}/v1/jurisdictions/demo", world.auth("admin")
    permit = httpx.post(f"{base}/permits", headers=admin, json=_application()).json()
    for step, version in (("IN_REVIEW", 1), ("PENDING_APPROVAL", 2)):
        r = httpx.post(
            f"{base}/permits/{permit['id']}/transitions",
            headers=admin,
            json={"to": step, "version": version},
        )
        assert r.status_code == 200, r.text
    return str(permit["id"])


def _number(world: World, permit_id: str) -> str:
    r = httpx.get(
        f"{world.gw}/v1/jurisdictions/demo/permits/{permit_id}", headers=world.auth("admin")
    )
    return str(r.json()["number"])


FUZZ_CHECKS = ",".join(
    [
        "not_a_server_error",
        "response_schema_conformance",
        "status_code_conformance",
        "content_type_conformance",
        "unsupported_method",
        "allow_header_conformance",
    ]
)


def _fuzz_config(world: World, path: Path) -> Path:
    """Path parameters the fuzzer should mostly get right: the demo jurisdiction
    and real objects, so it reaches the code behind the access checks."""
    lines = ["[parameters]", '"path.jurisdiction_id" = "demo"']
    values = {**world.ids, **world.registration_ids}
    for name in values:
        lines.append(f'"path.{name}" = {{ dictionary = "{name}", probability = 0.8 }}')
    for name, value in values.items():
        lines += [f"[dictionaries.{name}]", f'values = ["{value}"]']
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("who", ["anonymous", "rich", "admin"])
def test_schemathesis_finds_nothing(world: World, who: str, tmp_path: Path) -> None:
    """Issue 12: the bounded fuzz pass stays in CI. ``PERMITSUITE_FUZZ_EXAMPLES``
    (default 5 per operation and phase) and ``PERMITSUITE_FUZZ_SEED`` tune it."""
    headers = {} if who == "anonymous" else world.auth(who)
    # the crash tests before this one restart the broker and the database: fuzz
    # the suite once every service is ready again (GET /health is part of it)
    eventually_sync(
        lambda: httpx.get(f"{world.gw}/health", timeout=10).status_code == 200,
        timeout=120,
        what="every service ready",
    )
    command = [
        str(Path(sys.executable).with_name("st")),
        "--config-file",
        str(_fuzz_config(world, tmp_path / "schemathesis.toml")),
        "run",
        f"{world.gw}/openapi.json",
        "--checks",
        FUZZ_CHECKS,
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        os.environ.get("PERMITSUITE_FUZZ_EXAMPLES", "5"),
        "--seed",
        os.environ.get("PERMITSUITE_FUZZ_SEED", "20261130"),
        "--workers",  # one: CPython 3.11's ast.parse, which Hypothesis uses, is not thread-safe
        "1",
        "--no-color",
        "--exclude-path",
        "/v1/auth/token",
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-12000:]
    assert re.search(r"\d+ generated, \d+ passed", report), report[-3000:]
