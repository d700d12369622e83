"""Webhook endpoints' rules (issue 26), pure: which URLs may receive a
jurisdiction's events, which addresses a delivery may reach, when a failed
delivery is tried again and when an endpoint is given up on, and which of an
endpoint's secrets sign a delivery (the Standard Webhooks scheme).

Delivery is a follower of the jurisdiction's event feed: each endpoint keeps
a cursor (the feed position of the last event it acknowledged) and is sent
the events after it one at a time, in feed order — so in order per permit,
payment or inspection. A failed event is tried again after a back-off and
nothing after it goes first.
"""

from __future__ import annotations

import base64
import ipaddress
import random
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

IDLE = datetime(9999, 12, 31, tzinfo=UTC)
"""``due_at`` of an endpoint with nothing to send (compares above any real time)."""

GIVE_UP_AFTER = timedelta(days=3)
"""An endpoint failing for this long is disabled (its admins are told)."""

FIRST_RETRY = timedelta(seconds=5)
LONGEST_WAIT = timedelta(hours=1)
SECRET_PREFIX = "whsec_"
MAX_OVERLAP = timedelta(days=7)
MAX_ENDPOINTS = 20
"""Endpoints per jurisdiction, at most (each is a lane of its own to keep)."""
MAX_REPLAYS = 100
"""Single events waiting to be sent again to one endpoint, at most."""


class UnsafeAddress(ValueError):
    """A URL or an address that a delivery may not reach."""


@dataclass(frozen=True)
class UrlRules:
    """``public_only``: the production rule — HTTPS to public addresses only.
    The embedded stack allows http and loopback (its own dev receiver)."""

    public_only: bool


def check_url(url: str, rules: UrlRules) -> str:
    """``url`` if an endpoint may have it, else :class:`UnsafeAddress` saying why.
    Names are checked again at every delivery (:func:`check_addresses`)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeAddress(f"not a URL: {error}") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UnsafeAddress("the URL must be http(s)://host/…")
    if parts.username or parts.password:
        raise UnsafeAddress("the URL may not carry a user name or password")
    if port == 0:
        raise UnsafeAddress("the URL's port must be 1 to 65535")
    if rules.public_only:
        if parts.scheme != "https":
            raise UnsafeAddress("the URL must use https")
        literal = _literal(parts.hostname)
        if literal is not None:
            check_addresses([str(literal)], rules)
        elif parts.hostname.rstrip(".").lower() in ("localhost",) or parts.hostname.endswith(
            ".localhost"
        ):
            raise UnsafeAddress("the URL's host is this machine")
    return url


def check_addresses(addresses: list[str], rules: UrlRules) -> None:
    """Refuse a name that resolves to any address but a public one: loopback,
    private networks, link-local (cloud metadata at 169.254.169.254), shared,
    reserved and multicast space alike."""
    if not rules.public_only:
        return
    if not addresses:
        raise UnsafeAddress("the host has no address")
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if not ip.is_global or ip.is_multicast:
            raise UnsafeAddress(f"the host resolves to {ip}, which is not a public address")


def _literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def new_secret() -> str:
    """A ``whsec_`` secret: 24 random bytes, base64 (the Standard Webhooks form)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def signing_secrets(held: list[dict[str, object]], now: datetime) -> list[str]:
    """The secrets that sign a delivery now: the newest, and an older one
    until its overlap ends (a rotated secret keeps signing for a while, so a
    receiver can switch without losing a delivery)."""
    live = []
    for item in held:
        until = item.get("until")
        if until is None or (isinstance(until, datetime) and _utc(until) > now):
            live.append(str(item["secret"]))
    return live


def rotated(
    held: list[dict[str, object]], fresh: dict[str, object], now: datetime, overlap: timedelta
) -> list[dict[str, object]]:
    """``held`` after a rotation: ``fresh`` (a stored secret: as it is, or
    sealed) signs from now on; the secret in use until now keeps signing for
    ``overlap``; older ones are dropped."""
    current = [item for item in held if item.get("until") is None]
    kept: list[dict[str, object]] = [{**fresh, "until": None}]
    if overlap > timedelta(0):
        kept += [{**item, "until": now + overlap} for item in current]
    return kept


def retry_delay(attempt: int, rng: random.Random) -> timedelta:
    """The wait before try ``attempt + 1``: doubling from 5 s up to an hour,
    each wait drawn between half and all of it ("equal jitter"), so endpoints
    that failed together are not retried together."""
    ceiling = min(LONGEST_WAIT, FIRST_RETRY * (2 ** max(0, attempt - 1)))
    half: timedelta = ceiling / 2
    return half + half * rng.random()


@dataclass(frozen=True)
class Outcome:
    """What one delivery attempt got back."""

    status: int | None  # None: no response (refused, timed out, unsafe address)
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def gone(self) -> bool:
        """410 Gone: the receiver says the endpoint is no more — disable at once."""
        return self.status == 410


@dataclass(frozen=True)
class AfterFailure:
    due_at: datetime
    disable: str | None  # why the endpoint is disabled, or None to try again


def after_failure(
    outcome: Outcome, failing_since: datetime, attempt: int, now: datetime, rng: random.Random
) -> AfterFailure:
    """When to try again after a failed attempt, or that the endpoint is done."""
    if outcome.gone:
        return AfterFailure(IDLE, "the endpoint answered 410 Gone")
    if now - failing_since >= GIVE_UP_AFTER:
        return AfterFailure(IDLE, "every delivery failed for 3 days")
    return AfterFailure(now + retry_delay(attempt, rng), None)


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)
