"""``make run --replicas N`` (issue 25): which processes the launcher runs and
what stands behind each public address."""

from __future__ import annotations

import itertools

import pytest

from permitsuite_embedded.__main__ import parse_args
from permitsuite_embedded.services import definitions, replicated

KEYS = dict.fromkeys(
    [
        "accounts_key",
        "identity_signing_key",
        "internal_token",
        "portal_secret",
        "proxy_secret",
        "sandbox_api_key",
        "webhook_secret",
        "webhook_secrets_key",
    ],
    "k",
)
DOMAIN = ("identity", "notifications", "registration", "permits", "payments", "inspections")


def _services(replicas: int) -> tuple[list, list]:  # type: ignore[type-arg]
    args = parse_args(["--replicas", str(replicas)])
    ports = itertools.count(40001)
    return replicated(
        definitions(args, KEYS, "127.0.0.1:19092", lambda p: f"http://127.0.0.1:{p}"),
        replicas,
        lambda: next(ports),
    )


def test_one_replica_runs_each_process_once_in_both_roles_and_no_balancer() -> None:
    services, routes = _services(1)
    assert routes == []
    assert all(s.role == "all" for s in services)
    assert len({s.port for s in services}) == len(services)


def test_two_replicas_run_two_api_and_two_workers_of_each_service_behind_one_address() -> None:
    services, routes = _services(2)
    args = parse_args([])
    by_name = {s.name: s for s in services}
    for module in (*DOMAIN, "integrations"):
        for role in ("api", "worker"):
            pair = [by_name[f"{module}-{role}-{n}"] for n in (1, 2)]
            prefix = module.upper()
            assert [s.env[f"{prefix}_ROLE"] for s in pair] == [role, role]
            assert [s.env[f"{prefix}_PORT"] for s in pair] == [str(s.port) for s in pair]
    assert {"gateway-1", "gateway-2", "portal-1", "portal-2", "sandboxpay"} <= set(by_name)
    behind = {r.port: r.backends for r in routes}
    assert behind[args.permits_port] == [by_name[f"permits-api-{n}"].port for n in (1, 2)]
    assert behind[args.gateway_port] == [by_name[f"gateway-{n}"].port for n in (1, 2)]
    assert args.sandbox_port not in behind  # the provider's stand-in stays single
    # the gateways count their limits together, in the database
    assert by_name["gateway-1"].env["GATEWAY_RATE_LIMIT_STORAGE"].startswith("mongodb://")


def test_a_fail_point_names_a_process_and_a_point() -> None:
    assert parse_args(["--failpoint", "permits-worker-1=x"]).failpoint == [
        ("permits-worker-1", "x")
    ]
    with pytest.raises(SystemExit):
        parse_args(["--failpoint", "permits-worker-1"])


def test_no_two_processes_get_one_port_even_when_the_os_repeats_one() -> None:
    """The OS may hand the same free port out twice in a row; a second process
    on it failed to bind while the first answered its readiness check."""
    args = parse_args(["--replicas", "2"])
    repeated = iter([40001, 40001, args.gateway_port, 40002, *range(40003, 40100)])
    services, _ = replicated(
        definitions(args, KEYS, "127.0.0.1:19092", lambda p: f"http://127.0.0.1:{p}"),
        2,
        lambda: next(repeated),
    )
    ports = [s.port for s in services]
    assert len(ports) == len(set(ports))
