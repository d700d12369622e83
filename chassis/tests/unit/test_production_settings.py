"""The production profile (issue 25): a service set up for Apache Kafka and
a MongoDB replica set is checked as a whole at start — every problem named
by its variable, and none of the embedded engines' switches let through."""

from __future__ import annotations

from pathlib import Path

import pytest
from faststream.security import SASLScram512
from pydantic import SecretStr, ValidationError

from chassis.http import client_address
from chassis.kafka import broker_security, client_security
from chassis.mongo import create_client
from chassis.settings import SECRETS_DIR, ServiceSettings
from chassis.topics import TopicSettings, topic_config

READY = {
    "deployment": "production",
    "kafka_bootstrap_servers": "kafka-0:9093,kafka-1:9093,kafka-2:9093",
    "kafka_security_protocol": "SASL_SSL",
    "kafka_sasl_username": "permits",
    "kafka_sasl_password": SecretStr("a-long-generated-password"),
    "kafka_topic_prefix": "acme-prod.",
    "mongodb_url": "mongodb://mongo-0:27017,mongo-1:27017,mongo-2:27017/"
    "?replicaSet=rs0&tls=true&w=majority",
}


def test_the_embedded_default_needs_nothing_of_production() -> None:
    settings = ServiceSettings(kafka_idempotent_producer=False, kafka_fetch_max_wait_ms=40)
    assert not settings.production
    assert broker_security(settings) is None and client_security(settings) == {}


def test_a_service_ready_for_production_starts() -> None:
    settings = ServiceSettings(**READY)  # type: ignore[arg-type]
    security = broker_security(settings)
    assert isinstance(security, SASLScram512)
    assert client_security(settings)["sasl_mechanism"] == "SCRAM-SHA-512"
    srv = ServiceSettings(**{**READY, "mongodb_url": "mongodb+srv://cluster0.example.net/"})  # type: ignore[arg-type]
    assert srv.production  # an SRV address implies TLS and names its replica set


def test_every_problem_for_production_is_named_at_once() -> None:
    embedded_like = {
        "deployment": "production",
        "kafka_idempotent_producer": False,
        "kafka_fetch_max_wait_ms": 40,
        "kafka_fetch_idle_wait_ms": 500,
        "mongodb_url": "mongodb://127.0.0.1:27017/?directConnection=true&retryWrites=false",
    }
    with pytest.raises(ValidationError) as refused:
        ServiceSettings(**embedded_like)  # type: ignore[arg-type]
    message = str(refused.value)
    for variable in (
        "KAFKA_IDEMPOTENT_PRODUCER",
        "KAFKA_SECURITY_PROTOCOL",
        "KAFKA_TOPIC_PREFIX",
        "KAFKA_FETCH_IDLE_WAIT_MS",
        "directConnection",
        "replicaSet",
        "tls=true",
        "retryWrites=false",
    ):
        assert variable in message, variable


@pytest.mark.parametrize("password", [None, "changeme", ""])
def test_a_missing_or_placeholder_kafka_password_refuses_to_start(password: str | None) -> None:
    with pytest.raises(ValidationError, match="KAFKA_SASL_PASSWORD"):
        ServiceSettings(**{**READY, "kafka_sasl_password": password})  # type: ignore[arg-type]


def test_writes_other_than_majority_are_refused() -> None:
    url = READY["mongodb_url"].replace("w=majority", "w=1")  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="w=majority"):
        ServiceSettings(**{**READY, "mongodb_url": url})  # type: ignore[arg-type]


def test_production_clients_write_and_read_by_majority() -> None:
    client = create_client("mongodb://127.0.0.1:1/?replicaSet=rs0", app_name="t", majority=True)
    assert client.write_concern.document == {"w": "majority"}
    assert client.read_concern.level == "majority"
    plain = create_client("mongodb://127.0.0.1:1/", app_name="t")
    assert plain.read_concern.level is None


def test_topics_keep_a_write_on_min_insync_replicas() -> None:
    settings = TopicSettings(**READY, replication=3, min_insync_replicas=2)  # type: ignore[arg-type]
    assert topic_config(settings) == {"min.insync.replicas": "2"}
    single = TopicSettings(replication=1)
    assert topic_config(single) == {"min.insync.replicas": "1"}


def test_secrets_are_read_from_files_where_the_deployment_mounts_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Compose secrets and Kubernetes Secrets arrive as files: no secret has to
    sit in an environment variable; one set in the environment still wins."""
    (tmp_path / "kafka_sasl_password").write_text("from-a-file-not-the-env\n")
    monkeypatch.setenv(SECRETS_DIR, str(tmp_path))
    settings = ServiceSettings(**{k: v for k, v in READY.items() if k != "kafka_sasl_password"})  # type: ignore[arg-type]
    assert settings.kafka_sasl_password is not None
    assert settings.kafka_sasl_password.get_secret_value() == "from-a-file-not-the-env"
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "from-the-environment")
    assert ServiceSettings().kafka_sasl_password.get_secret_value() == "from-the-environment"  # type: ignore[union-attr]


def test_a_trusted_proxy_may_be_a_network() -> None:
    """In a container network the gateway's address changes with each start:
    identity and the gateway trust a network (``10.0.0.0/8``) as well as an
    address; a forwarded address from outside it is not believed further."""
    trusted = ["10.0.0.0/8", "::1"]
    assert client_address("10.3.4.5", "203.0.113.9", trusted) == "203.0.113.9"
    assert client_address("10.3.4.5", "198.51.100.7, 10.9.9.9", trusted) == "198.51.100.7"
    assert client_address("192.0.2.1", "203.0.113.9", trusted) == "192.0.2.1"  # not a proxy
    assert client_address("::1", "203.0.113.9", trusted) == "203.0.113.9"
    assert client_address("10.3.4.5", "not-an-address", trusted) == "10.3.4.5"
