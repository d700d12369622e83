"""``GET /v1/me/dashboard``: the eTRAKIT dashboard in one call (R-DASH-1…3).

The sections come from their owning services, concurrently, each with its own
timeout; a section whose service is slow, down, busy or failing is left out:
its name is in ``missing_sections``, its service in ``degraded`` and in the
``Permitsuite-Degraded`` header — the answer is still 200, within the time
budget. When every section is missing the dashboard is not there at all: 503
with ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

import httpx
from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from chassis.errors import Unauthorized, problem_responses
from chassis.paging import Offset
from gateway.caller import verified_caller
from gateway.clients import (
    CartSummary,
    InspectionsClient,
    InspectionSection,
    PaymentsClient,
    PermitsClient,
    PermitsDashboard,
)
from gateway.proxy import UpstreamUnavailable
from gateway.upstreams import Overloaded, Upstreams

log = logging.getLogger(__name__)
T = TypeVar("T")


class Dashboard(BaseModel):
    jurisdiction_id: str
    active_permits: PermitsDashboard | None = Field(description="My Active Permits (R-DASH-1)")
    active_inspections: InspectionSection | None = Field(
        description="My Active Inspections (R-INS-7)"
    )
    expired_permits: PermitsDashboard | None = Field(description="My Expired Permits (R-DASH-2)")
    total_fees_due: str | None = Field(description="over all active permits (R-PAY-6)")
    cart_items: int | None = Field(description="permits in the cart")
    degraded: list[str] = Field(
        description="services whose sections were left out (slow, busy or unavailable); "
        "also in the Permitsuite-Degraded header"
    )
    missing_sections: list[str] = Field(
        default_factory=list, description="the sections left out, by name"
    )


router = APIRouter(tags=["dashboards"], responses=problem_responses(401, 503))


DEGRADED_HEADER = "Permitsuite-Degraded"


async def _section(name: str, call: Awaitable[T], degraded: list[str]) -> T | None:
    """One section; its call is bounded by httpx's timeouts, not cancelled."""
    try:
        return await call
    except (httpx.HTTPError, ValueError, Overloaded) as exc:
        log.warning("dashboard section %s degraded: %s", name, type(exc).__name__)
        degraded.append(name)
        return None


@router.get(
    "/v1/me/dashboard",
    openapi_extra={"security": [{"bearerAuth": []}]},
    response_model=Dashboard,
    summary="My dashboard: active permits, active inspections, expired permits, fees due, cart",
)
async def dashboard(
    request: Request,
    response: Response,
    limit: int = Query(default=20, ge=1, le=100, description="per section"),
    permits_offset: Offset = 0,
    inspections_offset: Offset = 0,
    expired_offset: Offset = 0,
) -> Dashboard:
    settings = request.app.state.settings
    principal, authorization = await verified_caller(request)
    jid = principal.jurisdiction_id
    if jid is None:
        raise Unauthorized("dashboards belong to a jurisdiction; log in to one")
    upstreams: Upstreams = request.app.state.upstreams
    services = settings.services
    budget = settings.dashboard_timeout_seconds
    degraded: list[str] = []
    calls: dict[str, Awaitable[Any]] = {}
    if "permits" in services:
        permits = PermitsClient(upstreams["permits"])
        calls["active_permits"] = permits.dashboard(
            authorization, jid, "active", limit, permits_offset, budget
        )
        calls["expired_permits"] = permits.dashboard(
            authorization, jid, "expired", limit, expired_offset, budget
        )
    if "inspections" in services:
        inspections = InspectionsClient(upstreams["inspections"])
        calls["active_inspections"] = inspections.mine(
            authorization, jid, limit, inspections_offset, budget
        )
    if "payments" in services:
        calls["cart"] = PaymentsClient(upstreams["payments"]).cart(authorization, jid, budget)
    names = list(calls)
    results = await asyncio.gather(*(_section(n, calls[n], degraded) for n in names))
    got = dict(zip(names, results, strict=True))
    degraded_services = sorted(
        {
            "active_permits": "permits",
            "expired_permits": "permits",
            "active_inspections": "inspections",
            "cart": "payments",
        }[n]
        for n in degraded
    ) + sorted(s for s in ("permits", "inspections", "payments") if s not in services)
    if names and len(degraded) == len(names):
        retry = str(settings.retry_after_seconds)
        raise UpstreamUnavailable(
            "no section of the dashboard could be read; try again in a moment",
            headers={"Retry-After": retry},
            services=sorted(set(degraded_services)),
        )
    if degraded_services:
        response.headers[DEGRADED_HEADER] = ", ".join(sorted(set(degraded_services)))
    active: PermitsDashboard | None = got.get("active_permits")
    cart: CartSummary | None = got.get("cart")
    return Dashboard(
        jurisdiction_id=jid,
        active_permits=active,
        active_inspections=got.get("active_inspections"),
        expired_permits=got.get("expired_permits"),
        total_fees_due=active.total_fees_due if active else None,
        cart_items=len(cart.permits) if cart else None,
        degraded=sorted(set(degraded_services)),
        missing_sections=sorted(degraded),
    )
