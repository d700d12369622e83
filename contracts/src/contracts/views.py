"""Read models of the public API that more than one deployable speaks: the rows
of the dashboards (R-DASH-1/2, R-INS-7). Permits and inspections answer with
them; the gateway's dashboard aggregates them. One model, so the two cannot
drift apart."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class PermitDashboardRow(BaseModel):
    """A row of My Active Permits / My Expired Permits."""

    id: str
    number: str = Field(description="PERMIT NO.")
    address: str
    type: str
    status: str
    status_label: str
    inspection_available: bool = Field(description="INSPECTION: the Request link")
    fees_due: str = Field(description="FEES DUE: the open balance")
    expired_at: datetime | None = None


class InspectionDashboardRow(BaseModel):
    """A row of My Active Inspections (what the dashboard shows of an inspection)."""

    model_config = ConfigDict(extra="ignore")

    id: str
    record_no: str
    record_type: str
    record_status: str | None = None
    address: str | None = None
    inspection: str
    date: date
    status: str
    cancellable: bool
