"""Registration's accepted contractors become companies with their first
authorized user (R-REG-5)."""

from __future__ import annotations

from chassis.consumer import PermanentError
from chassis.refusals import Refused
from contracts.registration import RegistrationAccepted
from identity.domain.company import Company
from identity.domain.membership import Membership
from identity.service_layer.common import Doc
from identity.service_layer.people import NewPerson, add_person
from identity.service_layer.unit_of_work import IdentityUnitOfWork


async def _registrant_as_admin(
    uow: IdentityUnitOfWork, event: RegistrationAccepted, jurisdiction: Doc, company: Company
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
        membership, _ = await add_person(uow, jurisdiction, registrant, actor=None)
    except Refused as exc:  # e.g. the email belongs to a staff member here
        raise PermanentError(f"cannot make the registrant a contractor: {exc}") from exc
    return membership


async def on_registration_accepted(event: RegistrationAccepted, uow: IdentityUnitOfWork) -> None:
    """The company and its first authorized user (an admin) exist — once: the
    consumer's processed-events marker, and the company's unique registration id."""
    jurisdiction = await uow.jurisdictions.get(uow.jurisdiction_id)
    if jurisdiction is None:
        raise PermanentError(f"registration for unknown jurisdiction {uow.jurisdiction_id!r}")
    if await uow.companies.find_one({"registration_id": event.registration_id}):
        return
    company = Company.new(
        jurisdiction_id=uow.jurisdiction_id,
        profile=event.company.model_dump(),
        at=uow.now,
        registration_id=event.registration_id,
    )
    await uow.companies.add(company)
    await _registrant_as_admin(uow, event, jurisdiction, company)
    await uow.audit.record(
        "registration_accepted",
        actor=None,
        subject=company.id,
        registration_id=event.registration_id,
    )
