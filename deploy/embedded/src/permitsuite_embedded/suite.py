"""The supervised processes of the embedded suite: infrastructure, services, restarts."""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import time
from functools import partial
from typing import Any

import httpx
from devstack.processes import (
    ManagedProcess,
    broker_command,
    mongo_command,
    port_open,
    wait_until,
)

from chassis.kafka import ensure_topics
from contracts import ALL_TOPICS
from permitsuite_embedded.demo import (
    DEMO_USERS,
)
from permitsuite_embedded.keys import load_or_create
from permitsuite_embedded.seeding import Seeding
from permitsuite_embedded.services import Service, definitions
from permitsuite_embedded.supervision import Supervisor, Watched


class Suite(Seeding):
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.data = args.data_dir.resolve()
        self.logs = self.data / "logs"
        self.infra: list[ManagedProcess] = []
        self.services: list[Service] = []
        self.stopping = False
        self.began = time.monotonic()

    # -- helpers --------------------------------------------------------
    def secrets(self) -> dict[str, Any]:
        return load_or_create(self.data / "secrets.json")

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

        # broker, database and mail sink at once, then wait for their ports
        broker = ManagedProcess(
            "kafka",
            broker_command(a.host, a.kafka_port),
            log_path=self.logs / "kafka.log",
            engine=True,
        )
        database = ManagedProcess(
            "mongodb",
            mongo_command(a.host, a.mongo_port, self.data / "mongodb", sync_on_commit=True),
            log_path=self.logs / "mongodb.log",
            engine=True,
        )
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
        )
        infra = (
            (broker, a.kafka_port, "the broker port"),
            (database, a.mongo_port, "the database port"),
            (mail, a.mail_http_port, "the mail sink"),
        )
        self.infra = [proc.start() for proc, _, _ in infra]
        for proc, port, what in infra:
            wait_until(partial(port_open, a.host, port), timeout=60, what=what, process=proc)
        self.say(f"kafka (Tansu) on {a.host}:{a.kafka_port}")
        self.say(f"mongodb (SecantusDB) on {a.host}:{a.mongo_port}")
        self.say(f"smtp sink on {a.host}:{a.smtp_port}")

        bootstrap = f"{a.host}:{a.kafka_port}"
        created = asyncio.run(ensure_topics(bootstrap, ALL_TOPICS, partitions=a.partitions))
        self.say(f"topics ready ({len(created)} created)")

        self.services = definitions(a, keys, bootstrap, self.url)
        # every service at once (each waits for what it needs), then the two
        # that face the world: the banner in well under a minute on a warm machine
        front = {"gateway", "portal"}
        self.start_together([s for s in self.services if s.name not in front])
        self.start_together([s for s in self.services if s.name in front])
        wait_until(self.gateway_ready, timeout=60, what="the gateway's /health")
        if not a.no_seed:
            self.seed(keys)
        self.banner(keys)

    def start_together(self, services: list[Service]) -> None:
        """Start ``services`` at once and wait until every one is ready."""
        started = time.monotonic()
        for service in services:
            service.process = ManagedProcess(
                service.name,
                [sys.executable, "-m", service.module],
                log_path=self.logs / f"{service.name}.log",
                env=service.env,
            ).start()
        waiting = list(services)
        while waiting:
            for service in list(waiting):
                assert service.process is not None
                if not service.process.alive():
                    raise RuntimeError(
                        f"{service.name} exited while starting. Its last lines:\n"
                        f"{service.process.tail(8)}"
                    )
                if self.service_ready(service):
                    waiting.remove(service)
                    self.say(f"{service.name} ready on {self.url(service.port)}")
            if time.monotonic() - started > 90:
                names = ", ".join(s.name for s in waiting)
                raise TimeoutError(f"not ready after 90 s: {names}")
            time.sleep(0.1)

    def service_ready(self, service: Service) -> bool:
        ready = {"gateway": "/health/live", "portal": "/health"}.get(service.name, "/health/ready")
        return _http_ok(f"{self.url(service.port)}{ready}", timeout=0.5)

    def service_live(self, service: Service) -> bool | None:
        """The gateway's own liveness: False when it says it stopped making progress."""
        try:
            r = httpx.get(f"{self.url(service.port)}/health/live", timeout=2)
        except httpx.HTTPError:
            return None
        return r.status_code == 200 if r.status_code in (200, 503) else None

    def gateway_ready(self) -> bool:
        return _http_ok(f"{self.url(self.args.gateway_port)}/health")

    def banner(self, keys: dict[str, Any]) -> None:
        gw = self.url(self.args.gateway_port)
        lines = [
            "",
            f"Permitsuite is running (up in {time.monotonic() - self.began:.0f} s).",
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
    def supervisor(self) -> Supervisor:
        a = self.args
        infra_ready = {
            "kafka": lambda: port_open(a.host, a.kafka_port),
            "mongodb": lambda: port_open(a.host, a.mongo_port),
            "mailsink": lambda: port_open(a.host, a.mail_http_port),
        }
        watched = [
            Watched(
                proc.name,
                proc,
                infra_ready.get(proc.name, proc.alive),
                start_timeout=60,
                # the broker comes back empty: the topics again; the outboxes
                # publish what it lost
                on_ready=self.create_topics if proc.name == "kafka" else None,
            )
            for proc in self.infra
        ]
        for service in self.services:
            assert service.process is not None
            watched.append(
                Watched(
                    service.name,
                    service.process,
                    partial(self.service_ready, service),
                    live=partial(self.service_live, service) if service.name == "gateway" else None,
                    backoff=service.backoff,
                )
            )
        return Supervisor(watched, self.say)

    def create_topics(self) -> None:
        a = self.args
        asyncio.run(ensure_topics(f"{a.host}:{a.kafka_port}", ALL_TOPICS, partitions=a.partitions))

    def supervise(self) -> None:
        """Restart whatever dies, each process on its own clock (supervision.py)."""
        supervisor = self.supervisor()
        while not self.stopping:
            supervisor.tick(time.monotonic())
            time.sleep(0.5)

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


def _http_ok(url: str, timeout: float = 1) -> bool:
    try:
        return httpx.get(url, timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False
