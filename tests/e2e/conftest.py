"""Start the services as real processes against the session's broker and database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from devstack.processes import ManagedProcess, free_port, port_open, wait_until
from devstack.testing import ServiceProcess, TestScope, eventually_sync

from identity.adapters.jwt_keys import generate_private_key_pem

OPERATOR = ("operator@example.org", "operator-password-1")


@dataclass
class Suite:
    scope: TestScope
    identity: ServiceProcess
    notifications: ServiceProcess
    gateway: ServiceProcess
    mail_url: str
    log_dir: Path

    @property
    def url(self) -> str:
        return self.gateway.url

    def create_operator(self) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "identity.cli", "create-operator", "--email", OPERATOR[0]],
            env={**os.environ, **self.identity.env, "IDENTITY_OPERATOR_PASSWORD": OPERATOR[1]},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr

    def mail(self, to: str, subject_part: str = "") -> dict[str, Any]:
        """The newest captured mail to ``to`` whose subject contains ``subject_part``."""
        found: list[dict[str, Any]] = []

        def arrived() -> bool:
            found[:] = [
                m
                for m in httpx.get(f"{self.url}/dev/mail").json()
                if to in m["to"] and subject_part in m["subject"]
            ]
            return bool(found)

        eventually_sync(arrived, what=f"mail to {to} about {subject_part!r}")
        return found[-1]

    def api_link(self, link: str) -> str:
        """The API route behind a mailed link: emails open the portal's pages
        (``{base}/enrollments/<token>``), an API client takes the token to
        ``/v1/`` of the same path."""
        return f"{self.url}/v1/{link.split('/', 3)[3]}"

    def operator_token(self) -> str:
        r = httpx.post(
            f"{self.url}/v1/auth/token", data={"username": OPERATOR[0], "password": OPERATOR[1]}
        )
        assert r.status_code == 200, r.text
        return str(r.json()["access_token"])


INTERNAL_TOKEN = "e2e-internal-shared-secret"


def _identity_env(scope: TestScope) -> dict[str, str]:
    return scope.service_env(
        "IDENTITY_",
        "identity",
        signing_key=generate_private_key_pem(),
        internal_token=INTERNAL_TOKEN,
    )


@pytest.fixture
def suite(scope: TestScope, log_dir: Path) -> Iterator[Suite]:
    import asyncio

    asyncio.run(scope.create_topics())
    smtp_port, mail_http = free_port(), free_port()
    mailsink = ManagedProcess(
        "mailsink",
        [
            sys.executable,
            "-m",
            "permitsuite_embedded.mailsink",
            "--smtp-port",
            str(smtp_port),
            "--http-port",
            str(mail_http),
        ],
        log_path=log_dir / "mailsink.log",
    ).start()
    wait_until(
        lambda: port_open("127.0.0.1", mail_http), timeout=30, what="mail sink", process=mailsink
    )
    identity = ServiceProcess(
        "identity", "identity", env_prefix="IDENTITY_", env=_identity_env(scope), log_dir=log_dir
    )
    gateway_port = free_port()
    notifications = ServiceProcess(
        "notifications",
        "notifications",
        env_prefix="NOTIFICATIONS_",
        log_dir=log_dir,
        env=scope.service_env(
            "NOTIFICATIONS_",
            "notifications",
            smtp_port=smtp_port,
            public_base_url=f"http://127.0.0.1:{gateway_port}",
        ),
    )
    registration = ServiceProcess(
        "registration",
        "registration",
        env_prefix="REGISTRATION_",
        log_dir=log_dir,
        env=scope.service_env(
            "REGISTRATION_",
            "registration",
            identity_url=identity.url,
            internal_token=INTERNAL_TOKEN,
            jwks_url=f"{identity.url}/.well-known/jwks.json",
        ),
    )
    gateway = ServiceProcess(
        "gateway",
        "gateway",
        env_prefix="GATEWAY_",
        log_dir=log_dir,
        port=gateway_port,
        ready_path="/health",
        env={
            "GATEWAY_SERVICES": json.dumps(
                {
                    "identity": identity.url,
                    "notifications": notifications.url,
                    "registration": registration.url,
                }
            ),
            "GATEWAY_JWKS_URL": f"{identity.url}/.well-known/jwks.json",
            "GATEWAY_DEV_MAILBOX_URL": f"http://127.0.0.1:{mail_http}",
            "GATEWAY_MAX_BODY_BYTES": "65536",
            "GATEWAY_LOG_JSON": "false",
        },
    )
    started: list[ServiceProcess] = []
    try:
        for service in (identity, notifications, registration, gateway):
            service.start_no_wait()  # start together, then wait for each: faster
            started.append(service)
        for service in started:
            service.wait_ready()
        yield Suite(
            scope, identity, notifications, gateway, f"http://127.0.0.1:{mail_http}", log_dir
        )
    finally:
        for service in reversed(started):
            service.stop()
        mailsink.stop()
