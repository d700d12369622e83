"""The supervised processes of the embedded suite: infrastructure, services, restarts."""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import shutil
import subprocess
import sys
import time
from typing import Any

import httpx
from devstack.processes import (
    ManagedProcess,
    port_open,
    start_broker,
    start_mongo,
    wait_until,
)

from chassis.kafka import ensure_topics
from contracts import ALL_TOPICS
from permitsuite_embedded.demo import (
    DEMO_USERS,
)
from permitsuite_embedded.seeding import Seeding
from permitsuite_embedded.services import Service, definitions
from permitsuite_embedded.supervision import Backoff


class Suite(Seeding):
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.data = args.data_dir.resolve()
        self.logs = self.data / "logs"
        self.infra: list[ManagedProcess] = []
        self.infra_backoff: dict[str, Backoff] = {}
        self.services: list[Service] = []
        self.stopping = False

    # -- helpers --------------------------------------------------------
    def secrets(self) -> dict[str, Any]:
        path = self.data / "secrets.json"
        if path.exists():
            values = dict(json.loads(path.read_text()))
            added = False
            for name in (
                "internal_token",
                "sandbox_api_key",
                "webhook_secret",
                "portal_secret",
                "proxy_secret",
            ):
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
            "portal_secret": secrets.token_urlsafe(32),
            "proxy_secret": secrets.token_urlsafe(32),
            "passwords": {email: secrets.token_urlsafe(12) for _, email, *_ in DEMO_USERS},
        }
        path.write_text(json.dumps(values, indent=2))
        path.chmod(0o600)
        return values

    def check_ports(self) -> None:
        a = self.args
        ports = {
            "portal": a.portal_port,
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

        self.services = definitions(a, keys, bootstrap, self.url)
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
        ready = {"gateway": "/health/live", "portal": "/health"}.get(service.name, "/health/ready")
        wait_until(
            lambda: _http_ok(f"{self.url(service.port)}{ready}"),
            timeout=60,
            what=f"{service.name} ready",
            process=service.process,
        )
        self.say(f"{service.name} ready on {self.url(service.port)}")

    def gateway_ready(self) -> bool:
        return _http_ok(f"{self.url(self.args.gateway_port)}/health")

    def banner(self, keys: dict[str, Any]) -> None:
        gw = self.url(self.args.gateway_port)
        lines = [
            "",
            "Permitsuite is running.",
            f"  Portal (web):    {self.url(self.args.portal_port)}",
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
            portal = self.url(self.args.portal_port)
            lines += [
                "Contractor registration (the emailed links land in the Mailbox):",
                f"  {portal}/j/demo/register       staff review (the staff admin decides)",
                f"  {portal}/j/demo-auto/register  accepted at once",
                "",
            ]
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
