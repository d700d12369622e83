"""What the launcher tells its user: the banner with every address and demo
login, and ``processes.json`` — each running process with its role, port,
pid and log (for an operator's look around, and for the replica tests that
stop one replica on purpose)."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from devstack.processes import ManagedProcess, describe

from permitsuite_embedded.demo import DEMO_USERS
from permitsuite_embedded.services import Service


class Launched(Protocol):
    args: argparse.Namespace
    logs: Path
    data: Path
    began: float

    def url(self, port: int) -> str: ...


def banner(suite: Launched, keys: dict[str, Any]) -> str:
    a, url = suite.args, suite.url
    gw = url(a.gateway_port)
    lines = [
        "",
        f"Permitsuite is running (up in {time.monotonic() - suite.began:.0f} s).",
        f"  Portal (web):    {url(a.portal_port)}",
        f"  Gateway (API):   {gw}",
        f"  OpenAPI docs:    {gw}/docs",
        f"                   identity: {url(a.identity_port)}/docs, "
        f"registration: {url(a.registration_port)}/docs",
        f"  Mailbox:         {gw}/dev/mail",
        f"  Webhooks:        {gw}/dev/webhooks  (the demo jurisdiction's deliveries)",
        f"  API client:      {suite.data / 'api-client.json'}  (the demo's id and secret: "
        "POST /v1/auth/token, grant_type=client_credentials)",
        f"  Sandbox payments: {url(a.sandbox_port)} (hosted pages; no real money)",
        f"  Health:          {gw}/health",
        f"  Logs:            {suite.logs}",
    ]
    if a.replicas > 1:
        lines.append(
            f"  Replicas:        {a.replicas} API and {a.replicas} worker processes of each "
            f"service, {a.replicas} gateways, {a.replicas} portals, one address each "
            f"(every process: {suite.data / 'processes.json'})"
        )
    lines.append("")
    if not a.no_seed:
        lines.append(
            "Demo jurisdiction 'demo' (log in with jurisdiction=demo; the operator without one):"
        )
        for label, email, *_ in DEMO_USERS:
            lines.append(f"  {label:<17} {email:<32} password: {keys['passwords'][email]}")
        portal = url(a.portal_port)
        lines += [
            "Contractor registration (the emailed links land in the Mailbox):",
            f"  {portal}/j/demo/register       staff review (the staff admin decides)",
            f"  {portal}/j/demo-auto/register  accepted at once",
            "",
        ]
    lines.append("Press Ctrl-C to stop everything.")
    return "\n".join(lines)


class ProcessTable:
    """``processes.json``, rewritten whenever a process started again."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.last: list[dict[str, Any]] | None = None

    def write(self, infra: Sequence[ManagedProcess], services: Sequence[Service]) -> None:
        rows = [describe(p) for p in infra]
        for s in services:
            pid = s.process.pid if s.process is not None else None
            rows.append(
                {"name": s.name, "service": s.module, "role": s.role, "port": s.port, "pid": pid}
            )
        if rows != self.last:
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(rows, indent=2) + "\n")
            tmp.replace(self.path)  # readers never see half a file
            self.last = rows
