"""The capacity benchmark's traffic mix (run by ``benchmarks.capacity``, one
Locust run per offered rate; not imported by anything else: Locust patches
the standard library with gevent when it is imported).

What one simulated person does, with its share of the mix: the API and
portal dashboards, "my inspections", the staff work queues, staff and public
searches and a permit application (with an Idempotency-Key). Each simulated
person comes from its own address (the ``X-Forwarded-For`` the portal's hop
secret makes the gateway believe), so per-address rate limits count people,
not the load generator. The tokens and the portal session come from the
driver (``BENCH_*`` environment), logged in once per step.
"""

from __future__ import annotations

import itertools
import os
import random
import time
import uuid

import gevent
from locust import HttpUser, task

GATEWAY = os.environ["BENCH_GATEWAY"]
PORTAL = os.environ["BENCH_PORTAL"]
CONTRACTOR = {"Authorization": f"Bearer {os.environ['BENCH_CONTRACTOR_TOKEN']}"}
STAFF = {"Authorization": f"Bearer {os.environ['BENCH_STAFF_TOKEN']}"}
# applications come from a resident, so the contractor's dashboard does not grow over the run
RESIDENT = {"Authorization": f"Bearer {os.environ['BENCH_RESIDENT_TOKEN']}"}
PORTAL_COOKIE = os.environ["BENCH_PORTAL_COOKIE"]
PROXY_SECRET = os.environ["BENCH_PROXY_SECRET"]
PER_USER_RATE = float(os.environ.get("BENCH_PER_USER_RATE", "0.5"))
JID = "demo"
NUMBERS = os.environ.get("BENCH_PERMIT_NUMBERS", "RES26-0003").split(",")
_addresses = itertools.count(1)


def _ok(response: object, *codes: int) -> None:
    """Anything else is a failure in Locust's count, named by its status, so
    the driver can tell a shed (503, 429) from any other failure."""
    status = getattr(response, "status_code", 0)
    if status not in codes:
        response.failure(f"HTTP {status}")  # type: ignore[attr-defined]


class Person(HttpUser):
    """One person clicking at random moments, ``PER_USER_RATE`` times a second
    on average: the gaps are exponential (a Poisson stream per person, so the
    whole step is a Poisson stream at the offered rate), each measured from
    when the last click was *due*, not from when its answer came — an answer
    that is late does not make the next click late (open-loop, as long as an
    answer takes less than a gap).

    Not Locust's ``constant_throughput``: it paces each user from the moment
    the user started, so after the first request every user of a step clicks
    at the same instant (seen: 10 users firing within 3 ms every 2 s), and a
    step measures bursts of its whole population instead of its rate."""

    host = GATEWAY

    def wait_time(self) -> float:
        self.due += random.expovariate(PER_USER_RATE)
        return max(0.0, self.due - time.monotonic())

    def on_start(self) -> None:
        # the first click at a random moment of the first gap
        gevent.sleep(random.expovariate(PER_USER_RATE))
        self.due = time.monotonic()
        n = next(_addresses)
        self.address = {
            "X-Forwarded-For": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
            "X-Permitsuite-Proxy-Secret": PROXY_SECRET,
        }

    def _get(self, url: str, headers: dict[str, str], name: str) -> None:
        with self.client.get(
            url, headers={**headers, **self.address}, name=name, catch_response=True
        ) as r:
            _ok(r, 200)

    @task(3)
    def api_dashboard(self) -> None:
        self._get("/v1/me/dashboard", CONTRACTOR, "api dashboard")

    @task(2)
    def portal_dashboard(self) -> None:
        with self.client.get(
            f"{PORTAL}/j/{JID}/dashboard",
            headers={"Cookie": PORTAL_COOKIE},
            name="portal dashboard",
            catch_response=True,
            allow_redirects=False,
        ) as r:
            _ok(r, 200)

    @task(2)
    def my_inspections(self) -> None:
        self._get(f"/v1/jurisdictions/{JID}/my-inspections", CONTRACTOR, "my inspections")

    @task(1)
    def staff_queues(self) -> None:
        self._get("/v1/staff/queues", STAFF, "staff queues")

    @task(1)
    def staff_search(self) -> None:
        query = random.choice(
            [f"number={random.choice(NUMBERS)}", "address=196", "status=IN_REVIEW"]
        )
        self._get(f"/v1/jurisdictions/{JID}/permit-search?{query}", STAFF, "staff search")

    @task(1)
    def public_search(self) -> None:
        self._get(
            f"/v1/jurisdictions/{JID}/public-permits?number={random.choice(NUMBERS)}",
            {},
            "public search",
        )

    @task(1)
    def application(self) -> None:
        with self.client.post(
            f"/v1/jurisdictions/{JID}/permits",
            headers={**RESIDENT, **self.address, "Idempotency-Key": uuid.uuid4().hex},
            json={
                "type_code": "RES",
                "site": {"street": "1968 E Dodd Rd", "city": "Meridian", "zip": "83642"},
                "applicant": {"name": "Pat Resident", "email": "resident@demo.example.org"},
                "description": "capacity benchmark",
            },
            name="application",
            catch_response=True,
        ) as r:
            _ok(r, 201)
