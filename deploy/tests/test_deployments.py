"""The deployments (issue 25), checked without a container engine: every
Permitsuite process in them starts on what the deployment gives it — its
settings class validates in production (Apache Kafka with TLS, a MongoDB
replica set with TLS, real secrets), nothing it reads still points at this
machine, and no secret is in plain text: a setting that is a secret comes
from a mounted file (``PERMITSUITE_SECRETS_DIR``), never from the
environment or the file itself."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import SecretStr
from pydantic_settings import BaseSettings

from chassis.settings import SECRETS_DIR
from chassis.topics import TopicSettings
from gateway.settings import GatewaySettings
from identity.settings import IdentitySettings
from inspections.settings import InspectionsSettings
from integrations.settings import IntegrationsSettings
from notifications.settings import NotificationsSettings
from payments.settings import PaymentsSettings
from permits.settings import PermitsSettings
from portal.settings import PortalSettings
from registration.settings import RegistrationSettings

DEPLOY = Path(__file__).resolve().parents[1]
COMPOSE = DEPLOY / "compose"
SETTINGS: dict[str, type[BaseSettings]] = {
    "identity": IdentitySettings,
    "registration": RegistrationSettings,
    "permits": PermitsSettings,
    "payments": PaymentsSettings,
    "inspections": InspectionsSettings,
    "integrations": IntegrationsSettings,
    "notifications": NotificationsSettings,
    "gateway": GatewaySettings,
    "portal": PortalSettings,
    "chassis.topics": TopicSettings,
}
SERVICES = set(SETTINGS) - {"gateway", "portal", "chassis.topics"}
LOCAL = re.compile(r"127\.0\.0\.1|localhost|permitsuite\.local")


@dataclass
class Process:
    """One Permitsuite process of a deployment: what it runs, its environment,
    and the names of the secret files it is given."""

    where: str
    module: str
    env: dict[str, str]
    secret_files: dict[str, str]  # the file's name → the secret it holds


def _dummy_secret(name: str) -> str:
    """A stand-in for a secret file's content, of the kind the setting takes."""
    if name == "mongodb_url":
        return "mongodb://permitsuite:pw@mongo-1,mongo-2,mongo-3/?replicaSet=rs0&tls=true"
    if name == "identity_signing_key":
        from identity.adapters.jwt_keys import generate_private_key_pem

        return generate_private_key_pem()
    return f"generated-{name}-0123456789abcdef"


def _interpolated(value: Any, variables: dict[str, str]) -> str:
    """Compose's ``${VAR}``, ``${VAR:-default}`` and ``${VAR:?message}``."""

    def one(found: re.Match[str]) -> str:
        name, how, rest = found.group(1), found.group(2) or "", found.group(3) or ""
        if name in variables:
            return variables[name]
        assert how.endswith("-"), f"{name} is not set"
        return rest

    text = re.sub(r"(?<!\$)\$\{(\w+)(:?[-?])?([^}]*)\}", one, str(value))
    return text.replace("$$", "$")


def compose_processes() -> list[Process]:
    doc = yaml.safe_load((COMPOSE / "compose.yaml").read_text())
    variables = dict(
        line.split("=", 1)
        for line in (COMPOSE / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    found = []
    for name, service in doc["services"].items():
        command = service.get("command") or []
        if command[:2] != ["python", "-m"]:
            continue  # an engine (Kafka, MongoDB), not a Permitsuite process
        env = {
            k: _interpolated(v, variables) for k, v in (service.get("environment") or {}).items()
        }
        files = dict(
            (s["target"], s["source"]) if isinstance(s, dict) else (s, s)
            for s in service.get("secrets") or []
        )
        found.append(Process(f"compose:{name}", command[2], env, files))
    return found


@pytest.fixture
def started(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Start a process's settings as the deployment would: only its
    environment, and its secret files in a directory of their own."""

    def start(process: Process) -> BaseSettings:
        for variable in list(__import__("os").environ):
            if variable.split("_", 1)[0] in {
                "IDENTITY",
                "REGISTRATION",
                "PERMITS",
                "PAYMENTS",
                "INSPECTIONS",
                "NOTIFICATIONS",
                "GATEWAY",
                "PORTAL",
                "TOPICS",
            }:
                monkeypatch.delenv(variable)
        files = tmp_path / process.where.replace(":", "-")
        files.mkdir()
        for name, secret in process.secret_files.items():
            (files / name).write_text(_dummy_secret(secret))
        monkeypatch.setenv(SECRETS_DIR, str(files))
        for variable, value in process.env.items():
            if variable != SECRETS_DIR:  # the directory above stands in for the mount
                monkeypatch.setenv(variable, value)
        return SETTINGS[process.module]()

    yield start


def _secret_fields(cls: type[BaseSettings]) -> set[str]:
    prefix = str(cls.model_config.get("env_prefix", ""))
    return {
        f"{prefix}{name}".upper()
        for name, info in cls.model_fields.items()
        if "SecretStr" in str(info.annotation)
    }


def unused(settings: BaseSettings) -> set[tuple[str, str]]:
    """Settings a process does not read as it is configured."""
    found = {("chassis.topics", "mongodb_url")}  # the topics job works on Kafka alone
    if getattr(settings, "provider", None) == "stripe":
        found |= {("payments", "sandbox_url")}  # the sandbox's address
    return found


def check(process: Process, settings: BaseSettings) -> list[str]:
    problems = []
    production = getattr(settings, "deployment", "production") == "production"
    if not production:
        problems.append(f"{process.where}: not DEPLOYMENT=production")
    if process.module in SERVICES:
        role = process.where.rsplit("-", 1)[-1]
        if settings.role != role:
            problems.append(f"{process.where}: ROLE is {settings.role}, not {role}")
    for name, value in settings.model_dump().items():
        if name == "host" or (process.module, name) in unused(settings):
            continue
        if LOCAL.search(str(value)):
            problems.append(f"{process.where}: {name} still points at this machine ({value})")
    plain = _secret_fields(type(settings)) & set(process.env)
    problems += [f"{process.where}: secret {v} in plain text" for v in sorted(plain)]
    return problems


@pytest.mark.parametrize("process", compose_processes(), ids=lambda p: p.where)
def test_each_compose_process_starts_for_production(process: Process, started: Any) -> None:
    assert check(process, started(process)) == []


@pytest.mark.parametrize("processes", [compose_processes, lambda: kubernetes_processes()])
def test_gateway_replicas_share_their_rate_limits(processes: Any, started: Any) -> None:
    """Every gateway replica counts the same requests: in the replica set."""
    [gateway] = [p for p in processes() if p.module == "gateway"]
    assert started(gateway).rate_limit_storage.startswith("mongodb://")


def test_compose_runs_every_service_as_an_api_and_a_worker_and_the_front_doors() -> None:
    running = {(p.module, p.where.rsplit("-", 1)[-1]) for p in compose_processes()}
    for service in SERVICES:
        assert {(service, "api"), (service, "worker")} <= running, service
    assert {m for m, _ in running} >= {"gateway", "portal", "chassis.topics"}


def test_the_check_finds_a_secret_in_plain_text_and_a_local_address(started: Any) -> None:
    """The check itself: a password in the environment and a default that
    points at this machine are both named."""
    leaky = Process(
        "compose:registration-api",
        "registration",
        {
            "REGISTRATION_DEPLOYMENT": "production",
            "REGISTRATION_ROLE": "api",
            "REGISTRATION_KAFKA_SECURITY_PROTOCOL": "SSL",
            "REGISTRATION_KAFKA_TOPIC_PREFIX": "acme.",
            "REGISTRATION_INTERNAL_TOKEN": "generated-in-the-environment-0123",
        },
        {"registration_mongodb_url": "mongodb_url"},
    )
    problems = check(leaky, started(leaky))
    assert "compose:registration-api: secret REGISTRATION_INTERNAL_TOKEN in plain text" in problems
    assert any("identity_url still points at this machine" in p for p in problems)
    assert isinstance(SecretStr("x"), SecretStr)


KUBERNETES = DEPLOY / "kubernetes"


def kubernetes_processes() -> list[Process]:
    """The base's Deployments and Job: their environment (a ConfigMap's
    values resolved) and the secret files their volume mounts."""
    docs = [
        doc
        for path in sorted((KUBERNETES / "base").glob("*.yaml"))
        if path.name != "kustomization.yaml"
        for doc in yaml.safe_load_all(path.read_text())
    ]
    config = next(d["data"] for d in docs if d["kind"] == "ConfigMap")
    found = []
    for doc in docs:
        if doc["kind"] not in ("Deployment", "Job"):
            continue
        pod = doc["spec"]["template"]["spec"]
        [container] = pod["containers"]
        env = {}
        for variable in container["env"]:
            if "value" in variable:
                env[variable["name"]] = variable["value"]
            else:
                ref = variable["valueFrom"]["configMapKeyRef"]
                env[variable["name"]] = config[ref["key"]]
        files = {
            item["path"]: item["key"]
            for volume in pod["volumes"]
            if "secret" in volume
            for item in volume["secret"]["items"]
        }
        module = container["command"][2]
        name = doc["metadata"]["name"]
        where = f"kubernetes:{name if '-' in name or module not in SERVICES else name + '-api'}"
        found.append(Process(where, module, env, files))
    return found


@pytest.mark.parametrize("process", kubernetes_processes(), ids=lambda p: p.where)
def test_each_kubernetes_process_starts_for_production(process: Process, started: Any) -> None:
    assert check(process, started(process)) == []


def test_kubernetes_runs_every_service_as_an_api_and_a_worker_and_the_front_doors() -> None:
    running = {(p.module, p.where.rsplit("-", 1)[-1]) for p in kubernetes_processes()}
    for service in SERVICES:
        assert {(service, "api"), (service, "worker")} <= running, service
    assert {m for m, _ in running} >= {"gateway", "portal", "chassis.topics"}


def test_the_committed_manifests_are_the_generators() -> None:
    """The YAML is written from deploy/kubernetes/generate.py's table."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate", KUBERNETES / "generate.py")
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    sys.modules["generate"] = generate  # its dataclass looks itself up there
    spec.loader.exec_module(generate)
    for path, text in generate.rendered().items():
        assert path.read_text() == text, f"{path}: run deploy/kubernetes/generate.py"


def test_only_the_gateway_and_the_portal_are_reachable_from_outside() -> None:
    policies = list(yaml.safe_load_all((KUBERNETES / "base/network-policies.yaml").read_text()))
    open_to_all = {
        p["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
        for p in policies
        if any("from" not in rule for rule in p["spec"].get("ingress", []))
    }
    assert open_to_all == {"gateway", "portal"}
    deny = next(p for p in policies if p["metadata"]["name"] == "default-deny")
    assert deny["spec"]["policyTypes"] == ["Ingress", "Egress"]


def test_every_alert_names_a_metric_the_suite_serves() -> None:
    """deploy/monitoring/alerts.yaml: each permitsuite_* series an alert reads
    is one the processes serve at /metrics (a histogram by its _count)."""
    from prometheus_client import REGISTRY

    import chassis.metrics

    assert chassis.metrics.EMAILS_SENT is not None  # the registry holds the suite's metrics
    served = {
        sample
        for collector in REGISTRY.collect()
        for sample in (collector.name, f"{collector.name}_total", f"{collector.name}_count")
    }
    rules = yaml.safe_load((DEPLOY / "monitoring/alerts.yaml").read_text())
    named = {
        metric
        for group in rules["groups"]
        for rule in group["rules"]
        for metric in re.findall(r"\b(permitsuite_\w+)", rule["expr"])
    }
    assert named and named <= served, named - served
    for group in rules["groups"]:
        for rule in group["rules"]:
            assert rule["alert"] and rule["labels"]["severity"] in ("page", "ticket")
