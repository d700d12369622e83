"""Jurisdictions: the tenant registry (operators create and configure them)."""

from __future__ import annotations

from chassis.uow import Transaction
from identity.adapters.repositories import JurisdictionRegistry, JurisdictionRepository
from identity.domain.jurisdiction import Jurisdiction
from identity.service_layer.common import Caller, Doc, Identity, load_jurisdiction


async def create_jurisdiction(
    idn: Identity,
    *,
    jurisdiction_id: str,
    fields: Doc,
    first_admin: Doc | None = None,
    actor: str | None = None,
) -> Doc:
    """Create a tenant; with ``first_admin`` also invite its first staff admin."""
    jurisdiction = Jurisdiction.new(jurisdiction_id, fields, at=idn.now)
    doc = JurisdictionRepository.to_doc(jurisdiction)

    async def work(tx: Transaction) -> None:
        from identity.service_layer.people import NewPerson, add_person

        await JurisdictionRepository(tx, jurisdiction_id).add(jurisdiction)
        if first_admin:
            admin = NewPerson(**first_admin, kind="staff", roles=["admin"])
            await add_person(idn, tx, doc, admin, actor)

    await idn.runtime.uow.run(work)
    return doc


async def update_jurisdiction(
    idn: Identity, caller: Caller, jurisdiction_id: str, fields: Doc
) -> Doc:
    async def work(tx: Transaction) -> Doc:
        jurisdictions = JurisdictionRepository(tx, jurisdiction_id)
        jurisdiction = await jurisdictions.require(jurisdiction_id)
        jurisdiction.configure(fields, by=caller.account_id, at=tx.clock.now())
        await jurisdictions.save(jurisdiction)
        return JurisdictionRepository.to_doc(jurisdiction)

    return await idn.runtime.uow.run(work)


async def get_jurisdiction(idn: Identity, jurisdiction_id: str) -> Doc:
    return await load_jurisdiction(idn.runtime.db, jurisdiction_id)


async def list_jurisdictions(idn: Identity) -> list[Doc]:
    return await JurisdictionRegistry(idn.runtime.db).list()
