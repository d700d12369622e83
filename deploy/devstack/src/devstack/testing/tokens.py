"""A local token issuer for tests and benchmarks that run services as real
processes without identity: an Ed25519 key, its JWKS served over HTTP by a
tiny file server, and access tokens with identity's claims."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

from devstack.processes import ManagedProcess, free_port, port_open, wait_until


class LocalIssuer:
    def __init__(self, kid: str = "local") -> None:
        self.key = Ed25519PrivateKey.generate()
        self.kid = kid

    def jwks(self) -> dict[str, Any]:
        jwk = OKPAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": self.kid, "alg": "EdDSA"}]}

    def headers(
        self,
        jid: str,
        kind: str,
        *,
        email: str = "",
        roles: list[str] | None = None,
        companies: list[str] | None = None,
        subject: str | None = None,
        now: datetime | None = None,
        minutes: int = 30,
        scope: str | None = None,
    ) -> dict[str, str]:
        """``Authorization`` header with an access token as identity issues it
        (``scope``: an API client's, with ``kind="client"``)."""
        now = now or datetime.now(UTC)
        claims = {
            "iss": "permitsuite-identity",
            "aud": "permitsuite",
            "sub": subject or f"acc-{email or kind}",
            "email": email,
            "jur": jid,
            "kind": kind,
            "roles": roles or [],
            "companies": companies or [],
            "ver": 0,
            "typ": "access",
            "iat": int(now.timestamp()),
            "nbf": int(now.timestamp()),
            "exp": int((now + timedelta(minutes=minutes)).timestamp()),
        }
        if scope is not None:
            claims["scope"] = scope
        token = jwt.encode(claims, self.key, algorithm="EdDSA", headers={"kid": self.kid})
        return {"Authorization": f"Bearer {token}"}

    @contextlib.contextmanager
    def serve_jwks(self, directory: Path, log_dir: Path) -> Iterator[str]:
        """Serve the JWKS from ``directory`` over HTTP; yields its URL."""
        (directory / "jwks.json").write_text(json.dumps(self.jwks()))
        port = free_port()
        server = ManagedProcess(
            "jwks",
            [
                sys.executable,
                "-m",
                "http.server",
                str(port),
                "--bind",
                "127.0.0.1",
                "--directory",
                str(directory),
            ],
            log_path=log_dir / "jwks.log",
        ).start()
        try:
            wait_until(
                lambda: port_open("127.0.0.1", port), timeout=30, what="jwks", process=server
            )
            yield f"http://127.0.0.1:{port}/jwks.json"
        finally:
            server.stop()
