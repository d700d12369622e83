"""Typed clients for what the gateway aggregates, one per service.

Each call forwards the caller's bearer token (the owning service checks
access itself), goes through the service's :class:`~gateway.upstreams.Upstream`
(its slots, its pool) and has its own timeout, so one slow service cannot hold
a dashboard past its budget.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from chassis.api import Page
from chassis.context import CORRELATION_HEADER, current_correlation_id
from contracts.views import InspectionDashboardRow, PermitDashboardRow
from gateway.upstreams import Upstream

PermitSection = Page[PermitDashboardRow]
InspectionSection = Page[InspectionDashboardRow]


class PermitsDashboard(PermitSection):
    """Permits' answer: a page of rows, and the fees due over all of them."""

    total_fees_due: str = "0.00"


class CartSummary(BaseModel):
    permits: list[dict[str, Any]] = Field(default_factory=list)
    total_fees: str = "0.00"


class ServiceClient:
    def __init__(self, upstream: Upstream) -> None:
        self.upstream = upstream

    async def get(
        self, path: str, authorization: str, timeout: float, params: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """``timeout`` bounds each phase of the call (httpx's own timeouts); the
        call is never cancelled from outside, which would leak pool slots."""
        r = await self.upstream.request(
            "GET",
            path,
            params=params,
            headers={"Authorization": authorization, CORRELATION_HEADER: current_correlation_id()},
            timeout=timeout,
        )
        r.raise_for_status()
        return dict(r.json())


class PermitsClient(ServiceClient):
    async def dashboard(
        self, auth: str, jurisdiction_id: str, which: str, limit: int, offset: int, timeout: float
    ) -> PermitsDashboard:
        doc = await self.get(
            f"/v1/jurisdictions/{jurisdiction_id}/dashboard/permits",
            auth,
            timeout,
            {"which": which, "limit": limit, "offset": offset},
        )
        return PermitsDashboard.model_validate(doc)


class InspectionsClient(ServiceClient):
    async def mine(
        self, auth: str, jurisdiction_id: str, limit: int, offset: int, timeout: float
    ) -> InspectionSection:
        doc = await self.get(
            f"/v1/jurisdictions/{jurisdiction_id}/my-inspections",
            auth,
            timeout,
            {"limit": limit, "offset": offset},
        )
        return InspectionSection.model_validate(doc)


class PaymentsClient(ServiceClient):
    async def cart(self, auth: str, jurisdiction_id: str, timeout: float) -> CartSummary:
        return CartSummary.model_validate(
            await self.get(f"/v1/jurisdictions/{jurisdiction_id}/cart", auth, timeout)
        )
