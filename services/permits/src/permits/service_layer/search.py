"""Staff search as a flat read (docs/architecture.md, "Reads stay flat").

A search is answered from an index only when what it names bounds the
match: a permit number, parcel, applicant, company or street prefix; a
status of work in progress (a queue); or an application window of at most
``WINDOW_DAYS``. Everything else would read a jurisdiction's whole history,
so it is refused with a 422 that says how to narrow it. Of the criteria
that are ranges (street prefix, application window) the database gets one;
the other is applied to the bounded match here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chassis.clock import as_utc
from chassis.refusals import NarrowTheSearch

Doc = dict[str, Any]
WINDOW_DAYS = 92
WORK_IN_PROGRESS = frozenset(
    {"SUBMITTED", "IN_REVIEW", "PENDING_APPROVAL", "AWAITING_PAYMENT", "READY_TO_ISSUE"}
)
EQUALITY = {
    "number": "number",
    "parcel": "site.parcel",
    "status": "status",
    "type_code": "type_code",
    "applicant": "applicant.email",
    "company_id": "company_ids",
}
SELECTIVE = ("number", "parcel", "applicant", "company_id", "address")


MIN_PREFIX = 3  # "1" matched a ninth of a jurisdiction's addresses (7.5 s at 100,000)


@dataclass(frozen=True)
class SearchPlan:
    query: Doc
    keep: Callable[[Doc], bool]
    bounded: str
    # an application window the reader walks a day at a time, newest first
    # (``TenantRepository.newest_in_window``) instead of one query over it
    walk: tuple[datetime, datetime] | None = None


def _normalized(filters: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in filters.items() if v not in (None, "")}
    if "number" in values:
        values["number"] = str(values["number"]).strip().upper()
    if "applicant" in values:
        values["applicant"] = str(values["applicant"]).strip().lower()
    if "parcel" in values:
        values["parcel"] = str(values["parcel"]).strip()
    if "address" in values:
        values["address"] = str(values["address"]).strip().upper()
    return values


def _window(values: dict[str, Any], now: datetime) -> tuple[datetime, datetime] | None:
    start: datetime | None = values.get("applied_from")
    end: datetime | None = values.get("applied_to")
    if start is None and end is None:
        return None
    end = as_utc(end) if end else now
    start = as_utc(start) if start else end - timedelta(days=WINDOW_DAYS)
    return start, end


def _why(values: dict[str, Any], window: tuple[datetime, datetime] | None) -> str:
    named = [k for k in SELECTIVE if k in values]
    if named:
        return f"the permits of one {named[0]}"
    if values.get("status") in WORK_IN_PROGRESS:
        return "a work queue: the permits waiting in one status"
    if window and window[1] - window[0] <= timedelta(days=WINDOW_DAYS):
        return f"applications of at most {WINDOW_DAYS} days"
    raise NarrowTheSearch(
        "narrow the search: give a permit number, address, parcel, applicant or company, "
        f"a status of work in progress, or an application window of at most {WINDOW_DAYS} days",
        "applied_from",
        f"a window of at most {WINDOW_DAYS} days",
    )


def plan(filters: dict[str, Any], now: datetime) -> SearchPlan:
    """The query (equality fields and at most one range), what is kept of its
    match, and why the match is bounded."""
    values = _normalized(filters)
    if "address" in values and len(values["address"]) < MIN_PREFIX:
        raise NarrowTheSearch(
            f"give at least {MIN_PREFIX} characters of the address",
            "address",
            f"at least {MIN_PREFIX} characters",
        )
    window = _window(values, now)
    bounded = _why(values, window)
    query: Doc = {EQUALITY[k]: v for k, v in values.items() if k in EQUALITY}
    prefix = values.get("address")
    walk = None
    if prefix:  # the street prefix as a range; the window, if any, is applied here
        query["street_key"] = {"$gte": prefix, "$lt": prefix + "\uffff"}
    elif window:
        walk = window

    def keep(doc: Doc) -> bool:
        if not (prefix and window):
            return True
        return bool(window[0] <= as_utc(doc["applied_at"]) < window[1])

    return SearchPlan(query=query, keep=keep, bounded=bounded, walk=walk)
