"""Seeding the demo installation: its users and company through identity's
CLI, and its jurisdictions from their profiles (``jurisdictions/*.yaml``)
through the public API, as an operator applies a jurisdiction as code."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
from permitsuite_admin.api import Api
from permitsuite_admin.apply import apply
from permitsuite_admin.profile import Profile, load

from permitsuite_embedded.demo import DEMO_COMPANY, DEMO_USERS

PROFILES = Path(__file__).parent / "jurisdictions"

API_CLIENT_FILE = "api-client.json"
DEMO_CLIENT_SCOPES = ["events:read", "webhooks:manage", "permits:read", "inspections:read"]


def demo_profiles() -> list[Profile]:
    """The demo jurisdictions, each as its profile file says (``demo`` first)."""
    return [load(PROFILES / "demo.yaml"), load(PROFILES / "demo-auto.yaml")]


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
        demo, *others = demo_profiles()
        profile = {
            "jurisdiction": demo.jurisdiction.model_dump(),
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
            "extra_jurisdictions": [other.jurisdiction.model_dump() for other in others],
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
        self.configure(passwords[operator[1]])
        self.seed_webhook(passwords["admin@demo.example.org"])
        self.seed_api_client(passwords["admin@demo.example.org"])
        self.seed_permits(passwords["admin@demo.example.org"])
        self.say("demo jurisdictions 'demo' (staff review) and 'demo-auto' (automatic) seeded")

    def configure(self, operator_password: str) -> None:
        """Each demo jurisdiction as its profile says (its payments, inspection
        calendar, permit types, registration), applied as the hosting operator."""
        operator = next(u for u in DEMO_USERS if u[3] == "operator")
        gateway = self.url(self.args.gateway_port)
        for profile in demo_profiles():
            api = Api.logged_in(
                gateway, profile.id, token=None, email=operator[1], password=operator_password
            )
            try:
                apply(api, profile)
            finally:
                api.http.close()

    def admin_headers(self, admin_password: str) -> dict[str, str]:
        login = httpx.post(
            f"{self.url(self.args.gateway_port)}/v1/auth/token",
            timeout=30,
            data={
                "username": "admin@demo.example.org",
                "password": admin_password,
                "jurisdiction": "demo",
            },
        ).json()
        return {"Authorization": f"Bearer {login['access_token']}"}

    def seed_webhook(self, admin_password: str) -> None:
        """The demo jurisdiction's webhook endpoint at the dev receiver (once):
        every demo event is delivered there, signed, and listed at /dev/webhooks."""
        secrets = self.data / "webhook-secrets.json"
        if secrets.exists():
            return
        h = self.admin_headers(admin_password)
        made = httpx.post(
            f"{self.url(self.args.gateway_port)}/v1/jurisdictions/demo/webhook-endpoints",
            headers=h,
            timeout=30,
            json={
                "url": f"{self.url(self.args.mail_http_port)}/webhooks/demo",
                "description": "the embedded stack's dev receiver (/dev/webhooks)",
            },
        )
        made.raise_for_status()
        secrets.write_text(json.dumps({"demo": made.json()["secret"]}))
        secrets.chmod(0o600)

    def seed_api_client(self, admin_password: str) -> None:
        """An API client of the demo jurisdiction (once), for trying the
        client credentials grant: its id and secret in ``api-client.json``."""
        kept = self.data / API_CLIENT_FILE
        if kept.exists():
            return
        made = httpx.post(
            f"{self.url(self.args.gateway_port)}/v1/jurisdictions/demo/api-clients",
            headers=self.admin_headers(admin_password),
            timeout=30,
            json={"name": "the demo's integrator", "scopes": DEMO_CLIENT_SCOPES},
        )
        made.raise_for_status()
        client = {k: made.json()[k] for k in ("client_id", "client_secret", "scopes")}
        kept.write_text(json.dumps(client, indent=2))
        kept.chmod(0o600)

    def seed_permits(self, admin_password: str) -> None:
        """Demo permits for the demo contractor in several statuses (once)."""
        gw = self.url(self.args.gateway_port)
        h = self.admin_headers(admin_password)
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
