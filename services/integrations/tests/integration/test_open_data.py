"""The BLDS open-data export (issue 26, item 4), through the real broker and
database: rows kept from the events (a permit's application, issuance and
company; an inspection's scheduling and result), in BLDS's fields with the
jurisdiction's local dates, no email anywhere; unpublished it is 404 for
anyone but its admins; published, one URL for anyone, CSV or JSON pages."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from devstack.testing import eventually

from contracts.identity import Company, CompanyCreated, JurisdictionCreated
from contracts.inspections import InspectionResulted, InspectionScheduled
from contracts.permits import Party, PermitApplied, PermitIssued, SiteAddress

pytestmark = pytest.mark.integration

BASE = "/v1/jurisdictions/alpha/open-data"
SITE = SiteAddress(street="1968 E Dodd Rd", city="Meridian", state="ID", zip="83642", parcel="R1")
APPLICANT = Party(name="Rich Contractor", email="rich@example.org")
LATE = datetime(2026, 3, 1, 2, 30, tzinfo=UTC)  # 28 February in Boise


async def seed(harness: Any) -> None:
    await seed_permits(harness)
    await seed_inspection(harness)


async def seed_permits(harness: Any) -> None:
    """alpha in Boise; a company; three permits of it, the first issued late one evening."""
    zone = JurisdictionCreated(jurisdiction_id="alpha", name="Alpha", time_zone="America/Boise")
    await harness.publish(zone, "z-1", None)
    company = Company(
        company_id="c1", name="AEC Builders", license_number="AEC0119", email="office@aec.example"
    )
    await harness.publish(
        CompanyCreated(company_id="c1", jurisdiction_id="alpha", company=company), "c-1", "alpha"
    )
    for n in range(3):
        applied = PermitApplied(
            permit_id=f"p{n}",
            jurisdiction_id="alpha",
            number=f"RES26-000{n}",
            type_code="CMECH",
            type_name="COMMERCIAL MECHANICAL/GAS",
            kind="permit",
            status="SUBMITTED",
            site=SITE,
            applicant=APPLICANT,
            company_ids=["c1"],
            version=1,
        )
        await harness.publish(applied, f"a-{n}", "alpha")
    issued = PermitIssued(
        permit_id="p0",
        jurisdiction_id="alpha",
        number="RES26-0000",
        type_name="COMMERCIAL MECHANICAL/GAS",
        site=SITE,
        issued_at=LATE,
        expires_at=LATE + timedelta(days=180),
        automatic=False,
        applicant=APPLICANT,
        company_ids=["c1"],
        version=5,
    )
    await harness.publish(issued, "i-0", "alpha")


async def seed_inspection(harness: Any) -> None:
    """The first permit's final inspection, scheduled and failed."""
    scheduled = InspectionScheduled(
        inspection_id="x1",
        jurisdiction_id="alpha",
        permit_id="p0",
        inspection_type="MECHANICAL FINAL",
        number="RES26-0000",
        date=date(2026, 3, 4),
        requested_by="rich",
        cancel_until=LATE,
        notify_emails=["rich@example.org"],
    )
    await harness.publish(scheduled, "s-1", "alpha")
    resulted = InspectionResulted(
        inspection_id="x1",
        jurisdiction_id="alpha",
        permit_id="p0",
        inspection_type="MECHANICAL FINAL",
        result="fail",
        resulted_at=LATE + timedelta(days=3),
        number="RES26-0000",
        date=date(2026, 3, 4),
        inspector="Ivan Inspector",
        notify_emails=["rich@example.org"],
    )
    await harness.publish(resulted, "r-1", "alpha")


async def test_the_export_follows_the_events_without_personal_data(harness: Any) -> None:
    await seed(harness)

    async def kept() -> bool:  # the topics are consumed side by side: wait for both
        admin = harness.admin("alpha")
        inspections = await harness.http.get(f"{BASE}/blds/inspections", headers=admin)
        permits = await harness.http.get(f"{BASE}/blds/permits", headers=admin)
        done = [x["Result"] for x in inspections.json()["items"]] == ["fail"]
        rows = permits.json()["items"]
        handled = harness.runtime.db["processed_events"]  # the time zone, the company
        identity = await handled.count_documents({"_id": {"$regex": ":(z|c)-1$"}})
        return done and identity == 2 and len(rows) == 3 and rows[0]["IssuedDate"] != ""

    await eventually(kept, what="the rows kept from the events")
    r = await harness.http.get(f"{BASE}/blds/permits", headers=harness.admin("alpha"))
    assert r.status_code == 200, r.text
    page = r.json()
    assert [row["PermitNum"] for row in page["items"]] == ["RES26-0000", "RES26-0001", "RES26-0002"]
    first = page["items"][0]
    assert first["IssuedDate"] == "2026-02-28"  # the jurisdiction's calendar, not UTC's
    assert first["StatusCurrent"] == "ISSUED" and first["StatusCurrentMapped"] == "Permit Issued"
    assert first["ContractorCompanyName"] == "AEC Builders"
    assert (first["PermitClassMapped"], first["PermitTypeMapped"]) == ("Commercial", "Mechanical")
    assert (first["PermitClass"], first["Jurisdiction"], first["PIN"]) == (
        "Commercial",
        "alpha",
        "R1",
    )
    assert "@" not in r.text and "Rich" not in r.text
    inspections = await harness.http.get(f"{BASE}/blds/inspections", headers=harness.admin("alpha"))
    [row] = inspections.json()["items"]
    assert (row["InspTypeMapped"], row["ResultMapped"], row["InspectedDate"]) == (
        "Mechanical",
        "Rejected",
        "2026-03-04",
    )
    assert "@" not in inspections.text and "Ivan" not in inspections.text
    # paged: a window of row numbers at a time
    r = await harness.http.get(
        f"{BASE}/blds/permits", params={"limit": 2}, headers=harness.admin("alpha")
    )
    assert [x["PermitNum"] for x in r.json()["items"]] == ["RES26-0000", "RES26-0001"]
    assert r.json()["more"] and r.json()["next_after"] == 2


async def test_unpublished_is_404_for_anyone_but_its_admins_then_one_public_url(
    harness: Any,
) -> None:
    await seed(harness)
    for headers in ({}, harness.admin("beta"), harness.staff("alpha", "inspector")):
        r = await harness.http.get(f"{BASE}/blds/permits.csv", headers=headers)
        assert r.status_code == 404, r.text
    r = await harness.http.put(f"{BASE}", json={"public": True}, headers=harness.staff("alpha"))
    assert r.status_code == 403
    r = await harness.http.put(f"{BASE}", json={"public": True}, headers=harness.admin("alpha"))
    assert r.status_code == 200 and r.json()["public"], r.text
    assert r.json()["csv"]["permits"] == f"{BASE}/blds/permits.csv"

    async def three_rows() -> bool:
        got = await harness.http.get(f"{BASE}/blds/permits.csv")
        return got.status_code == 200 and len(got.text.strip().splitlines()) == 4

    await eventually(three_rows, what="the published CSV")
    r = await harness.http.get(f"{BASE}/blds/permits.csv")
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert list(rows[0]) == [
        "PermitNum",
        "Description",
        "AppliedDate",
        "IssuedDate",
        "CompletedDate",
        "StatusCurrent",
        "OriginalAddress1",
        "OriginalAddress2",
        "OriginalCity",
        "OriginalState",
        "OriginalZip",
        *list(rows[0])[11:],
    ]
    assert rows[0]["OriginalAddress1"] == "1968 E Dodd Rd" and "@" not in r.text
    r = await harness.http.get("/v1/jurisdictions/beta/open-data/blds/permits")
    assert r.status_code == 404
    r = await harness.http.get(f"{BASE}/blds/elsewhere")
    assert r.status_code == 422
