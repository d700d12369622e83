"""Routes: a jurisdiction's webhook endpoints, managed by its admins (issue 26)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Query, Response

from chassis.access import require_staff
from chassis.api import Tenant
from chassis.errors import problem_responses
from chassis.principal import Principal
from chassis.refusals import Refused
from integrations.domain.feed import cursor_for
from integrations.domain.signing import payload, signed_headers
from integrations.domain.webhooks import IDLE, UnsafeAddress, check_url
from integrations.entrypoints.dependencies import App, IntegrationsApp
from integrations.entrypoints.schemas import (
    AttemptOut,
    AttemptPage,
    EndpointHealth,
    EndpointIn,
    EndpointList,
    EndpointOut,
    EndpointPatch,
    EndpointWithSecret,
    PingOut,
    RotationIn,
    SendAgainIn,
    SendAgainOut,
)
from integrations.service_layer import webhooks

Doc = dict[str, Any]
PATH = "/webhook-endpoints"
ONE = PATH + "/{endpoint_id}"
PING_TYPE = "permitsuite.webhooks.Ping.v1"

router = APIRouter(tags=["webhooks"], responses=problem_responses(401, 403, 404, 422))


class UrlRefused(Refused):
    part = "url"
    reason = "not allowed"


def _admin(user: Principal, jurisdiction_id: str) -> None:
    require_staff(user, jurisdiction_id, "admin")


def _checked(app: IntegrationsApp, url: str) -> str:
    try:
        return check_url(url, app.rules)
    except UnsafeAddress as error:
        raise UrlRefused(str(error)) from None


def out(doc: Doc) -> EndpointOut:
    return EndpointOut(
        id=doc["_id"],
        url=doc["url"],
        description=doc.get("description", ""),
        types=doc.get("types") or [],
        enabled=doc["enabled"],
        created_at=doc["created_at"],
        updated_at=doc["updated_at"],
        health=health(doc),
    )


def health(doc: Doc) -> EndpointHealth:
    failing = doc.get("failing_since")
    state = "disabled" if not doc["enabled"] else "failing" if failing else "healthy"
    due = doc.get("due_at")
    return EndpointHealth(
        state=state,
        failing_since=failing,
        attempt=int(doc.get("attempt", 0)),
        next_attempt_at=due if failing and doc["enabled"] and due and due < IDLE else None,
        last_attempt_at=doc.get("last_attempt_at"),
        last_status=doc.get("last_status"),
        last_success_at=doc.get("last_success_at"),
        disabled_reason=doc.get("disabled_reason"),
    )


@router.post(
    PATH,
    status_code=201,
    response_model=EndpointWithSecret,
    summary="Add an endpoint",
    responses=problem_responses(409),
)
async def create(jurisdiction_id: str, body: EndpointIn, user: Tenant, app: App) -> Any:
    """Every event of the jurisdiction (or of the types given) committed from
    now on is POSTed to the URL, signed (Standard Webhooks). The secret is in
    this answer only."""
    _admin(user, jurisdiction_id)
    cmd = webhooks.CreateEndpoint(
        jurisdiction_id, _checked(app, body.url), body.description, tuple(body.types), body.enabled
    )
    doc, secret = await app.units.handle(cmd, webhooks.create)
    return EndpointWithSecret(**out(doc).model_dump(), secret=secret)


@router.get(PATH, response_model=EndpointList, summary="The jurisdiction's endpoints")
async def listed(jurisdiction_id: str, user: Tenant, app: App) -> EndpointList:
    _admin(user, jurisdiction_id)
    docs = await app.units.read(jurisdiction_id, webhooks.listed)
    return EndpointList(items=[out(d) for d in docs])


@router.get(ONE, response_model=EndpointOut, summary="An endpoint and its health")
async def one(jurisdiction_id: str, endpoint_id: str, user: Tenant, app: App) -> EndpointOut:
    _admin(user, jurisdiction_id)
    doc = await app.units.ask(webhooks.GetEndpoint(jurisdiction_id, endpoint_id), webhooks.get)
    return out(doc)


@router.patch(ONE, response_model=EndpointOut, summary="Change an endpoint")
async def change(
    jurisdiction_id: str, endpoint_id: str, body: EndpointPatch, user: Tenant, app: App
) -> EndpointOut:
    """Switching an endpoint on again resumes where it stopped (the events
    since are sent, in order) and restarts its back-off."""
    _admin(user, jurisdiction_id)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if "url" in changes:
        changes["url"] = _checked(app, changes["url"])
    cmd = webhooks.ChangeEndpoint(jurisdiction_id, endpoint_id, changes)
    return out(await app.units.handle(cmd, webhooks.change))


@router.delete(ONE, status_code=204, summary="Remove an endpoint")
async def remove(jurisdiction_id: str, endpoint_id: str, user: Tenant, app: App) -> Response:
    _admin(user, jurisdiction_id)
    await app.units.handle(webhooks.RemoveEndpoint(jurisdiction_id, endpoint_id), webhooks.remove)
    return Response(status_code=204)


@router.post(ONE + "/secret", response_model=EndpointWithSecret, summary="Rotate the secret")
async def rotate(
    jurisdiction_id: str, endpoint_id: str, body: RotationIn, user: Tenant, app: App
) -> Any:
    """A new secret, in this answer only; the old one keeps signing too (both
    signatures are sent) for ``overlap_hours``, so the receiver can switch."""
    _admin(user, jurisdiction_id)
    cmd = webhooks.RotateSecret(jurisdiction_id, endpoint_id, timedelta(hours=body.overlap_hours))
    doc, secret = await app.units.handle(cmd, webhooks.rotate)
    return EndpointWithSecret(**out(doc).model_dump(), secret=secret)


@router.post(
    ONE + "/redeliveries",
    status_code=202,
    response_model=SendAgainOut,
    summary="Send again",
    responses=problem_responses(409),
)
async def send_again(
    jurisdiction_id: str, endpoint_id: str, body: SendAgainIn, user: Tenant, app: App
) -> SendAgainOut:
    """One event again (``event_id``, one attempt), or every event stored
    since a time (``since``, in order, with retries as usual)."""
    _admin(user, jurisdiction_id)
    cmd = webhooks.SendAgain(jurisdiction_id, endpoint_id, body.event_id, body.since)
    first = await app.units.handle(cmd, webhooks.send_again)
    return SendAgainOut(
        queued=first is not None, from_cursor=cursor_for(first - 1) if first else None
    )


@router.get(ONE + "/deliveries", response_model=AttemptPage, summary="The delivery log")
async def deliveries(
    jurisdiction_id: str,
    endpoint_id: str,
    user: Tenant,
    app: App,
    before: int | None = Query(default=None, ge=1, description="next_before of a page"),
    limit: int = Query(default=webhooks.LOG_PAGE, ge=1, le=200),
) -> AttemptPage:
    """Every attempt, newest first: event, status, latency, the response's start."""
    _admin(user, jurisdiction_id)
    query = webhooks.ReadLog(jurisdiction_id, endpoint_id, before, limit)
    page = await app.units.ask(query, webhooks.read_log)
    return AttemptPage(items=[AttemptOut(**a) for a in page.items], next_before=page.next_before)


@router.post(ONE + "/ping", response_model=PingOut, summary="Send a test event now")
async def ping(jurisdiction_id: str, endpoint_id: str, user: Tenant, app: App) -> PingOut:
    """A signed ``permitsuite.webhooks.Ping.v1`` event, sent at once; the answer
    says what the endpoint replied. Not in the feed nor the log."""
    _admin(user, jurisdiction_id)
    doc = await app.units.ask(webhooks.GetEndpoint(jurisdiction_id, endpoint_id), webhooks.get)
    now = app.runtime.clock.now()
    event_id = f"ping-{uuid.uuid4().hex}"
    event = {
        "_id": event_id,
        "specversion": "1.0",
        "source": "/permitsuite/integrations",
        "type": PING_TYPE,
        "time": now.isoformat(),
        "subject": endpoint_id,
        "jurisdiction": jurisdiction_id,
        "datacontenttype": "application/json",
        "data": {"endpoint_id": endpoint_id},
    }
    body = payload(event)
    headers = signed_headers(event_id, body, app.sealer.opened(doc.get("secrets") or []), now)
    sent = await app.sender.send(doc["url"], body, headers)
    return PingOut(
        delivered=sent.outcome.delivered,
        status=sent.outcome.status,
        error=sent.outcome.error,
        latency_ms=sent.latency_ms,
        response=sent.excerpt,
    )
