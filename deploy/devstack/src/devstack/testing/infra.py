"""Session-wide infrastructure and per-test isolation (own database, own topics)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import uuid4

from chassis.kafka import ensure_topics
from contracts import ALL_TOPICS
from devstack.processes import (
    EMBEDDED_FETCH_MAX_WAIT_MS,
    ManagedProcess,
    free_port,
    mongo_url,
    start_broker,
    start_mongo,
)


@dataclass(frozen=True)
class Infra:
    kafka_bootstrap: str
    mongodb_url: str
    log_dir: Path
    idempotent_producer: bool
    fetch_max_wait_ms: int = 500
    processes: tuple[ManagedProcess, ...] = ()


@contextmanager
def provide_infra(log_dir: Path) -> Iterator[Infra]:
    mode = os.environ.get("PERMITSUITE_TEST_INFRA", "embedded")
    kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    mongo = os.environ.get("MONGODB_URL")
    if kafka and mongo:
        yield Infra(kafka, mongo, log_dir, idempotent_producer=True)
        return
    if mode == "containers":
        with _containers(log_dir) as infra:
            yield infra
        return
    host = "127.0.0.1"
    kafka_port, mongo_port = free_port(), free_port()
    broker = start_broker(host, kafka_port, log_dir)
    database = start_mongo(host, mongo_port, ":memory:", log_dir)
    try:
        yield Infra(
            kafka_bootstrap=f"{host}:{kafka_port}",
            mongodb_url=mongo_url(host, mongo_port),
            log_dir=log_dir,
            idempotent_producer=False,
            fetch_max_wait_ms=EMBEDDED_FETCH_MAX_WAIT_MS,
            processes=(broker, database),
        )
    finally:
        database.stop()
        broker.stop()


@contextmanager
def _containers(log_dir: Path) -> Iterator[Infra]:
    try:
        from testcontainers.kafka import KafkaContainer  # type: ignore[import-not-found]
        from testcontainers.mongodb import MongoDbContainer  # type: ignore[import-not-found]
    except ImportError as exc:  # pragma: no cover - needs Docker
        raise RuntimeError(
            "PERMITSUITE_TEST_INFRA=containers needs `pip install testcontainers`"
        ) from exc
    with (
        KafkaContainer("confluentinc/cp-kafka:7.7.1").with_kraft() as kafka,
        MongoDbContainer("mongo:8.0").with_command("--replSet rs0 --bind_ip_all") as mongo,
    ):
        mongo.exec('mongosh --quiet --eval "rs.initiate()"')
        yield Infra(
            kafka.get_bootstrap_server(),
            mongo.get_connection_url() + "/?directConnection=true",
            log_dir,
            idempotent_producer=True,
        )


@dataclass
class TestScope:
    """What one test owns: its database name and its topic prefix."""

    __test__ = False  # not a test class, despite the name

    infra: Infra
    name: str
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def database(self) -> str:
        return self.name

    @property
    def topic_prefix(self) -> str:
        return f"{self.name}."

    def topic(self, logical: str) -> str:
        return self.topic_prefix + logical

    async def create_topics(self, partitions: int = 3) -> None:
        await ensure_topics(
            self.infra.kafka_bootstrap, [self.topic(t) for t in ALL_TOPICS], partitions=partitions
        )

    def settings_kwargs(self, service: str, **overrides: Any) -> dict[str, Any]:
        """Keyword arguments for a service's settings class pointing at this scope."""
        return {
            "service_name": service,
            "mongodb_url": self.infra.mongodb_url,
            "mongodb_database": f"{self.database}_{service}",
            "kafka_bootstrap_servers": self.infra.kafka_bootstrap,
            "kafka_idempotent_producer": self.infra.idempotent_producer,
            "kafka_fetch_max_wait_ms": self.infra.fetch_max_wait_ms,
            "kafka_topic_prefix": self.topic_prefix,
            "kafka_retry_backoff_seconds": 0.01,
            "outbox_relay_interval_seconds": 0.2,
            "outbox_lease_seconds": 2.0,
            "log_json": False,
            **overrides,
        }

    def service_env(self, prefix: str, service: str, **overrides: Any) -> dict[str, str]:
        """The same as environment variables with the service's prefix."""
        kwargs = self.settings_kwargs(service, **overrides)
        return {f"{prefix}{k.upper()}": _env_value(v) for k, v in kwargs.items()}


def _env_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def scope_name(nodeid: str) -> str:
    digest = hashlib.sha1(nodeid.encode(), usedforsecurity=False).hexdigest()[:8]
    return f"t{digest}{uuid4().hex[:6]}"
