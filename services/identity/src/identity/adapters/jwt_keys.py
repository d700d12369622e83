"""Access-token signing (EdDSA / Ed25519) and the published JWKS."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm


def generate_private_key_pem() -> str:
    key = Ed25519PrivateKey.generate()
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


class TokenSigner:
    def __init__(
        self,
        private_key_pem: str,
        *,
        key_id: str,
        issuer: str,
        audience: str,
        previous_jwks: str = "",
    ) -> None:
        key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the signing key must be an Ed25519 private key")
        self._key = key
        public_jwk: dict[str, Any] = json.loads(OKPAlgorithm.to_jwk(key.public_key()))
        self.key_id = key_id or hashlib.sha256(public_jwk["x"].encode()).hexdigest()[:16]
        self.issuer = issuer
        self.audience = audience
        retired = json.loads(previous_jwks)["keys"] if previous_jwks.strip() else []
        self._jwks = {
            "keys": [
                {**public_jwk, "kid": self.key_id, "alg": "EdDSA", "use": "sig"},
                *[k for k in retired if k.get("kid") != self.key_id],
            ]
        }

    def jwks(self) -> dict[str, Any]:
        return self._jwks

    def access_token(
        self,
        *,
        subject: str,
        email: str,
        jurisdiction_id: str | None,
        kind: str,
        roles: list[str],
        now: datetime,
        lifetime: timedelta,
        company_ids: list[str] | None = None,
        version: int = 0,
        typ: str = "access",
        scopes: list[str] | None = None,
    ) -> str:
        """An access token (``typ=access``) or a first-login setup token
        (``typ=setup``); an API client's carries its ``scope`` (RFC 9068)."""
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "email": email,
            "jur": jurisdiction_id,
            "kind": kind,
            "roles": roles,
            "companies": company_ids or [],
            "ver": version,
            "typ": typ,
            "iat": int(now.timestamp()),
            "nbf": int(now.timestamp()),
            "exp": int((now + lifetime).timestamp()),
            "jti": str(uuid4()),
        }
        if scopes is not None:
            claims["scope"] = " ".join(scopes)
        return jwt.encode(claims, self._key, algorithm="EdDSA", headers={"kid": self.key_id})
