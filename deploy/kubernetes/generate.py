"""Write the Kubernetes manifests from one table of the suite's processes:
``uv run python deploy/kubernetes/generate.py`` (deploy/tests checks that the
committed files are what it writes, so edit the table, not the YAML).

base/: per service an API Deployment (with its Service, PodDisruptionBudget
and HorizontalPodAutoscaler) and a worker Deployment; the gateway and the
portal; the topics Job; NetworkPolicies; the shared ConfigMap. Secrets are
one Secret the operator creates (docs/operations.md), mounted as files.
overlays/small and overlays/large: replicas and resources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
IMAGE = "permitsuite:0.1.0"
SECRET = "permitsuite-secrets"
CONFIG = "permitsuite-config"
KAFKA = ["KAFKA_BOOTSTRAP_SERVERS", "KAFKA_TOPIC_PREFIX"]
Doc = dict[str, Any]


@dataclass
class Process:
    name: str
    module: str
    port: int
    prefix: str
    secrets: list[str] = field(default_factory=list)  # keys of the Secret it is given
    env: dict[str, str] = field(default_factory=dict)
    config: list[str] = field(default_factory=list)  # variables from the ConfigMap
    egress: list[int] = field(default_factory=list)  # ports it calls outside the cluster
    service: bool = True  # a Kafka/Mongo service (api and worker roles)
    public: bool = False


IDENTITY_JWKS = "http://identity:8101/.well-known/jwks.json"
PROCESSES = [
    Process(
        "identity",
        "identity",
        8101,
        "IDENTITY",
        secrets=["mongodb_url", "kafka_sasl_password", "signing_key", "internal_token"],
        env={"TRUSTED_PROXIES": '["10.0.0.0/8"]'},
    ),
    Process(
        "registration",
        "registration",
        8102,
        "REGISTRATION",
        secrets=["mongodb_url", "kafka_sasl_password", "internal_token"],
        env={"JWKS_URL": IDENTITY_JWKS, "IDENTITY_URL": "http://identity:8101"},
    ),
    Process(
        "permits",
        "permits",
        8103,
        "PERMITS",
        secrets=["mongodb_url", "kafka_sasl_password"],
        env={"JWKS_URL": IDENTITY_JWKS},
    ),
    Process(
        "payments",
        "payments",
        8104,
        "PAYMENTS",
        secrets=[
            "mongodb_url",
            "kafka_sasl_password",
            "provider_api_key",
            "webhook_secret",
            "accounts_key",
        ],
        env={"JWKS_URL": IDENTITY_JWKS, "PROVIDER": "stripe"},
        config=["RETURN_URL"],
        egress=[443],  # the payment provider's API
    ),
    Process(
        "inspections",
        "inspections",
        8105,
        "INSPECTIONS",
        secrets=["mongodb_url", "kafka_sasl_password"],
        env={"JWKS_URL": IDENTITY_JWKS},
    ),
    Process(
        "integrations",
        "integrations",
        8107,
        "INTEGRATIONS",
        secrets=["mongodb_url", "kafka_sasl_password", "secrets_key"],
        env={"JWKS_URL": IDENTITY_JWKS},
        egress=[443],  # webhooks: https to each jurisdiction's endpoints (public addresses)
    ),
    Process(
        "notifications",
        "notifications",
        8106,
        "NOTIFICATIONS",
        secrets=["mongodb_url", "kafka_sasl_password", "smtp_password"],
        env={"JWKS_URL": IDENTITY_JWKS, "SMTP_STARTTLS": "true"},
        config=["PUBLIC_BASE_URL", "SMTP_HOST", "SMTP_PORT", "SMTP_USERNAME", "MAIL_FROM"],
        egress=[587],  # the SMTP relay
    ),
    Process(
        "gateway",
        "gateway",
        8000,
        "GATEWAY",
        service=False,
        public=True,
        secrets=["proxy_secret", "rate_limit_storage"],  # limits shared by every replica
        env={
            "SERVICES": (
                '{"identity": "http://identity:8101", "registration": '
                '"http://registration:8102", "permits": "http://permits:8103", '
                '"payments": "http://payments:8104", "inspections": "http://inspections:8105", '
                '"notifications": "http://notifications:8106", '
                '"integrations": "http://integrations:8107"}'
            ),
            "JWKS_URL": IDENTITY_JWKS,
        },
        config=["CORS_ORIGINS", "TRUSTED_PROXIES"],
    ),
    Process(
        "portal",
        "portal",
        8090,
        "PORTAL",
        service=False,
        public=True,
        secrets=["mongodb_url", "session_secret", "gateway_proxy_secret"],
        env={
            "DEPLOYMENT": "production",
            "GATEWAY_URL": "http://gateway:8000",
            "PAYMENT_ORIGINS": '["https://checkout.stripe.com"]',
        },
        config=["PUBLIC_BASE_URL"],
    ),
]
# which Secret key each process's secret file is filled from
SECRET_KEYS = {
    "kafka_sasl_password": "kafka_password",
    "signing_key": "identity_signing_key",
    "webhook_secret": "provider_webhook_secret",
    "accounts_key": "payments_accounts_key",
    "secrets_key": "integrations_secrets_key",
    "rate_limit_storage": "mongodb_url",
    "gateway_proxy_secret": "proxy_secret",
    "session_secret": "portal_session_secret",
}
SIZES = {
    "small": {
        "replicas": 2,
        "cpu": "100m",
        "memory": "256Mi",
        "cpu_limit": "1",
        "mem_limit": "512Mi",
        "max": 4,
    },
    "large": {
        "replicas": 3,
        "cpu": "500m",
        "memory": "512Mi",
        "cpu_limit": "2",
        "mem_limit": "1Gi",
        "max": 12,
    },
}


def _labels(name: str, role: str) -> Doc:
    return {"app.kubernetes.io/name": name, "app.kubernetes.io/component": role}


def _secret_volume(p: Process) -> Doc:
    items = [{"key": SECRET_KEYS.get(s, s), "path": f"{p.prefix.lower()}_{s}"} for s in p.secrets]
    return {
        "name": "secrets",
        "secret": {"secretName": SECRET, "items": items, "defaultMode": 0o400},
    }


def _env(p: Process, role: str | None) -> list[Doc]:
    env: list[Doc] = [{"name": "PERMITSUITE_SECRETS_DIR", "value": "/run/secrets/permitsuite"}]
    fixed = {"HOST": "0.0.0.0", "PORT": str(p.port)} if p.port else {}
    if p.service:  # on Kafka (and MongoDB): the production profile
        fixed |= {
            "DEPLOYMENT": "production",
            "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
            "KAFKA_SASL_USERNAME": "permitsuite",
        }
    if role:
        fixed["ROLE"] = role
    env += [{"name": f"{p.prefix}_{k}", "value": v} for k, v in {**fixed, **p.env}.items()]
    for variable in ([*KAFKA] if p.service else []) + p.config:
        ref = {"configMapKeyRef": {"name": CONFIG, "key": variable}}
        env.append({"name": f"{p.prefix}_{variable}", "valueFrom": ref})
    return env


def _probe(path: str, port: int, period: int) -> Doc:
    return {"httpGet": {"path": path, "port": port}, "periodSeconds": period, "timeoutSeconds": 3}


def _container(p: Process, role: str | None) -> Doc:
    """A process's container: its command, environment and secret files; one
    that serves HTTP also its port, probes and resources."""
    container: Doc = {
        "name": p.name,
        "image": IMAGE,
        "command": ["python", "-m", p.module],
        "env": _env(p, role),
        "volumeMounts": [
            {"name": "secrets", "mountPath": "/run/secrets/permitsuite", "readOnly": True},
            {"name": "tmp", "mountPath": "/tmp"},  # noqa: S108 (the pod's own emptyDir)
        ],
        "securityContext": {
            "runAsNonRoot": True,
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
    }
    if not p.port:
        return container
    ready, live = (
        ("/health", "/health") if p.name == "portal" else ("/health/ready", "/health/live")
    )
    return {
        **container,
        "ports": [{"name": "http", "containerPort": p.port}],
        # ready: the database and the broker answer (a worker too: its consumers)
        "readinessProbe": _probe(ready, p.port, 10),
        "livenessProbe": _probe(live, p.port, 20),
        "startupProbe": {**_probe(live, p.port, 5), "failureThreshold": 24},
        "resources": {
            "requests": {"cpu": "100m", "memory": "256Mi"},
            "limits": {"cpu": "1", "memory": "512Mi"},
        },
    }


def _pod(p: Process, role: str | None, labels: Doc, **extra: Any) -> Doc:
    return {
        "metadata": {"labels": {**labels, "permitsuite/egress": "data"}},
        "spec": {
            "automountServiceAccountToken": False,
            **extra,
            "containers": [_container(p, role)],
            "volumes": [_secret_volume(p), {"name": "tmp", "emptyDir": {}}],
        },
    }


def deployment(p: Process, role: str | None) -> Doc:
    name = f"{p.name}-{role}" if role else p.name
    labels = _labels(p.name, role or "api")
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": labels},
            "template": _pod(p, role, labels, terminationGracePeriodSeconds=30),
        },
    }


def service(p: Process) -> Doc:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": p.name, "labels": _labels(p.name, "api")},
        "spec": {
            "selector": _labels(p.name, "api"),
            "ports": [{"name": "http", "port": p.port, "targetPort": "http"}],
        },
    }


def disruption_budget(name: str, role: str, service: bool = True) -> Doc:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": f"{name}-{role}" if service else name},
        "spec": {"minAvailable": 1, "selector": {"matchLabels": _labels(name, role)}},
    }


def autoscaler(p: Process) -> Doc:
    target = p.name if not p.service else f"{p.name}-api"
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": target},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target},
            "minReplicas": 2,
            "maxReplicas": 4,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": 70},
                    },
                }
            ],
        },
    }


TOPICS = Process(
    "topics",
    "chassis.topics",
    0,
    "TOPICS",
    secrets=["kafka_sasl_password"],
    env={"PARTITIONS": "12", "REPLICATION": "3", "MIN_INSYNC_REPLICAS": "2"},
)


def topics_job() -> Doc:
    labels = _labels("topics", "job")
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "topics", "labels": labels},
        "spec": {
            "backoffLimit": 6,
            "ttlSecondsAfterFinished": 86400,
            "template": _pod(TOPICS, None, labels, restartPolicy="OnFailure"),
        },
    }


def _policy(name: str, selector: Doc, **rules: list[Doc]) -> Doc:
    types = [t for t in ("ingress", "egress") if t in rules] or ["ingress", "egress"]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name},
        "spec": {
            "podSelector": selector,
            "policyTypes": [t.capitalize() for t in types],
            **rules,
        },
    }


def network_policies() -> list[Doc]:
    """Nothing comes in but to the gateway and the portal; the services take
    calls from the gateway and each other; every pod goes out only to DNS,
    the database and the broker (27017, 9096), and what its table allows."""
    pods = {"podSelector": {}}
    dns = {"ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}
    data = {"ports": [{"protocol": "TCP", "port": 27017}, {"protocol": "TCP", "port": 9096}]}
    policies = [
        _policy("default-deny", {}),
        _policy(
            "egress-data",
            {"matchLabels": {"permitsuite/egress": "data"}},
            egress=[dns, data, {"to": [pods]}],
        ),
    ]
    for p in PROCESSES:
        mine = {"matchLabels": {"app.kubernetes.io/name": p.name}}
        port = [{"protocol": "TCP", "port": p.port}]
        sources: list[Doc] = [{}] if p.public else [{"from": [pods]}]
        policies.append(
            _policy(f"{p.name}-in", mine, ingress=[{**s, "ports": port} for s in sources])
        )
        if p.egress:
            out = [{"ports": [{"protocol": "TCP", "port": port} for port in p.egress]}]
            policies.append(_policy(f"{p.name}-out", mine, egress=out))
    return policies


def config_map() -> Doc:
    """What differs per installation and is not secret: the operator edits it."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": CONFIG},
        "data": {
            "KAFKA_BOOTSTRAP_SERVERS": "kafka-0.kafka:9096,kafka-1.kafka:9096,kafka-2.kafka:9096",
            "KAFKA_TOPIC_PREFIX": "acme-prod.",
            "PUBLIC_BASE_URL": "https://permits.example.gov",
            "RETURN_URL": "https://permits.example.gov/payments/return",
            "CORS_ORIGINS": '["https://permits.example.gov"]',
            "TRUSTED_PROXIES": '["10.0.0.0/8"]',
            "SMTP_HOST": "smtp.example.gov",
            "SMTP_PORT": "587",
            "SMTP_USERNAME": "permitsuite",
            "MAIL_FROM": "Permits <permits@example.gov>",
        },
    }


def base() -> dict[str, list[Doc]]:
    files: dict[str, list[Doc]] = {"config.yaml": [config_map()], "topics-job.yaml": [topics_job()]}
    for p in PROCESSES:
        docs = [deployment(p, "api" if p.service else None), service(p)]
        docs += [disruption_budget(p.name, "api", p.service), autoscaler(p)]
        if p.service:
            docs += [deployment(p, "worker"), disruption_budget(p.name, "worker")]
        files[f"{p.name}.yaml"] = docs
    files["network-policies.yaml"] = network_policies()
    return files


def overlay(size: str) -> tuple[Doc, list[Doc]]:
    s = SIZES[size]
    patches: list[Doc] = []
    for p in PROCESSES:
        for role in ["api", "worker"] if p.service else [None]:
            name = f"{p.name}-{role}" if role else p.name
            patches.append(
                {
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "metadata": {"name": name},
                    "spec": {
                        "replicas": s["replicas"],
                        "template": {
                            "spec": {
                                "containers": [
                                    {
                                        "name": p.name,
                                        "resources": {
                                            "requests": {"cpu": s["cpu"], "memory": s["memory"]},
                                            "limits": {
                                                "cpu": s["cpu_limit"],
                                                "memory": s["mem_limit"],
                                            },
                                        },
                                    }
                                ]
                            }
                        },
                    },
                }
            )
        target = p.name if not p.service else f"{p.name}-api"
        patches.append(
            {
                "apiVersion": "autoscaling/v2",
                "kind": "HorizontalPodAutoscaler",
                "metadata": {"name": target},
                "spec": {"minReplicas": s["replicas"], "maxReplicas": s["max"]},
            }
        )
    kustomization = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "namespace": "permitsuite",
        "bases": ["../../base"],
        "commonLabels": {"app.kubernetes.io/part-of": "permitsuite", "permitsuite/size": size},
        "patchesStrategicMerge": ["sizes.yaml"],
    }
    return kustomization, patches


def rendered() -> dict[Path, str]:
    """Every file this writes, by path, with its text."""
    head = "# Written by deploy/kubernetes/generate.py: edit its table, then run it.\n"
    out: dict[Path, str] = {}
    files = base()
    for name, docs in files.items():
        out[HERE / "base" / name] = head + yaml.safe_dump_all(docs, sort_keys=False)
    kustomization = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": sorted(files),
    }
    out[HERE / "base" / "kustomization.yaml"] = head + yaml.safe_dump(
        kustomization, sort_keys=False
    )
    for size in SIZES:
        k, patches = overlay(size)
        out[HERE / "overlays" / size / "kustomization.yaml"] = head + yaml.safe_dump(
            k, sort_keys=False
        )
        out[HERE / "overlays" / size / "sizes.yaml"] = head + yaml.safe_dump_all(
            patches, sort_keys=False
        )
    return out


def main() -> None:
    for path, text in rendered().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(path.relative_to(HERE))


if __name__ == "__main__":
    main()
