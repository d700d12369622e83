"""Access-token verification against a cached JWKS, and the caller dependency.

Tokens are checked for an allowed algorithm, signature, ``iss``, ``aud``,
``exp`` and ``nbf`` (the last two against the injectable clock, with a small
leeway). Services verify locally; nothing calls identity per request.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime
from typing import Annotated, Any

import httpx
import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from chassis.clock import Clock
from chassis.errors import Forbidden, Unauthorized
from chassis.principal import Principal
from contracts.scopes import OPEN, PEOPLE, scope_for_request

__all__ = [
    "CurrentUser",
    "Principal",
    "TokenVerifier",
    "current_principal",
    "within_scope",
]

log = logging.getLogger(__name__)

ALLOWED_ALGORITHMS = ("EdDSA", "RS256")
LEEWAY_SECONDS = 10


class TokenVerifier:
    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        clock: Clock,
        jwks_url: str | None = None,
        jwks: dict[str, Any] | None = None,
        cache_seconds: int = 300,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        if not jwks_url and jwks is None:
            raise ValueError("a TokenVerifier needs a JWKS URL or a static JWKS")
        self.issuer = issuer
        self.audience = audience
        self.clock = clock
        self.jwks_url = jwks_url
        self.cache_seconds = cache_seconds
        self._http = http
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: datetime | None = None
        self._lock = asyncio.Lock()
        if jwks is not None:
            self._load(jwks)

    def _load(self, jwks: dict[str, Any]) -> None:
        keys = {}
        for jwk in jwks.get("keys", []):
            try:
                key = jwt.PyJWK.from_dict(jwk)
            except jwt.PyJWTError:
                log.warning("skipping unusable JWK %s", jwk.get("kid"))
                continue
            if key.key_id:
                keys[key.key_id] = key
        self._keys = keys

    async def _refresh(self, force: bool) -> None:
        if self.jwks_url is None:
            return
        async with self._lock:
            now = self.clock.now()
            fresh = self._fetched_at is not None and (now - self._fetched_at).total_seconds() < (
                5 if force else self.cache_seconds
            )
            if fresh:
                return
            client = self._http or httpx.AsyncClient(timeout=5)
            try:
                response = await client.get(self.jwks_url)
                response.raise_for_status()
                self._load(response.json())
                self._fetched_at = now
            except (httpx.HTTPError, json.JSONDecodeError) as exc:
                log.warning("JWKS fetch from %s failed: %s", self.jwks_url, exc)
            finally:
                if self._http is None:
                    await client.aclose()

    async def _key_for(self, kid: str) -> jwt.PyJWK:
        await self._refresh(force=False)
        if kid not in self._keys:
            await self._refresh(force=True)  # key rotation: look again, rate-limited
        if kid not in self._keys:
            raise Unauthorized("token signed with an unknown key")
        return self._keys[kid]

    async def verify(self, token: str, *, typ: str = "access") -> Principal:
        """The caller a token names, or 401 for anything that is not a valid
        token of kind ``typ`` — whatever its header, body or signature hold."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Unauthorized("malformed token") from exc
        alg = header.get("alg")
        if alg not in ALLOWED_ALGORITHMS:
            raise Unauthorized("token algorithm not allowed")
        key = await self._key_for(str(header.get("kid", "")))
        if key.algorithm_name != alg:
            # the key decides the algorithm, never the token's header
            raise Unauthorized("token algorithm does not match its key")
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[alg],
                audience=self.audience,
                issuer=self.issuer,
                options={
                    "require": ["exp", "nbf", "iat", "sub", "iss", "aud"],
                    "verify_exp": False,  # checked below against the injectable clock
                    "verify_nbf": False,
                    "verify_iat": False,
                },
            )
            return self._principal(claims, typ)
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"invalid token: {exc}") from exc
        except (TypeError, ValueError) as exc:  # a signed token with claims of the wrong shape
            raise Unauthorized("invalid token claims") from exc

    def _principal(self, claims: dict[str, Any], typ: str) -> Principal:
        now = self.clock.now().timestamp()
        if now > float(claims["exp"]) + LEEWAY_SECONDS:
            raise Unauthorized("token expired")
        if now + LEEWAY_SECONDS < float(claims["nbf"]):
            raise Unauthorized("token not yet valid")
        if claims.get("typ") != typ:
            raise Unauthorized(f"not an {typ} token" if typ == "access" else f"not a {typ} token")
        return Principal.model_validate(
            {
                "account_id": claims["sub"],
                "email": claims.get("email", ""),
                "jurisdiction_id": claims.get("jur"),
                "kind": claims.get("kind", ""),
                "roles": claims.get("roles", []),
                "company_ids": claims.get("companies", []),
                "token_version": claims.get("ver", 0),
                "token_id": claims.get("jti"),
                "scopes": str(claims.get("scope") or "").split(),
            }
        )


_bearer = HTTPBearer(auto_error=False, description="Access token from POST /v1/auth/token")


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("a bearer token is required")
    verifier: TokenVerifier = request.app.state.runtime.verifier
    return within_scope(await verifier.verify(credentials.credentials), request)


def within_scope(principal: Principal, request: Request) -> Principal:
    """An API client only on the routes its scopes open (``contracts.scopes``):
    403 naming the scope it lacks, or that the route is for people only. A
    person's token passes untouched."""
    if not principal.is_client():
        return principal
    needed = scope_for_request(request.method, request.url.path)
    if needed == PEOPLE:
        raise Forbidden("API clients may not use this route; it is for people only")
    if needed != OPEN and needed not in principal.scopes:
        raise Forbidden(
            f"this API client lacks the scope {needed!r}",
            slug="insufficient-scope",
            scope=needed,
            headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{needed}"'},
        )
    return principal


CurrentUser = Annotated[Principal, Depends(current_principal)]


def require_operator(user: Principal) -> None:
    if not user.is_operator():
        raise Forbidden("only a hosting operator may do this")
