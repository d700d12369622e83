"""Jurisdictions: the tenant registry (operators create and configure them)."""

from __future__ import annotations

from chassis.changes import changed_keys
from chassis.refusals import Denied
from chassis.repository import plain_doc
from identity.domain.jurisdiction import Jurisdiction
from identity.service_layer.commands import CreateJurisdiction, Public, UpdateJurisdiction
from identity.service_layer.common import Doc, require_staff
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


ADMIN_SETTINGS = frozenset({"branding", "password_policy", "reset_requires_security_answer"})


async def update_jurisdiction(cmd: UpdateJurisdiction, uow: IdentityUnitOfWork) -> Doc:
    """The operator changes anything; the jurisdiction's admins its branding
    and password rules (issue 27), not its name, time zone or features (403
    naming them); anyone else of another jurisdiction gets 404."""
    if not cmd.caller.is_operator:
        require_staff(cmd.caller, uow.jurisdiction_id, "admin")
        beyond = sorted(set(cmd.fields) - ADMIN_SETTINGS)
        if beyond:
            msg = "only the hosting operator changes this"
            raise Denied(
                f"only the hosting operator changes {', '.join(beyond)}",
                parts=[(b, msg) for b in beyond],
            )
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
