"""The inspection aggregate (R-INS-3…6): scheduled, then cancelled, moved or
resulted — every status change through :meth:`Inspection._move`, history and
events produced here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chassis.aggregate import Aggregate
from chassis.principal import Principal
from chassis.status import StatusTable
from contracts.inspections import (
    InspectionCancelled,
    InspectionRescheduled,
    InspectionResulted,
    InspectionScheduled,
)
from inspections.domain.errors import CorrectionsRequired
from inspections.domain.permit import InspectablePermit

Doc = dict[str, Any]
# results as v1 of InspectionResulted names them (``outcome`` carries ours)
RESULT_V1 = {"pass": "pass", "fail": "fail", "partial": "partial", "not_ready": "no_access"}
TRANSITIONS = {
    ("SCHEDULED", "SCHEDULED"),  # moved to another day
    ("SCHEDULED", "CANCELLED"),
    ("SCHEDULED", "RESULTED"),
}


TABLE = StatusTable.of("an inspection", TRANSITIONS)


@dataclass(kw_only=True, eq=False)
class Inspection(Aggregate):
    permit_id: str
    number: str
    inspection_type: str
    date: str
    status: str
    requested_by: Doc
    requested_at: datetime
    cancel_until: datetime
    record_type: str = "PERMIT"
    permit_type: str | None = None
    address: str | None = None
    area: str | None = None
    ampm: str | None = None
    note: str | None = None
    notify_emails: list[str] = field(default_factory=list)
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    result: str | None = None
    comments: str | None = None
    corrections: list[str] = field(default_factory=list)
    resulted_at: datetime | None = None
    inspector: str | None = None

    @classmethod
    def schedule(
        cls,
        *,
        inspection_id: str,
        permit: InspectablePermit,
        inspection_type: str,
        day: dt.date,
        ampm: str | None,
        note: str | None,
        cancel_until: datetime,
        by: Principal,
        at: datetime,
    ) -> Inspection:
        inspection = cls(
            id=inspection_id,
            jurisdiction_id=permit.jurisdiction_id,
            permit_id=permit.id,
            number=permit.number or "",
            permit_type=permit.type_name,
            address=permit.address,
            area=permit.area,
            inspection_type=inspection_type,
            date=day.isoformat(),
            ampm=ampm,
            note=note,
            status="SCHEDULED",
            requested_by={"account_id": by.account_id, "email": by.email},
            requested_at=at,
            cancel_until=cancel_until,
            notify_emails=permit.notify_emails(by.email),
        )
        inspection._change()
        inspection._note(
            at=at, by=by.account_id, from_status=None, to="SCHEDULED", comment="scheduled"
        )
        inspection._record(inspection._scheduled())
        return inspection

    def _scheduled(self) -> InspectionScheduled:
        return InspectionScheduled(
            inspection_id=self.id,
            jurisdiction_id=self.jurisdiction_id,
            permit_id=self.permit_id,
            inspection_type=self.inspection_type,
            number=self.number,
            address=self.address,
            date=self.day,
            ampm=self.ampm,
            note=self.note,
            requested_by=self.requested_by["account_id"],
            cancel_until=self.cancel_until,
            notify_emails=self.notify_emails,
        )

    @property
    def day(self) -> dt.date:
        return dt.date.fromisoformat(self.date)

    def cancellable(self, now: datetime) -> bool:
        return self.status == "SCHEDULED" and now < self.cancel_until

    def _move(self, to: str, *, at: datetime, by: str, comment: str) -> None:
        TABLE.check(self.status, to)
        before = self.status
        self._change()
        self.status = to
        self._note(at=at, by=by, from_status=before, to=to, comment=comment)

    def _common(self) -> Doc:
        return {
            "inspection_id": self.id,
            "jurisdiction_id": self.jurisdiction_id,
            "permit_id": self.permit_id,
            "inspection_type": self.inspection_type,
            "number": self.number,
            "notify_emails": self.notify_emails,
        }

    def cancel(self, *, by: str, reason: str | None, at: datetime) -> None:
        """R-INS-5 (the cut-off is the caller's to check: staff cancel any time)."""
        self._move("CANCELLED", at=at, by=by, comment="cancelled")
        self.cancelled_at, self.cancel_reason = at, reason
        self._record(
            InspectionCancelled(
                address=self.address, date=self.day, by=by, reason=reason, **self._common()
            )
        )

    def reschedule(self, day: dt.date, *, cancel_until: datetime, by: str, at: datetime) -> None:
        before = self.day
        self._move("SCHEDULED", at=at, by=by, comment="rescheduled")
        self.date, self.cancel_until = day.isoformat(), cancel_until
        self._record(
            InspectionRescheduled(
                address=self.address, from_date=before, date=day, by=by, **self._common()
            )
        )

    def record_result(
        self, outcome: str, *, comments: str | None, corrections: list[str], by: str, at: datetime
    ) -> None:
        """R-INS-6; a failed inspection lists the corrections needed."""
        if outcome == "fail" and not corrections:
            raise CorrectionsRequired()
        status = "CANCELLED" if outcome == "cancelled" else "RESULTED"
        self._move(status, at=at, by=by, comment=f"resulted: {outcome}")
        self.result, self.comments, self.corrections = outcome, comments, corrections
        self.resulted_at, self.inspector = at, by
        self._record(
            InspectionResulted(
                result=RESULT_V1.get(outcome, "cancelled"),  # type: ignore[arg-type]
                outcome=outcome,  # type: ignore[arg-type]
                resulted_at=at,
                date=self.day,
                comments=comments,
                corrections=corrections,
                inspector=by,
                **self._common(),
            )
        )
