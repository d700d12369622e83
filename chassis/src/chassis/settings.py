"""Settings shared by every service (pydantic-settings, per-service env prefix).

A service subclasses :class:`ServiceSettings` with ``env_prefix`` set to its
name (``IDENTITY_``, ``NOTIFICATIONS_``…). Secrets have no defaults and the
known placeholder values are refused, so a misconfigured service fails at
start instead of running insecurely.

``DEPLOYMENT=production`` (Apache Kafka and a MongoDB replica set) is checked
at start as a whole (:func:`production_problems`): every problem is named at
once, and the service does not start with any of them.
"""

from __future__ import annotations

import os
from typing import ClassVar, Literal, Self
from urllib.parse import parse_qsl, urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SecretsSettingsSource,
    SettingsConfigDict,
)

PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "password", "dev"})


def require_real_secret(value: SecretStr | None, name: str) -> SecretStr:
    if value is None or value.get_secret_value().strip().lower() in PLACEHOLDER_SECRETS:
        raise ValueError(f"{name} must be set to a real secret")
    return value


SECRETS_DIR = "PERMITSUITE_SECRETS_DIR"


class Settings(BaseSettings):
    """Settings from the environment, and secrets from files where
    ``PERMITSUITE_SECRETS_DIR`` names a directory (Compose secrets, a
    Kubernetes Secret mounted as files): the file of ``IDENTITY_SIGNING_KEY`` is
    ``identity_signing_key`` there, so no secret has to be in an environment
    variable. A variable set in the environment wins over a file."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        directory = os.environ.get(SECRETS_DIR)
        files = (
            SecretsSettingsSource(settings_cls, secrets_dir=directory)
            if directory
            else file_secret_settings
        )
        return (init_settings, env_settings, dotenv_settings, files)


class ServiceSettings(Settings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)
    uses_mongodb: ClassVar[bool] = True  # a one-shot job on Kafka alone says False

    service_name: str = "service"
    deployment: Literal["embedded", "production"] = Field(
        default="embedded",
        description="embedded: the local engines of make run and the tests; production: "
        "Apache Kafka and a MongoDB replica set, checked at start (docs/operations.md)",
    )
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
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_SSL"] = Field(
        default="PLAINTEXT", description="production: SSL or SASL_SSL"
    )
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "SCRAM-SHA-512"
    kafka_sasl_username: str = ""
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: str = Field(
        default="", description="the cluster's CA bundle, if not in the system's trust store"
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

    @property
    def production(self) -> bool:
        return self.deployment == "production"

    def own_production_problems(self) -> list[str]:
        """What else keeps this service's settings from production (a service
        adds its own; each named by its variable)."""
        return []

    @model_validator(mode="after")
    def _checked_for_production(self) -> Self:
        if not self.production:
            return self
        if problems := production_problems(self) + self.own_production_problems():
            raise ValueError("not ready for production: " + "; ".join(problems))
        return self


def _mongo_options(url: str) -> dict[str, str]:
    return {k.lower(): v.lower() for k, v in parse_qsl(urlsplit(url).query)}


def production_problems(s: ServiceSettings) -> list[str]:
    """What keeps a service's settings from production (Apache Kafka with
    TLS, a MongoDB replica set with TLS), each named by its variable."""
    problems: list[str] = []
    if not s.kafka_idempotent_producer:
        problems.append("KAFKA_IDEMPOTENT_PRODUCER must be true (Apache Kafka)")
    if s.kafka_security_protocol == "PLAINTEXT":
        problems.append("KAFKA_SECURITY_PROTOCOL must be SSL or SASL_SSL")
    if s.kafka_security_protocol == "SASL_SSL":
        if not s.kafka_sasl_username:
            problems.append("KAFKA_SASL_USERNAME must be set for SASL_SSL")
        try:
            require_real_secret(s.kafka_sasl_password, "KAFKA_SASL_PASSWORD")
        except ValueError as exc:
            problems.append(str(exc))
    if not s.kafka_topic_prefix:
        problems.append("KAFKA_TOPIC_PREFIX must name the installation (e.g. 'acme-prod.')")
    if s.kafka_fetch_idle_wait_ms is not None or s.kafka_fetch_max_wait_ms < 100:
        problems.append(
            "KAFKA_FETCH_IDLE_WAIT_MS and a KAFKA_FETCH_MAX_WAIT_MS under 100 are for the "
            "embedded broker only"
        )
    if s.uses_mongodb:
        problems += mongo_problems(s.mongodb_url)
    return problems


def mongo_problems(url: str) -> list[str]:
    """What keeps a MongoDB URL from production: a TLS replica set, majority writes."""
    options, srv = _mongo_options(url), url.startswith("mongodb+srv://")
    problems = []
    if options.get("directconnection") == "true":
        problems.append("MONGODB_URL must not set directConnection=true (a replica set)")
    if not srv and "replicaset" not in options:
        problems.append("MONGODB_URL must name the replica set (replicaSet=…)")
    if not srv and options.get("tls", options.get("ssl")) != "true":
        problems.append("MONGODB_URL must use TLS (tls=true)")
    if options.get("retrywrites") == "false":
        problems.append("MONGODB_URL: retryWrites=false is for the embedded database only")
    if options.get("w", "majority") != "majority":
        problems.append("MONGODB_URL: writes are acknowledged by the majority (w=majority)")
    return problems
