"""Identity's event consumers."""

from __future__ import annotations

from chassis.consumer import EventConsumer, EventContext, PermanentError
from chassis.errors import ProblemError
from contracts.identity import AuthorizedUserAdded
from contracts.registration import RegistrationAccepted
from contracts.topics import REGISTRATION_EVENTS
from identity.adapters.repositories import Companies, JurisdictionRegistry
from identity.service_layer.common import Identity, audit
from identity.service_layer.companies import insert_company
from identity.service_layer.users import add_person


def registration_consumer(idn: Identity) -> EventConsumer:
    consumer = EventConsumer("identity.registration", REGISTRATION_EVENTS)

    @consumer.on(RegistrationAccepted)
    async def on_registration_accepted(event: RegistrationAccepted, ctx: EventContext) -> None:
        """R-REG-5: the company and its first authorized user (an admin) exist.

        Idempotent twice over: the consumer's processed-events marker, and the
        company's unique registration id.
        """
        tx, jid = ctx.tx, event.jurisdiction_id
        jurisdiction = await JurisdictionRegistry(tx.db, tx.session).get(jid)
        if jurisdiction is None:
            raise PermanentError(f"registration for unknown jurisdiction {jid!r}")
        if await tx.repo(Companies, jid).find_one({"registration_id": event.registration_id}):
            return
        fields = event.company.model_dump()
        fields["license_number"] = fields["license_number"].strip().upper()
        company = await insert_company(
            tx, jid, {**fields, "registration_id": event.registration_id}
        )
        try:
            # An existing login (the registrant set a password while registering)
            # is granted at once; otherwise the registrant gets an invitation.
            membership, _ = await add_person(
                idn,
                tx,
                jurisdiction=jurisdiction,
                email=event.registrant_email,
                display_name=event.registrant_name,
                kind="contractor",
                roles=[],
                delivery="invitation",
                actor=None,
                company=company,
                company_admin=True,
            )
        except ProblemError as exc:  # e.g. the email belongs to a staff member here
            raise PermanentError(f"cannot make the registrant a contractor: {exc}") from exc
        tx.emit(
            AuthorizedUserAdded(
                company_id=company["_id"],
                jurisdiction_id=jid,
                account_id=membership["account_id"],
                email=membership["email"],
                company_admin=True,
            ),
            jurisdiction_id=jid,
        )
        await audit(
            tx,
            jid,
            "registration_accepted",
            actor=None,
            subject=company["_id"],
            registration_id=event.registration_id,
        )

    return consumer
