"""The BLDS open-data export (issue 26, item 4), pure: which fields a row
has (the Building and Land Development Specification's names and types,
permitdata.org: the core permits dataset and the inspections extension), how
Permitsuite's statuses, types and results map to BLDS's standard values, and
how an instant becomes the jurisdiction's local date.

Nothing personal is in a row: no applicant or owner, no email address, no
phone number, no inspector; contractors appear by company name only.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Kind = Literal["permits", "inspections"]
KINDS: tuple[Kind, ...] = ("permits", "inspections")

TEXT, DATE, INTEGER = "TEXT", "TEXT (YYYY-MM-DD)", "INTEGER"

PERMIT_FIELDS: dict[str, str] = {
    # required
    "PermitNum": TEXT,
    "Description": TEXT,
    "AppliedDate": DATE,
    "IssuedDate": DATE,
    "CompletedDate": DATE,
    "StatusCurrent": TEXT,
    "OriginalAddress1": TEXT,
    "OriginalAddress2": TEXT,
    "OriginalCity": TEXT,
    "OriginalState": TEXT,
    "OriginalZip": TEXT,
    # recommended and optional, where Permitsuite has the data
    "Jurisdiction": TEXT,
    "PermitClass": TEXT,
    "PermitClassMapped": TEXT,
    "StatusCurrentMapped": TEXT,
    "WorkClass": TEXT,
    "WorkClassMapped": TEXT,
    "PermitType": TEXT,
    "PermitTypeMapped": TEXT,
    "PermitTypeDesc": TEXT,
    "StatusDate": DATE,
    "PIN": TEXT,
    "ContractorCompanyName": TEXT,
    "ExpiresDate": DATE,
    "Publisher": TEXT,
}
INSPECTION_FIELDS: dict[str, str] = {
    "PermitNum": TEXT,
    "InspType": TEXT,
    "InspTypeMapped": TEXT,
    "Result": TEXT,
    "ResultMapped": TEXT,
    "ScheduledDate": DATE,
    "InspectedDate": DATE,
}
FIELDS: dict[Kind, dict[str, str]] = {"permits": PERMIT_FIELDS, "inspections": INSPECTION_FIELDS}
PUBLISHER = "Permitsuite"

STATUS_MAPPED = {
    "SUBMITTED": "Application Accepted",
    "IN_REVIEW": "In Review",
    "PENDING_APPROVAL": "In Review",
    "AWAITING_PAYMENT": "In Review",
    "READY_TO_ISSUE": "In Review",
    "ISSUED": "Permit Issued",
    "TCO": "Inspection Phase",
    "FINALED": "Permit Finaled",
    "CANCELLED": "Permit Cancelled",
    "EXPIRED": "Permit Cancelled",
}
RESULT_MAPPED = {
    "pass": "Passed",
    "fail": "Rejected",
    "not_ready": "Rejected",
    "no_access": "Rejected",
    "partial": "Partial",
    "cancelled": "Cancelled",
}
# BLDS's standard permit types, found by a word of the jurisdiction's own type
TYPE_WORDS = (
    ("demoli", "Demolition"),
    ("electric", "Electrical"),
    ("mechanic", "Mechanical"),
    ("plumb", "Plumbing"),
    ("roof", "Roofing"),
    ("fire", "Fire"),
    ("grading", "Grading"),
    ("sign", "Sign"),
    ("pool", "Pool"),
    ("build", "Building"),
    ("residential", "Building"),
    ("commercial", "Building"),
)
# inspection types by the same words (BLDS Appendix A's trades)
INSPECTION_WORDS = (
    ("electric", "Electrical"),
    ("mechanic", "Mechanical"),
    ("plumb", "Plumbing"),
    ("final", "Final"),
    ("fram", "Framing"),
    ("found", "Foundation"),
    ("insul", "Insulation"),
    ("roof", "Roofing"),
)


def _by_words(text: str, words: tuple[tuple[str, str], ...]) -> str:
    lowered = text.lower()
    return next((mapped for word, mapped in words if word in lowered), "")


def permit_type_mapped(code: str, name: str) -> str:
    return _by_words(f"{name} {code}", TYPE_WORDS)


def permit_class(code: str, name: str) -> str:
    """Residential or Commercial, as the jurisdiction's type says (or nothing)."""
    text = f"{name} {code}".lower()
    if "commerc" in text:
        return "Commercial"
    if "resid" in text:
        return "Residential"
    return ""


def inspection_type_mapped(name: str) -> str:
    return _by_words(name, INSPECTION_WORDS)


def local_date(at: datetime | date | str | None, time_zone: str) -> str:
    """``YYYY-MM-DD`` in the jurisdiction's zone; a calendar date as it is."""
    if at is None or at == "":
        return ""
    if isinstance(at, str):
        at = datetime.fromisoformat(at) if "T" in at else date.fromisoformat(at)
    if not isinstance(at, datetime):
        return at.isoformat()
    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    if at.tzinfo is None:
        at = at.replace(tzinfo=ZoneInfo("UTC"))
    return at.astimezone(zone).date().isoformat()


def row(kind: Kind, values: dict[str, object]) -> dict[str, str]:
    """A row with every field of ``kind``, in order, as text ('' when unknown)."""
    return {name: "" if values.get(name) is None else str(values[name]) for name in FIELDS[kind]}
