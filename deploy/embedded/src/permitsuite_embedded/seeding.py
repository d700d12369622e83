"""Seeding the demo installation through identity's CLI and the public API."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from permitsuite_embedded.demo import (
    DEMO_AUTO_JURISDICTION,
    DEMO_COMPANY,
    DEMO_INSPECTIONS,
    DEMO_JURISDICTION,
    DEMO_PAYMENTS,
    DEMO_PERMIT_TYPES,
    DEMO_REGISTRATION,
    DEMO_USERS,
)


class Seeding:
    """The demo data, as the hosting operator and the demo admin would enter it."""

    args: argparse.Namespace
    data: Path
    services: list[Any]

    def say(self, message: str) -> None:
        print(f"[permitsuite] {message}", flush=True)

    def url(self, port: int) -> str:
        return f"http://{self.args.host}:{port}"

    def seed(self, keys: dict[str, Any]) -> None:
        passwords = keys["passwords"]
        operator = next(u for u in DEMO_USERS if u[3] == "operator")
        profile = {
            "jurisdiction": DEMO_JURISDICTION,
            "operator": {"email": operator[1], "password": passwords[operator[1]]},
            "users": [
                {
                    "email": email,
                    "password": passwords[email],
                    "display_name": name,
                    "kind": kind,
                    "roles": roles,
                }
                for _, email, name, kind, roles in DEMO_USERS
                if kind != "operator"
            ],
            "companies": [DEMO_COMPANY],
            "extra_jurisdictions": [DEMO_AUTO_JURISDICTION],
        }
        path = self.data / "demo-profile.json"
        path.write_text(json.dumps(profile))
        path.chmod(0o600)
        identity = self.services[0]
        result = subprocess.run(
            [sys.executable, "-m", "identity.cli", "seed-demo", str(path)],
            env={**os.environ, **identity.env},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"seeding the demo jurisdiction failed:\n{result.stderr}")
        self.configure_registration(passwords[operator[1]])
        self.seed_permits(passwords["admin@demo.example.org"])
        self.say("demo jurisdictions 'demo' (staff review) and 'demo-auto' (automatic) seeded")

    def configure_registration(self, operator_password: str) -> None:
        """Demo settings (payments, inspections, permit types, registration) through
        the public API, as the hosting operator."""
        gw = self.url(self.args.gateway_port)
        operator = next(u for u in DEMO_USERS if u[3] == "operator")
        token = httpx.post(
            f"{gw}/v1/auth/token",
            data={"username": operator[1], "password": operator_password},
            timeout=30,
        ).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        settings = [
            ("payments", "demo/payment-settings", DEMO_PAYMENTS),
            ("inspections", "demo/inspection-settings", DEMO_INSPECTIONS),
            *(
                (f"permit type {code}", f"demo/permit-types/{code}", permit_type)
                for code, permit_type in DEMO_PERMIT_TYPES.items()
            ),
            *(
                (f"registration for {jid}", f"{jid}/registration-settings", config)
                for jid, config in DEMO_REGISTRATION.items()
            ),
        ]
        for what, path, body in settings:
            r = httpx.put(f"{gw}/v1/jurisdictions/{path}", json=body, headers=headers, timeout=30)
            if r.status_code != 200:
                raise RuntimeError(f"configuring {what} failed: {r.text}")

    def seed_permits(self, admin_password: str) -> None:
        """Demo permits for the demo contractor in several statuses (once)."""
        gw = self.url(self.args.gateway_port)
        login = httpx.post(
            f"{gw}/v1/auth/token",
            timeout=30,
            data={
                "username": "admin@demo.example.org",
                "password": admin_password,
                "jurisdiction": "demo",
            },
        ).json()
        h = {"Authorization": f"Bearer {login['access_token']}"}
        base = f"{gw}/v1/jurisdictions/demo"
        seeded = httpx.get(  # the first demo permit's street: a bounded search
            f"{base}/permit-search",
            params={"address": "1502 E Falcon Dr", "limit": 1},
            headers=h,
            timeout=30,
        )
        if seeded.json()["total"]:
            return
        companies = httpx.get(f"{base}/companies?q=AEC0119", headers=h, timeout=30).json()
        company = companies["items"][0]["id"]
        journeys = [
            ("1502 E Falcon Dr", "RES", []),
            ("34554 Clue Ln", "RES", ["IN_REVIEW"]),
            ("1968 E Dodd Rd", "RES", ["IN_REVIEW", "PENDING_APPROVAL", "fees"]),
            ("7120 W Ustick Rd", "RES", ["IN_REVIEW", "PENDING_APPROVAL", "small fees"]),
            (
                "2917 S Schoolhouse Rd",
                "MECH",
                ["IN_REVIEW", "PENDING_APPROVAL", "READY_TO_ISSUE", "ISSUED"],
            ),
        ]
        for street, type_code, steps in journeys:
            r = httpx.post(
                f"{base}/permits",
                headers=h,
                timeout=30,
                json={
                    "type_code": type_code,
                    "valuation": "250000.00",
                    "site": {"street": street, "city": "Meridian", "state": "ID", "zip": "83642"},
                    "applicant": {
                        "name": "Rich Contractor",
                        "email": "contractor@demo.example.org",
                    },
                    "owner": {"name": "Pat Resident", "email": "resident@demo.example.org"},
                    "company_ids": [company],
                },
            )
            permit = r.json()
            for step in steps:
                if step in ("fees", "small fees"):
                    codes = ("MECH", "PRB", "BLDG", "PLAN", "PPR", "FIRE")
                    r = httpx.post(
                        f"{base}/permits/{permit['id']}/fees",
                        headers={**h, "Idempotency-Key": f"demo-fees-{permit['id']}"},
                        timeout=30,
                        json={"items": [{"code": c} for c in codes[:: 1 if step == "fees" else 3]]},
                    )
                else:
                    r = httpx.post(
                        f"{base}/permits/{permit['id']}/transitions",
                        headers=h,
                        timeout=30,
                        json={"to": step, "version": permit["version"]},
                    )
                if r.status_code != 200:
                    raise RuntimeError(f"seeding demo permits failed: {r.text}")
                permit = r.json()
