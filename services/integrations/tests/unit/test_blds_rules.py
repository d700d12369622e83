"""The BLDS export's fields and mappings (issue 26, item 4) against the
published specification: permitdata.org's "Core Permits Dataset
Requirements" and "Optional Inspections Dataset Requirements" (BLDS 1.0),
copied here as published — names, data types, and which are required."""

from __future__ import annotations

from datetime import UTC, date, datetime

from integrations.domain import blds

T, D, N, F = "TEXT", "TEXT (YYYY-MM-DD)", "INTEGER", "DOUBLE"
# Core permits: required, then recommended and optional (permitdata.org wiki)
BLDS_PERMITS_REQUIRED = {
    "PermitNum": T,
    "Description": T,
    "AppliedDate": D,
    "IssuedDate": D,
    "CompletedDate": D,
    "StatusCurrent": T,
    "OriginalAddress1": T,
    "OriginalAddress2": T,
    "OriginalCity": T,
    "OriginalState": T,
    "OriginalZip": T,
}
BLDS_PERMITS_OTHER = {
    "Jurisdiction": T,
    "PermitClass": T,
    "PermitClassMapped": T,
    "StatusCurrentMapped": T,
    "WorkClass": T,
    "WorkClassMapped": T,
    "PermitType": T,
    "PermitTypeMapped": T,
    "PermitTypeDesc": T,
    "StatusDate": D,
    "TotalSqFt": N,
    "Link": T,
    "Latitude": F,
    "Longitude": F,
    "EstProjectCost": F,
    "HousingUnits": N,
    "PIN": T,
    "ContractorCompanyName": T,
    "ContractorTrade": T,
    "ContractorTradeMapped": T,
    "ContractorLicNum": T,
    "ContractorStateLic": T,
    "ProposedUse": T,
    "AddedSqFt": N,
    "RemovedSqFt": N,
    "ExpiresDate": D,
    "COIssuedDate": D,
    "HoldDate": D,
    "VoidDate": D,
    "ProjectName": T,
    "ProjectID": T,
    "TotalFinishedSqFt": N,
    "TotalUnfinishedSqFt": N,
    "TotalHeatedSqFt": N,
    "TotalUnHeatedSqFt": N,
    "TotalAccSqFt": N,
    "TotalSprinkledSqFt": N,
    "Publisher": T,
    "Fee": N,
    "ContractorFullName": T,
    "ContractorCompanyDesc": T,
    "ContractorPhone": T,
    "ContractorAddress1": T,
    "ContractorAddress2": T,
    "ContractorCity": T,
    "ContractorState": T,
    "ContractorZip": T,
    "ContractorEmail": T,
    "MasterPermitNum": T,
}
BLDS_INSPECTIONS_REQUIRED = {
    "PermitNum": T,
    "InspType": T,
    "InspTypeMapped": T,
    "Result": T,
    "ResultMapped": T,
    "ScheduledDate": D,
    "InspectedDate": D,
}
STATUS_VALUES = {
    "Application Accepted",
    "In Review",
    "Permit Issued",
    "Inspection Phase",
    "Permit Finaled",
    "Permit Cancelled",
}
RESULT_VALUES = {"Passed", "Rejected", "Partial", "Cancelled", "OK for Service"}
PERSONAL = {"ContractorPhone", "ContractorEmail", "ContractorFullName", "ContractorAddress1"}


def test_permit_fields_are_blds_names_and_types_with_every_required_one() -> None:
    published = BLDS_PERMITS_REQUIRED | BLDS_PERMITS_OTHER
    for name, kind in blds.PERMIT_FIELDS.items():
        assert published.get(name) == kind, name
    assert set(BLDS_PERMITS_REQUIRED) <= set(blds.PERMIT_FIELDS)
    assert list(blds.PERMIT_FIELDS)[: len(BLDS_PERMITS_REQUIRED)] == list(BLDS_PERMITS_REQUIRED)


def test_inspection_fields_are_the_required_ones_of_the_extension() -> None:
    assert blds.INSPECTION_FIELDS == BLDS_INSPECTIONS_REQUIRED


def test_no_personal_field_is_exported() -> None:
    """Contractors by company name only: no email, phone, person or address."""
    assert not PERSONAL & set(blds.PERMIT_FIELDS)
    assert "Inspector" not in blds.INSPECTION_FIELDS


def test_statuses_and_results_map_to_blds_standard_values() -> None:
    assert set(blds.STATUS_MAPPED.values()) <= STATUS_VALUES
    assert set(blds.RESULT_MAPPED.values()) <= RESULT_VALUES
    assert blds.STATUS_MAPPED["FINALED"] == "Permit Finaled"
    assert blds.RESULT_MAPPED["fail"] == "Rejected"


def test_types_and_classes_are_read_from_the_jurisdictions_names() -> None:
    assert blds.permit_type_mapped("CMECH", "COMMERCIAL MECHANICAL/GAS") == "Mechanical"
    assert blds.permit_class("CMECH", "COMMERCIAL MECHANICAL/GAS") == "Commercial"
    assert blds.permit_type_mapped("RES", "RESIDENTIAL") == "Building"
    assert blds.permit_class("RES", "RESIDENTIAL") == "Residential"
    assert blds.permit_type_mapped("X", "Sidewalk café") == ""
    assert blds.inspection_type_mapped("BUILDING FINAL") == "Final"


def test_dates_are_the_jurisdictions_local_calendar_dates() -> None:
    """1 March 02:30 UTC is 28 February 19:30 in Boise (UTC-7)."""
    at = datetime(2026, 3, 1, 2, 30, tzinfo=UTC)
    assert blds.local_date(at, "America/Boise") == "2026-02-28"
    assert blds.local_date(at, "UTC") == "2026-03-01"
    assert blds.local_date(at.isoformat(), "America/Boise") == "2026-02-28"
    assert blds.local_date(date(2026, 3, 4), "America/Boise") == "2026-03-04"
    assert blds.local_date("2026-03-04", "America/Boise") == "2026-03-04"
    assert blds.local_date(None, "UTC") == ""
    assert blds.local_date(at, "Not/AZone") == "2026-03-01"  # unknown zone: UTC


def test_a_row_has_every_field_in_order_as_text() -> None:
    row = blds.row("inspections", {"PermitNum": "RES26-0001", "InspType": None})
    assert list(row) == list(blds.INSPECTION_FIELDS)
    assert row["PermitNum"] == "RES26-0001" and row["InspType"] == ""
