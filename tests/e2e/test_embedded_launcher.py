"""`make run`: the embedded suite comes up, seeds the demo, and Ctrl-C stops
every process it started."""

from __future__ import annotations

import json
import re
import signal
from pathlib import Path
from typing import Any

import httpx
import pytest
from devstack.testing import eventually_sync

from .launched import LaunchedSuite

pytestmark = pytest.mark.e2e


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


CLIENT_GRANT = {"grant_type": "client_credentials"}


def test_make_run_starts_seeds_and_stops_cleanly(tmp_path: Path) -> None:
    suite = LaunchedSuite(tmp_path / "data", tmp_path / "run.log")
    log = suite.log
    try:
        suite.start()
        assert suite.proc is not None
        proc = suite.proc
        banner = log.read_text()
        gateway = suite.gateway
        assert f"Portal (web):    {suite.portal}" in banner
        assert f"Gateway (API):   {gateway}" in banner
        assert f"Mailbox:         {gateway}/dev/mail" in banner
        password = re.search(r"resident@demo\.example\.org\s+password: (\S+)", banner)
        assert password is not None
        assert httpx.get(f"{gateway}/health").status_code == 200
        login = httpx.post(
            f"{gateway}/v1/auth/token",
            data={
                "username": "resident@demo.example.org",
                "password": password.group(1),
                "jurisdiction": "demo",
            },
        )
        assert login.status_code == 200, login.text
        contractor_pw = re.search(r"contractor@demo\.example\.org\s+password: (\S+)", banner)
        assert contractor_pw is not None
        rich = httpx.post(
            f"{gateway}/v1/auth/token",
            data={
                "username": "contractor@demo.example.org",
                "password": contractor_pw.group(1),
                "jurisdiction": "demo",
            },
        ).json()["access_token"]
        me = httpx.get(f"{gateway}/v1/me", headers={"Authorization": f"Bearer {rich}"}).json()
        assert me["kind"] == "contractor" and len(me["company_admin_of"]) == 1  # AEC0119
        dash = httpx.get(
            f"{gateway}/v1/jurisdictions/demo/dashboard/permits",
            headers={"Authorization": f"Bearer {rich}"},
        ).json()
        rows = sorted((row["status_label"], row["fees_due"]) for row in dash["items"])
        assert rows == [
            ("AWAITING PAYMENT", "1023.98"),
            ("AWAITING PAYMENT", "131.00"),
            ("IN REVIEW", "0.00"),
            ("ISSUED", "0.00"),
            ("SUBMITTED", "0.00"),
        ]
        auth = {"Authorization": f"Bearer {rich}"}
        awaiting = [r for r in dash["items"] if r["status_label"] == "AWAITING PAYMENT"]

        def in_cart() -> bool:  # payments learns of the fees from permits' events
            return all(
                httpx.post(
                    f"{gateway}/v1/jurisdictions/demo/cart/items",
                    headers=auth,
                    json={"permit_id": row["id"]},
                ).status_code
                == 204
                for row in awaiting
            )

        eventually_sync(in_cart, what="the demo fees in the cart")
        summary = httpx.get(
            f"{gateway}/v1/jurisdictions/demo/cart?method=card", headers=auth
        ).json()
        # R-PAY-3: 1,023.98 + 131.00 = 1,154.98; 3 % = 34.6494 → 34.65
        assert (summary["total_fees"], summary["convenience_fee"], summary["total_due"]) == (
            "1154.98",
            "34.65",
            "1189.63",
        )
        # pay both on the sandbox's hosted page, as a browser would
        pay = httpx.post(
            f"{gateway}/v1/jurisdictions/demo/checkout",
            headers={**auth, "Idempotency-Key": "launcher-test-1"},
            json={"method": "card"},
        )
        assert pay.status_code == 201, pay.text
        page = httpx.get(pay.json()["hosted_url"])
        assert page.status_code == 200 and "1,189.63" in page.text
        back = httpx.post(pay.json()["hosted_url"], data={"action": "approve", "method": "card"})
        assert back.status_code == 303  # back to the portal's receipt page
        assert back.headers["location"].startswith(f"{suite.portal}/payments/return?")
        returned = httpx.get(back.headers["location"])  # the portal shows the receipt page
        assert returned.status_code == 303
        assert returned.headers["location"] == f"/j/demo/payments/{pay.json()['id']}"
        payment_url = f"{gateway}/v1/jurisdictions/demo/payments/{pay.json()['id']}"

        def settled() -> bool:  # the sandbox's signed webhook, through the gateway
            return httpx.get(payment_url, headers=auth).json()["status"] == "SETTLED"

        eventually_sync(settled, what="the payment settled by the webhook")
        receipt = httpx.get(f"{payment_url}/receipt", headers=auth).json()
        assert receipt["receipt_number"].startswith("R") and receipt["total"] == "1189.63"

        def issued() -> bool:  # permits consumed PaymentSettled: paid, and RES issues itself
            rows = httpx.get(
                f"{gateway}/v1/jurisdictions/demo/dashboard/permits", headers=auth
            ).json()["items"]
            by_id = {r["id"]: r for r in rows}
            return all(
                by_id[a["id"]]["status_label"] == "ISSUED" and by_id[a["id"]]["fees_due"] == "0.00"
                for a in awaiting
            )

        eventually_sync(issued, what="both permits paid and issued")

        # inspections (R-INS): the issued demo MECHANICAL permit
        mech = next(r for r in dash["items"] if r["type"] == "MECHANICAL")
        base = f"{gateway}/v1/jurisdictions/demo"
        before = httpx.get(f"{base}/permits/{mech['id']}", headers=auth).json()["expires_at"]
        offered: dict[str, list[str]] = {}

        def dates_offered() -> bool:  # inspections learns of the issuance from permits' events
            for kind in ("MECHANICAL ROUGH", "MECHANICAL FINAL"):
                r = httpx.get(
                    f"{base}/inspection-dates",
                    params={"permit_id": mech["id"], "type": kind},
                    headers=auth,
                )
                if r.status_code != 200:
                    return False
                offered[kind] = r.json()["dates"]
            return True

        eventually_sync(dates_offered, what="available inspection dates")
        scheduled = httpx.post(
            f"{base}/inspections",
            headers=auth,
            json={
                "requests": [
                    {
                        "permit_id": mech["id"],
                        "inspection_type": "MECHANICAL ROUGH",
                        "date": offered["MECHANICAL ROUGH"][0],
                    },
                    {
                        "permit_id": mech["id"],
                        "inspection_type": "MECHANICAL FINAL",
                        "date": offered["MECHANICAL FINAL"][1],
                        "ampm": "AM",
                    },
                ]
            },
        )
        assert scheduled.status_code == 201, scheduled.text
        rough, final = scheduled.json()["items"]
        mine = httpx.get(f"{base}/my-inspections", headers=auth).json()
        assert {i["id"] for i in mine["items"]} == {rough["id"], final["id"]}
        assert all(i["cancellable"] for i in mine["items"])
        # the aggregated dashboard shows every service's part (R-DASH-1…3)
        board = httpx.get(f"{gateway}/v1/me/dashboard", headers=auth).json()
        assert board["degraded"] == []
        assert board["active_inspections"]["total"] == 2
        assert board["active_permits"]["total"] == 5 and board["total_fees_due"] == "0.00"
        assert board["cart_items"] == 0
        cancelled = httpx.post(f"{base}/inspections/{final['id']}/cancel", headers=auth, json={})
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "CANCELLED"
        inspector_pw = re.search(r"inspector@demo\.example\.org\s+password: (\S+)", banner)
        assert inspector_pw is not None
        ivan = httpx.post(
            f"{gateway}/v1/auth/token",
            data={
                "username": "inspector@demo.example.org",
                "password": inspector_pw.group(1),
                "jurisdiction": "demo",
            },
        ).json()["access_token"]
        day = httpx.get(
            f"{base}/inspection-search",
            params={"date": rough["date"]},
            headers={"Authorization": f"Bearer {ivan}"},
        ).json()
        assert rough["id"] in {i["id"] for i in day["items"]}
        passed = httpx.post(
            f"{base}/inspections/{rough['id']}/result",
            headers={"Authorization": f"Bearer {ivan}"},
            json={"result": "pass", "comments": "looks good"},
        )
        assert passed.status_code == 200, passed.text

        def clock_reset() -> bool:  # permits consumed InspectionResulted (R-INS-6, R-PER-5)
            after = httpx.get(f"{base}/permits/{mech['id']}", headers=auth).json()["expires_at"]
            return bool(after > before)

        eventually_sync(clock_reset, what="the permit's expiry clock restarted")
        # the jurisdiction's event feed (issue 26): its own events, from identity,
        # permits, payments and inspections, through the gateway
        admin = suite.login("admin@demo.example.org")
        feed_types: set[str] = set()

        def in_feed() -> bool:
            page = httpx.get(f"{base}/events", params={"limit": 500}, headers=admin).json()
            assert all(e["jurisdiction"] == "demo" for e in page["items"])
            feed_types.update(e["type"] for e in page["items"])
            return {
                "permitsuite.permits.PermitIssued.v1",
                "permitsuite.payments.PaymentSettled.v1",
                "permitsuite.inspections.InspectionResulted.v1",
            } <= feed_types

        eventually_sync(in_feed, what="the demo's events in its feed")
        other = httpx.get(f"{gateway}/v1/jurisdictions/demo-auto/events", headers=admin)
        assert other.status_code == 404
        # the demo's API client (issue 26): client credentials, then the feed
        client = json.loads((suite.data_dir / "api-client.json").read_text())
        basic = (client["client_id"], client["client_secret"])
        granted = httpx.post(f"{gateway}/v1/auth/token", data=CLIENT_GRANT, auth=basic)
        system = {"Authorization": f"Bearer {granted.json()['access_token']}"}
        fed = httpx.get(f"{base}/events", params={"limit": 5}, headers=system)
        assert fed.status_code == 200 and fed.json()["items"], fed.text
        assert "api-client.json" in banner
        # the demo's webhook endpoint at the dev receiver: the same events, signed
        received: list[dict[str, Any]] = []

        def delivered() -> bool:
            received[:] = httpx.get(f"{gateway}/dev/webhooks", timeout=10).json()
            return "permitsuite.inspections.InspectionResulted.v1" in {
                r["event"]["type"] for r in received
            }

        eventually_sync(delivered, what="the demo's events at the dev webhook receiver")
        assert all(r["signature_verified"] is True for r in received)
        assert all(r["event"]["jurisdiction"] == "demo" for r in received)
        assert f"Webhooks:        {gateway}/dev/webhooks" in banner
        # the demo's BLDS open-data export, published: one public URL, no personal data
        r = httpx.put(f"{base}/open-data", json={"public": True}, headers=admin)
        assert r.status_code == 200, r.text
        exported: list[str] = []

        def published() -> bool:
            got = httpx.get(f"{gateway}{r.json()['csv']['permits']}", timeout=30)
            exported[:] = got.text.splitlines() if got.status_code == 200 else []
            return len(exported) > 5

        eventually_sync(published, what="the demo's permits in the open-data export")
        assert exported[0].startswith("PermitNum,Description,AppliedDate,IssuedDate,")
        assert not any("@" in line for line in exported)
        types = httpx.get(f"{gateway}/v1/jurisdictions/demo/permit-types").json()
        assert {t["code"] for t in types} == {"RES", "MECH", "ELEC", "CMECH"}
        children = _children(proc.pid)
        assert len(children) == 13  # broker, database, mail sink, sandbox, 8 services, portal

        proc.send_signal(signal.SIGINT)
        assert proc.wait(60) == 0
        eventually_sync(
            lambda: not any(_alive(pid) for pid in children),
            timeout=10,
            what="every child process gone",
        )
        assert "[permitsuite] stopped" in log.read_text()
    finally:
        if suite.proc is not None and suite.proc.poll() is None:
            suite.proc.kill()
