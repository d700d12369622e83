"""Who may apply for what (R-ID-6 from the applying side)."""

from __future__ import annotations

from chassis.access import is_staff, require_tenant
from chassis.principal import Principal
from chassis.refusals import Denied
from permits.domain.errors import NotYourCompany


def applying_companies(
    actor: Principal,
    jurisdiction_id: str,
    company_ids: list[str],
    *,
    applicant_email: str | None,
    owner_email: str | None,
) -> list[str]:
    """The contracting companies to record. Staff apply on anyone's behalf; a
    contractor for one of its own companies (its first by default); a community
    member as the applicant or the property owner, without a company."""
    require_tenant(actor, jurisdiction_id)
    companies = list(company_ids)
    if is_staff(actor):
        return companies
    if actor.kind == "contractor":
        companies = companies or actor.company_ids[:1]
        if not companies or not set(companies) <= set(actor.company_ids):
            raise NotYourCompany()
        return companies
    if actor.email.lower() not in {(applicant_email or "").lower(), (owner_email or "").lower()}:
        raise Denied("a community member applies as the applicant or the property owner")
    if companies:
        raise Denied("only staff or the company's users add a contracting company")
    return companies
