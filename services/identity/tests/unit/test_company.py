"""R-ID-2/R-ID-5 through the Company aggregate: a profile with a normalized
license number, who may change what, announced with the whole profile."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chassis.refusals import Denied
from chassis.testing.fakes import FakeRepository, FakeTransaction, FakeUnitOfWork
from contracts.identity import CompanyCreated, CompanyUpdated
from identity.adapters.repositories import CompanyRepository
from identity.domain.company import Company
from identity.domain.errors import LicenseRequired

AT = datetime(2026, 3, 2, tzinfo=UTC)


def _company() -> Company:
    company = Company.new(
        jurisdiction_id="alpha",
        profile={"name": "Rich Contractor", "license_number": " c-10 12345 ", "city": "Sandy"},
        at=AT,
    )
    return company


def test_r_id_2_a_new_company_has_a_normalized_license_and_is_announced() -> None:
    company = _company()
    assert company.license_number == "C-10 12345"
    [created] = company.pull_events()
    assert isinstance(created, CompanyCreated)
    assert created.company.license_number == "C-10 12345"
    assert created.company.city == "Sandy"


def test_r_id_2_a_company_needs_a_license_number() -> None:
    with pytest.raises(LicenseRequired) as raised:
        Company.new(jurisdiction_id="alpha", profile={"name": "X", "license_number": " "}, at=AT)
    assert raised.value.part == "license_number"


def test_r_id_5_the_company_admin_edits_the_profile_only_staff_the_license() -> None:
    company = _company()
    company.mark_saved()
    company.pull_events()
    with pytest.raises(Denied):
        company.update({"license_number": "B-1"}, by_staff=False, by="admin-1", at=AT)
    assert company.update({"phone": "801-555-0100", "fax": None}, by_staff=False, by="a", at=AT)
    [updated] = company.pull_events()
    assert isinstance(updated, CompanyUpdated)
    assert (updated.company.phone, updated.company.name) == ("801-555-0100", "Rich Contractor")
    assert company.history[-1].details == {"fields": ["fax", "phone"]}
    assert company.update({"license_number": " b-1 "}, by_staff=True, by="staff-1", at=AT)
    assert company.license_number == "B-1"


def test_an_empty_or_unknown_change_is_no_change() -> None:
    company = _company()
    company.mark_saved()
    company.pull_events()
    assert not company.update({"registration_id": "r-9"}, by_staff=True, by="s", at=AT)
    assert not company.changed and company.pull_events() == []


async def test_a_saved_company_reads_back_through_the_repository_mapping() -> None:
    uow = FakeUnitOfWork()
    company = _company()

    async def add(tx: FakeTransaction) -> None:
        await FakeRepository(tx, "alpha", CompanyRepository, "companies").add(company)

    async def load(tx: FakeTransaction) -> Company | None:
        return await FakeRepository(tx, "alpha", CompanyRepository, "companies").get(company.id)

    await uow.run(add)
    loaded = await uow.run(load)
    assert loaded is not None
    assert (loaded.license_number, loaded.city, loaded.version) == ("C-10 12345", "Sandy", 1)
    assert uow.event_types() == ["CompanyCreated"]
