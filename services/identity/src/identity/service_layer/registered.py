"""Registration's accepted contractors become companies with their first
authorized user (R-REG-5)."""

from __future__ import annotations

from chassis.consumer import PermanentError
from chassis.errors import ProblemError
from chassis.uow import Transaction
from contracts.registration import RegistrationAccepted
from identity.adapters.repositories import CompanyRepository, JurisdictionRegistry
from identity.domain.company import Company
from identity.domain.membership import Membership
from identity.service_layer.common import Doc, Identity, audit
from identity.service_layer.companies import add_company
from identity.service_layer.people import NewPerson, add_person


async def _registrant_as_admin(
    idn: Identity, tx: Transaction, event: RegistrationAccepted, jurisdiction: Doc, company: Company
) -> Membership:
    """An existing login (the registrant set a password while registering) is
    granted at once; otherwise the registrant gets an invitation."""
    registrant = NewPerson(
        email=event.registrant_email,
        display_name=event.registrant_name,
        kind="contractor",
        company=company,
        company_admin=True,
    )
    try:
        membership, _ = await add_person(idn, tx, jurisdiction, registrant, actor=None)
    except ProblemError as exc:  # e.g. the email belongs to a staff member here
        raise PermanentError(f"cannot make the registrant a contractor: {exc}") from exc
    return membership


async def on_registration_accepted(
    idn: Identity, tx: Transaction, event: RegistrationAccepted
) -> None:
    """The company and its first authorized user (an admin) exist — once: the
    consumer's processed-events marker, and the company's unique registration id."""
    jurisdiction_id = event.jurisdiction_id
    jurisdiction = await JurisdictionRegistry(tx.db, tx.session).get(jurisdiction_id)
    if jurisdiction is None:
        raise PermanentError(f"registration for unknown jurisdiction {jurisdiction_id!r}")
    companies = CompanyRepository(tx, jurisdiction_id)
    if await companies.find_one({"registration_id": event.registration_id}):
        return
    profile = event.company.model_dump()
    company = await add_company(tx, jurisdiction_id, profile, registration_id=event.registration_id)
    await _registrant_as_admin(idn, tx, event, jurisdiction, company)
    await audit(
        tx,
        jurisdiction_id,
        "registration_accepted",
        actor=None,
        subject=company.id,
        registration_id=event.registration_id,
    )
