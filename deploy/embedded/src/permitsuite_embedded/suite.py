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
    free_port,
    mongo_command,
    port_open,
    wait_until,
)

from chassis.kafka import ensure_topics
from contracts import ALL_TOPICS
from permitsuite_embedded.balancer import Route
from permitsuite_embedded.keys import load_or_create
from permitsuite_embedded.report import ProcessTable, banner
from permitsuite_embedded.seeding import Seeding
from permitsuite_embedded.services import FRONT, Service, definitions, replicated
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
        self.table = ProcessTable(self.data / "processes.json")

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
            "integrations": a.integrations_port,
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
                "--webhook-secrets",
                str(self.data / "webhook-secrets.json"),
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

        self.services, routes = replicated(
            definitions(a, keys, bootstrap, self.url), a.replicas, partial(free_port, a.host)
        )
        if routes:
            self.start_balancer(routes)
        # every service at once (each waits for what it needs), then the two
        # that face the world: the banner in well under a minute on a warm machine
        self.start_together([s for s in self.services if s.module not in FRONT])
        self.start_together([s for s in self.services if s.module in FRONT])
        wait_until(self.gateway_ready, timeout=60, what="the gateway's /health")
        if not a.no_seed:
            self.seed(keys)
        self.table.write(self.infra, self.services)
        print(banner(self, keys), flush=True)

    def start_balancer(self, routes: list[Route]) -> None:
        """One address per replicated service (the balancer's routes)."""
        a = self.args
        command = [sys.executable, "-m", "permitsuite_embedded.balancer", "--host", a.host]
        command += [f"--route={r.port}={','.join(map(str, r.backends))}" for r in routes]
        balancer = ManagedProcess("balancer", command, log_path=self.logs / "balancer.log")
        self.infra.append(balancer.start())
        for route in routes:
            wait_until(
                partial(port_open, a.host, route.port),
                timeout=30,
                what="the balancer",
                process=balancer,
            )
        self.say(f"balancer: {len(routes)} addresses, {a.replicas} replicas behind each")

    def start_together(self, services: list[Service]) -> None:
        """Start ``services`` at once and wait until every one is ready."""
        started = time.monotonic()
        failpoints = dict(self.args.failpoint)
        for service in services:
            first = (
                {"PERMITSUITE_FAILPOINTS": failpoints[service.name]}
                if service.name in failpoints
                else {}
            )
            service.process = ManagedProcess(
                service.name,
                [sys.executable, "-m", service.module],
                log_path=self.logs / f"{service.name}.log",
                env={**service.env, **first},
            ).start()
            service.process.env = dict(service.env)  # a restart runs without the fail point
        waiting = list(services)
        # two cores start a dozen Python processes in about a minute; replicas take longer
        timeout = 90 * max(1, self.args.replicas)
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
            if time.monotonic() - started > timeout:
                names = ", ".join(s.name for s in waiting)
                raise TimeoutError(f"not ready after {timeout} s: {names}")
            time.sleep(0.1)

    def service_ready(self, service: Service) -> bool:
        ready = {"gateway": "/health/live", "portal": "/health"}.get(
            service.module, "/health/ready"
        )
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

    # -- supervise and stop ---------------------------------------------------
    def supervisor(self) -> Supervisor:
        a = self.args
        infra_ready = {
            "kafka": lambda: port_open(a.host, a.kafka_port),
            "mongodb": lambda: port_open(a.host, a.mongo_port),
            "mailsink": lambda: port_open(a.host, a.mail_http_port),
            "balancer": lambda: port_open(a.host, a.gateway_port),
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
                    live=partial(self.service_live, service)
                    if service.module == "gateway"
                    else None,
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
            self.table.write(self.infra, self.services)  # a restarted process has a new pid
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
