"""The portal's only way to Permitsuite: the gateway's public API over HTTP.

A 4xx answer becomes :class:`ApiProblem` (its RFC 9457 body: the page shows
each ``errors[].field`` message next to that field); a 5xx, a timeout or a
refused connection becomes :class:`Unavailable` (a friendly page with the
correlation id, never a stack trace). Every call carries the request's
correlation id, so one id follows a click through every service.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

import httpx
from pydantic import TypeAdapter, ValidationError

from chassis.clock import Clock
from chassis.context import CORRELATION_HEADER, current_correlation_id
from portal.answers import Tokens
from portal.i18n import N_
from portal.sessions import Session

STANDARD = frozenset({"type", "title", "status", "detail", "instance", "errors"})


@dataclass
class ApiProblem(Exception):
    status: int
    title: str
    detail: str
    errors: dict[str, str] = field(default_factory=dict)
    type: str = "about:blank"
    extensions: dict[str, Any] = field(default_factory=dict)  # the problem's other members

    @classmethod
    def of(cls, response: httpx.Response) -> ApiProblem:
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        errors: dict[str, str] = {}
        for error in body.get("errors") or []:
            if isinstance(error, dict) and error.get("field"):
                message = error.get("msg") or error.get("message") or N_("is not valid")
                errors.setdefault(str(error["field"]), str(message))
        return cls(
            status=response.status_code,
            title=str(body.get("title") or response.reason_phrase),
            detail=str(body.get("detail") or body.get("title") or N_("The request was refused.")),
            errors=errors,
            type=str(body.get("type") or "about:blank"),
            extensions={k: v for k, v in body.items() if k not in STANDARD},
        )

    def on_form(
        self, renames: dict[str, str] | None = None, default: str = "_form"
    ) -> dict[str, str]:
        """The field messages under the form's own field names (``renames``:
        the API's name → the form's); the detail under ``default`` when the
        problem names no field."""
        renames = renames or {}
        errors = {renames.get(k, k): v for k, v in self.errors.items()}
        return errors or {default: self.detail}

    def __str__(self) -> str:
        return f"{self.status} {self.detail}"


browser_address: ContextVar[str | None] = ContextVar("browser_address", default=None)
"""The visitor's address, forwarded to the gateway (``X-Forwarded-For``) so its
rate limits count browsers, not the portal; the gateway believes it when the
call carries the shared ``PORTAL_GATEWAY_PROXY_SECRET`` (``GATEWAY_PROXY_SECRET``)."""

PROXY_SECRET_HEADER = "X-Permitsuite-Proxy-Secret"


class Unavailable(Exception):
    """The API failed or did not answer in time; ``retry_after`` (seconds) when
    it said it is busy (a shed request: 503 with ``Retry-After``)."""

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


A = TypeVar("A")


def read(model: type[A], answer: Any) -> A:
    """The API's answer as ``model`` (an :mod:`portal.answers` model, or a
    list of one): an answer without what the API promises is the API failing."""
    try:
        return TypeAdapter(model).validate_python(answer)
    except ValidationError as exc:
        raise Unavailable(f"the API answered something unexpected: {exc}") from exc


def _retry_after(response: httpx.Response) -> int | None:
    value = response.headers.get("retry-after", "")
    return int(value) if value.isdigit() else None


class Gateway:
    def __init__(
        self,
        base_url: str,
        timeout: float,
        max_connections: int = 200,
        proxy_secret: str | None = None,
    ) -> None:
        self.proxy_secret = proxy_secret
        # a short pool wait: when every connection is busy the visitor hears so
        # at once (a busy page) instead of after the whole timeout
        self.http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(timeout, pool=1.0),
            # idle connections kept 60 s, under the gateway's 65 s (chassis.serve)
            limits=httpx.Limits(
                max_connections=max_connections,
                max_keepalive_connections=max_connections,
                keepalive_expiry=60,
            ),
        )

    async def close(self) -> None:
        await self.http.aclose()

    async def call(
        self, method: str, path: str, *, token: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = {CORRELATION_HEADER: current_correlation_id(), **kwargs.pop("headers", {})}
        if address := browser_address.get():
            headers["X-Forwarded-For"] = address
            if self.proxy_secret:
                headers[PROXY_SECRET_HEADER] = self.proxy_secret
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = await self.http.request(method, path, headers=headers, **kwargs)
        except httpx.PoolTimeout as exc:
            raise Unavailable(f"{method} {path}: every connection busy", retry_after=2) from exc
        except httpx.HTTPError as exc:
            raise Unavailable(f"{method} {path}: {type(exc).__name__}") from exc
        if response.status_code >= 500:
            raise Unavailable(
                f"{method} {path}: {response.status_code}", retry_after=_retry_after(response)
            )
        if response.status_code >= 400:
            raise ApiProblem.of(response)
        return response

    async def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.call(method, path, **kwargs)
        return response.json() if response.content else None


class UserApi:
    """The gateway on behalf of one logged-in visitor: the session's token, a
    refresh when it is about to expire or was refused, and the new tokens kept."""

    def __init__(self, gateway: Gateway, session: Session, clock: Clock) -> None:
        self.gateway = gateway
        self.session = session
        self.clock = clock
        self.changed = False  # the session's tokens were refreshed: save it

    @property
    def jurisdiction(self) -> str:
        return self.session.jurisdiction_id

    async def _refresh(self) -> bool:
        if not self.session.refresh_token:
            return False
        try:
            granted = await self.gateway.json(
                "POST",
                "/v1/auth/token",
                data={
                    "grant_type": "refresh_token",
                    "refresh_token": self.session.refresh_token,
                    "jurisdiction": self.session.jurisdiction_id,
                },
            )
        except ApiProblem:
            return False
        try:
            tokens = Tokens.model_validate(granted)
        except ValidationError as exc:
            message = f"identity answered a refresh with something unexpected: {exc}"
            raise Unavailable(message) from exc
        apply_tokens(self.session, tokens, self.clock)
        self.changed = True
        return True

    async def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if self.session.access_expires_at - self.clock.now() < timedelta(seconds=30):
            await self._refresh()
        try:
            return await self.gateway.call(method, path, token=self.session.access_token, **kwargs)
        except ApiProblem as problem:
            if problem.status != 401 or not await self._refresh():
                raise
        return await self.gateway.call(method, path, token=self.session.access_token, **kwargs)

    async def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.call(method, path, **kwargs)
        return response.json() if response.content else None

    async def get(self, path: str, **params: Any) -> Any:
        return await self.json("GET", path, params={k: v for k, v in params.items() if v})


def apply_tokens(session: Session, granted: Tokens, clock: Clock) -> None:
    session.access_token = granted.access_token
    session.refresh_token = granted.refresh_token or session.refresh_token
    session.access_expires_at = clock.now() + timedelta(seconds=granted.expires_in)
    session.setup_required = granted.setup_required
