"""Read side: the registrant's and staff's views of a registration, the queue."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chassis.access import require_staff
from chassis.clock import as_utc
from chassis.principal import Principal
from chassis.refusals import NarrowTheSearch
from registration.domain.registration import Registration
from registration.service_layer.review import REVIEWER_ROLES
from registration.service_layer.unit_of_work import Doc, RegistrationUnitOfWork, requirements_of


def registrant_view(config: Doc, r: Registration) -> dict[str, Any]:
    return {
        "id": r.id,
        "jurisdiction_id": r.jurisdiction_id,
        "email": r.email,
        "status": r.status,
        "round": r.round,
        "version": r.version,
        "company_name": r.company_name,
        "registrant_name": r.registrant_name,
        "license_number": r.license_number,
        "trades": r.trades,
        "license_types": r.license_types,
        "profile": r.profile,
        "submitted_at": r.submitted_at,
        "decision_reason": (r.decision or {}).get("reason"),
        "requirements": r.requirement_view(requirements_of(config)),
    }


def staff_view(config: Doc, r: Registration) -> dict[str, Any]:
    return {
        **registrant_view(config, r),
        "history": [
            {"at": h.at, "actor": h.by, "action": h.comment or "", "details": h.details}
            for h in r.history
        ],
        "decision": r.decision,
        "account_id": r.account_id,
    }


async def queue(
    uow: RegistrationUnitOfWork,
    actor: Principal,
    *,
    status: str | None,
    trade: str | None,
    submitted_from: datetime | None,
    submitted_to: datetime | None,
    limit: int,
    offset: int,
) -> tuple[list[Doc], int]:
    require_staff(actor, uow.jurisdiction_id, *REVIEWER_ROLES)
    status = status or "pending_validation"
    window = _window(submitted_from, submitted_to)
    query: Doc = {"status": status}
    if trade:
        query["trades"] = trade
    if window:
        query["submitted_at"] = {"$gte": window[0], "$lt": window[1]}
    return await uow.registration_docs.page(
        query,
        order=lambda d: (as_utc(d["submitted_at"]), d["_id"]),  # first come, first served
        offset=offset,
        limit=limit,
        bounded=_bounded_by(status, window),
        projection={"history": 0, "answers": 0},
    )


WINDOW_DAYS = 92
IN_REVIEW = ("pending_validation", "returned")


def _window(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime] | None:
    """A one-sided window is ``WINDOW_DAYS`` long."""
    span = timedelta(days=WINDOW_DAYS)
    if start is None and end is None:
        return None
    if start is None:
        assert end is not None
        return end - span, end
    return start, end or start + span


def _bounded_by(status: str, window: tuple[datetime, datetime] | None) -> str:
    """The review queue is work in progress; decided registrations are found
    by a submission window (reads stay flat), else a 422 says so."""
    if status in IN_REVIEW:
        return "a work queue: registrations under review or returned"
    if window and window[1] - window[0] <= timedelta(days=WINDOW_DAYS):
        return f"registrations submitted within {WINDOW_DAYS} days"
    raise NarrowTheSearch(
        f"{status} registrations are found by a submission window of at most "
        f"{WINDOW_DAYS} days (submitted_from, submitted_to)",
        "submitted_from",
        f"a window of at most {WINDOW_DAYS} days",
    )
