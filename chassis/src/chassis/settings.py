"""Settings shared by every service (pydantic-settings, per-service env prefix).

A service subclasses :class:`ServiceSettings` with ``env_prefix`` set to its
name (``IDENTITY_``, ``NOTIFICATIONS_``…). Secrets have no defaults and the
known placeholder values are refused, so a misconfigured service fails at
start instead of running insecurely.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "password", "dev"})


def require_real_secret(value: SecretStr | None, name: str) -> SecretStr:
    if value is None or value.get_secret_value().strip().lower() in PLACEHOLDER_SECRETS:
        raise ValueError(f"{name} must be set to a real secret")
    return value


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    service_name: str = "service"
    role: Literal["api", "worker", "all"] = Field(
        default="all",
        description="api: HTTP only; worker: consumers and outbox relay only; all: both",
    )
    host: str = "127.0.0.1"
    port: int = 8080

    mongodb_url: str = "mongodb://127.0.0.1:27017/?directConnection=true"
    mongodb_database: str = ""

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_idempotent_producer: bool = Field(
        default=True,
        description="Enable on Apache Kafka; the embedded Tansu broker rejects InitProducerId",
    )
    kafka_topic_prefix: str = Field(
        default="",
        description="Prepended to every topic and consumer group "
        "(several installations on one cluster)",
    )
    kafka_fetch_max_wait_ms: int = Field(
        default=500,
        ge=1,
        le=30_000,
        description="how long a consumer's fetch waits for data (aiokafka's default 500 ms). "
        "Apache Kafka answers a waiting fetch as soon as data arrives; the embedded broker "
        "always waits it out, so embedded mode sets EMBEDDED_FETCH_MAX_WAIT_MS",
    )
    kafka_fetch_idle_wait_ms: int | None = Field(
        default=None,
        ge=1,
        le=30_000,
        description="when set, a consumer that saw no record for "
        "KAFKA_FETCH_IDLE_AFTER_SECONDS asks the broker to wait this long per fetch instead "
        "(less polling at rest), and goes back to KAFKA_FETCH_MAX_WAIT_MS when records "
        "arrive. Only worth it on the embedded broker, which always waits a fetch out",
    )
    kafka_fetch_idle_after_seconds: float = Field(default=30.0, gt=0)
    kafka_consumer_batch_max_records: int = Field(
        default=100,
        ge=1,
        le=1000,
        description="most records a consumer handles at once, in one transaction per partition",
    )
    kafka_session_timeout_ms: int = Field(
        default=10_000,
        ge=1_000,
        le=300_000,
        description="how long the group waits for a consumer's heartbeat before it moves "
        "that consumer's partitions to another: the pause after a replica crashes",
    )
    kafka_consumer_retries: int = Field(default=3, ge=0, le=20)
    kafka_retry_backoff_seconds: float = Field(default=0.2, ge=0)

    outbox_relay_interval_seconds: float = Field(default=1.0, gt=0)
    outbox_lease_seconds: float = Field(default=30.0, gt=0)
    outbox_retention_hours: float = Field(
        default=24.0,
        gt=0,
        description="sent events are kept this long, to publish again if the broker loses them",
    )
    outbox_broker_check_seconds: float = Field(
        default=5.0,
        gt=0,
        description="how often the last published records are looked up on the broker "
        "(chassis.recovery)",
    )

    jwks_url: str = ""
    jwt_issuer: str = "permitsuite-identity"
    jwt_audience: str = "permitsuite"
    jwks_cache_seconds: int = 300

    max_body_bytes: int = Field(default=1_048_576, gt=0)
    log_level: str = "INFO"
    log_json: bool = True

    def database_name(self) -> str:
        return self.mongodb_database or self.service_name
