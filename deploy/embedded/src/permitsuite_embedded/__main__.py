"""``python -m permitsuite_embedded`` (``make run``): the whole suite on one machine.

Starts, as supervised child processes: the Tansu Kafka-protocol broker, the
SecantusDB MongoDB-wire server (data kept under the data folder), an SMTP
sink, then identity, notifications and the gateway; creates the topics; seeds
a demo jurisdiction with demo users; prints the URLs. Ctrl-C (SIGINT/SIGTERM)
stops everything in reverse order.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from chassis.embedded import (
    EMBEDDED_FETCH_MAX_WAIT_MS,
    ManagedProcess,
    mongo_url,
    port_open,
    start_broker,
    start_mongo,
    wait_until,
)
from chassis.kafka import ensure_topics
from contracts import ALL_TOPICS
from permitsuite_embedded.supervision import Backoff

DEMO_JURISDICTION = {
    "id": "demo",
    "name": "Demo County Building Department",
    "time_zone": "America/Boise",
    "features": {
        "public_self_enrollment": True,
        "contractor_self_registration": True,
        "online_payments": True,
    },
}
DEMO_COMPANY = {
    "name": "Rich Contractor",
    "license_number": "AEC0119",
    "trades": ["General", "Mechanical"],
    "address": "1502 E Falcon Dr",
    "city": "Meridian",
    "state": "ID",
    "zip": "83642",
    "email": "contractor@demo.example.org",
    "phone": "208-555-0119",
    "admins": ["contractor@demo.example.org"],
}
DEMO_AUTO_JURISDICTION = {
    "id": "demo-auto",
    "name": "Demo City Permits (automatic contractor acceptance)",
    "time_zone": "America/Denver",
    "features": {"public_self_enrollment": True, "contractor_self_registration": True},
}
DEMO_TRADES = ["General", "Electrical", "Mechanical", "Plumbing"]
DEMO_REGISTRATION = {
    "demo": {
        "enabled": True,
        "acceptance_mode": "staff_review",
        "time_zone": "America/Boise",
        "trades": DEMO_TRADES,
        "license_types": [
            {"code": "RES", "name": "Residential Contractor"},
            {"code": "MASTER_ELEC", "name": "Master Electrician"},
            {"code": "COMMERCIAL", "name": "Commercial Contractor", "online": False},
        ],
        "requirements": [
            {
                "id": "insurance",
                "label": "Certificate of liability insurance",
                "kind": "document",
                "accepted_types": ["application/pdf", "image/png", "image/jpeg"],
                "max_bytes": 5_000_000,
            },
            {
                "id": "insurance_expiry",
                "label": "Insurance expiry date",
                "kind": "field",
                "field_type": "insurance_expiry",
            },
            {
                "id": "elec_license",
                "label": "State electrical license number",
                "kind": "field",
                "field_type": "license_number",
                "trades": ["Electrical"],
            },
            {
                "id": "business_license",
                "label": "City business license",
                "kind": "field",
                "required": False,
            },
        ],
    },
    "demo-auto": {
        "enabled": True,
        "acceptance_mode": "automatic",
        "time_zone": "America/Denver",
        "trades": DEMO_TRADES,
        "license_types": [],
        "requirements": [],
    },
}
DEMO_PAYMENTS = {
    "online_payments": True,
    "currency": "USD",
    "fee_label": "Access Idaho Fee",
    "methods": [
        {"code": "card", "label": "Credit Card - 3%", "fee_percent": "3"},
        {"code": "echeck", "label": "Electronic Check - $1.50", "fee_flat": "1.50"},
    ],
}
DEMO_PERMIT_TYPES = {
    "RES": {
        "name": "RESIDENTIAL",
        "number_format": "RES{yy}-{seq:04}",
        "auto_issue": True,  # issued electronically once its fees are paid
        "inspection_types": ["ADDRESSING", "BUILDING FINAL"],
        "fee_schedule": [
            {"code": "MECH", "name": "MECHANICAL PERMIT", "amount": "96.00"},
            {"code": "PRB", "name": "PLAN REVIEW FEE BALANCE", "amount": "65.08"},
            {
                "code": "BLDG",
                "name": "BUILDING PERMIT FEE",
                "kind": "valuation",
                "rate": "2.603",
                "per": "1000",
            },
            {"code": "PLAN", "name": "PLANNING", "amount": "35.00"},
            {"code": "PPR", "name": "RES/GAR/ADD PARTIAL PLAN REVIEW FEE", "amount": "130.15"},
            {"code": "FIRE", "name": "FIRE DISTRICT INSPECTION FEE", "amount": "47.00"},
        ],
    },
    "MECH": {
        "name": "MECHANICAL",
        "number_format": "WEB{yy}-{seq:04}",
        "inspection_types": ["MECHANICAL ROUGH", "MECHANICAL FINAL"],
    },
    "ELEC": {
        "name": "ELECTRICAL",
        "number_format": "ELEC{yy}-{seq:04}",
        "inspection_types": ["ELECTRICAL FINAL"],
    },
    "CMECH": {
        "name": "COMMERCIAL MECHANICAL/GAS",
        "number_format": "CMECH{yy}-{seq:05}",
        "inspection_types": ["MECHANICAL FINAL"],
    },
}
DEMO_USERS = [
    ("operator", "operator@demo.example.org", "Hosting operator", "operator", []),
    ("staff admin", "admin@demo.example.org", "Dana Admin", "staff", ["admin"]),
    ("contractor", "contractor@demo.example.org", "Rich Contractor", "contractor", []),
    ("community member", "resident@demo.example.org", "Pat Resident", "community_member", []),
    ("inspector", "inspector@demo.example.org", "Ivan Inspector", "staff", ["inspector"]),
]
DEMO_INSPECTIONS = {
    "working_days": [0, 1, 2, 3, 4],
    "next_day_cutoff": "16:00",
    "cancel_cutoff": "06:00",
    "horizon_days": 14,
    "capacity": {"BUILDING FINAL": 10},
    "ampm_allowed": True,
}


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="permitsuite-embedded", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--data-dir",
        type=Path,
        default=Path(os.environ.get("PERMITSUITE_DATA_DIR", ".permitsuite")),
    )
    p.add_argument(
        "--fresh", action="store_true", help="delete the data folder first (start from scratch)"
    )
    p.add_argument("--host", default=os.environ.get("PERMITSUITE_HOST", "127.0.0.1"))
    p.add_argument("--gateway-port", type=int, default=_env_int("PERMITSUITE_GATEWAY_PORT", 8000))
    p.add_argument("--identity-port", type=int, default=_env_int("PERMITSUITE_IDENTITY_PORT", 8101))
    p.add_argument(
        "--notifications-port", type=int, default=_env_int("PERMITSUITE_NOTIFICATIONS_PORT", 8106)
    )
    p.add_argument("--permits-port", type=int, default=_env_int("PERMITSUITE_PERMITS_PORT", 8103))
    p.add_argument("--payments-port", type=int, default=_env_int("PERMITSUITE_PAYMENTS_PORT", 8104))
    p.add_argument(
        "--inspections-port", type=int, default=_env_int("PERMITSUITE_INSPECTIONS_PORT", 8105)
    )
    p.add_argument(
        "--sandbox-port",
        type=int,
        default=_env_int("PERMITSUITE_SANDBOX_PORT", 8190),
        help="the sandbox payment provider (hosted payment page)",
    )
    p.add_argument(
        "--registration-port", type=int, default=_env_int("PERMITSUITE_REGISTRATION_PORT", 8102)
    )
    p.add_argument("--kafka-port", type=int, default=_env_int("PERMITSUITE_KAFKA_PORT", 19092))
    p.add_argument("--mongo-port", type=int, default=_env_int("PERMITSUITE_MONGO_PORT", 27019))
    p.add_argument("--smtp-port", type=int, default=_env_int("PERMITSUITE_SMTP_PORT", 1025))
    p.add_argument(
        "--mail-http-port", type=int, default=_env_int("PERMITSUITE_MAIL_HTTP_PORT", 8025)
    )
    p.add_argument("--partitions", type=int, default=_env_int("PERMITSUITE_PARTITIONS", 3))
    p.add_argument("--no-seed", action="store_true", help="do not create the demo jurisdiction")
    p.add_argument(
        "--check", action="store_true", help="start, verify readiness, then stop (smoke test)"
    )
    return p.parse_args(argv)


@dataclass
class Service:
    name: str
    module: str
    port: int
    env: dict[str, str]
    process: ManagedProcess | None = None
    backoff: Backoff = field(default_factory=Backoff)


class Suite:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.data = args.data_dir.resolve()
        self.logs = self.data / "logs"
        self.infra: list[ManagedProcess] = []
        self.infra_backoff: dict[str, Backoff] = {}
        self.services: list[Service] = []
        self.stopping = False

    # -- helpers --------------------------------------------------------
    def say(self, message: str) -> None:
        print(f"[permitsuite] {message}", flush=True)

    def url(self, port: int) -> str:
        return f"http://{self.args.host}:{port}"

    def secrets(self) -> dict[str, Any]:
        path = self.data / "secrets.json"
        if path.exists():
            values = dict(json.loads(path.read_text()))
            added = False
            for name in ("internal_token", "sandbox_api_key", "webhook_secret"):
                if name not in values:  # data folders from before this secret existed
                    values[name] = secrets.token_urlsafe(32)
                    added = True
            for _, email, *_ in DEMO_USERS:  # demo users added since
                if email not in values["passwords"]:
                    values["passwords"][email] = secrets.token_urlsafe(12)
                    added = True
            if added:
                path.write_text(json.dumps(values, indent=2))
            return values
        key = subprocess.run(
            [sys.executable, "-m", "identity.cli", "generate-key"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        values = {
            "identity_signing_key": key,
            "internal_token": secrets.token_urlsafe(32),
            "sandbox_api_key": secrets.token_urlsafe(32),
            "webhook_secret": secrets.token_urlsafe(32),
            "passwords": {email: secrets.token_urlsafe(12) for _, email, *_ in DEMO_USERS},
        }
        path.write_text(json.dumps(values, indent=2))
        path.chmod(0o600)
        return values

    def check_ports(self) -> None:
        a = self.args
        ports = {
            "gateway": a.gateway_port,
            "identity": a.identity_port,
            "notifications": a.notifications_port,
            "registration": a.registration_port,
            "permits": a.permits_port,
            "payments": a.payments_port,
            "sandbox": a.sandbox_port,
            "inspections": a.inspections_port,
            "kafka": a.kafka_port,
            "mongo": a.mongo_port,
            "smtp": a.smtp_port,
            "mail-http": a.mail_http_port,
        }
        busy = [f"{name} ({port})" for name, port in ports.items() if port_open(a.host, port)]
        if busy:
            raise SystemExit(
                "ports already in use: " + ", ".join(busy) + " — is another `make run` going? "
                "Choose others with --<name>-port or PERMITSUITE_<NAME>_PORT."
            )

    # -- start ------------------------------------------------------------
    def start(self) -> None:
        a = self.args
        if a.fresh and self.data.exists():
            self.say(f"--fresh: deleting {self.data}")
            shutil.rmtree(self.data)
        self.data.mkdir(parents=True, exist_ok=True)
        self.check_ports()
        keys = self.secrets()
        self.say(f"data in {self.data}, logs in {self.logs}")

        self.infra.append(start_broker(a.host, a.kafka_port, self.logs))
        self.say(f"kafka (Tansu) on {a.host}:{a.kafka_port}")
        self.infra.append(
            start_mongo(a.host, a.mongo_port, self.data / "mongodb", self.logs, sync_on_commit=True)
        )
        self.say(f"mongodb (SecantusDB) on {a.host}:{a.mongo_port}")
        mail = ManagedProcess(
            "mailsink",
            [
                sys.executable,
                "-m",
                "permitsuite_embedded.mailsink",
                "--host",
                a.host,
                "--smtp-port",
                str(a.smtp_port),
                "--http-port",
                str(a.mail_http_port),
                "--store",
                str(self.data / "mail.jsonl"),
            ],
            log_path=self.logs / "mailsink.log",
        ).start()
        self.infra.append(mail)
        wait_until(
            lambda: port_open(a.host, a.mail_http_port), timeout=30, what="mail sink", process=mail
        )
        self.say(f"smtp sink on {a.host}:{a.smtp_port}")

        bootstrap = f"{a.host}:{a.kafka_port}"
        created = asyncio.run(ensure_topics(bootstrap, ALL_TOPICS, partitions=a.partitions))
        self.say(f"topics ready ({len(created)} created)")

        common = {
            "MONGODB_URL": mongo_url(a.host, a.mongo_port),
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "KAFKA_IDEMPOTENT_PRODUCER": "false",  # Tansu rejects InitProducerId
            "KAFKA_FETCH_MAX_WAIT_MS": str(EMBEDDED_FETCH_MAX_WAIT_MS),
            "HOST": a.host,
        }
        jwks = f"{self.url(a.identity_port)}/.well-known/jwks.json"
        self.services = [
            Service(
                "identity",
                "identity",
                a.identity_port,
                {
                    **{f"IDENTITY_{k}": v for k, v in common.items()},
                    "IDENTITY_PORT": str(a.identity_port),
                    "IDENTITY_SIGNING_KEY": keys["identity_signing_key"],
                    "IDENTITY_INTERNAL_TOKEN": keys["internal_token"],
                },
            ),
            Service(
                "notifications",
                "notifications",
                a.notifications_port,
                {
                    **{f"NOTIFICATIONS_{k}": v for k, v in common.items()},
                    "NOTIFICATIONS_PORT": str(a.notifications_port),
                    "NOTIFICATIONS_JWKS_URL": jwks,
                    "NOTIFICATIONS_SMTP_HOST": a.host,
                    "NOTIFICATIONS_SMTP_PORT": str(a.smtp_port),
                    "NOTIFICATIONS_PUBLIC_BASE_URL": self.url(a.gateway_port),
                },
            ),
            Service(
                "registration",
                "registration",
                a.registration_port,
                {
                    **{f"REGISTRATION_{k}": v for k, v in common.items()},
                    "REGISTRATION_PORT": str(a.registration_port),
                    "REGISTRATION_JWKS_URL": jwks,
                    "REGISTRATION_IDENTITY_URL": self.url(a.identity_port),
                    "REGISTRATION_INTERNAL_TOKEN": keys["internal_token"],
                },
            ),
            Service(
                "permits",
                "permits",
                a.permits_port,
                {
                    **{f"PERMITS_{k}": v for k, v in common.items()},
                    "PERMITS_PORT": str(a.permits_port),
                    "PERMITS_JWKS_URL": jwks,
                },
            ),
            Service(
                "payments",
                "payments",
                a.payments_port,
                {
                    **{f"PAYMENTS_{k}": v for k, v in common.items()},
                    "PAYMENTS_PORT": str(a.payments_port),
                    "PAYMENTS_JWKS_URL": jwks,
                    "PAYMENTS_PROVIDER": "sandbox",
                    "PAYMENTS_SANDBOX_URL": self.url(a.sandbox_port),
                    "PAYMENTS_PROVIDER_API_KEY": keys["sandbox_api_key"],
                    "PAYMENTS_WEBHOOK_SECRET": keys["webhook_secret"],
                    "PAYMENTS_RETURN_URL": f"{self.url(a.gateway_port)}/v1/payments/return",
                },
            ),
            Service(
                "inspections",
                "inspections",
                a.inspections_port,
                {
                    **{f"INSPECTIONS_{k}": v for k, v in common.items()},
                    "INSPECTIONS_PORT": str(a.inspections_port),
                    "INSPECTIONS_JWKS_URL": jwks,
                },
            ),
            Service(
                "sandboxpay",
                "sandboxpay",
                a.sandbox_port,
                {
                    "SANDBOXPAY_HOST": a.host,
                    "SANDBOXPAY_PORT": str(a.sandbox_port),
                    "SANDBOXPAY_MONGODB_URL": mongo_url(a.host, a.mongo_port),
                    "SANDBOXPAY_DATABASE": "sandboxpay",
                    "SANDBOXPAY_API_KEY": keys["sandbox_api_key"],
                    "SANDBOXPAY_WEBHOOK_SECRET": keys["webhook_secret"],
                    # like a real provider, it calls the public webhook route
                    "SANDBOXPAY_WEBHOOK_URL": (
                        f"{self.url(a.gateway_port)}/v1/webhooks/payments/sandbox"
                    ),
                },
            ),
            Service(
                "gateway",
                "gateway",
                a.gateway_port,
                {
                    "GATEWAY_HOST": a.host,
                    "GATEWAY_PORT": str(a.gateway_port),
                    "GATEWAY_SERVICES": json.dumps(
                        {
                            "identity": self.url(a.identity_port),
                            "notifications": self.url(a.notifications_port),
                            "registration": self.url(a.registration_port),
                            "permits": self.url(a.permits_port),
                            "payments": self.url(a.payments_port),
                            "inspections": self.url(a.inspections_port),
                        }
                    ),
                    "GATEWAY_JWKS_URL": jwks,
                    "GATEWAY_DEV_MAILBOX_URL": self.url(a.mail_http_port),
                },
            ),
        ]
        for service in self.services:
            self.start_service(service)
        wait_until(self.gateway_ready, timeout=60, what="the gateway's /health")
        if not a.no_seed:
            self.seed(keys)
        self.banner(keys)

    def start_service(self, service: Service) -> None:
        service.process = ManagedProcess(
            service.name,
            [sys.executable, "-m", service.module],
            log_path=self.logs / f"{service.name}.log",
            env=service.env,
        ).start()
        ready = "/health/live" if service.name == "gateway" else "/health/ready"
        wait_until(
            lambda: _http_ok(f"{self.url(service.port)}{ready}"),
            timeout=60,
            what=f"{service.name} ready",
            process=service.process,
        )
        self.say(f"{service.name} ready on {self.url(service.port)}")

    def gateway_ready(self) -> bool:
        return _http_ok(f"{self.url(self.args.gateway_port)}/health")

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
        if httpx.get(f"{base}/permit-search?limit=1", headers=h, timeout=30).json()["total"]:
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

    def banner(self, keys: dict[str, Any]) -> None:
        gw = self.url(self.args.gateway_port)
        lines = [
            "",
            "Permitsuite is running.",
            f"  Gateway (API):   {gw}",
            f"  OpenAPI docs:    {gw}/docs",
            f"                   identity: {self.url(self.args.identity_port)}/docs, "
            f"registration: {self.url(self.args.registration_port)}/docs",
            f"  Mailbox:         {gw}/dev/mail",
            f"  Sandbox payments: {self.url(self.args.sandbox_port)} (hosted pages; no real money)",
            f"  Health:          {gw}/health",
            f"  Logs:            {self.logs}",
            "",
        ]
        if not self.args.no_seed:
            lines.append(
                "Demo jurisdiction 'demo' "
                "(log in with jurisdiction=demo; the operator without one):"
            )
            for label, email, *_ in DEMO_USERS:
                lines.append(f"  {label:<17} {email:<32} password: {keys['passwords'][email]}")
            lines.append("")
        lines.append("Press Ctrl-C to stop everything.")
        print("\n".join(lines), flush=True)

    # -- supervise and stop ---------------------------------------------------
    def supervise(self) -> None:
        """Restart whatever dies, as often as it takes (supervision.py)."""
        while not self.stopping:
            now = time.monotonic()
            for proc in self.infra:
                if not proc.alive():
                    self.restart_infra(proc, now)
            for service in self.services:
                if service.process is not None and not service.process.alive():
                    self.restart_service(service, now)
            time.sleep(0.5)

    def restart_infra(self, proc: ManagedProcess, now: float) -> None:
        backoff = self.infra_backoff.setdefault(proc.name, Backoff())
        if backoff.restart_at is None:
            self.say(
                f"{proc.name} exited unexpectedly; restarting. Its last lines:\n{proc.tail(8)}"
            )
        if now < backoff.exited(now):
            return
        proc.stop()  # reap it and close the old log
        proc.start()
        backoff.started(now)
        if proc.name == "kafka":
            a = self.args
            wait_until(lambda: port_open(a.host, a.kafka_port), timeout=30, what="the broker")
            # it comes back empty: create the topics; the outboxes publish what it lost
            bootstrap = f"{a.host}:{a.kafka_port}"
            asyncio.run(ensure_topics(bootstrap, ALL_TOPICS, partitions=a.partitions))
        self.say(f"{proc.name} restarted")

    def restart_service(self, service: Service, now: float) -> None:
        if service.backoff.restart_at is None:
            self.say(f"{service.name} exited; restarting it")
        if now < service.backoff.exited(now):
            return
        try:
            self.start_service(service)
            service.backoff.started(time.monotonic())
        except (RuntimeError, TimeoutError) as exc:
            self.say(f"{service.name} did not come up ({exc}); trying again later")
            service.backoff.failed_to_start(time.monotonic())

    def stop(self) -> None:
        self.stopping = True
        for service in reversed(self.services):
            if service.process is not None and service.process.alive():
                self.say(f"stopping {service.name}")
            if service.process is not None:
                service.process.stop()
        for proc in reversed(self.infra):
            if proc.alive():
                self.say(f"stopping {proc.name}")
            proc.stop()
        self.say("stopped")


def _http_ok(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    suite = Suite(args)

    def on_signal(signum: int, frame: object) -> None:
        suite.stopping = True
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        suite.start()
        if args.check:
            return 0
        suite.supervise()
        return 0 if suite.stopping else 1
    except KeyboardInterrupt:
        return 0
    except (RuntimeError, TimeoutError) as exc:
        suite.say(f"error: {exc}")
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the cleanup
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        suite.stop()


if __name__ == "__main__":
    sys.exit(main())
