"""Webhook endpoints' handlers (issue 26): an admin's endpoints, their
secrets and log, sending again; and waking the endpoints an event is for."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chassis.clock import as_utc
from chassis.refusals import Conflicting, Missing
from contracts import Envelope
from contracts.identity import MembershipGranted, MembershipRevoked
from contracts.integrations import WebhookEndpointDisabled
from integrations.domain.feed import wanted
from integrations.domain.webhooks import (
    IDLE,
    MAX_ENDPOINTS,
    MAX_OVERLAP,
    MAX_REPLAYS,
    new_secret,
    rotated,
)
from integrations.service_layer.unit_of_work import FeedPort, IntegrationsUnitOfWork

Doc = dict[str, Any]
LOG_PAGE = 50
NOT_FOUND = "no such webhook endpoint"


class TooManyEndpoints(Conflicting):
    code = "too-many-endpoints"
    title = "Too many webhook endpoints"


async def wake(envelope: Envelope, uow: IntegrationsUnitOfWork) -> list[str]:
    """Make due every enabled endpoint of the jurisdiction that wants
    ``envelope``'s type (in the transaction that stores it in the feed); their
    ids, to wake again once committed (:meth:`Dispatcher.woken`): a worker
    letting one go idle while this transaction is open does not conflict
    with it (this transaction saw the endpoint busy and wrote nothing to it),
    and reads the feed's head before this commit — only a wake after the
    commit reaches it."""
    ids = [
        doc["_id"]
        for doc in await uow.endpoints.all()
        if doc.get("enabled") and wanted(envelope.type, frozenset(doc.get("types") or ()))
    ]
    await uow.endpoints.wake(ids, uow.now)
    return ids


@dataclass(frozen=True)
class CreateEndpoint:
    jurisdiction_id: str
    url: str
    description: str = ""
    types: tuple[str, ...] = ()
    enabled: bool = True


async def create(cmd: CreateEndpoint, uow: IntegrationsUnitOfWork) -> tuple[Doc, str]:
    """A new endpoint, sent every event from now on; its secret, shown once."""
    if len(await uow.endpoints.all()) >= MAX_ENDPOINTS:
        raise TooManyEndpoints(f"a jurisdiction has at most {MAX_ENDPOINTS} webhook endpoints")
    secret = new_secret()
    doc: Doc = {
        "_id": uuid.uuid4().hex,
        "url": cmd.url,
        "description": cmd.description,
        "types": list(cmd.types),
        "enabled": cmd.enabled,
        "secrets": [{**uow.endpoints.seal(secret), "until": None}],
        "created_at": uow.now,
        "updated_at": uow.now,
        "cursor": await uow.feed.head(),
        "logged": 0,
        "attempt": 0,
        "failing_since": None,
        "due_at": IDLE,
    }
    await uow.endpoints.add(doc)
    return doc, secret


@dataclass(frozen=True)
class ChangeEndpoint:
    jurisdiction_id: str
    endpoint_id: str
    changes: dict[str, Any]  # url, description, types, enabled: only those given


async def change(cmd: ChangeEndpoint, uow: IntegrationsUnitOfWork) -> Doc:
    fields = {**cmd.changes, "updated_at": uow.now}
    if cmd.changes.get("enabled"):  # switched on again: a fresh start at the back-off
        fields |= {"attempt": 0, "failing_since": None, "disabled_reason": None}
    if "types" in fields:
        fields["types"] = list(fields["types"])
    doc = await uow.endpoints.change(cmd.endpoint_id, {"$set": fields})
    if doc is None:
        raise Missing(NOT_FOUND)
    if cmd.changes.get("enabled"):
        await uow.endpoints.wake([cmd.endpoint_id], uow.now)
    return doc


@dataclass(frozen=True)
class RemoveEndpoint:
    jurisdiction_id: str
    endpoint_id: str


async def remove(cmd: RemoveEndpoint, uow: IntegrationsUnitOfWork) -> None:
    if not await uow.endpoints.remove(cmd.endpoint_id):
        raise Missing(NOT_FOUND)


@dataclass(frozen=True)
class RotateSecret:
    jurisdiction_id: str
    endpoint_id: str
    overlap: timedelta


async def rotate(cmd: RotateSecret, uow: IntegrationsUnitOfWork) -> tuple[Doc, str]:
    """A new secret (shown once); the old one signs too for ``overlap``."""
    doc = await _require(uow, cmd.endpoint_id)
    fresh = new_secret()
    overlap = min(cmd.overlap, MAX_OVERLAP)
    held = rotated(doc.get("secrets") or [], uow.endpoints.seal(fresh), uow.now, overlap)
    changed = await uow.endpoints.change(
        cmd.endpoint_id, {"$set": {"secrets": held, "updated_at": uow.now}}
    )
    if changed is None:
        raise Missing(NOT_FOUND)
    return changed, fresh


@dataclass(frozen=True)
class SendAgain:
    """One event again (``event_id``) or every event since a time (``since``)."""

    jurisdiction_id: str
    endpoint_id: str
    event_id: str | None = None
    since: datetime | None = None


class NotInFeed(Missing):
    part = "event_id"
    reason = "not an event of this jurisdiction's feed"


class ReplaysFull(Conflicting):
    code = "too-many-redeliveries"
    title = "Too many events waiting to be sent again"


async def send_again(cmd: SendAgain, uow: IntegrationsUnitOfWork) -> int | None:
    """Queue the sending; the feed position it starts from (None: nothing since)."""
    await _require(uow, cmd.endpoint_id)
    if cmd.event_id is not None:
        found = await uow.feed.by_id(cmd.event_id)
        if found is None:
            raise NotInFeed("no event with this id in the jurisdiction's feed")
        if not await uow.endpoints.replay(cmd.endpoint_id, int(found["position"])):
            raise ReplaysFull(f"at most {MAX_REPLAYS} single events wait to be sent again")
        await uow.endpoints.wake([cmd.endpoint_id], uow.now)
        return int(found["position"])
    assert cmd.since is not None
    first = await first_since(uow.feed, cmd.since)
    if first is None:
        return None
    await uow.endpoints.rewind(cmd.endpoint_id, first - 1)
    await uow.endpoints.wake([cmd.endpoint_id], uow.now)
    return first


async def first_since(feed: FeedPort, since: datetime) -> int | None:
    """The first position stored at or after ``since`` — by halving with
    single reads (positions follow commit order), whatever the feed's size."""
    head = await feed.head()
    low, high = 1, head + 1
    while low < high:
        middle = (low + high) // 2
        stored = await feed.stored_at(middle)
        if stored is None or as_utc(stored) < since:  # gone (past retention) or before
            low = middle + 1
        else:
            high = middle
    return low if low <= head else None


@dataclass(frozen=True)
class ReadLog:
    jurisdiction_id: str
    endpoint_id: str
    before: int | None = None  # attempt number; None: the newest
    limit: int = LOG_PAGE


@dataclass
class LogPage:
    items: list[Doc]
    next_before: int | None


async def read_log(query: ReadLog, uow: IntegrationsUnitOfWork) -> LogPage:
    """The endpoint's attempts, newest first, a window of numbers at a time."""
    doc = await _require(uow, query.endpoint_id)
    high = min(query.before or int(doc.get("logged", 0)) + 1, int(doc.get("logged", 0)) + 1)
    low = max(1, high - query.limit)
    items = await uow.endpoints.log(query.endpoint_id, low, high)
    items.sort(key=lambda a: (a["seq"], a["at"]), reverse=True)
    return LogPage(items, low if low > 1 else None)


@dataclass(frozen=True)
class GetEndpoint:
    jurisdiction_id: str
    endpoint_id: str


async def get(query: GetEndpoint, uow: IntegrationsUnitOfWork) -> Doc:
    return await _require(uow, query.endpoint_id)


async def listed(uow: IntegrationsUnitOfWork) -> list[Doc]:
    return sorted(await uow.endpoints.all(), key=lambda d: (d["created_at"], d["_id"]))


async def _require(uow: IntegrationsUnitOfWork, endpoint_id: str) -> Doc:
    doc = await uow.endpoints.get(endpoint_id)
    if doc is None:
        raise Missing(NOT_FOUND)
    return doc


async def keep_admin(
    event: MembershipGranted | MembershipRevoked, uow: IntegrationsUnitOfWork
) -> None:
    """Who is told when an endpoint is disabled: the jurisdiction's admins."""
    admin = (
        isinstance(event, MembershipGranted) and event.kind == "staff" and ("admin" in event.roles)
    )
    await uow.endpoints.admin(event.membership_id, event.email if admin else None)


@dataclass(frozen=True)
class Disable:
    """A worker gives up on an endpoint it holds (``update`` says how)."""

    jurisdiction_id: str
    endpoint_id: str
    owner: str
    update: dict[str, Any]
    reason: str
    failing_since: datetime | None


async def disable(cmd: Disable, uow: IntegrationsUnitOfWork) -> bool:
    """Disable the endpoint and tell the jurisdiction's admins, in one
    transaction; False if the worker no longer held it."""
    doc = await uow.endpoints.held_change(cmd.endpoint_id, cmd.owner, cmd.update)
    if doc is None:
        return False
    uow.emit(
        WebhookEndpointDisabled(
            endpoint_id=cmd.endpoint_id,
            jurisdiction_id=cmd.jurisdiction_id,
            url=doc["url"],
            description=doc.get("description", ""),
            reason=cmd.reason,
            disabled_at=uow.now,
            failing_since=cmd.failing_since,
            notify_emails=await uow.endpoints.admins(),
        )
    )
    return True
