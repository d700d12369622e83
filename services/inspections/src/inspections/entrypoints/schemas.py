"""Inspections' request and response bodies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from chassis.api import Page
from chassis.schemas import DocumentKey, Strict, TimeZoneName

CLOCK = r"^([01]\d|2[0-3]):[0-5]\d$"


DailyCapacity = Annotated[int, Field(ge=0, le=10_000)]


class InspectionSettingsIn(Strict):
    time_zone: TimeZoneName | None = Field(
        default=None, description="IANA zone; default: the jurisdiction's (from identity)"
    )
    working_days: list[Annotated[int, Field(ge=0, le=6)]] = Field(
        default=[0, 1, 2, 3, 4], max_length=7, description="Monday = 0"
    )
    holidays: list[date] = Field(default_factory=list)
    horizon_days: int = Field(default=14, ge=1, le=120)
    next_day_cutoff: str = Field(default="16:00", pattern=CLOCK, description="R-INS-2, local")
    cancel_cutoff: str = Field(default="06:00", pattern=CLOCK, description="R-INS-5, local")
    capacity: dict[DocumentKey, DailyCapacity] = Field(
        default_factory=dict, max_length=200, description="per inspection type per day"
    )
    default_capacity: DailyCapacity | None = None
    area_capacity: dict[DocumentKey, DailyCapacity] = Field(
        default_factory=dict, description="per inspector area (site zip) per day, all types"
    )
    ampm_allowed: bool = True
    block_when_fees_due: bool = False


class InspectionSettingsOut(InspectionSettingsIn):
    model_config = ConfigDict(extra="ignore")
    effective_time_zone: str


class Opening(BaseModel):
    date: date
    left: int | None = Field(description="inspections the day can still take; null: no limit")


class AvailableDates(BaseModel):
    permit_id: str
    inspection_type: str
    time_zone: str
    next_day_cutoff: str
    dates: list[date]
    openings: list[Opening] = Field(description="the same dates, each with the capacity left")


class RequestIn(Strict):
    permit_id: str = Field(min_length=1, max_length=60)
    inspection_type: str = Field(min_length=1, max_length=100)
    date: date
    ampm: Literal["AM", "PM"] | None = Field(default=None, description="R-INS-3: not guaranteed")
    note: str | None = Field(default=None, max_length=500, description="gate code, phone…")


class ScheduleIn(Strict):
    requests: list[RequestIn] = Field(min_length=1, max_length=20)


class CancelIn(Strict):
    reason: str | None = Field(default=None, max_length=500)


class RescheduleIn(Strict):
    date: date


class ResultIn(Strict):
    result: Literal["pass", "fail", "partial", "not_ready", "cancelled"]
    comments: str | None = Field(default=None, max_length=4000)
    corrections: list[str] = Field(default_factory=list, max_length=50)


class HistoryOut(BaseModel):
    at: datetime
    what: str
    by: str


class InspectionOut(BaseModel):
    id: str
    record_no: str = Field(description="the permit number")
    record_type: str
    record_status: str | None = None
    permit_id: str
    permit_type: str | None = None
    address: str | None = None
    area: str | None = None
    inspection: str
    date: date
    ampm: str | None = None
    note: str | None = None
    status: str
    cancellable: bool
    cancel_until: datetime
    result: str | None = None
    comments: str | None = None
    corrections: list[str] = Field(default_factory=list)
    history: list[HistoryOut] = Field(default_factory=list)


InspectionPage = Page[InspectionOut]


class PublicInspectionOut(BaseModel):
    """What anyone may see of an inspection: what, when, and how it went."""

    inspection: str
    date: date
    status: str
    result: str | None = None


def inspection_out(
    doc: dict[str, Any], now: datetime, permit_status: str | None = None
) -> InspectionOut:
    return InspectionOut(
        id=doc["_id"],
        record_no=doc["number"],
        record_type=doc.get("record_type", "PERMIT"),
        record_status=permit_status,
        permit_id=doc["permit_id"],
        permit_type=doc.get("permit_type"),
        address=doc.get("address"),
        area=doc.get("area"),
        inspection=doc["inspection_type"],
        date=date.fromisoformat(doc["date"]),
        ampm=doc.get("ampm"),
        note=doc.get("note"),
        status=doc["status"],
        cancellable=doc["status"] == "SCHEDULED" and now < doc["cancel_until"],
        cancel_until=doc["cancel_until"],
        result=doc.get("result"),
        comments=doc.get("comments"),
        corrections=doc.get("corrections", []),
        history=[
            HistoryOut(at=h["at"], what=h.get("comment") or h.get("what") or "", by=h["by"])
            for h in doc.get("history", [])
        ],
    )
