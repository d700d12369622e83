"""A contracting company (R-ID-4/5): its profile, who may change what, and
its announcements (``CompanyCreated``, ``CompanyUpdated``). Its authorized
users are memberships (:mod:`identity.domain.membership`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import uuid4

from chassis.aggregate import Aggregate
from chassis.refusals import Conflicting, Denied
from contracts.identity import Company as CompanyModel
from contracts.identity import CompanyCreated, CompanyUpdated
from identity.domain.errors import LicenseRequired

PROFILE = (
    "name",
    "license_number",
    "trades",
    "address",
    "city",
    "state",
    "zip",
    "email",
    "phone",
    "cell",
    "fax",
)


def license_number(value: Any) -> str:
    """License numbers compare upper-case and trimmed; one is required."""
    normalized = str(value or "").strip().upper()
    if not normalized:
        raise LicenseRequired()
    return normalized


class LicenseTaken(Conflicting):
    """A license number is one company's in a jurisdiction."""

    code = "license-taken"

    def __init__(self, license_number: str) -> None:
        super().__init__(f"a company with license {license_number!r} already exists here")


@dataclass(kw_only=True, eq=False)
class Company(Aggregate):
    name: str
    license_number: str
    created_at: datetime
    trades: list[str] = field(default_factory=list)
    address: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    email: str | None = None
    phone: str | None = None
    cell: str | None = None
    fax: str | None = None
    registration_id: str | None = None  # the accepted registration it came from (R-REG-5)
    name_key: str = ""  # the name upper-cased: staff find a company by its start

    @classmethod
    def new(
        cls,
        *,
        jurisdiction_id: str,
        profile: dict[str, Any],
        at: datetime,
        registration_id: str | None = None,
    ) -> Company:
        values = {k: v for k, v in profile.items() if k in PROFILE}
        values["license_number"] = license_number(values.get("license_number"))
        company = cls(
            id=str(uuid4()),
            jurisdiction_id=jurisdiction_id,
            created_at=at,
            registration_id=registration_id,
            name_key=str(values.get("name") or "").strip().upper(),
            **values,
        )
        company._change()
        company._record(
            CompanyCreated(
                company_id=company.id, jurisdiction_id=jurisdiction_id, company=company.profile()
            )
        )
        return company

    def update(self, changes: dict[str, Any], *, by_staff: bool, by: str, at: datetime) -> bool:
        """Staff, or the company's own admins, edit the profile (R-ID-5); only
        staff change the license number. Announced with the whole new profile."""
        changes = {k: v for k, v in changes.items() if k in PROFILE}
        if "license_number" in changes:
            if not by_staff:
                raise Denied("only staff may change the license number")
            changes["license_number"] = license_number(changes["license_number"])
        if not changes:
            return False
        self._set_fields(changes, at=at, by=by, to="updated")
        self.name_key = self.name.strip().upper()
        self._record(
            CompanyUpdated(
                company_id=self.id, jurisdiction_id=self.jurisdiction_id, company=self.profile()
            )
        )
        return True

    def profile(self) -> CompanyModel:
        """The company as events carry it."""
        return CompanyModel(company_id=self.id, **{f: getattr(self, f) for f in PROFILE})
