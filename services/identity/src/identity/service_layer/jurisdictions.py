"""Jurisdictions: the tenant registry (operators create and configure them)."""

from __future__ import annotations

from chassis.changes import changed_keys
from chassis.repository import plain_doc
from identity.domain.jurisdiction import Jurisdiction
from identity.service_layer.commands import CreateJurisdiction, Public, UpdateJurisdiction
from identity.service_layer.common import Doc
from identity.service_layer.people import NewPerson, add_person
from identity.service_layer.unit_of_work import IdentityUnitOfWork


async def create_jurisdiction(cmd: CreateJurisdiction, uow: IdentityUnitOfWork) -> Doc:
    """Create a tenant; with ``first_admin`` also invite its first staff admin.
    The route lets operators only."""
    jurisdiction = Jurisdiction.new(uow.jurisdiction_id, cmd.fields, at=uow.now)
    doc = plain_doc(jurisdiction)
    await uow.jurisdictions.add(jurisdiction)
    if cmd.first_admin:
        admin = NewPerson(**cmd.first_admin, kind="staff", roles=["admin"])
        await add_person(uow, doc, admin, cmd.actor_id)
    return doc


async def update_jurisdiction(cmd: UpdateJurisdiction, uow: IdentityUnitOfWork) -> Doc:
    """The route lets operators and the jurisdiction's admins."""
    jurisdiction = await uow.jurisdictions.load()
    before = plain_doc(jurisdiction)
    jurisdiction.configure(cmd.fields, by=cmd.caller.account_id, at=uow.now)
    await uow.jurisdictions.save(jurisdiction)
    after = plain_doc(jurisdiction)
    changed = [k for k in changed_keys(before, after) if k not in ("version", "history")]
    await uow.audit.record(
        "configuration_changed",
        actor=cmd.caller.account_id,
        subject=uow.jurisdiction_id,
        what="jurisdiction profile",
        changed=changed,
    )
    return after


async def get_jurisdiction(query: Public, uow: IdentityUnitOfWork) -> Doc:
    return await uow.jurisdictions.require()


async def list_jurisdictions(query: Public, uow: IdentityUnitOfWork) -> list[Doc]:
    return await uow.jurisdictions.all()
